"""One copy of the theme's assets for all languages (scripts/shared_assets.py), on the real
site: nothing duplicated per language, every reference resolves, hashed names match their
bytes, no source map is named, and pages load in real Chromium with no 404 or error."""
from __future__ import annotations

import hashlib
import posixpath
import re
import shutil
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from scripts.languages import UN_LANGUAGES
from scripts.shared_assets import (HASH_LENGTH, HASHED_NAME, SHARED_DIR, THEME_FOLDERS, css_references, located_references,
                                   rewrite_css, rewrite_html, share_assets, strip_source_maps, unhashed_name)


@pytest.fixture(scope="module")
def shared_site(site, shared, tmp_path_factory):
    """The built site with its assets shared: as built when the build does it already,
    else a copy with the step applied (the state the finish step leaves)."""
    if not (site / "en" / SHARED_DIR / "stylesheets").exists():
        return site, None
    copy = tmp_path_factory.mktemp("shared") / "site"
    shutil.copytree(site, copy, symlinks=True)
    result = share_assets(copy, shared.languages, shared.site_url)
    return copy, result


def _theme_files_left(site: Path) -> list[str]:
    left = []
    for lang in UN_LANGUAGES:
        for sub in THEME_FOLDERS:
            for path in (site / lang / SHARED_DIR / sub).rglob("*"):
                rel = path.relative_to(site / lang / SHARED_DIR).as_posix()
                if path.is_file() and not rel.startswith(("ipbes/cards/", "ipbes/img/")):
                    left.append(f"{lang}/{SHARED_DIR}/{rel}")
    return left


def test_no_theme_file_is_published_once_per_language(shared_site):
    site, result = shared_site
    assert _theme_files_left(site) == []
    for name in ("stylesheets", "javascripts", "ipbes/fonts", "ipbes/logos"):
        assert any((site / SHARED_DIR / name).iterdir()), name
    if result is not None:
        assert result["files"] >= 60 and result["bytes_saved"] > 290_000 * 5, result["bytes_saved"]
        assert result["kept"] == []


def test_per_language_files_stay_in_their_language(shared_site):
    site, _ = shared_site
    for lang in UN_LANGUAGES:
        assert any((site / lang / SHARED_DIR / "ipbes" / "cards").glob("*.png")), lang
        assert (site / lang / "pagefind" / "pagefind.js").is_file(), lang


def test_hashed_names_are_the_hash_of_their_bytes(shared_site):
    site, _ = shared_site
    hashed = [p for p in (site / SHARED_DIR).rglob("*") if p.is_file() and HASHED_NAME.match(p.name)]
    assert len(hashed) >= 25
    for path in hashed:
        assert HASHED_NAME.match(path.name).group("hash") == hashlib.sha256(path.read_bytes()).hexdigest()[:HASH_LENGTH], path


def _references(site: Path):
    """(file, URL path) of every local reference in every page (src, href, srcset) and stylesheet."""
    for page in sorted(site.rglob("*.html")):
        own = "/" + page.relative_to(site).as_posix()
        found = []
        rewrite_html(page.read_text(encoding="utf-8"), lambda ref: found.append(ref))
        for ref in found:
            yield page, own, ref
    for sheet in sorted(site.rglob("*.css")):
        own = "/" + sheet.relative_to(site).as_posix()
        for _, _, ref, _ in css_references(sheet.read_text(encoding="utf-8")):
            yield sheet, own, ref


def test_every_reference_to_an_asset_resolves(shared_site, shared):
    site, _ = shared_site
    origin = shared.site_url.rstrip("/")
    missing, checked = [], 0
    for file, own, ref in _references(site):
        parts = urlsplit(ref)
        if parts.scheme or parts.netloc:
            if not ref.startswith(origin):
                continue
            path = parts.path
        elif parts.path.startswith("/"):
            path = parts.path
        else:
            path = posixpath.normpath(posixpath.join(posixpath.dirname(own), parts.path))
        if "/assets/" not in path or not parts.path:
            continue
        checked += 1
        target = site / unquote(path).lstrip("/")
        if not target.is_file():
            missing.append(f"{file.relative_to(site)}: {ref}")
    assert checked > 1000
    assert not missing, missing[:20]


def test_no_source_map_is_published_or_named(shared_site):
    site, _ = shared_site
    assert not list(site.rglob("*.map"))
    named = [p for p in site.rglob("*") if p.suffix in (".js", ".css", ".mjs") and b"sourceMappingURL" in p.read_bytes()]
    assert not named, named


def test_the_site_root_uses_the_shared_fonts(shared_site):
    site, _ = shared_site
    for name in ("index.html", "404.html"):
        text = (site / name).read_text(encoding="utf-8")
        sheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', text)
        fonts = [s for s in sheets if "fonts" in s]
        assert fonts and all(HASHED_NAME.match(posixpath.basename(s)) for s in fonts), sheets


# ---------------------------------------------------------------- the rewriters on their own

MOVED = {"a/x.woff2": "X.woff2", "b/site.css": "SITE.css"}


def _rewrite(ref: str):
    return MOVED.get(ref)


def test_css_rewrite_covers_every_url_form_and_nothing_else():
    css = ("@import \"b/site.css\";\n@font-face{src:url(a/x.woff2) format('woff2'),url( 'a/x.woff2' ),url(\"a/y.woff2\")}\n"
           "a::before{content:\"a/x.woff2\";background:URL(a/x.woff2)}/* url(a/x.woff2) */")
    out = rewrite_css(css, _rewrite)
    assert out == ("@import \"SITE.css\";\n@font-face{src:url(X.woff2) format('woff2'),url( \"X.woff2\" ),url(\"a/y.woff2\")}\n"
                   "a::before{content:\"a/x.woff2\";background:url(X.woff2)}/* url(a/x.woff2) */")


def test_html_rewrite_edits_attributes_srcset_styles_and_json_only():
    page = ("<!doctype html><link rel=stylesheet href=b/site.css><img src='a/x.woff2' alt=\"a/x.woff2 b/site.css\""
            " srcset=\"a/x.woff2 1x, b/site.css 2x\" style=\"background:url(a/x.woff2)\">"
            "<p title=\"b/site.css?v=1\">b/site.css</p><script>var u = \"a/x.woff2\";</script>"
            "<script id=\"__config\" type=\"application/json\">{\"search\": \"a/x.woff2\", \"n\": 1}</script>"
            "<a href=\"b/site.css#top\">x</a>")
    out = rewrite_html(page, lambda ref: MOVED.get(ref.split("#")[0]))
    assert out == ("<!doctype html><link rel=stylesheet href=\"SITE.css\"><img src='X.woff2' alt=\"a/x.woff2 b/site.css\""
                   " srcset=\"X.woff2 1x, SITE.css 2x\" style=\"background:url(X.woff2)\">"
                   "<p title=\"b/site.css?v=1\">b/site.css</p><script>var u = \"a/x.woff2\";</script>"
                   "<script id=\"__config\" type=\"application/json\">{\"search\": \"X.woff2\", \"n\": 1}</script>"
                   "<a href=\"SITE.css\">x</a>")


def _names_assets(ref: str) -> str | None:
    return ref.replace("assets/", "SHARED/") if "assets/" in ref else None


def test_located_references_edit_what_the_parser_would(site):
    """lexbor's attributes located in the text give the same page as html.parser's positions,
    on every page of the built site and on unusual but valid attribute syntax."""
    pages = sorted(site.rglob("*.html"))[:80]
    odd = ("<!doctype html><link rel=stylesheet href=../assets/a.css><img\nsrc = 'assets/b.png'alt=x"
           " srcset=\"assets/b.png 1x,assets/c.png 2x\"><a/href=\"assets/d%20e.pdf\">d</a>"
           "<p style=\"background:url(assets/f.png)\">text about assets</p>"
           "<style>a{background:url(assets/g.png)}</style><script type=\"application/json\">{\"w\": \"assets/h.js\"}</script>")
    for text in [page.read_text(encoding="utf-8") for page in pages] + [odd]:
        located = located_references(text)
        assert located is not None
        assert rewrite_html(text, _names_assets, references=located) == rewrite_html(text, _names_assets, may_refer=lambda tag: True)
    assert rewrite_html(odd, _names_assets, references=located_references(odd)).count("SHARED/") == 8


@pytest.mark.parametrize("page, references", [
    ('<a href="assets/x.css">x</a><pre><code>&lt;a href="assets/x.css"&gt;</code></pre>', 1),  # attribute-like text in code
    ('<a href="as&#115;ets/x.css">x</a>', 1),                                                  # a character reference
    ('<a title="assets/x.css"\nhref="assets/x.css">x</a><p>see title="assets/x.css"</p>', 2),  # a value also written as text
])
def test_pages_the_scan_cannot_place_are_left_to_html_parser(page, references):
    """Where the text holds a value in more places than lexbor parsed it, nothing is located
    by pattern; the page is parsed with html.parser, whose edits are still right."""
    assert located_references(page) is None
    assert rewrite_html(page, _names_assets, may_refer=lambda tag: True).count("SHARED/") == references


@pytest.mark.parametrize("page, edited", [
    ('<!-- <a href="assets/y.css"> --><a href="assets/x.css">x</a>', '<!-- <a href="assets/y.css"> --><a href="SHARED/x.css">x</a>'),
    ('<textarea><a href="assets/y.css"></textarea><a href="assets/x.css">', '<textarea><a href="assets/y.css"></textarea><a href="SHARED/x.css">'),
    ('<a href="assets/x.css" href="assets/y.css">x</a>', '<a href="SHARED/x.css" href="assets/y.css">x</a>'),
])
def test_only_what_a_browser_reads_as_an_attribute_is_edited(page, edited):
    """Commented-out tags, markup inside a textarea and a duplicate attribute (which browsers
    drop) are text to lexbor, so they stay as written."""
    assert rewrite_html(page, _names_assets, references=located_references(page)) == edited


def test_source_map_comments_are_removed_and_code_kept():
    js = b"var a=1;\n//# sourceMappingURL=bundle.js.map\n"
    css = b"a{b:c}/*# sourceMappingURL=main.css.map */"
    assert strip_source_maps(js) == b"var a=1;\n"
    assert strip_source_maps(css) == b"a{b:c}"
    assert strip_source_maps(b"var s='sourceMappingURL';") == b"var s='sourceMappingURL';"


def test_unhashed_name_undoes_the_hash():
    assert unhashed_name("ipbes.0123456789.svg") == "ipbes.svg"
    assert unhashed_name("bundle.a5f9d56c.min.0123456789.js") == "bundle.a5f9d56c.min.js"
    assert unhashed_name("ipbes.svg") == "ipbes.svg"


def test_a_file_that_differs_between_languages_stays_in_each(tmp_path):
    for lang, colour in (("en", "red"), ("fr", "blue")):
        (tmp_path / lang / "assets" / "ipbes").mkdir(parents=True)
        (tmp_path / lang / "assets" / "ipbes" / "same.css").write_text("a{color:black}", encoding="utf-8")
        (tmp_path / lang / "assets" / "ipbes" / "own.css").write_text(f"a{{color:{colour}}}", encoding="utf-8")
        (tmp_path / lang / "index.html").write_text('<link rel="stylesheet" href="assets/ipbes/same.css">'
                                                    '<link rel="stylesheet" href="assets/ipbes/own.css">', encoding="utf-8")
    result = share_assets(tmp_path, ["en", "fr"], "https://example.org/")
    assert result["kept"] == ["ipbes/own.css"]
    assert list(result["moved"]) == ["ipbes/same.css"]
    assert (tmp_path / "fr" / "assets" / "ipbes" / "own.css").is_file()
    new = result["moved"]["ipbes/same.css"]
    assert (tmp_path / "fr" / "index.html").read_text(encoding="utf-8") == (
        f'<link rel="stylesheet" href="../{new}"><link rel="stylesheet" href="assets/ipbes/own.css">')
    assert result["bytes_saved"] == len("a{color:black}")


def _tiny_site(root: Path) -> None:
    for lang in ("en", "fr"):
        (root / lang / "assets" / "stylesheets").mkdir(parents=True)
        (root / lang / "assets" / "stylesheets" / "main.css").write_text("a{color:black}", encoding="utf-8")
        for page in ("index.html", "about/index.html"):
            up = "../" if "/" in page else ""
            (root / lang / page).parent.mkdir(parents=True, exist_ok=True)
            (root / lang / page).write_text(f'<link rel="stylesheet" href="{up}assets/stylesheets/main.css">'
                                            f'<p title="x &amp; y">assets/stylesheets/main.css</p>', encoding="utf-8")


def test_references_kept_from_the_last_build_give_the_same_site(tmp_path, monkeypatch):
    import scripts.shared_assets as module
    cache = tmp_path / "cache"
    for name in ("plain", "first", "second"):
        _tiny_site(tmp_path / name)
    share_assets(tmp_path / "plain", ["en", "fr"], "https://example.org/")
    share_assets(tmp_path / "first", ["en", "fr"], "https://example.org/", cache=cache)
    assert (cache / module.REFERENCES_FILE).is_file()

    def no_parse(*args, **kwargs):
        raise AssertionError("a page the last build saw was parsed again")

    monkeypatch.setattr(module, "html_references", no_parse)
    share_assets(tmp_path / "second", ["en", "fr"], "https://example.org/", cache=cache)
    pages = sorted(p.relative_to(tmp_path / "plain") for p in (tmp_path / "plain").rglob("*.html"))
    for rel in pages:
        expected = (tmp_path / "plain" / rel).read_text(encoding="utf-8")
        assert "../../assets/stylesheets/main." in expected or "../assets/stylesheets/main." in expected
        assert (tmp_path / "second" / rel).read_text(encoding="utf-8") == expected
    # A damaged cache file is read as empty: pages are parsed again, never a failure.
    monkeypatch.undo()
    (cache / module.REFERENCES_FILE).write_text("{not json", encoding="utf-8")
    _tiny_site(tmp_path / "third")
    share_assets(tmp_path / "third", ["en", "fr"], "https://example.org/", cache=cache)
    assert (tmp_path / "third" / "fr" / "about" / "index.html").read_text(encoding="utf-8") == \
        (tmp_path / "plain" / "fr" / "about" / "index.html").read_text(encoding="utf-8")


# ---------------------------------------------------------------- real Chromium

@pytest.fixture(scope="module")
def shared_origin(shared_site):
    from tests.browser import serve_directory
    with serve_directory(shared_site[0]) as url:
        yield url


@pytest.mark.parametrize("path", ["en/", "ar/", "en/factsheets/africa/", "ar/factsheets/africa/", "en/news/logo-use-policy/",
                                  "ar/news/logo-use-policy/", "en/404.html", "ar/404.html", "en/videos/"])
def test_pages_load_every_asset_in_chromium(browser, shared_origin, path):
    page = browser.new_page()
    bad, errors = [], []
    page.on("response", lambda r: bad.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.on("requestfailed", lambda r: bad.append(f"failed {r.url}"))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{shared_origin}/{path}", wait_until="networkidle")
    sheets = page.evaluate("[...document.styleSheets].map(s => s.href).filter(Boolean)")
    fonts = page.evaluate("document.fonts.ready.then(() => [...document.fonts].filter(f => f.status == 'loaded').length)")
    page.close()
    assert not bad, bad
    assert not errors, errors
    assert any("/assets/stylesheets/main." in s for s in sheets), sheets
    assert fonts >= 1


def test_language_switcher_works_with_shared_assets(browser, shared_origin):
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{shared_origin}/en/about/", wait_until="networkidle")
    page.locator(".md-select > button").hover()
    with page.expect_navigation():
        page.locator(".md-select__link[hreflang=ar]").click()
    page.wait_for_load_state("networkidle")
    assert page.url == f"{shared_origin}/ar/about/"
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    page.close()
    assert not errors, errors


# ---------------------------------------------------------------- _headers, served as a host would

def _headers_text(site: Path, result, languages) -> str:
    from scripts.headers import headers_file, page_paths, parse_headers_file
    written = parse_headers_file((site / "_headers").read_text(encoding="utf-8"))
    policy = dict(written[0][1])["Content-Security-Policy"]
    immutable = result["immutable"] if result else sorted("/" + p.relative_to(site).as_posix()
                                                          for p in (site / SHARED_DIR).rglob("*") if HASHED_NAME.match(p.name))
    return headers_file(policy, immutable, page_paths(languages))


def test_headers_file_caches_hashed_assets_for_a_year_and_pages_briefly(shared_site, shared):
    from scripts.headers import headers_for, parse_headers_file
    site, result = shared_site
    rules = parse_headers_file(_headers_text(site, result, shared.languages))
    css = next(p for p in (site / SHARED_DIR / "stylesheets").glob("main.*.css"))
    asset = headers_for(rules, "/" + css.relative_to(site).as_posix())
    assert asset["Cache-Control"] == "public, max-age=31536000, immutable"
    for path in ("/", "/en/", "/ar/factsheets/africa/", "/404.html", "/en/assets/ipbes/cards/x.png"):
        headers = headers_for(rules, path)
        assert headers["Cache-Control"] == "public, max-age=0, must-revalidate", path
        assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
        assert "camera=()" in headers["Permissions-Policy"] and "browsing-topics=()" in headers["Permissions-Policy"]
        assert "report-to" not in headers["Content-Security-Policy"] and "Reporting-Endpoints" not in headers
    unhashed = headers_for(rules, "/assets/javascripts/lunr/min/lunr.fr.min.js")
    assert "Cache-Control" not in unhashed


def test_headers_file_refuses_more_rules_than_hosts_read():
    from scripts.headers import MAX_RULES, headers_file
    with pytest.raises(ValueError, match="at most"):
        headers_file("default-src 'self'", [f"/assets/{n}.css" for n in range(MAX_RULES)])
    assert "report-to csp" in headers_file("default-src 'self'", [], report_endpoint="https://example.org/csp")


def test_pages_load_with_the_headers_a_host_sends(browser, shared_site, shared):
    import functools
    import http.server
    import threading
    from scripts.headers import headers_for, parse_headers_file
    site, result = shared_site
    rules = parse_headers_file(_headers_text(site, result, shared.languages))

    class Handler(http.server.SimpleHTTPRequestHandler):
        def end_headers(self):
            for name, value in headers_for(rules, self.path.split("?")[0]).items():
                self.send_header(name, value)
            super().end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        origin = f"http://127.0.0.1:{server.server_address[1]}"
        for path in ("en/", "ar/factsheets/africa/", "zh/news/logo-use-policy/"):
            page = browser.new_page()
            errors, cached = [], []
            page.on("console", lambda m: errors.append(m.text) if m.type in ("error", "warning") else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("response", lambda r: cached.append((r.url, r.headers.get("cache-control"))))
            page.goto(f"{origin}/{path}", wait_until="networkidle")
            page.close()
            assert not errors, (path, errors)
            assert any("/assets/stylesheets/" in url and "immutable" in (value or "") for url, value in cached), cached
    finally:
        server.shutdown()
        server.server_close()


def test_a_name_taken_at_the_site_root_stops_the_build(tmp_path):
    from scripts.errors import BuildError
    for lang in ("en", "fr"):
        (tmp_path / lang / "assets" / "javascripts" / "lunr").mkdir(parents=True)
        (tmp_path / lang / "assets" / "javascripts" / "lunr" / "x.js").write_text("1", encoding="utf-8")
    (tmp_path / "assets" / "javascripts" / "lunr").mkdir(parents=True)
    (tmp_path / "assets" / "javascripts" / "lunr" / "x.js").write_text("2", encoding="utf-8")
    with pytest.raises(BuildError) as caught:
        share_assets(tmp_path, ["en", "fr"], "https://example.org/")
    assert "rename one of them" in caught.value.problems[0].message
    assert (tmp_path / "en" / "assets" / "javascripts" / "lunr" / "x.js").is_file()
