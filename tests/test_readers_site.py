"""A site for readers: the contributors' pages (guides, translations, brand rules, benchmark)
are reached from the footer and "Get involved", never from the reader's navigation, search
or sitemaps; no manual-style previous/next footers or reading times."""
from __future__ import annotations

import pytest

from scripts.languages import UN_LANGUAGES
from tests.helpers import find, parse, search_documents

CONTRIBUTORS = ["editors-guide/", "translators-guide/", "translations/", "brand-rules/", "benchmark/"]


@pytest.mark.parametrize("lang", UN_LANGUAGES)
def test_contributors_pages_are_out_of_the_readers_navigation_search_and_sitemap(site, lang):
    page = parse(site / lang / "about" / "index.html")
    nav = [a.attrs.get("href", "") for a in find(page, "a") if "md-nav__link" in (a.attrs.get("class") or "")]
    assert nav and not [href for href in nav for rel in CONTRIBUTORS if href.rstrip("/").endswith(rel.rstrip("/"))], nav
    footer = [a.attrs["href"] for a in find(page, "a") if a.attrs.get("href", "").startswith("../")
              and any(a.attrs["href"] == f"../{rel}" for rel in CONTRIBUTORS)]
    assert sorted(footer) == sorted(f"../{rel}" for rel in CONTRIBUTORS), "the footer links the contributors' area"
    sitemap = (site / lang / "sitemap.xml").read_text(encoding="utf-8")
    assert not [rel for rel in CONTRIBUTORS if f"/{lang}/{rel}<" in sitemap]
    urls = {d["url"] for d in search_documents(site, lang)}
    assert not [rel for rel in CONTRIBUTORS if f"/{rel}" in urls]
    for rel in CONTRIBUTORS:
        robots = find(parse(site / lang / rel / "index.html"), "meta", name="robots")
        assert robots and robots[0].attrs["content"] == "noindex", rel


@pytest.mark.parametrize("lang", ["en", "ar", "zh"])
def test_get_involved_leads_to_the_contributors_area(site, lang):
    page = parse(site / lang / "get-involved" / "index.html")
    hrefs = {a.attrs.get("href") for a in find(page, "a")}
    assert {f"../{rel}" for rel in CONTRIBUTORS} <= hrefs


@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
def test_pages_and_posts_read_like_a_site_not_a_manual(site, lang):
    post = (site / lang / "news" / "logo-use-policy" / "index.html").read_text(encoding="utf-8")
    assert "md-footer__link--next" not in post and "md-footer__link--prev" not in post
    assert "md-footer__link" not in (site / lang / "about" / "index.html").read_text(encoding="utf-8")
    assert "md-ellipsis\">1 min" not in post and "min read" not in post, "no reading time on posts"


def test_the_home_page_features_no_stand_in_video(site):
    from scripts import ROOT
    from scripts.videos import load_videos
    videos = load_videos(ROOT, list(UN_LANGUAGES))
    home = (site / "en" / "index.html").read_text(encoding="utf-8")
    for video in videos:
        if video.stand_in:
            assert video.title["en"] not in home


@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
def test_the_assessments_approved_later_are_listed_from_the_data(site, lang):
    from scripts import ROOT
    from scripts.assessments import load_assessments
    from scripts.embargo import build_clock
    later = load_assessments(ROOT, list(UN_LANGUAGES), build_clock()).without_launch()
    assert later, "the data lists assessments approved after 2019"
    page = parse(site / lang / "assessments" / "index.html")
    cards = [e for e in page.elements if e.tag == "p" and "ipbes-card__text" in (e.attrs.get("class") or "")]
    for entry in later:
        shown = [c for c in cards if " ".join(c.text.split()) == entry.title.get(lang, entry.title["en"])]
        assert shown, f"{entry.key} not listed in {lang}"
        if lang not in entry.title:
            assert shown[0].attrs.get("lang") == "en", "an English title inside another language is marked"
