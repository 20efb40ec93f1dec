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

import numpy as np
from PIL import Image, ImageColor, ImageDraw

from .safety import atomic_write_bytes, png_ok, read_cached
from .textimage import draw_lines, fit_lines

SIZE = (1200, 630)
VERSION = "card-4"  # bumped whenever the same inputs would give other bytes


def card_name(title: str, kicker: str, lang: str, colours: dict, logo: bytes) -> str:
    digest = hashlib.sha256("\0".join([VERSION, lang, title, kicker, *sorted(f"{k}={v}" for k, v in colours.items())]).encode())
    digest.update(logo)
    return f"{digest.hexdigest()[:20]}.png"


@functools.lru_cache(maxsize=4)
def _logo(svg: bytes, size: int) -> Image.Image:
    import cairosvg
    png = cairosvg.svg2png(bytestring=svg, output_width=size, output_height=size)
    return Image.open(io.BytesIO(png)).convert("RGBA")


RAMP = 16          # shades between the background and the text colour, for anti-aliased titles
BASE_COLOURS = 48  # colours of everything else (background, bar, logo, kicker)


@functools.lru_cache(maxsize=8)
def _base(kicker: str, lang: str, colours: tuple, logo_svg: bytes) -> tuple[np.ndarray, list[int], int]:
    """What every card of a language shares, as palette indices: drawn once per build."""
    colour = dict(colours)
    width, height = SIZE
    card = Image.new("RGB", SIZE, colour["background"])
    draw = ImageDraw.Draw(card)
    draw.rectangle([0, height - 28, width, height], fill=colour["accent"])
    logo = _logo(logo_svg, 132)
    card.paste(logo, (width - 72 - logo.width if lang == "ar" else 72, 64), logo)
    kicker_face, kicker_size, kicker_lines = fit_lines(draw, kicker, lang, width - 144, 28, 2, 20)
    top = draw_lines(draw, kicker_lines, kicker_face, kicker_size, lang, 72, width - 72, 230, colour["text"], 1.35)
    base = card.quantize(BASE_COLOURS, method=Image.Quantize.FASTOCTREE)
    palette = (base.getpalette() or [])[:BASE_COLOURS * 3]
    palette += [0] * (BASE_COLOURS * 3 - len(palette))
    background, text = ImageColor.getrgb(colour["background"]), ImageColor.getrgb(colour["text"])
    for step in range(1, RAMP + 1):
        palette += [round(b + (f - b) * step / RAMP) for b, f in zip(background, text)]
    return np.asarray(base), palette, top


def draw_card(title: str, kicker: str, lang: str, colours: dict, logo_svg: bytes, out: Path) -> Path:
    """`kicker`: the line above the title (the organisation's name in the page's language).

    The title is drawn as a coverage mask and written into the shared base as shades of a
    background-to-text ramp, so the card is a 64-colour PNG without quantising each card
    (quantising and an optimised full-colour PNG took most of a cold build's card time).
    zlib level 3: 1.5 ms a card instead of 3.3 ms at level 6, for 16 kB instead of 12; cards
    are fetched by link previews only, never by a page."""
    width, height = SIZE
    pixels, palette, top = _base(kicker, lang, tuple(sorted(colours.items())), logo_svg)
    mask = Image.new("L", SIZE, 0)
    draw = ImageDraw.Draw(mask)
    face, size, lines = fit_lines(draw, title, lang, width - 144, 64, 3, 34)
    draw_lines(draw, lines, face, size, lang, 72, width - 72, top + 18, 255, 1.25)
    cover = np.asarray(mask)
    inked = cover > 0
    pixels = pixels.copy()
    pixels[inked] = BASE_COLOURS + (cover[inked].astype(np.uint16) * RAMP // 256).astype(np.uint8)
    card = Image.fromarray(pixels, "P")
    card.putpalette(palette)
    encoded = io.BytesIO()
    card.save(encoded, format="PNG", compress_level=3)
    return atomic_write_bytes(out, encoded.getvalue())


def card_for(title: str, kicker: str, lang: str, colours: dict, logo_svg: bytes, cache: Path) -> Path:
    path = Path(cache) / card_name(title, kicker, lang, colours, logo_svg)
    return path if read_cached(path, png_ok) is not None else draw_card(title, kicker, lang, colours, logo_svg, path)


def og_locale(lang: str) -> str:
    """Open Graph's ll_CC form, from CLDR's likely subtags (zh -> zh_CN, ar -> ar_EG)."""
    from babel.core import get_global
    likely = get_global("likely_subtags").get(lang, lang)
    parts = likely.split("_")
    return f"{parts[0]}_{parts[-1]}" if len(parts) > 1 else parts[0]
