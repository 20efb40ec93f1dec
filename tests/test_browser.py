"""Real Chromium (Debian's, through Playwright) on the built site served from loopback."""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from scripts.languages import UN_LANGUAGES
from scripts.tokens import load_tokens, material_colour
from scripts import ROOT


@pytest.mark.parametrize("lang", UN_LANGUAGES)
def test_home_page_requests_nothing_outside_the_site(browser, origin, lang):
    page = browser.new_page()
    requests, failures, errors = [], [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("requestfailed", lambda r: failures.append(r.url))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{origin}/{lang}/", wait_until="networkidle")
    page.close()
    local = urlsplit(origin).netloc
    foreign = [u for u in requests if urlsplit(u).scheme in ("http", "https") and urlsplit(u).netloc != local]
    assert requests, "no request was recorded"
    assert not foreign, foreign
    assert not failures, failures
    assert not errors, errors
    assert not any(u.endswith(f"/{lang}/{p}sitemap.xml") for u in requests for p in ("about/", "partners/"))


@pytest.mark.parametrize("lang", UN_LANGUAGES)
def test_page_language_and_fonts_in_the_browser(browser, origin, lang):
    page = browser.new_page()
    page.goto(f"{origin}/{lang}/about/", wait_until="networkidle")
    assert page.evaluate("document.documentElement.lang") == lang
    direction = page.evaluate("getComputedStyle(document.body).direction")
    assert direction == ("rtl" if lang == "ar" else "ltr")
    font = page.evaluate("getComputedStyle(document.querySelector('.md-typeset')).fontFamily")
    expected = {"ar": "Noto Sans Arabic", "zh": "Noto Sans CJK SC"}.get(lang, "Noto Sans")
    assert expected in font
    page.close()


def test_arabic_layout_mirrors(browser, origin):
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    boxes = {}
    for lang in ("en", "ar"):
        page.goto(f"{origin}/{lang}/about/", wait_until="networkidle")
        boxes[lang] = page.evaluate("""() => {
            const box = s => document.querySelector(s).getBoundingClientRect().left;
            const li = document.querySelector('.md-typeset ul li');
            return {nav: box('.md-sidebar--primary'), toc: box('.md-sidebar--secondary'),
                    logo: box('.md-header__button.md-logo'), search: box('.ipbes-search__open'),
                    bulletSide: getComputedStyle(li.parentElement).paddingInlineStart,
                    textAlign: getComputedStyle(document.querySelector('.md-typeset p')).textAlign};
        }""")
    page.close()
    en, ar = boxes["en"], boxes["ar"]
    assert en["nav"] < en["toc"] and ar["nav"] > ar["toc"], boxes
    assert en["logo"] < en["search"] and ar["logo"] > ar["search"], boxes
    assert ar["textAlign"] in ("start", "right")


def test_footer_copyright_uses_the_token_colours(browser, origin):
    tokens = load_tokens(ROOT / "brand" / "tokens.json")
    page = browser.new_page()
    page.goto(f"{origin}/en/", wait_until="networkidle")
    colour = page.evaluate("getComputedStyle(document.querySelector('.md-copyright')).color")
    page.close()
    hex_value = material_colour(tokens, "md-footer-fg-color--lighter")
    rgb = tuple(int(hex_value[i:i + 2], 16) for i in (1, 3, 5))
    assert colour == f"rgb({rgb[0]}, {rgb[1]}, {rgb[2]})"


@pytest.mark.parametrize("locale,expected", [("fr-FR", "fr"), ("zh-CN", "zh"), ("ar-EG", "ar"), ("de-DE", None)])
def test_root_chooser_sends_readers_to_their_language(browser, origin, locale, expected):
    context = browser.new_context(locale=locale)
    page = context.new_page()
    page.goto(f"{origin}/", wait_until="networkidle")
    if expected:
        assert page.url == f"{origin}/{expected}/"
    else:
        assert page.url == f"{origin}/"
        assert page.locator(".chooser__link").count() == len(UN_LANGUAGES)
    context.close()


def test_chooser_works_without_javascript(browser, origin):
    context = browser.new_context(java_script_enabled=False, locale="fr-FR")
    page = context.new_page()
    page.goto(f"{origin}/", wait_until="networkidle")
    assert page.url == f"{origin}/"
    with page.expect_navigation():
        page.get_by_role("link", name="Русский").click()
    assert page.url == f"{origin}/ru/"
    context.close()


def test_language_switcher_stays_on_page_with_the_keyboard(browser, origin):
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto(f"{origin}/en/partners/", wait_until="networkidle")
    page.locator(".md-select > button").focus()
    for _ in range(len(UN_LANGUAGES)):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('hreflang')") == "zh":
            break
    assert page.evaluate("document.activeElement.getAttribute('hreflang')") == "zh"
    assert page.locator(".md-select__link[hreflang=zh]").is_visible()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == f"{origin}/zh/partners/"
    page.close()


# Each query is a word of the volunteers' page (the initiative began in Latin America, in
# Spanish) that no other page of that language uses, so the expected page must be listed.
@pytest.mark.parametrize("lang,query,expected", [
    ("zh", "西班牙语", "get-involved/"),
    ("ar", "أمريكا", "get-involved/"),
    ("ru", "испанском", "get-involved/"),
    ("fr", "espagnol", "get-involved/"),
])
def test_search_finds_pages_in_the_page_language(browser, origin, lang, query, expected):
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto(f"{origin}/{lang}/", wait_until="networkidle")
    page.keyboard.press("/")
    page.keyboard.type(query)
    page.wait_for_selector(".ipbes-search__link", state="attached", timeout=30_000)
    hrefs = page.eval_on_selector_all(".ipbes-search__link", "els => els.map(e => e.href)")
    page.close()
    assert any(h.split("#")[0].split("?")[0].endswith(f"/{lang}/{expected}") for h in hrefs), hrefs
