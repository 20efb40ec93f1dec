"""Web fonts that do not move the page (scripts/fonts.py): metric-matched fallback faces in
brand/fonts/fonts.css, and in real Chromium, on a phone with the fonts arriving late, a
cumulative layout shift under 0.05 on the home page, a fact sheet and a news post in
English, Arabic and Chinese."""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from scripts import ROOT, fonts

MAX_LAYOUT_SHIFT = 0.05
FONT_DELAY_SECONDS = 1.0
PHONE = {"viewport": {"width": 412, "height": 823}, "device_scale_factor": 1.75, "is_mobile": True, "has_touch": True}
SHIFTS = """window.__shifts = [];
new PerformanceObserver(list => { for (const e of list.getEntries()) if (!e.hadRecentInput) window.__shifts.push(e.value); })
  .observe({type: "layout-shift", buffered: true});"""
SYSTEM_FILES = {
    "Arial": ("/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf", "/usr/share/fonts/truetype/liberation2/LiberationSans-Bold.ttf"),
    "Roboto": ("/usr/share/fonts/truetype/roboto/unhinted/RobotoTTF/Roboto-Regular.ttf",
               "/usr/share/fonts/truetype/roboto/unhinted/RobotoTTF/Roboto-Bold.ttf"),
    "DejaVu": ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
}


def test_fonts_css_carries_the_fallback_faces_of_the_current_fonts():
    css = (ROOT / fonts.FONTS_CSS).read_text(encoding="utf-8")
    assert fonts.with_fallbacks(css, ROOT / fonts.FONTS_CSS.parent) == css, "run: python -m scripts.fonts"
    assert css.count(fonts.BEGIN) == 1
    for name in ("size-adjust", "ascent-override", "descent-override", "line-gap-override"):
        assert css.count(name) == css.count("Fallback"), name


def test_fallback_faces_follow_the_brand_fonts():
    """Wider brand letters need a larger fallback: the computation reads the woff2 files."""
    css = fonts.fallback_css(ROOT / fonts.FONTS_CSS.parent)
    size = float(css.split("size-adjust: ", 1)[1].split("%", 1)[0])
    assert 95 < size < 110
    assert "local(\"DejaVu Sans\")" in css and "'Noto Sans Arabic Fallback DejaVu'" in css


@pytest.mark.parametrize("key", list(SYSTEM_FILES))
def test_system_font_constants_match_the_font_files(key):
    system = next(s for s in fonts.SYSTEM_FONTS if s.key == key)
    for weight, path in zip((400, 700), SYSTEM_FILES[key]):
        if not Path(path).is_file():
            pytest.skip(f"{path} is not installed here ({system.source})")
        assert fonts.system_metrics(Path(path)) == system.metrics[weight], (key, weight)


def test_arabic_letters_take_their_joined_forms():
    shaped = fonts.contextual_forms("بيت و دار")
    assert shaped == "\ufe91\ufef4\ufe96 \ufeed \ufea9\ufe8d\ufead"  # dal joins nothing after it


def test_tokens_name_the_fallback_families_after_the_brand_fonts():
    from scripts.tokens import load_tokens, tokens_css
    css = tokens_css(load_tokens(ROOT / "brand" / "tokens.json"))
    for brand in fonts.BRAND_FACES:
        stack = ", ".join(f'"{family}"' for family in [brand] + fonts.fallback_families(brand))
        assert stack in css, stack


def test_each_language_preloads_the_font_of_its_script():
    assert fonts.preload_font("ar").startswith("noto-sans-arabic-arabic-core-400")
    assert fonts.preload_font("ru").startswith("noto-sans-cyrillic-400")
    for lang in ("en", "fr", "es", "zh"):
        assert fonts.preload_font(lang) == "noto-sans-latin-400-normal.woff2"
    for lang in ("en", "ar", "ru"):
        assert (ROOT / fonts.FONTS_CSS.parent / fonts.preload_font(lang)).is_file()


@pytest.mark.parametrize("lang", ["en", "ar", "ru", "zh"])
def test_pages_preload_their_font(site, lang):
    from tests.helpers import find, parse
    page = site / lang / "about" / "index.html"
    links = [l.attrs for l in find(parse(page), "link", rel="preload")]
    fonts_preloaded = [l for l in links if l.get("as") == "font"]
    assert len(fonts_preloaded) == 1, links
    link = fonts_preloaded[0]
    assert link.get("type") == "font/woff2" and "crossorigin" in link
    target = (page.parent / link["href"]).resolve()
    assert target.is_file(), link["href"]
    assert Path(link["href"]).name.split(".")[0] == fonts.preload_font(lang).split(".")[0]


def _layout_shift(browser, url: str, delay: float) -> float:
    context = browser.new_context(**PHONE)
    context.add_init_script(SHIFTS)

    def late(route):
        time.sleep(delay)
        route.continue_()

    context.route("**/*.woff2", late)
    page = context.new_page()
    page.goto(url, wait_until="load")
    page.evaluate("document.fonts.ready")
    page.wait_for_timeout(500)
    shift = page.evaluate("window.__shifts.reduce((a, b) => a + b, 0)")
    loaded = page.evaluate("[...document.fonts].filter(f => f.status == 'loaded').map(f => f.family)")
    context.close()
    assert any(not family.startswith("Noto Sans Fallback") and "Fallback" not in family for family in loaded), loaded
    return shift


@pytest.mark.parametrize("lang", ["en", "ar", "zh"])
@pytest.mark.parametrize("path", ["", "factsheets/africa/", "news/logo-use-policy/"])
def test_layout_shift_when_fonts_arrive_late(browser, origin, lang, path):
    shift = _layout_shift(browser, f"{origin}/{lang}/{path}", FONT_DELAY_SECONDS)
    assert shift < MAX_LAYOUT_SHIFT, f"{lang}/{path}: cumulative layout shift {shift:.3f}"


def test_fallback_faces_are_used_while_fonts_load(browser, origin):
    context = browser.new_context(**PHONE)
    context.route("**/*.woff2", lambda route: route.abort())
    page = context.new_page()
    page.goto(f"{origin}/en/", wait_until="load")
    used = page.evaluate("""document.fonts.ready.then(() => [...document.fonts]
        .filter(f => f.family.includes('Fallback') && f.status == 'loaded').map(f => f.family))""")
    context.close()
    assert "Noto Sans Fallback DejaVu" in used, used
