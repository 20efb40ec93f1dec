"""Social cards and link-preview metadata on every page, in every language."""
from __future__ import annotations

import pytest
from PIL import Image

from scripts import ROOT
from scripts.cards import draw_card
from scripts.languages import UN_LANGUAGES
from tests.helpers import find, parse

COLOURS = {"background": "#00736F", "accent": "#B2D78B", "text": "#FFFFFF"}
LOCALES = {"en": "en_US", "fr": "fr_FR", "es": "es_ES", "zh": "zh_CN", "ar": "ar_EG", "ru": "ru_RU"}


def meta(parsed, key):
    return [m.attrs.get("content") for m in find(parsed, "meta") if m.attrs.get("property") == key or m.attrs.get("name") == key]


@pytest.mark.parametrize("lang", UN_LANGUAGES)
def test_every_page_has_open_graph_and_a_card(site, shared, lang):
    pages = [p for p in (site / lang).rglob("index.html") if "/category/" not in p.as_posix()]
    assert len(pages) > 20
    for html in pages:
        parsed = parse(html)
        image = meta(parsed, "og:image")
        assert len(image) == 1 and image[0].startswith(f"{shared.site_url}{lang}/assets/ipbes/cards/"), html
        card = site / lang / image[0][len(f"{shared.site_url}{lang}/"):]
        with Image.open(card) as opened:
            assert opened.size == (1200, 630)
        assert meta(parsed, "og:locale") == [LOCALES[lang]]
        assert meta(parsed, "twitter:card") == ["summary_large_image"]
        assert meta(parsed, "og:title")[0] and meta(parsed, "og:url")[0].startswith(f"{shared.site_url}{lang}/")
    post = parse(site / lang / "news" / "logo-use-policy" / "index.html")
    assert meta(post, "og:type") == ["article"]
    assert sorted(meta(post, "og:locale:alternate")) == sorted(LOCALES[l] for l in UN_LANGUAGES if l != lang)


def _ink(image: Image.Image, top: int, bottom: int) -> tuple[int, int]:
    band = image.crop((0, top, image.width, bottom)).convert("L")
    columns = [x for x in range(band.width) if any(band.getpixel((x, y)) > 200 for y in range(0, band.height, 2))]
    return min(columns), max(columns)


def test_cards_lay_out_arabic_right_to_left_and_wrap_chinese(tmp_path):
    logo = (ROOT / "brand" / "logos" / "ipbes.svg").read_bytes()
    ar = Image.open(draw_card("شعار المنبر وحده على الغلاف الأمامي", "المنبر", "ar", COLOURS, logo, tmp_path / "ar.png"))
    left, right = _ink(ar, 330, 560)
    assert right > 1200 - 100 and left > 200
    en = Image.open(draw_card("The IPBES logo alone", "IPBES", "en", COLOURS, logo, tmp_path / "en.png"))
    left, right = _ink(en, 330, 560)
    assert left < 100 and right < 1000
    zh = Image.open(draw_card("生物多样性平台亚洲及太平洋生物多样性和生态系统服务区域评估报告", "平台", "zh", COLOURS, logo, tmp_path / "zh.png"))
    grey = zh.convert("L")
    rows = [y for y in range(300, 600) if any(grey.getpixel((x, y)) > 200 for x in range(72, 1128, 3))]
    bands = sum(1 for a, b in zip(rows, rows[1:]) if b - a > 8) + 1
    assert bands >= 2, "the Chinese title wraps onto several lines"
    assert max(_ink(zh, 300, 600)) <= 1200 - 60, "and stays inside the card"
