"""Light pages for slow connections: what the first load of a page transfers (compressed), the
search index (Pagefind) only when a reader searches, and responsive AVIF/WebP images with their sizes."""
from __future__ import annotations

import gzip
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from PIL import Image

from scripts import images
from tests.helpers import find, parse

BUDGET_KB = 150
TEXT_TYPES = (".html", ".css", ".js", ".json", ".svg", ".xml", ".txt")


def first_load(browser, origin: str, path: str) -> list[str]:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    loaded: list[str] = []
    page.on("requestfinished", lambda r: loaded.append(r.url))
    page.goto(f"{origin}/{path}", wait_until="networkidle")
    page.wait_for_timeout(300)
    page.close()
    return loaded


def transferred_bytes(site: Path, urls: list[str]) -> int:
    """What the files would cost over the wire from a host that gzips text (most do)."""
    total = 0
    for url in urls:
        path = site / unquote(urlsplit(url).path).lstrip("/")
        path = path / "index.html" if path.is_dir() else path
        data = path.read_bytes()
        total += len(gzip.compress(data, 6)) if path.suffix in TEXT_TYPES else len(data)
    return total


@pytest.mark.parametrize("path", ["en/", "en/assessments/global/", "ar/", "zh/assessments/global/"])
def test_first_load_stays_under_the_budget_and_leaves_the_search_index(site, browser, origin, path):
    urls = first_load(browser, origin, path)
    assert not [u for u in urls if "/pagefind/" in u], "the search index must wait until the reader searches"
    size = transferred_bytes(site, urls)
    assert size < BUDGET_KB * 1000, f"{path}: {size / 1000:.1f} KB transferred before any interaction"


def test_search_loads_only_when_the_reader_opens_it(browser, origin):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(f"{origin}/en/about/", wait_until="networkidle")
    assert not [u for u in requested if "/pagefind/" in u]
    page.keyboard.press("/")
    page.keyboard.type("Bonn")
    page.wait_for_selector(".ipbes-search__result", state="visible", timeout=30_000)
    assert [u for u in requested if u.endswith("/en/pagefind/pagefind.js")]
    assert not [u for u in requested if "/pagefind/" in u and "/en/pagefind/" not in u], "only this language's index"
    page.close()


def test_cover_images_have_avif_and_webp_variants_with_their_size(site):
    page = parse(site / "fr" / "factsheets" / "africa" / "index.html")
    sources = find(page, "source")
    assert [s.attrs["type"] for s in sources] == ["image/avif", "image/webp"]
    for source in sources:
        candidates = [part.strip().split(" ") for part in source.attrs["srcset"].split(",")]
        assert [int(w.rstrip("w")) for _, w in candidates] == [480, 960, 1200]
        for url, width in candidates:
            variant = (site / "fr" / "factsheets" / "africa" / url).resolve()
            with Image.open(variant) as image:
                assert image.format == source.attrs["type"].split("/")[1].upper() and image.width == int(width.rstrip("w"))
    cover = [i for i in find(page, "img") if "ipbes-cover__image" in i.attrs.get("class", "")][0]
    assert cover.attrs["src"].endswith("media/covers/africa.jpg") and cover.attrs["width"] == "1200" and cover.attrs["height"] == "800"


def test_the_browser_picks_a_modern_format_at_the_width_it_needs(browser, origin):
    page = browser.new_page(viewport={"width": 400, "height": 800}, device_scale_factor=1)
    page.goto(f"{origin}/en/factsheets/africa/", wait_until="networkidle")
    chosen = page.evaluate("document.querySelector('.ipbes-cover__image').currentSrc")
    page.set_viewport_size({"width": 1280, "height": 900})
    image, text = page.evaluate("""() => ['.ipbes-cover__image', '.ipbes-cover__text'].map(
        s => { const r = document.querySelector(s).getBoundingClientRect(); return {top: r.top, bottom: r.bottom, left: r.left}; })""")
    page.close()
    assert chosen.endswith("-480.avif"), chosen
    assert image["top"] < text["bottom"] and image["left"] > text["left"], "the <picture> must not move the cover image out of its column"


def test_variants_are_made_once_and_only_for_local_rasters(tmp_path, monkeypatch):
    photo = tmp_path / "docs" / "photo.jpg"
    photo.parent.mkdir()
    Image.new("RGB", (1000, 500), "#00736F").save(photo)
    published = []

    def publish(path):
        published.append(path.name)
        return f"assets/ipbes/img/{path.name}"
    html = ('<p><img src="../photo.jpg" alt="A"> <img src="../logo.svg" alt="L"> <img src="https://example.org/x.jpg" alt="X">'
            ' <img src="../missing.png" alt="M"></p>')
    resolve = lambda site_path: photo if site_path == "photo.jpg" else None
    out = images.responsive_html(html, "news/", resolve, publish, tmp_path / "cache")
    assert out.count("<picture>") == 1 and '<img src="../logo.svg" alt="L">' in out and 'https://example.org/x.jpg" alt="X">' in out
    assert '<img src="../photo.jpg" alt="A" width="1000" height="500" decoding="async" loading="lazy">' in out
    assert 'srcset="../assets/ipbes/img/' in out and " 480w, " in out and " 960w, " in out and " 1000w\"" in out
    assert sorted({name.rsplit(".", 1)[1] for name in published}) == ["avif", "webp"]

    def no_encoding(*args):
        raise AssertionError("a warm build must not encode again")
    monkeypatch.setattr(images, "_encode", no_encoding)
    images._variants.cache_clear()  # a new build: only the files in the cache remain
    assert images.responsive_html(html, "news/", resolve, publish, tmp_path / "cache") == out
