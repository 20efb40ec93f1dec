"""What search engines read at the site root and in the sitemaps: the chooser's absolute
hreflang set with x-default, a 404 page with none, category pages in the sitemaps, and
<lastmod> from git."""
from __future__ import annotations

import datetime as dt
import os
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from scripts import ROOT, sitemaps
from scripts.chooser import write_root
from scripts.languages import UN_LANGUAGES
from scripts.pages import PageVersions
from tests.helpers import find, parse

SITE_URL = "https://outreach.example.org/"
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}


@pytest.fixture(scope="module")
def root_pages(tmp_path_factory):
    site = tmp_path_factory.mktemp("root")
    write_root(site, ROOT, list(UN_LANGUAGES), "en", SITE_URL, ":root{}")
    return site


def _alternates(path: Path) -> dict[str, str]:
    return {l.attrs["hreflang"]: l.attrs["href"] for l in find(parse(path), "link", rel="alternate") if l.attrs.get("hreflang")}


def test_chooser_names_every_home_by_absolute_address_and_itself_as_x_default(root_pages):
    links = _alternates(root_pages / "index.html")
    assert links == {**{code: f"{SITE_URL}{code}/" for code in UN_LANGUAGES}, "x-default": SITE_URL}
    canonical = [l.attrs["href"] for l in find(parse(root_pages / "index.html"), "link", rel="canonical")]
    assert canonical == [SITE_URL]


def test_root_404_has_no_hreflang_and_is_not_indexed(root_pages):
    parsed = parse(root_pages / "404.html")
    assert _alternates(root_pages / "404.html") == {}
    assert [m.attrs.get("content") for m in find(parsed, "meta", name="robots")] == ["noindex"]
    assert not find(parsed, "link", rel="canonical")


def test_root_404_links_under_the_site_base_path(tmp_path):
    write_root(tmp_path, ROOT, ["en", "fr"], "en", "https://example.org/ipbes/", ":root{}")
    parsed = parse(tmp_path / "404.html")
    hrefs = [a.attrs["href"] for a in find(parsed, "a")]
    assert hrefs == ["/ipbes/en/", "/ipbes/fr/"]


def test_built_site_root(site, shared):
    assert _alternates(site / "index.html")["x-default"] == shared.site_url
    assert all(href.startswith(shared.site_url) for href in _alternates(site / "index.html").values())
    assert _alternates(site / "404.html") == {}


VERSIONS = PageVersions(("en", "fr"), {"index.md": frozenset({"en", "fr"}), "about.md": frozenset({"en", "fr"}),
                                       "news/posts/a.md": frozenset({"en"})})


def test_sitemap_lastmod_extra_urls_and_home_x_default():
    text = sitemaps.language_sitemap(VERSIONS, "en", SITE_URL, "en", lastmod={"about.md": dt.date(2024, 5, 1)},
                                     extra_urls=[f"{SITE_URL}en/news/category/news/"], home_x_default=SITE_URL)
    root = ET.fromstring(text.encode("utf-8"))
    entries = {u.find("s:loc", NS).text: u for u in root.findall("s:url", NS)}
    assert list(entries) == [f"{SITE_URL}en/about/", f"{SITE_URL}en/", f"{SITE_URL}en/news/a/", f"{SITE_URL}en/news/category/news/"]
    assert entries[f"{SITE_URL}en/about/"].find("s:lastmod", NS).text == "2024-05-01"
    assert entries[f"{SITE_URL}en/"].find("s:lastmod", NS) is None
    home = {l.get("hreflang"): l.get("href") for l in entries[f"{SITE_URL}en/"].findall("x:link", NS)}
    assert home["x-default"] == SITE_URL
    about = {l.get("hreflang"): l.get("href") for l in entries[f"{SITE_URL}en/about/"].findall("x:link", NS)}
    assert about["x-default"] == f"{SITE_URL}en/about/"
    assert entries[f"{SITE_URL}en/news/category/news/"].findall("x:link", NS) == []


def test_category_pages_are_found_by_their_canonical_address(site, shared):
    for lang in ("en", "fr", "zh"):
        urls = sitemaps.built_page_urls(site / lang)
        assert urls, lang
        assert all(u.startswith(f"{shared.site_url}{lang}/news/category/") and u.endswith("/") for u in urls), urls
    assert any("%" in u for u in sitemaps.built_page_urls(site / "fr"))  # percent-encoded as the page declares it


def test_noindex_category_pages_are_left_out(tmp_path):
    for name, robots in (("a", ""), ("b", '<meta name="robots" content="noindex">')):
        page = tmp_path / "news" / "category" / name / "index.html"
        page.parent.mkdir(parents=True)
        page.write_text(f'<head><link rel="canonical" href="{SITE_URL}en/news/category/{name}/">{robots}</head>', encoding="utf-8")
    assert sitemaps.built_page_urls(tmp_path) == [f"{SITE_URL}en/news/category/a/"]


def _commit(repo: Path, message: str, when: str):
    env = dict(os.environ, GIT_AUTHOR_DATE=when, GIT_COMMITTER_DATE=when)
    subprocess.run(["git", "-C", str(repo), "add", "-A"], check=True)
    subprocess.run(["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", message],
                   check=True, env=env)


def test_last_modified_from_one_git_log(tmp_path, monkeypatch):
    repo = tmp_path / "repo"
    (repo / "docs" / "fr").mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    (repo / "docs" / "fr" / "a.md").write_text("a", encoding="utf-8")
    (repo / "docs" / "fr" / "é [1].md").write_text("b", encoding="utf-8")
    _commit(repo, "one", "2023-01-02T23:30:00-05:00")
    (repo / "docs" / "fr" / "a.md").write_text("a2", encoding="utf-8")
    _commit(repo, "two", "2024-03-04T10:00:00+00:00")
    (repo / "untracked.md").write_text("c", encoding="utf-8")
    calls = []
    real = subprocess.Popen
    monkeypatch.setattr(subprocess, "Popen", lambda *a, **k: calls.append(a) or real(*a, **k))
    dates = sitemaps.last_modified(repo, [repo / "docs" / "fr" / "a.md", "docs/fr/é [1].md", "untracked.md", "/elsewhere.md"])
    assert dates == {repo / "docs" / "fr" / "a.md": dt.date(2024, 3, 4), "docs/fr/é [1].md": dt.date(2023, 1, 3)}
    assert len(calls) == 1


def test_last_modified_without_git_is_empty(tmp_path):
    (tmp_path / "a.md").write_text("a", encoding="utf-8")
    assert sitemaps.last_modified(tmp_path, ["a.md"]) == {}
