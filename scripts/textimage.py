"""Text on images in any of the six scripts, with Pillow: which font, how lines wrap, which
way they run. Shared by the video posters and the social cards.

Pillow draws with one font file and no fallback, so the font is chosen to cover whatever a
title mixes: the system CJK font for Chinese (with Latin), else DejaVu Sans (Latin,
Cyrillic, Arabic and digits in one file). Arabic is shaped and laid out right to left
through raqm (bundled with Pillow's wheels).
"""
from __future__ import annotations

import subprocess
from functools import lru_cache

from PIL import ImageDraw, ImageFont

NO_LINE_START = set("）)」』】〕》〉、。，．！？；：,.!?;:")


@lru_cache(maxsize=None)
def font_file(lang: str) -> str:
    pattern = "Noto Sans CJK SC:bold" if lang == "zh" else "DejaVu Sans:bold"
    found = subprocess.run(["fc-match", "-f", "%{file}", pattern], capture_output=True, text=True, check=False).stdout
    return found or pattern


@lru_cache(maxsize=None)
def font(lang: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(font_file(lang), size)


def direction(lang: str) -> dict:
    return {"direction": "rtl", "language": "ar"} if lang == "ar" else {}


def wrap(draw: ImageDraw.ImageDraw, text: str, face, width: int, lang: str) -> list[str]:
    """Lines that fit `width`; Chinese breaks between characters, but never before closing
    punctuation, which stays with the character before it."""
    units = list(text) if lang == "zh" else text.split()
    if lang == "zh":
        merged: list[str] = []
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
        if draw.textlength(candidate, font=face, **direction(lang)) <= width or not current:
            current = candidate
        else:
            lines.append(current)
            current = unit
    if current:
        lines.append(current)
    return lines


def fit_lines(draw, text: str, lang: str, width: int, size: int, max_lines: int, min_size: int = 28):
    """The largest font size (from `size` down) at which `text` fits in `max_lines` lines."""
    while True:
        face = font(lang, size)
        lines = wrap(draw, text, face, width, lang)
        if len(lines) <= max_lines or size <= min_size:
            return face, size, lines[:max_lines]
        size -= 4


def draw_lines(draw, lines: list[str], face, size: int, lang: str, left: int, right: int, top: int, fill, spacing: float = 1.3) -> int:
    """Draws the lines from `top`, left-aligned, or right-aligned for Arabic; returns the next top."""
    for line in lines:
        x, anchor = (right, "ra") if lang == "ar" else (left, "la")
        draw.text((x, top), line, font=face, fill=fill, anchor=anchor, **direction(lang))
        top += int(size * spacing)
    return top
