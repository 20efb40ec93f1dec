"""Sitemaps with hreflang alternates: one per language, and an index at the site root.

MkDocs writes a sitemap per build that knows nothing of the other languages; this replaces
it with one that lists, for each page, every language version that exists (and x-default),
as search engines expect of a multilingual site.
"""
from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from .pages import PageVersions, page_url

HEADER = '<?xml version="1.0" encoding="UTF-8"?>\n'


def language_sitemap(versions: PageVersions, lang: str, site_url: str, source_language: str,
                     excluded: set[str] = frozenset()) -> str:
    lines = [HEADER + '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">']
    for rel_path in sorted(versions.by_path):
        have = [code for code in versions.languages_of(rel_path) if (code, rel_path) not in excluded]
        if lang not in have:
            continue
        url = page_url(rel_path)
        lines.append(f"  <url>\n    <loc>{escape(site_url + lang + '/' + url)}</loc>")
        for code in have:
            lines.append(f'    <xhtml:link rel="alternate" hreflang="{code}" href={quoteattr(site_url + code + "/" + url)}/>')
        if source_language in have:
            lines.append(f'    <xhtml:link rel="alternate" hreflang="x-default" href={quoteattr(site_url + source_language + "/" + url)}/>')
        lines.append("  </url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def sitemap_index(site_url: str, languages: list[str]) -> str:
    lines = [HEADER + '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for code in languages:
        lines.append(f"  <sitemap><loc>{escape(site_url + code + '/sitemap.xml')}</loc></sitemap>")
    lines.append("</sitemapindex>")
    return "\n".join(lines) + "\n"
