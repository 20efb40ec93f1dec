"""Posters for embeds that have none: drawn with Pillow from the title and the brand tokens.

A facade needs a picture that is on the site's own origin (the provider's thumbnail would
be a request to it before the reader chose to play). Titles are laid out by `textimage`:
wrapped in every script, Arabic shaped and right-aligned.
"""
from __future__ import annotations

import hashlib
import io
from pathlib import Path

from PIL import Image, ImageDraw

from ..safety import atomic_write_bytes, png_ok, read_cached
from ..textimage import draw_lines, fit_lines

SIZE = (1280, 720)
VERSION = "poster-3"
# Where the title starts, as a share of the height: below the facade's play button and its
# ring at the centre (site.css: 12% of the width, at least 2rem).
TITLE_TOP = 0.66


def poster_name(title: str, lang: str, colours: dict, playable: bool = True) -> str:
    digest = hashlib.sha256("\0".join([VERSION, lang, title, str(playable), *sorted(f"{k}={v}" for k, v in colours.items())]).encode())
    return f"{digest.hexdigest()[:16]}.png"


def draw_poster(title: str, lang: str, colours: dict, root: Path, out: Path, playable: bool = True) -> Path:
    """`colours`: background, accent and text, as #RRGGBB from the tokens. A playable poster
    draws no play symbol: the facade's own button (site.css, `.ipbes-embed__play`) sits in
    the middle, which stays empty, and the title starts below it (TITLE_TOP). A stand-in
    (`playable` false) gets an empty ring there: nothing plays."""
    image = Image.new("RGB", SIZE, colours["background"])
    draw = ImageDraw.Draw(image)
    width, height = SIZE
    draw.rectangle([0, height - 24, width, height], fill=colours["accent"])
    if not playable:
        radius, cx, cy = 70, width // 2, height // 2
        draw.ellipse([cx - radius, cy - radius, cx + radius, cy + radius], outline=colours["accent"], width=8)
    face, size, lines = fit_lines(draw, title, lang, width - 160, 54, 3, 30)
    draw_lines(draw, lines, face, size, lang, 80, width - 80, int(height * TITLE_TOP), colours["text"], 1.35)
    encoded = io.BytesIO()
    image.save(encoded, format="PNG", optimize=True)
    return atomic_write_bytes(out, encoded.getvalue())


def poster_for(title: str, lang: str, colours: dict, root: Path, cache: Path, playable: bool = True) -> Path:
    """The drawn poster, from the cache when the same title and colours were drawn before."""
    path = Path(cache) / poster_name(title, lang, colours, playable)
    return path if read_cached(path, png_ok) is not None else draw_poster(title, lang, colours, root, path, playable)
