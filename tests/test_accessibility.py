"""Accessibility in real Chromium: axe-core's WCAG 2.2 A and AA rules on every page template
in every language, and the skip link, navigation and search driven with the keyboard alone.

axe-core comes from the npm registry (package.json, installed by `make test`), so the rules
are the engine's own, not a copy of ours.
"""
from __future__ import annotations

from urllib.parse import urljoin, unquote, urlsplit

import pytest

from scripts import ROOT
from scripts.languages import UN_LANGUAGES
from tests.browser import TEMPLATE_PATHS

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
RUN_AXE = "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})"


def violations(page) -> list[str]:
    """axe-core's violations on the page as it stands, one line per rule with where it failed."""
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(RUN_AXE, WCAG_TAGS)
    return [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}" for v in result["violations"]]


def axe_page(browser):
    # axe is injected by the test, so the page's own script policy must not block it.
    return browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900}).new_page()


@pytest.mark.parametrize("lang", UN_LANGUAGES)
def test_no_wcag_violation_on_any_template(browser, origin, lang):
    assert AXE.is_file(), "axe-core is missing: run `npm ci` (make test does)"
    page = axe_page(browser)
    found = {}
    for path in [""] + [f"{lang}/{t}" for t in TEMPLATE_PATHS]:
        page.goto(f"{origin}/{path}", wait_until="load")  # stylesheets, fonts and images are in by then
        page.evaluate("document.fonts.ready.then(() => true)")
        problems = violations(page)
        if problems:
            found[path or "/"] = problems
    page.context.close()
    assert found == {}


def test_axe_reports_a_real_violation(browser, origin):
    """The harness above can fail: a link told apart by colour alone and grey-on-white text are found."""
    page = axe_page(browser)
    page.goto(f"{origin}/en/about/", wait_until="networkidle")
    page.evaluate("""() => {
        const p = document.querySelector('.md-typeset p');
        p.insertAdjacentHTML('beforeend', ' <span style="color:#bbb">faint</span>');
        p.querySelectorAll('a').forEach(a => a.style.textDecoration = 'none');
    }""")
    found = violations(page)
    page.context.close()
    assert any(line.startswith("color-contrast") for line in found), found


def _tab_until(page, selector: str, limit: int = 80) -> bool:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return True
    return False


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_skip_link_is_the_first_stop_and_jumps_to_the_content(browser, origin, lang):
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto(f"{origin}/{lang}/about/", wait_until="networkidle")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('md-skip')")
    assert page.locator(".md-skip").is_visible(), "the focused skip link must be visible"
    target = page.locator(".md-skip").get_attribute("href")
    page.keyboard.press("Enter")
    # Ids are words in the page's script; location.hash gives them percent-encoded.
    page.wait_for_function("hash => decodeURIComponent(location.hash) === hash", arg=target, timeout=5_000)
    page.keyboard.press("Tab")
    assert page.evaluate("document.querySelector('.md-content').contains(document.activeElement)"), \
        "after the skip link, the next Tab must land in the content, not in the header or navigation"
    page.close()


@pytest.mark.parametrize("lang", ["en", "ar", "zh"])
def test_navigation_works_with_the_keyboard(browser, origin, lang):
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto(f"{origin}/{lang}/about/", wait_until="networkidle")
    assert _tab_until(page, ".md-nav--primary a.md-nav__link[href$='partners/']"), "Tab never reached the navigation"
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none" or \
        page.evaluate("getComputedStyle(document.activeElement).textDecorationLine") != "none"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert urlsplit(page.url).path == f"/{lang}/partners/"
    page.close()


# Words of the volunteers' pages, so that the query has results.
@pytest.mark.parametrize("lang,query", [("en", "Mapping"), ("ar", "أمريكا"), ("zh", "西班牙语")])
def test_search_works_with_the_keyboard(browser, origin, lang, query):
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto(f"{origin}/{lang}/about/", wait_until="networkidle")
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "ipbes-search-input", "'/' did not open the search"
    page.keyboard.type(query)
    page.wait_for_selector(".ipbes-search__result", state="visible", timeout=30_000)
    for _ in range(10):
        page.keyboard.press("ArrowDown")
        if page.locator("[role=option][aria-selected=true]").count():
            break
    active = page.locator("[role=option][aria-selected=true]")
    assert active.count() == 1, "the arrow keys never reached a result"
    href = urljoin(page.url, active.locator("a").get_attribute("href"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert unquote(urlsplit(page.url).path) == unquote(urlsplit(href).path)
    assert urlsplit(page.url).path.startswith(f"/{lang}/") and urlsplit(page.url).path != f"/{lang}/about/"
    page.close()
