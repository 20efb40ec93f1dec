"""News: one blog per language, locale dates, the same post URL in every language, an Atom
feed per language linked from every page, and embargoed posts kept out of all of it."""
from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from babel.dates import format_date

from scripts import ROOT
from scripts.build import build_site
from scripts.i18n import gettext
from scripts.languages import UN_LANGUAGES
from tests.helpers import file_text, search_documents, find, parse

ATOM = {"a": "http://www.w3.org/2005/Atom"}
POSTS = {"regional-volunteers": dt.date(2026, 11, 24), "logo-use-policy": dt.date(2026, 11, 20),
         "needs-analysis-survey": dt.date(2026, 11, 17)}


@pytest.mark.parametrize("lang", UN_LANGUAGES)
def test_blog_per_language_with_locale_dates(site, lang):
    index = (site / lang / "news" / "index.html").read_text(encoding="utf-8")
    for slug, date in POSTS.items():
        post = site / lang / "news" / slug / "index.html"
        assert post.is_file(), f"{lang}: {slug}"
        assert format_date(date, "long", locale=lang) in post.read_text(encoding="utf-8")
        assert f'href="{slug}/"' in index
    assert find(parse(site / lang / "news" / "index.html"), "html")[0].attrs["lang"] == lang


@pytest.mark.parametrize("lang", UN_LANGUAGES)
def test_feed_per_language(site, shared, lang):
    feed = ET.parse(site / lang / "news" / "feed.xml").getroot()
    assert feed.tag == "{http://www.w3.org/2005/Atom}feed"
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == lang
    assert feed.find("a:title", ATOM).text == gettext(ROOT / "locales", lang, "IPBES news")
    entries = feed.findall("a:entry", ATOM)
    urls = [e.find("a:link", ATOM).get("href") for e in entries]
    assert urls == [f"{shared.site_url}{lang}/news/{slug}/" for slug in POSTS], "newest first"
    for entry, date in zip(entries, POSTS.values()):
        assert entry.find("a:published", ATOM).text.startswith(date.isoformat())
        content = entry.find("a:content", ATOM).text
        assert "headerlink" not in content and 'href="../' not in content
    for html in list((site / lang).rglob("index.html"))[:40]:
        links = [l.attrs["href"] for l in find(parse(html), "link") if l.attrs.get("type") == "application/atom+xml"]
        assert len(links) == 1, html
        assert (html.parent / links[0]).resolve() == (site / lang / "news" / "feed.xml").resolve()


def test_embargoed_post_is_absent_from_blog_feed_and_search_until_its_time(project):
    post = project / "docs" / "en" / "news" / "posts" / "embargoed-release.md"
    post.write_text("---\ndate: 2026-11-24\nembargo: 2031-01-01T00:00:00+01:00\ncategories: [News]\n---\n\n"
                    "# Embargoed-release-marker\n\nText of the release.\n", encoding="utf-8")
    before = build_site(project, project / "before", languages=["en"], report=lambda *_: None, now="2030-12-31T22:59:00Z")
    leaks = [p for p in before.rglob("*") if p.is_file() and "Embargoed-release-marker" in file_text(p)]
    assert leaks == [] and not (before / "en/news/embargoed-release").exists()
    after = build_site(project, project / "after", languages=["en"], report=lambda *_: None, now="2030-12-31T23:00:01Z")
    assert (after / "en/news/embargoed-release/index.html").is_file()
    assert "Embargoed-release-marker" in (after / "en/news/feed.xml").read_text(encoding="utf-8")
    assert any("Embargoed-release-marker" in doc["content"] for doc in search_documents(after, "en"))
