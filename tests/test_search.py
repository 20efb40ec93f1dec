"""Site search: Pagefind over a small hand-written site in five languages, driven by keyboard in
real Chromium under the site's security policy (scripts/search.py, overrides/partials/search.html,
overrides/assets/ipbes/search.js)."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import stat
from pathlib import Path

import jinja2
import pytest

from scripts import ROOT, csp, search
from scripts.brand.files import colour_literals
from scripts.errors import BuildError
from scripts.i18n import catalog_path, gettext, read_catalog
from scripts.tokens import load_tokens, tokens_css

MATERIAL_TEMPLATES = Path(jinja2.__file__).resolve().parent.parent / "material" / "templates"
LANGUAGES = ["en", "fr", "zh", "ar", "ru"]
# The security policy of every page, plus what Pagefind's WebAssembly needs.
POLICY = csp.policy([]).replace("script-src 'self'", "script-src 'self' 'wasm-unsafe-eval'")

# (language, path, kind, title, body); body holds headings with ids, as Markdown renders them.
PAGES = [
    ("en", "", "page", "IPBES home",
     "<p>The Intergovernmental Science-Policy Platform on Biodiversity and Ecosystem Services assesses the state of nature.</p>"),
    ("en", "factsheets/pollinators/", "factsheet", "Pollinators fact sheet",
     "<p>Bees, butterflies and birds visit flowers.</p>"
     '<h2 id="food-security">Food security<a class="headerlink" href="#food-security" title="Permanent link">¶</a></h2>'
     "<p>More than three quarters of leading food crops depend on animal pollination.</p>"),
    ("en", "news/nexus-launch/", "news", "Nexus assessment launched",
     "<p>The nexus assessment was launched in Windhoek with the pollination report.</p>"),
    ("en", "translations/", "page", "Translations dashboard", "<p>Dashboardonlyword counts missing pages.</p>"),
    ("fr", "", "page", "Accueil de l'IPBES",
     '<p>Les pollinisateurs assurent une part de la production alimentaire.</p><h2 id="forets">Forêts</h2>'
     "<p>Les forêts tropicales abritent une grande diversité d'espèces.</p>"),
    ("fr", "factsheets/pollinisateurs/", "factsheet", "Fiche sur les pollinisateurs",
     "<p>Les abeilles et les papillons visitent les fleurs des cultures vivrières.</p>"),
    ("zh", "", "page", "IPBES 首页", "<p>全球生物多样性丧失的速度前所未有。</p>"),
    ("zh", "factsheets/pollinators/", "factsheet", "传粉者概况介绍",
     '<h2 id="food">粮食安全</h2><p>授粉昆虫对粮食生产至关重要。</p>'),
    ("ar", "", "page", "الصفحة الرئيسية",
     "<p>تتعرض الغابات الاستوائية لضغوط شديدة بسبب تغير استخدام الأراضي.</p>"),
    ("ar", "factsheets/pollinators/", "factsheet", "صحيفة وقائع",
     '<h2 id="food">الأمن الغذائي</h2><p>يساهم كل ملقح في إنتاج الغذاء.</p>'),
    ("ru", "", "page", "Главная страница IPBES", "<p>Тропические леса находятся под сильным давлением.</p>"),
    ("ru", "factsheets/pollinators/", "factsheet", "Информационный бюллетень",
     "<p>Опылители важны для производства продовольствия.</p>"),
]


def render_search_partial(lang: str, base_url: str) -> str:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader([ROOT / "overrides", MATERIAL_TEMPLATES]), autoescape=True)
    strings = search.ui_strings(lambda msgid: gettext(ROOT / "locales", lang, msgid))
    return env.get_template("partials/search.html").render(config={"extra": {"ipbes": {"strings": strings}}}, base_url=base_url)


def page_html(lang: str, path: str, kind: str | None, title: str, body: str, *, fallback: bool = False,
              body_mark: bool = True, policy: str = POLICY) -> str:
    depth = len([part for part in path.split("/") if part])
    base_url = "/".join([".."] * depth) or "."
    filters = f' data-pagefind-filter="kind:{kind}"' if kind else ""
    content = f"<h1>{title}</h1>{body}"
    if fallback:
        content = f'<p class="ipbes-notice">Cette page n\'est pas encore traduite.</p><div lang="en" dir="ltr" data-ipbes-fallback>{content}</div>'
    main = f"<div data-pagefind-body{filters}>{content}</div>" if body_mark else content
    direction = "rtl" if lang == "ar" else "ltr"
    return f"""<!doctype html>
<html lang="{lang}">
<head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{policy}">
<title>{title}</title>
<link rel="stylesheet" href="/assets/tokens.css"><link rel="stylesheet" href="/assets/search.css">
</head>
<body dir="{direction}">
<header class="md-header"><nav class="md-header__inner">{render_search_partial(lang, base_url)}</nav></header>
<main><article class="md-content__inner md-typeset">{main}</article></main>
<script src="/assets/search.js" defer></script>
</body>
</html>
"""


def write_fixture_site(root: Path, policy: str = POLICY) -> Path:
    site = root / "site"
    for lang, path, kind, title, body in PAGES:
        target = site / lang / path / "index.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(page_html(lang, path, kind, title, body, policy=policy), encoding="utf-8")
    extra = {
        site / "en" / "404.html": page_html("en", "", None, "Page not found", "<p>Notfoundonlyword here.</p>", body_mark=False, policy=policy),
        site / "en" / "unmarked" / "index.html": page_html("en", "unmarked/", None, "Unmarked", "<p>Unmarkedonlyword here.</p>", body_mark=False, policy=policy),
        site / "fr" / "about" / "index.html": page_html("fr", "about/", "page", "About IPBES",
                                                      "<p>This untranslated page mentions the zebrafinch.</p>", fallback=True, policy=policy),
    }
    for target, html in extra.items():
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, encoding="utf-8")
    assets = site / "assets"
    assets.mkdir()
    (assets / "tokens.css").write_text(tokens_css(load_tokens(ROOT / "brand" / "tokens.json")), encoding="utf-8")
    for name in ("search.css", "search.js"):
        (assets / name).write_bytes((ROOT / "overrides" / "assets" / "ipbes" / name).read_bytes())
    return site


@pytest.fixture(scope="module")
def indexed(tmp_path_factory):
    site = write_fixture_site(tmp_path_factory.mktemp("search"))
    return site, search.index_site(site, LANGUAGES)


@pytest.fixture(scope="module")
def served(indexed):
    with search.serve_site(indexed[0]) as origin:
        yield origin


# --- Indexing --------------------------------------------------------------------------------

def test_one_bundle_per_language_with_only_its_own_index(indexed):
    site, stats = indexed
    assert sorted(stats) == sorted(LANGUAGES)
    # en: home, fact sheet, news (not the dashboard, 404 or unmarked page); fr: not the English fallback.
    assert {lang: s["pages"] for lang, s in stats.items()} == {"en": 3, "fr": 2, "zh": 2, "ar": 2, "ru": 2}
    for lang in LANGUAGES:
        bundle = site / lang / search.BUNDLE
        entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
        assert list(entry["languages"]) == [lang] and entry["version"] == search.PAGEFIND_VERSION
        assert not [name for name in search.UNUSED_BUNDLE_FILES if (bundle / name).exists()]
        assert 0 < stats[lang]["index_bytes"] < stats[lang]["bundle_bytes"]
    assert not (site / search.BUNDLE).exists()
    assert not list(site.rglob(f".{search.BUNDLE}-new"))


def test_reindexing_replaces_the_bundle(indexed, tmp_path):
    site = write_fixture_site(tmp_path)
    search.index_site(site, ["ru"])
    stale = site / "ru" / search.BUNDLE / "fragment" / "stale.pf_fragment"
    stale.write_bytes(b"old")
    search.index_site(site, ["ru"])
    assert not stale.exists()


def _bundle_bytes(site: Path, lang: str) -> dict[str, bytes]:
    bundle = site / lang / search.BUNDLE
    return {p.relative_to(bundle).as_posix(): p.read_bytes() for p in sorted(bundle.rglob("*")) if p.is_file()}


def test_a_cached_bundle_is_reused_only_for_the_same_pages(tmp_path, monkeypatch):
    site, cache = write_fixture_site(tmp_path / "one"), tmp_path / "cache"
    search.index_site(site, ["ru", "fr"], cache=cache)
    first = {lang: _bundle_bytes(site, lang) for lang in ("ru", "fr")}
    page = site / "ru" / "index.html"
    page.write_text(page.read_text(encoding="utf-8").replace("</div></article>", "<p>Новый абзац про зебровую амадину.</p></div></article>"),
                    encoding="utf-8")
    indexed = []
    real_run = subprocess.run

    def counting_run(command, *args, **kwargs):
        indexed.append(command[command.index("--force-language") + 1])
        return real_run(command, *args, **kwargs)

    monkeypatch.setattr(search.subprocess, "run", counting_run)
    search.index_site(site, ["ru", "fr"], cache=cache)
    assert indexed == ["ru"]  # fr's pages did not change: its bundle came from the cache
    assert _bundle_bytes(site, "fr") == first["fr"]
    assert _bundle_bytes(site, "ru") != first["ru"]
    # A stored bundle damaged or pruned by another build: indexed again, never a failure.
    for stored in (cache / "fr").iterdir():
        shutil.rmtree(stored)
    search.index_site(site, ["fr"], cache=cache)
    assert indexed == ["ru", "fr"] and _bundle_bytes(site, "fr") == first["fr"]


def test_bundles_hold_no_colour_literal_or_other_origin(indexed):
    site, _ = indexed
    for lang in LANGUAGES:
        for path in (site / lang / search.BUNDLE).glob("*.js"):
            text = path.read_text(encoding="utf-8")
            # Pagefind parses relative URLs against a dummy base; it never requests it.
            assert "https://" not in text.replace("https://example.com", ""), path
            assert not colour_literals(text), path


def test_our_search_files_use_tokens_only():
    for path in (ROOT / "overrides" / "partials" / "search.html", ROOT / "overrides" / "assets" / "ipbes" / "search.css",
                 ROOT / "overrides" / "assets" / "ipbes" / "search.js"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            assert not colour_literals(line), f"{path.name}:{number}: {line}"


def test_every_kind_has_a_label_in_the_dialog():
    html = render_search_partial("fr", ".")
    for kind in search.KINDS:
        assert f'<option value="{kind}">' in html
    assert "Filtrer par type" in html and 'aria-keyshortcuts="/"' in html


def test_ui_strings_are_translated_in_every_catalog():
    for lang in ("fr", "es", "zh", "ar", "ru"):
        catalog = read_catalog(catalog_path(ROOT / "locales", lang), lang)
        missing = [msgid for msgid in search.UI_STRINGS if not (catalog.get(msgid) and catalog.get(msgid).string)]
        assert not missing, (lang, missing)


# --- Bad input -------------------------------------------------------------------------------

def test_missing_language_folder_and_unknown_kind_are_reported_together(tmp_path):
    site = write_fixture_site(tmp_path)
    page = site / "ru" / "factsheets" / "pollinators" / "index.html"
    page.write_text(page.read_text(encoding="utf-8").replace("kind:factsheet", "kind:brochure"), encoding="utf-8")
    with pytest.raises(BuildError) as error:
        search.index_site(site, ["ru", "es"])
    text = str(error.value)
    assert "unknown search kind 'brochure'; use one of assessment, factsheet" in text
    assert "index.html:" in text.split("brochure")[0].splitlines()[-1]
    assert "no folder for language 'es'" in text
    assert not (site / "ru" / search.BUNDLE).exists()


def test_a_language_without_marked_pages_is_refused(tmp_path):
    folder = tmp_path / "site" / "ru"
    folder.mkdir(parents=True)
    (folder / "index.html").write_text(page_html("ru", "", None, "x", "<p>текст</p>", body_mark=False), encoding="utf-8")
    (folder / "broken.html").write_bytes(b"<html>\xff\xfe<div data-pagefind-body>")
    with pytest.raises(BuildError) as error:
        search.index_site(tmp_path / "site", ["ru"])
    assert "broken.html: cannot read this page as UTF-8" in str(error.value)
    assert "no page of 'ru' carries data-pagefind-body" in str(error.value)


def test_hostile_markup_is_indexed_as_text(tmp_path):
    site = tmp_path / "site"
    (site / "en").mkdir(parents=True)
    hostile = ('<p>&lt;script&gt;alert(1)&lt;/script&gt; hostilemarker <img src=x onerror=alert(1)></p>'
               '<!-- <div data-pagefind-body> -->')
    (site / "en" / "index.html").write_text(page_html("en", "", "page", "Hostile &amp; odd", hostile), encoding="utf-8")
    (site / "en" / "comment.html").write_text("<html><body><!-- <div data-pagefind-body> --><p>x</p></body></html>", encoding="utf-8")
    assert search.index_site(site, ["en"])["en"]["pages"] == 1


def fake_pagefind(tmp_path: Path, script: str) -> str:
    path = tmp_path / "fake-pagefind"
    path.write_text("#!/bin/sh\n" + script + "\n", encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return str(path)


def test_pagefind_failure_and_timeout_are_reported(tmp_path, monkeypatch):
    site = write_fixture_site(tmp_path)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", fake_pagefind(tmp_path, 'echo "Error: disk full" >&2; exit 1'))
    with pytest.raises(BuildError, match="Pagefind could not index 'ru': Error: disk full"):
        search.index_site(site, ["ru"])
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", fake_pagefind(tmp_path, "exec sleep 5"))
    monkeypatch.setattr(search, "INDEX_TIMEOUT_SECONDS", 1)
    with pytest.raises(BuildError, match="more than 1 s to index 'ru'"):
        search.index_site(site, ["ru"])
    monkeypatch.delenv("PAGEFIND_BINARY_PATH")
    monkeypatch.setattr("pagefind.service.get_executable", lambda: None)
    with pytest.raises(BuildError, match="the Pagefind binary is not installed"):
        search.index_site(site, ["ru"])


def test_chinese_needs_the_extended_binary(tmp_path, monkeypatch):
    from pagefind.service import get_executable
    real = get_executable()
    site = write_fixture_site(tmp_path)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", fake_pagefind(tmp_path, f'"{real}" "$@" | sed "s/(Extended)//"'))
    assert search.index_site(site, ["ru"])["ru"]["pages"] == 2
    with pytest.raises(BuildError, match="'zh' is written without spaces and needs Pagefind's extended binary"):
        search.index_site(site, ["zh"])


def test_limits_are_named_constants():
    assert search.INDEX_TIMEOUT_SECONDS == 600
    assert search.KINDS == ("assessment", "factsheet", "news", "video", "page")
    js = (ROOT / "overrides" / "assets" / "ipbes" / "search.js").read_text(encoding="utf-8")
    assert "var MAX_RESULTS = 10, EXCERPT_WORDS = 24, DEBOUNCE_MS = 120;" in js


# --- In the browser ---------------------------------------------------------------------------

def open_page(browser, origin: str, path: str):
    context = browser.new_context()
    page = context.new_page()
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(f"{origin}/{path}", wait_until="networkidle")
    return context, page, requested, violations


def search_with_keyboard(page, query: str):
    page.keyboard.press("/")
    page.keyboard.type(query)
    page.wait_for_function("""() => {
        const dialog = document.querySelector('[data-ipbes-search]');
        const status = dialog.querySelector('.ipbes-search__status').textContent;
        return status !== dialog.dataset.textHint && status !== dialog.dataset.textLoading;
    }""", timeout=15_000)


# (language, query typed in the language's own script, page it must find)
FOUND = [
    ("en", "pollinator", "en/factsheets/pollinators/"),            # stemmed: pollination, pollinators
    ("fr", "forêt", "fr/"),                                        # "forêts"
    ("fr", "pollinisateur", "fr/factsheets/pollinisateurs/"),      # "pollinisateurs" (the fact sheet ranks first: title)
    ("zh", "生物多样性", "zh/"),                                   # a phrase inside a sentence without spaces
    ("zh", "多样性丧失", "zh/"),
    ("zh", "粮食生产", "zh/factsheets/pollinators/"),
    ("ar", "غابات", "ar/"),                                        # the page says "الغابات": without the article
    ("ar", "الغابات", "ar/"),                                      # with it
    ("ar", "غابة", "ar/"),                                         # the singular
    ("ar", "الملقحات", "ar/factsheets/pollinators/"),              # article and plural; the page says "ملقح"
    ("ru", "лесов", "ru/"),                                        # genitive plural; the page says "леса"
    ("ru", "лес", "ru/"),
    ("ru", "опылителей", "ru/factsheets/pollinators/"),            # the page says "Опылители"
    ("ru", "продовольствие", "ru/factsheets/pollinators/"),        # the page says "продовольствия"
]


@pytest.mark.parametrize("lang,query,expected", FOUND)
def test_keyboard_search_finds_the_page_and_opens_it(browser, served, lang, query, expected):
    context, page, requested, violations = open_page(browser, served, f"{lang}/")
    try:
        assert not [u for u in requested if f"/{search.BUNDLE}/" in u]
        search_with_keyboard(page, query)
        dialog = page.get_by_role("dialog", name=gettext(ROOT / "locales", lang, "Search"))
        assert dialog.is_visible()
        assert page.evaluate("document.activeElement.id") == "ipbes-search-input"
        options = page.locator(".ipbes-search__results").get_by_role("option")
        assert options.count() >= 1, page.locator(".ipbes-search__status").text_content()
        pages = [options.nth(i).locator("a").get_attribute("href").split("#")[0] for i in range(options.count())]
        assert f"/{expected}" in pages, pages
        for _ in range(pages.index(f"/{expected}") + 1):
            page.keyboard.press("ArrowDown")
        active = page.locator("[role=option][aria-selected=true]")
        assert active.count() == 1
        assert page.locator("#ipbes-search-input").get_attribute("aria-activedescendant") == active.get_attribute("id")
        target = active.locator("a").get_attribute("href")
        assert target.split("#")[0] == f"/{expected}"
        page.keyboard.press("Enter")
        page.wait_for_url(f"{served}{target}")
        assert not violations
        assert {u.split("/")[2] for u in requested} == {served.split("/")[2]}
    finally:
        context.close()


def test_arrows_move_through_results_and_wrap(browser, served):
    context, page, _, _ = open_page(browser, served, "en/")
    try:
        search_with_keyboard(page, "pollination")
        options = page.locator(".ipbes-search__results").get_by_role("option")
        assert options.count() == 2
        page.keyboard.press("ArrowDown")
        page.keyboard.press("ArrowDown")
        assert options.nth(1).get_attribute("aria-selected") == "true"
        page.keyboard.press("ArrowDown")
        assert options.nth(0).get_attribute("aria-selected") == "true"
        page.keyboard.press("ArrowUp")
        assert options.nth(1).get_attribute("aria-selected") == "true"
        assert options.nth(0).get_attribute("aria-selected") == "false"
    finally:
        context.close()


def test_a_result_shows_its_page_title_and_the_heading_it_was_found_under(browser, served):
    context, page, _, _ = open_page(browser, served, "en/")
    try:
        search_with_keyboard(page, "crops")
        result = page.locator(".ipbes-search__results").get_by_role("option").first
        assert result.locator(".ipbes-search__page").text_content() == "Pollinators fact sheet"
        assert result.locator(".ipbes-search__heading").text_content() == "Food security"
        assert result.locator("mark").first.text_content().lower() == "crops"
        page.keyboard.press("ArrowDown")
        page.keyboard.press("Enter")
        page.wait_for_url(f"{served}/en/factsheets/pollinators/#food-security")
    finally:
        context.close()


def test_arabic_results_are_right_to_left(browser, served):
    context, page, _, _ = open_page(browser, served, "ar/")
    try:
        search_with_keyboard(page, "الغابات")
        assert page.locator(".ipbes-search__results").get_by_role("option").count() == 1
        direction = page.evaluate("""() => ['.ipbes-search', '.ipbes-search__results', '.ipbes-search__result']
            .map(s => getComputedStyle(document.querySelector(s)).direction)""")
        assert direction == ["rtl", "rtl", "rtl"]
        dialog_box = page.locator(".ipbes-search").bounding_box()
        close_box = page.locator(".ipbes-search__close").bounding_box()
        assert close_box["x"] < dialog_box["x"] + dialog_box["width"] / 2, "Close sits at the end of the line: the left in Arabic"
        assert page.locator(".ipbes-search__status").text_content() == "النتائج: 1"
    finally:
        context.close()


def test_excluded_pages_and_english_fallbacks_are_not_found(browser, served):
    cases = [("en/", "Dashboardonlyword"), ("en/", "Notfoundonlyword"), ("en/", "Unmarkedonlyword"), ("fr/", "zebrafinch")]
    for path, word in cases:
        context, page, _, _ = open_page(browser, served, path)
        try:
            search_with_keyboard(page, word)
            assert page.locator(".ipbes-search__results").get_by_role("option").count() == 0, word
            expected = gettext(ROOT / "locales", path.strip("/"), "No results for %(query)s") % {"query": word}
            assert page.locator(".ipbes-search__status").text_content() == expected
        finally:
            context.close()


def test_filter_by_kind(browser, served):
    context, page, _, _ = open_page(browser, served, "en/")
    try:
        search_with_keyboard(page, "pollination")
        assert page.locator(".ipbes-search__results").get_by_role("option").count() == 2
        page.get_by_label("Filter by kind").select_option("news")
        page.wait_for_function("() => document.querySelectorAll('.ipbes-search__result').length === 1")
        assert page.locator(".ipbes-search__results").get_by_role("option").first.locator(".ipbes-search__page").text_content() == "Nexus assessment launched"
    finally:
        context.close()


def test_escape_closes_and_gives_focus_back(browser, served):
    context, page, _, _ = open_page(browser, served, "fr/")
    try:
        opener = page.get_by_role("button", name="Rechercher")
        opener.focus()
        page.keyboard.press("Enter")
        assert page.locator(".ipbes-search").is_visible()
        page.keyboard.type("forêt")
        page.keyboard.press("Escape")
        assert not page.locator(".ipbes-search").is_visible()
        assert page.evaluate("document.activeElement.hasAttribute('data-ipbes-search-open')")
        page.keyboard.press("/")
        assert page.locator("#ipbes-search-input").input_value() == "forêt"
    finally:
        context.close()


def test_slash_in_a_text_field_is_just_a_character(browser, served):
    context, page, _, _ = open_page(browser, served, "en/")
    try:
        page.evaluate("""() => { const i = document.createElement('input'); i.id = 'other'; document.body.append(i); i.focus(); }""")
        page.keyboard.type("a/b")
        assert page.locator("#other").input_value() == "a/b"
        assert not page.locator(".ipbes-search").is_visible()
    finally:
        context.close()


def test_a_page_that_never_opens_search_fetches_nothing_of_it(browser, served):
    context, page, requested, _ = open_page(browser, served, "zh/factsheets/pollinators/")
    try:
        page.mouse.move(10, 10)
        page.keyboard.press("Tab")
        page.wait_for_timeout(300)
        assert not [u for u in requested if f"/{search.BUNDLE}/" in u]
    finally:
        context.close()


def test_without_javascript_there_is_no_dead_search_button(indexed):
    html = (indexed[0] / "en" / "index.html").read_text(encoding="utf-8")
    assert "data-ipbes-search-open hidden" in html


# --- Security policy --------------------------------------------------------------------------

def run_policy_case(browser, site: Path, headers: dict) -> tuple[int, list[str]] | tuple[int, list[str], str]:
    with search.serve_site(site, headers=headers) as origin:
        context, page, _, violations = open_page(browser, origin, "ru/")
        try:
            search_with_keyboard(page, "лесов")
            count = page.locator(".ipbes-search__results").get_by_role("option").count()
            status = page.locator(".ipbes-search__status").text_content()
            return (count, violations) if count else (count, violations, status)
        finally:
            context.close()


def test_search_works_under_the_policy_with_wasm_unsafe_eval_only(browser, indexed):
    header_policy = csp.policy([], for_header=True)
    assert "script-src 'self' 'wasm-unsafe-eval'" in header_policy, "the site's own policy allows WebAssembly"
    assert "'unsafe-inline'" not in header_policy and "'unsafe-eval'" not in header_policy
    assert run_policy_case(browser, indexed[0], {"Content-Security-Policy": header_policy}) == (1, [])


def test_without_wasm_unsafe_eval_the_policy_blocks_search(browser, tmp_path):
    site = write_fixture_site(tmp_path, policy=csp.policy([]))
    search.index_site(site, ["ru"])
    without = csp.policy([], for_header=True).replace(" 'wasm-unsafe-eval'", "")
    count, violations, status = run_policy_case(browser, site, {"Content-Security-Policy": without})
    assert count == 0 and violations, "Pagefind's WebAssembly must need 'wasm-unsafe-eval'"
    assert status == "Поиск сейчас недоступен."
    # A <meta> policy alone does not reach Pagefind's worker (a worker takes the policy of its own
    # response), so there search runs even without it; the _headers policy does reach it.
    assert run_policy_case(browser, site, {}) == (1, [])


# --- Measurement for make bench ---------------------------------------------------------------

def test_measure_first_query(browser, served):
    numbers = search.measure_first_query(browser, served, "ru/", ("лесов", "опылителей"))
    assert numbers["requests_before_search"] == 0
    assert numbers["first_query_bytes"] > numbers["second_query_bytes"] > 0
    assert numbers["first_query_requests"] > numbers["second_query_requests"]
    assert 0 < numbers["first_result_ms"] < 15_000
