"""Sitemaps with hreflang alternates: one per language, and an index at the site root.

MkDocs writes a sitemap per build that knows nothing of the other languages; this replaces
it with one that lists, for each page, every language version that exists (and x-default),
as search engines expect of a multilingual site. Pages the blog makes (news categories)
have no version list of their own: they are listed by the canonical address their built
page declares, unless it is noindex. `<lastmod>` is the date of the last commit that changed
the page's source, read from git in one `git log` for the whole site.
"""
from __future__ import annotations

import datetime as dt
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from .pages import PageVersions, page_url

HEADER = '<?xml version="1.0" encoding="UTF-8"?>\n'
CATEGORY_PAGES = "news/category/*/index.html"
COMMIT_MARK = "\x1e"  # starts each commit's line in the git log output; never in a path git prints unquoted
GIT_TIMEOUT_SECONDS = 120


def language_sitemap(versions: PageVersions, lang: str, site_url: str, source_language: str,
                     excluded: set[str] = frozenset(), lastmod: dict[str, dt.date] | None = None,
                     extra_urls: list[str] = (), home_x_default: str | None = None) -> str:
    """`lastmod`: page path (as in `versions`) -> date of its source in this language.
    `extra_urls`: absolute addresses of pages outside `versions` (category pages), without alternates.
    `home_x_default`: the x-default of the home pages' set (the site root's chooser) when there is one."""
    lastmod = lastmod or {}
    lines = [HEADER + '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">']
    for rel_path in sorted(versions.by_path):
        have = [code for code in versions.languages_of(rel_path) if (code, rel_path) not in excluded]
        if lang not in have:
            continue
        url = page_url(rel_path)
        lines.append(f"  <url>\n    <loc>{escape(site_url + lang + '/' + url)}</loc>")
        if rel_path in lastmod:
            lines.append(f"    <lastmod>{lastmod[rel_path].isoformat()}</lastmod>")
        for code in have:
            lines.append(f'    <xhtml:link rel="alternate" hreflang="{code}" href={quoteattr(site_url + code + "/" + url)}/>')
        if url == "" and home_x_default:
            lines.append(f'    <xhtml:link rel="alternate" hreflang="x-default" href={quoteattr(home_x_default)}/>')
        elif source_language in have:
            lines.append(f'    <xhtml:link rel="alternate" hreflang="x-default" href={quoteattr(site_url + source_language + "/" + url)}/>')
        lines.append("  </url>")
    for url in sorted(set(extra_urls)):
        lines.append(f"  <url>\n    <loc>{escape(url)}</loc>\n  </url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def sitemap_index(site_url: str, languages: list[str]) -> str:
    lines = [HEADER + '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for code in languages:
        lines.append(f"  <sitemap><loc>{escape(site_url + code + '/sitemap.xml')}</loc></sitemap>")
    lines.append("</sitemapindex>")
    return "\n".join(lines) + "\n"


class _Head(HTMLParser):
    def __init__(self):
        super().__init__()
        self.canonical = None
        self.noindex = False

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "link" and (values.get("rel") or "").lower() == "canonical" and self.canonical is None:
            self.canonical = values.get("href")
        elif tag == "meta" and (values.get("name") or "").lower() == "robots" and "noindex" in (values.get("content") or "").lower():
            self.noindex = True


def built_page_urls(site_lang: Path, pattern: str = CATEGORY_PAGES) -> list[str]:
    """The canonical addresses of the built pages matching `pattern` that may be indexed."""
    urls = []
    for page in sorted(Path(site_lang).glob(pattern)):
        head = _Head()
        head.feed(page.read_text(encoding="utf-8"))
        head.close()
        if head.canonical and not head.noindex:
            urls.append(head.canonical)
    return urls


def last_modified(root: Path, paths) -> dict:
    """path -> date (UTC) of the last commit that changed it, for each of `paths` (absolute or
    relative to `root`) that git knows; one `git log` for all of them, read until every path
    is dated. Paths git does not track, or no git at all, get no entry: their sitemap entries
    carry no <lastmod>. A shallow clone dates every older file at its oldest commit: CI must
    fetch the whole history (actions/checkout `fetch-depth: 0`)."""
    root = Path(root).resolve()
    wanted: dict[str, list] = {}
    for path in paths:
        candidate = Path(path)
        try:
            rel = (candidate if candidate.is_absolute() else root / candidate).resolve().relative_to(root).as_posix()
        except ValueError:
            continue
        wanted.setdefault(rel, []).append(path)
    if not wanted:
        return {}
    command = ["git", "-C", str(root), "-c", "core.quotePath=false", "--literal-pathspecs", "log", "--relative",
               "--no-renames", "--name-only", f"--format={COMMIT_MARK}%ct", "--", *sorted(wanted)]
    dates: dict = {}
    try:
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, encoding="utf-8")
    except OSError:
        return {}
    stamp = None
    remaining = set(wanted)
    try:
        for line in process.stdout:
            line = line.rstrip("\n")
            if line.startswith(COMMIT_MARK):
                stamp = dt.datetime.fromtimestamp(int(line[1:]), dt.timezone.utc).date()
            elif line and stamp is not None and line in remaining:
                remaining.discard(line)
                for original in wanted[line]:
                    dates[original] = stamp
                if not remaining:
                    break
    finally:
        process.stdout.close()
        if process.poll() is None:
            process.terminate()
        process.wait(timeout=GIT_TIMEOUT_SECONDS)
    return dates
