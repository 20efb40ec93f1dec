"""An Atom feed per language (`/<lang>/news/feed.xml`), so partner organisations can
cross-publish IPBES releases, as the secretariat's note asks (reciprocal agreements with
partners' communication units).

Material's blog plugin writes no feed, and the usual RSS plugin is a third-party MkDocs
plugin (dropped by Zensical). Atom is a small format; writing it with ElementTree keeps the
output byte-for-byte the same for the same posts (no "generated at" time), which the
reproducible builds need, without pulling in lxml.
"""
from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from .embeds.html import absolute_urls

ATOM = "http://www.w3.org/2005/Atom"
FEED_PATH = "news/feed.xml"


@dataclass(frozen=True)
class FeedPost:
    url: str
    title: str
    published: dt.datetime
    summary: str
    content_html: str
    categories: list = field(default_factory=list)
    authors: list = field(default_factory=list)
    lang: str | None = None     # set when the entry is not in the feed's language (an English fallback)


def _moment(value) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)
    return dt.datetime.combine(value, dt.time(0, 0), tzinfo=dt.timezone.utc)


def entry_html(html: str, page_url: str) -> str:
    """A post's HTML as a feed reader needs it: absolute links, no permalink anchors or excerpt marker."""
    html = re.sub(r'<a class="headerlink"[^>]*>.*?</a>', "", html)
    html = html.replace("<!-- more -->", "")
    return absolute_urls(html, page_url).strip()


def atom_feed(lang: str, title: str, site_url: str, home_url: str, posts: list[FeedPost], author: str) -> str:
    """The feed, newest first; `site_url` is the language root (https://host/<lang>/)."""
    ET.register_namespace("", ATOM)
    posts = sorted(posts, key=lambda p: (_moment(p.published), p.url), reverse=True)
    feed = ET.Element(f"{{{ATOM}}}feed", {"xml:lang": lang})
    ET.SubElement(feed, f"{{{ATOM}}}id").text = site_url + FEED_PATH
    ET.SubElement(feed, f"{{{ATOM}}}title").text = title
    updated = max((_moment(p.published) for p in posts), default=dt.datetime(2017, 1, 1, tzinfo=dt.timezone.utc))
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = updated.isoformat()
    ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "self", "type": "application/atom+xml", "href": site_url + FEED_PATH})
    ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "alternate", "type": "text/html", "href": home_url})
    ET.SubElement(ET.SubElement(feed, f"{{{ATOM}}}author"), f"{{{ATOM}}}name").text = author
    for post in posts:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry", {"xml:lang": post.lang} if post.lang and post.lang != lang else {})
        ET.SubElement(entry, f"{{{ATOM}}}id").text = post.url
        ET.SubElement(entry, f"{{{ATOM}}}title").text = post.title
        ET.SubElement(entry, f"{{{ATOM}}}link", {"rel": "alternate", "type": "text/html", "href": post.url})
        stamp = _moment(post.published).isoformat()
        ET.SubElement(entry, f"{{{ATOM}}}published").text = stamp
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = stamp
        for name in post.authors:
            ET.SubElement(ET.SubElement(entry, f"{{{ATOM}}}author"), f"{{{ATOM}}}name").text = name
        for category in post.categories:
            ET.SubElement(entry, f"{{{ATOM}}}category", {"term": category})
        if post.summary:
            ET.SubElement(entry, f"{{{ATOM}}}summary").text = post.summary
        ET.SubElement(entry, f"{{{ATOM}}}content", {"type": "html"}).text = post.content_html
    ET.indent(feed)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"
