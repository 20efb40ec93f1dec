"""Posters for embeds that have none: drawn with Pillow from the title and the brand tokens.

A facade needs a picture that is on the site's own origin (the provider's thumbnail would
be a request to it before the reader chose to play). Titles wrap by width in every script:
Chinese between any two characters, Arabic shaped and right-aligned through raqm.
"""
from __future__ import annotations

import hashlib
import subprocess
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

SIZE = (1280, 720)
VERSION = "poster-2"


@lru_cache(maxsize=None)
def font_file(lang: str, root: str) -> str:
    """A font covering every character a title may mix: the system CJK font for Chinese, else
    DejaVu Sans (Latin, Cyrillic, Arabic and digits in one file; the brand's Arabic web font
    slice has no digits or Latin letters, and Pillow does not fall back between fonts)."""
    pattern = "Noto Sans CJK SC:bold" if lang == "zh" else "DejaVu Sans:bold"
    found = subprocess.run(["fc-match", "-f", "%{file}", pattern], capture_output=True, text=True, check=False).stdout
    return found or pattern


NO_LINE_START = set("）)」』】〕》〉、。，．！？；：,.!?;:")


def wrap(draw: ImageDraw.ImageDraw, text: str, font, width: int, lang: str) -> list[str]:
    """Lines that fit `width`; Chinese breaks between characters, but never before closing
    punctuation, which stays with the character before it."""
    units = list(text) if lang == "zh" else text.split()
    if lang == "zh":
        merged = []
        for unit in units:
            if merged and unit in NO_LINE_START:
                merged[-1] += unit
            else:
                merged.append(unit)
        units = merged
    joiner = "" if lang == "zh" else " "
    lines, current = [], ""
    for unit in units:
        candidate = f"{current}{joiner}{unit}" if current else unit
        if draw.textlength(candidate, font=font, **_direction(lang)) <= width or not current:
            current = candidate
        else:
            lines.append(current)
            current = unit
    if current:
        lines.append(current)
    return lines


def _direction(lang: str) -> dict:
    return {"direction": "rtl", "language": "ar"} if lang == "ar" else {}


def poster_name(title: str, lang: str, colours: dict, playable: bool = True) -> str:
    digest = hashlib.sha256("\0".join([VERSION, lang, title, str(playable), *sorted(f"{k}={v}" for k, v in colours.items())]).encode())
    return f"{digest.hexdigest()[:16]}.png"


def draw_poster(title: str, lang: str, colours: dict, root: Path, out: Path, playable: bool = True) -> Path:
    """`colours`: background, accent and text, as #RRGGBB from the tokens. A stand-in
    (`playable` false) gets no play symbol: nothing plays."""
    image = Image.new("RGB", SIZE, colours["background"])
    draw = ImageDraw.Draw(image)
    width, height = SIZE
    draw.rectangle([0, height - 24, width, height], fill=colours["accent"])
    radius, cx, cy = 70, width // 2, int(height * 0.36)
    if playable:
        draw.ellipse([cx - radius, cy - radius, cx + radius, cy + radius], fill=colours["text"])
        draw.polygon([(cx - 22, cy - 36), (cx - 22, cy + 36), (cx + 40, cy)], fill=colours["background"])
    else:
        draw.ellipse([cx - radius, cy - radius, cx + radius, cy + radius], outline=colours["accent"], width=8)
    size = 54
    font = ImageFont.truetype(font_file(lang, str(root)), size)
    lines = wrap(draw, title, font, width - 160, lang)
    while len(lines) > 3 and size > 30:
        size -= 6
        font = ImageFont.truetype(font_file(lang, str(root)), size)
        lines = wrap(draw, title, font, width - 160, lang)
    y = int(height * 0.58)
    for line in lines[:4]:
        x = width - 80 if lang == "ar" else 80
        draw.text((x, y), line, font=font, fill=colours["text"], anchor="ra" if lang == "ar" else "la", **_direction(lang))
        y += int(size * 1.35)
    out.parent.mkdir(parents=True, exist_ok=True)
    image.save(out, optimize=True)
    return out


def poster_for(title: str, lang: str, colours: dict, root: Path, cache: Path, playable: bool = True) -> Path:
    """The drawn poster, from the cache when the same title and colours were drawn before."""
    path = Path(cache) / poster_name(title, lang, colours, playable)
    return path if path.is_file() else draw_poster(title, lang, colours, root, path, playable)
