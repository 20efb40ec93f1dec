"""URL rewriting MkDocs does not do: docs-rooted media URLs in video, audio, source and
track attributes made relative to the page (as MkDocs does for <a href> and <img src>), and
relative URLs made absolute for HTML that leaves the site (feed entries)."""
from __future__ import annotations

import posixpath
import re

MEDIA_ATTRIBUTE = re.compile(r'(<(?:video|audio|source|track)\b[^>]*?\b(?:src|poster)=")(/media/[^"]*)(")')


def relative_media_urls(html: str, page_url: str) -> str:
    base = "/" + page_url if page_url.endswith("/") or not page_url else "/" + posixpath.dirname(page_url) + "/"

    def relative(match):
        return match.group(1) + posixpath.relpath(match.group(2), base) + match.group(3)

    return MEDIA_ATTRIBUTE.sub(relative, html)


RELATIVE_URL = re.compile(r'(\s(?:href|src|poster)=")(?![a-z][a-z0-9+.-]*:|/|#)([^"]*)(")')


def absolute_urls(html: str, page_url: str) -> str:
    """Relative links made absolute, for HTML that leaves the site (feed entries)."""
    from urllib.parse import urljoin
    return RELATIVE_URL.sub(lambda m: m.group(1) + urljoin(page_url, m.group(2)) + m.group(3), html)
