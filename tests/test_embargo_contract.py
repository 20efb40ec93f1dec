"""The embargo contract on a tiny built tree: every kind of leak found, a clean tree passes."""
from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from PIL import Image

from scripts import embargo_contract as ec
from scripts import images

TITLE = "Pollinators & food: the 2026 assessment"
SENTENCE = "Three quarters of food crops depend on animal pollination."


def png(colour: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 32), colour).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def world(tmp_path):
    source = tmp_path / "docs" / "en" / "news" / "posts" / "launch.md"
    source.parent.mkdir(parents=True)
    source.write_text(f"---\nembargo: 2099-01-01T00:00:00+00:00\n---\n# {TITLE}\n\n{SENTENCE}\n", encoding="utf-8")
    cover = tmp_path / "docs" / "media" / "launch-cover.png"
    cover.parent.mkdir(parents=True)
    cover.write_bytes(png("#aa3300"))
    item = ec.EmbargoedItem(source=source, titles=(TITLE, "Pollinisateurs et alimentation"), sentences=(SENTENCE,),
                            file_names=("launch-cover.png", "launch-factsheet.pdf"),
                            url_paths=("en/news/posts/launch/", "fr/news/posts/launch/"), files=(cover,))
    site = tmp_path / "site"
    (site / "en" / "about").mkdir(parents=True)
    (site / "en" / "about" / "index.html").write_text(
        "<html><head><title>About</title></head><body><p>About IPBES and its food crops work.</p>"
        "<img src='../media/other.png'></body></html>", encoding="utf-8")
    (site / "en" / "media").mkdir()
    (site / "en" / "media" / "other.png").write_bytes(png("#0033aa"))
    (site / "en" / "sitemap.xml").write_text("<urlset><url><loc>https://x.org/en/about/</loc></url></urlset>", encoding="utf-8")
    return site, item, cover


def leaks(site, item) -> list[str]:
    return [p.message for p in ec.check_embargo(site, [item])]


def test_a_clean_site_passes(world):
    site, item, _ = world
    assert leaks(site, item) == []


def test_the_page_itself(world):
    site, item, _ = world
    (site / "fr" / "news" / "posts" / "launch").mkdir(parents=True)
    (site / "fr" / "news" / "posts" / "launch" / "index.html").write_text("<p>x</p>", encoding="utf-8")
    found = leaks(site, item)
    assert len(found) == 1 and "its page" in found[0] and "fr/news/posts/launch/index.html" in found[0]


@pytest.mark.parametrize("name,content,expected", [
    ("en/index.html", f"<h2>{TITLE.replace('&', '&amp;')}</h2>", "the text"),
    ("en/index.html", "<p>Three quarters of <em>food crops</em>\n   depend on animal pollination.</p>", "the text"),
    ("en/index.html", "<meta property='og:title' content='Pollinators &amp; food: the 2026 ASSESSMENT'>", "the text"),
    ("fr/feed.xml", "<entry><content type='html'>&lt;p&gt;Pollinisateurs et alimentation&lt;/p&gt;</content></entry>", "the text"),
    ("en/search/search_index.json", json.dumps({"docs": [{"title": "Pollinisateurs et alimentation"}]}), "the text"),
    ("en/search/search_index.json", json.dumps({"docs": [{"location": "news/posts/launch/", "title": "x"}]}), "a link to its page"),
    ("en/sitemap.xml", "<urlset><url><loc>https://x.org/en/news/posts/launch/</loc></url></urlset>", "a link to its page"),
    ("en/index.html", "<a href='news/posts/launch/'>Read</a>", "a link to its page"),
    ("en/calendar/launch.ics", "BEGIN:VEVENT\r\nSUMMARY:Pollinators & food: the 202\r\n 6 assessment\r\nEND:VEVENT\r\n", "the text"),
    ("en/translations/index.html", "<td>news/posts/launch.md</td><td>launch-factsheet.pdf</td>", "launch-factsheet"),
    ("en/assets/launch-cover.png", None, "the file name launch-cover.png"),
    ("en/assets/renamed.png", "cover-bytes", "under another name"),
])
def test_each_kind_of_leak_is_found(world, name, content, expected):
    site, item, cover = world
    target = site / name
    target.parent.mkdir(parents=True, exist_ok=True)
    if content is None or content == "cover-bytes":
        target.write_bytes(cover.read_bytes())
    else:
        target.write_text(content, encoding="utf-8")
    found = leaks(site, item)
    assert any(expected in m and name in m for m in found), found


def test_resized_variants_of_an_embargoed_image_are_found(world, tmp_path):
    site, item, cover = world
    _, made = images.variants(cover, tmp_path / "cache")
    variant = made["image/webp"][0][1]
    target = site / "en" / "assets" / "ipbes" / "img" / variant.name
    target.parent.mkdir(parents=True)
    target.write_bytes(variant.read_bytes())
    assert any("resized copy" in m for m in leaks(site, item))


def test_leaks_are_reported_on_the_source_and_capped(world):
    site, item, _ = world
    for number in range(ec.MAX_LEAKS_PER_ITEM + 3):
        (site / "en" / f"page{number}.html").write_text(f"<p>{SENTENCE}</p>", encoding="utf-8")
    problems = ec.check_embargo(site, [item])
    assert all(p.file == item.source for p in problems)
    assert len(problems) == ec.MAX_LEAKS_PER_ITEM + 1 and "3 more" in problems[-1].message


def test_short_titles_are_not_searched(world):
    site, item, _ = world
    short = ec.EmbargoedItem(source=item.source, titles=("x" * (ec.MIN_NEEDLE_CHARS - 1),))
    (site / "en" / "x.html").write_text("<p>" + "x" * 50 + "</p>", encoding="utf-8")
    assert ec.check_embargo(site, [short]) == []
    longer = ec.EmbargoedItem(source=item.source, titles=("x" * ec.MIN_NEEDLE_CHARS,))
    assert ec.check_embargo(site, [longer])


def test_an_unrelated_link_with_the_same_last_folder_is_not_a_leak(world):
    site, item, _ = world
    (site / "en" / "index.html").write_text("<a href='assessments/launch/'>x</a><a href='news/posts/launch-party/'>y</a>",
                                            encoding="utf-8")
    assert leaks(site, item) == []


def test_broken_json_and_binary_garbage_do_not_stop_the_check(world):
    site, item, _ = world
    (site / "en" / "broken.json").write_text('{"title": "Pollinisateurs et alimentation"', encoding="utf-8")
    (site / "en" / "blob.bin").write_bytes(bytes(range(256)) * 10)
    assert any("broken.json" in m for m in leaks(site, item))
