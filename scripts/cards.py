"""Social cards: a 1200x630 image per page for link previews (og:image, twitter:image).

Material's social plugin downloads its fonts from Google Fonts at build time (no network
here, and blocked in mainland China), wraps titles only at spaces (Chinese titles run off
the card) and left-aligns Arabic. These cards are drawn with Pillow from the brand tokens
and the IPBES logo, with titles laid out by `textimage` for every script, and cached by
content hash so a warm build draws nothing.
"""
from __future__ import annotations

import functools
import hashlib
import io
from pathlib import Path

from PIL import Image, ImageDraw

from .textimage import draw_lines, fit_lines, font

SIZE = (1200, 630)
VERSION = "card-2"


def card_name(title: str, kicker: str, lang: str, colours: dict, logo: bytes) -> str:
    digest = hashlib.sha256("\0".join([VERSION, lang, title, kicker, *sorted(f"{k}={v}" for k, v in colours.items())]).encode())
    digest.update(logo)
    return f"{digest.hexdigest()[:20]}.png"


@functools.lru_cache(maxsize=4)
def _logo(svg: bytes, size: int) -> Image.Image:
    import cairosvg
    png = cairosvg.svg2png(bytestring=svg, output_width=size, output_height=size)
    return Image.open(io.BytesIO(png)).convert("RGBA")


def draw_card(title: str, kicker: str, lang: str, colours: dict, logo_svg: bytes, out: Path) -> Path:
    """`kicker`: the line above the title (the organisation's name in the page's language)."""
    width, height = SIZE
    card = Image.new("RGB", SIZE, colours["background"])
    draw = ImageDraw.Draw(card)
    draw.rectangle([0, height - 28, width, height], fill=colours["accent"])
    logo = _logo(logo_svg, 132)
    rtl = lang == "ar"
    card.paste(logo, (width - 72 - logo.width if rtl else 72, 64), logo)
    kicker_face, kicker_size, kicker_lines = fit_lines(draw, kicker, lang, width - 144, 28, 2, 20)
    top = draw_lines(draw, kicker_lines, kicker_face, kicker_size, lang, 72, width - 72, 230, colours["text"], 1.35)
    face, size, lines = fit_lines(draw, title, lang, width - 144, 64, 3, 34)
    draw_lines(draw, lines, face, size, lang, 72, width - 72, top + 18, colours["text"], 1.25)
    out.parent.mkdir(parents=True, exist_ok=True)
    # Flat colours and anti-aliased text fit a 64-colour palette: a third of the bytes, and
    # five times faster to write than an optimised full-colour PNG.
    card.quantize(64, method=Image.Quantize.FASTOCTREE).save(out, compress_level=6)
    return out


def card_for(title: str, kicker: str, lang: str, colours: dict, logo_svg: bytes, cache: Path) -> Path:
    path = Path(cache) / card_name(title, kicker, lang, colours, logo_svg)
    return path if path.is_file() else draw_card(title, kicker, lang, colours, logo_svg, path)


def og_locale(lang: str) -> str:
    """Open Graph's ll_CC form, from CLDR's likely subtags (zh -> zh_CN, ar -> ar_EG)."""
    from babel.core import get_global
    likely = get_global("likely_subtags").get(lang, lang)
    parts = likely.split("_")
    return f"{parts[0]}_{parts[-1]}" if len(parts) > 1 else parts[0]
