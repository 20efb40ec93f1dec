"""Docs-rooted media URLs in attributes MkDocs does not rewrite (video, audio, source,
track): made relative to the page, as MkDocs does itself for <a href> and <img src>."""
from __future__ import annotations

import posixpath
import re

MEDIA_ATTRIBUTE = re.compile(r'(<(?:video|audio|source|track)\b[^>]*?\b(?:src|poster)=")(/media/[^"]*)(")')


def relative_media_urls(html: str, page_url: str) -> str:
    base = "/" + page_url if page_url.endswith("/") or not page_url else "/" + posixpath.dirname(page_url) + "/"

    def relative(match):
        return match.group(1) + posixpath.relpath(match.group(2), base) + match.group(3)

    return MEDIA_ATTRIBUTE.sub(relative, html)
