"""The built site, read as a browser and a crawler read it: every language, every page."""
from __future__ import annotations

import json
import posixpath
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from scripts import ROOT
from scripts.i18n import gettext
from scripts.languages import UN_LANGUAGES, language
from scripts.embargo import build_clock
from scripts.inventory import page_inventory
from scripts.pages import page_url
from tests.helpers import search_documents, find, html_pages, parse

SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}


def published_versions():
    """What the build publishes: docs/<lang>/ plus the pages generated from data."""
    return page_inventory(ROOT, list(UN_LANGUAGES), build_clock()).versions


def content_pages(site: Path, lang: str) -> list[tuple[str, Path]]:
    """(relative Markdown path, built HTML) for every published page of a language."""
    versions = published_versions()
    pages = []
    for rel, langs in versions.by_path.items():
        if lang in langs:
            pages.append((rel, site / lang / page_url(rel) / "index.html"))
    return pages


def test_every_language_is_built_with_its_pages(site, shared):
    assert shared.languages == list(UN_LANGUAGES)
    for lang in UN_LANGUAGES:
        pages = content_pages(site, lang)
        assert len(pages) >= 7
        for rel, html in pages:
            assert html.is_file(), f"{lang}/{rel} was not built"


@pytest.mark.parametrize("lang", UN_LANGUAGES)
def test_lang_and_direction(site, lang):
    expected_dir = "rtl" if lang == "ar" else "ltr"
    for html in html_pages(site, lang):
        parsed = parse(html)
        assert find(parsed, "html")[0].attrs["lang"] == lang, html
        assert find(parsed, "body")[0].attrs["dir"] == expected_dir, html


@pytest.mark.parametrize("lang", UN_LANGUAGES)
def test_hreflang_lists_every_existing_version_and_x_default(site, shared, lang):
    versions = published_versions()
    for rel, html in content_pages(site, lang):
        links = {l.attrs["hreflang"]: l.attrs["href"] for l in find(parse(html), "link", rel="alternate") if l.attrs.get("hreflang")}
        have = versions.languages_of(rel)
        assert set(links) == set(have) | {"x-default"}, f"{lang}/{rel}"
        for code in have:
            assert links[code] == f"{shared.site_url}{code}/{page_url(rel)}"
        assert links["x-default"] == f"{shared.site_url}en/{page_url(rel)}"


@pytest.mark.parametrize("lang", UN_LANGUAGES)
def test_switcher_stays_on_the_same_page(site, lang):
    """On the same page where that language has it; on that language's home page where not
    (an English-only page such as the benchmark)."""
    versions = published_versions()
    for rel, html in content_pages(site, lang):
        here = "/" + html.relative_to(site).parent.as_posix() + "/"
        links = [a for a in find(parse(html), "a") if "md-select__link" in a.attrs.get("class", "")]
        assert [a.attrs["hreflang"] for a in links] == list(UN_LANGUAGES)
        for a in links:
            target = posixpath.normpath(posixpath.join(here, a.attrs["href"])) + "/"
            code = a.attrs["hreflang"]
            expected = page_url(rel) if code in versions.by_path[rel] else ""
            assert target == f"/{code}/{expected}".replace("//", "/"), f"{lang}/{rel} -> {code}: {a.attrs['href']}"
            assert (site / target.strip("/") / "index.html").is_file()
            assert a.text.strip() == language(code).native_name
            assert a.attrs["lang"] == code


def test_search_index_per_language(site):
    """One Pagefind index per language, in that language, with each language's own words."""
    for lang in ("en", "fr", "es", "zh", "ar", "ru"):
        documents = search_documents(site, lang)
        assert documents, lang
        assert (site / lang / "pagefind" / f"wasm.{lang}.pagefind").is_file() or lang == "zh", lang
    assert any("生物多样性" in d["content"] for d in search_documents(site, "zh"))
    assert any("المنبر" in d["content"] for d in search_documents(site, "ar"))
    urls = {d["url"] for d in search_documents(site, "fr")}
    assert "/translations/" not in urls and "/editors-guide/" not in urls, "contributors' pages are not searched"


@pytest.mark.parametrize("lang", UN_LANGUAGES)
def test_404_page_per_language(site, lang):
    html = site / lang / "404.html"
    parsed = parse(html)
    assert find(parsed, "html")[0].attrs["lang"] == lang
    assert find(parsed, "h1")[0].text.strip() == gettext(ROOT / "locales", lang, "Page not found")
    if lang != "en":
        assert find(parsed, "h1")[0].text.strip() != "Page not found"


def test_root_chooser_names_each_language_in_its_own_script(site):
    parsed = parse(site / "index.html")
    links = [a for a in find(parsed, "a") if "chooser__link" in a.attrs.get("class", "")]
    assert [a.attrs["hreflang"] for a in links] == list(UN_LANGUAGES)
    names = {a.attrs["hreflang"]: a.text for a in links}
    assert "中文" in names["zh"] and "العربية" in names["ar"] and "Русский" in names["ru"] and "Français" in names["fr"]
    for a in links:
        assert (site / a.attrs["href"] / "index.html").is_file()
    scripts = [s.attrs.get("src") for s in find(parsed, "script")]
    assert scripts == ["assets/chooser.js"]
    assert (site / "404.html").is_file()


def test_sitemaps_with_hreflang_and_index(site, shared):
    index = ET.parse(site / "sitemap.xml").getroot()
    locs = [e.text for e in index.findall("s:sitemap/s:loc", SITEMAP_NS)]
    assert locs == [f"{shared.site_url}{code}/sitemap.xml" for code in UN_LANGUAGES]
    versions = published_versions()
    for lang in UN_LANGUAGES:
        root = ET.parse(site / lang / "sitemap.xml").getroot()
        urls = root.findall("s:url", SITEMAP_NS)
        contributors = set(shared.ipbes["contributors"])
        readers_pages = [rel for rel, _ in content_pages(site, lang) if rel not in contributors]
        categories = sorted((site / lang / "news" / "category").glob("*/index.html"))
        assert categories, "the blog's category pages"
        assert len(urls) == len(readers_pages) + len(categories)
        for url in urls:
            loc = url.find("s:loc", SITEMAP_NS).text
            assert loc.startswith(f"{shared.site_url}{lang}/")
            rel_url = loc[len(f"{shared.site_url}{lang}/"):]
            if rel_url.startswith("news/category/"):
                continue
            rel = next(r for r in versions.by_path if page_url(r) == rel_url)
            assert rel not in contributors
            alternates = {l.get("hreflang"): l.get("href") for l in url.findall("x:link", SITEMAP_NS)}
            assert set(alternates) == set(versions.languages_of(rel)) | {"x-default"}


URL_ATTRS = ("href", "src", "srcset", "action", "data", "poster", "content")


def test_no_third_party_url_in_any_page_or_stylesheet(site, shared):
    own_host = urlsplit(shared.site_url).netloc
    offenders = []
    for html in site.rglob("*.html"):
        for element in parse(html).elements:
            if element.attrs.get("http-equiv") == "Content-Security-Policy":
                continue  # names the hosts a player may load from after a click; loads nothing itself
            for attr in URL_ATTRS:
                value = element.attrs.get(attr) or ""
                for url in re.findall(r"(?:https?:)?//[^\s,\"']+", value):
                    if urlsplit(url if "://" in url else "https:" + url).netloc != own_host:
                        offenders.append(f"{html.relative_to(site)}: <{element.tag} {attr}={value!r}>")
    for css in site.rglob("*.css"):
        for url in re.findall(r"url\(\s*['\"]?((?:https?:)?//[^)'\"]+)", css.read_text(encoding="utf-8")):
            offenders.append(f"{css.relative_to(site)}: url({url})")
    assert not offenders, "\n".join(offenders[:20])


def linked_file(page: Path, href: str) -> Path:
    """The file a page's relative link points at (the shared theme files carry hashed names)."""
    return (page.parent / href.split("?")[0].split("#")[0]).resolve()


def stylesheets(page: Path) -> list[Path]:
    return [linked_file(page, l.attrs["href"]) for l in find(parse(page), "link", rel="stylesheet")]


def test_fonts_are_self_hosted_per_script(site):
    sheet = next(p for p in stylesheets(site / "en" / "about" / "index.html") if re.search(r"fonts(\.[0-9a-f]+)?\.css$", p.name))
    fonts_css = sheet.read_text(encoding="utf-8")
    for needed in ("noto-sans-latin-400", "noto-sans-cyrillic-400", "noto-sans-arabic-arabic-400"):
        assert needed in fonts_css
    files = [(sheet.parent / src.strip("'\"")).resolve() for src in re.findall(r"url\(([^)]+)\)", fonts_css) if not src.startswith("local(")]
    assert files and all(f.is_file() for f in files), [f for f in files if not f.is_file()]
    assert "unicode-range" in fonts_css
    assert max(f.stat().st_size for f in files) < 200_000, "a single font file should not be megabytes"
    assert all(Path(site).resolve() in f.parents for f in files), "fonts come from the site itself"


@pytest.mark.parametrize("lang", UN_LANGUAGES)
def test_tokens_stylesheet_is_linked_and_maps_material_variables(site, lang):
    tokens = json.loads((ROOT / "brand" / "tokens.json").read_text(encoding="utf-8"))
    for rel, html in content_pages(site, lang):
        sheet = [p for p in stylesheets(html) if re.search(r"tokens(\.[0-9a-f]+)?\.css$", p.name)]
        assert sheet and sheet[0].is_file(), f"{lang}/{rel}"
    css = sheet[0].read_text(encoding="utf-8")
    assert f"--ipbes-color-brand-teal: {tokens['color']['brand']['teal']['$value']};" in css
    assert "--md-primary-fg-color: var(--ipbes-color-brand-dark-grey);" in css
    assert "--md-footer-fg-color--lighter:" in css


def test_no_colour_literal_outside_the_token_stylesheet():
    colour = re.compile(r"#[0-9a-fA-F]{3,8}\b|\b(?:rgba?|hsla?)\(")
    offenders = []
    for path in list((ROOT / "overrides").rglob("*.css")) + list((ROOT / "overrides").rglob("*.html")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if colour.search(re.sub(r"&#\d+;|href=\"#[^\"]*\"|id=\"[^\"]*\"", "", line)):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not offenders, "\n".join(offenders)


def test_material_no_longer_fetches_a_sitemap_per_alternate_link(site):
    for lang in UN_LANGUAGES:
        page = site / lang / "about" / "index.html"
        script = next(s.attrs["src"] for s in find(parse(page), "script") if "bundle." in (s.attrs.get("src") or ""))
        bundle = linked_file(page, script).read_text(encoding="utf-8")
        assert 'M("link[rel=alternate][data-md-sitemap]")' in bundle
        assert 'M("link[rel=alternate]")' not in bundle
