"""Metric-matched fallback faces, so the page does not move when the web fonts arrive.

Until the brand's fonts (brand/fonts/*.woff2) have loaded, a page is drawn in a system
font; when they arrive (`font-display: swap`) every line that wraps differently, and every
box whose height follows its text, moves. A fallback face is the system font under a new
family name with `size-adjust` (its letters as wide on average as the brand font's) and
`ascent-override`, `descent-override` and `line-gap-override` (its lines as tall). The
family stacks in brand/tokens.json name these families right after the brand font, so a
browser draws with the adjusted system font first and swaps to an almost identical one.

The brand font's metrics are read with fontTools from the woff2 files, so replacing the
stand-in fonts needs only `python -m scripts.fonts` to write the faces again. The system
fonts' metrics are constants (a build must not depend on the fonts of the machine that
builds), read once with `system_metrics()` from the files named beside them; a test reads
them again where the files are installed. Widths are averaged over a sample of each script
(unshaped advance widths: good enough for a ratio, and the browser test holds the result).
"""
from __future__ import annotations

import re
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

FONTS_CSS = Path("brand") / "fonts" / "fonts.css"
BEGIN = "/* BEGIN metric-matched fallback faces: written by `python -m scripts.fonts`, do not edit by hand */"
END = "/* END metric-matched fallback faces */"

# Text the averages are taken over, one per script a brand face serves.
SAMPLES = {
    "latin": "Biodiversity and ecosystem services: assessments, fact sheets and news for policymakers and the public. "
             "Biodiversité et services écosystémiques : évaluations et actualités. Biodiversidad y servicios de los ecosistemas.",
    "cyrillic": "Биоразнообразие и экосистемные услуги: оценки, информационные бюллетени и новости для политиков и общества.",
    "arabic": "التنوع البيولوجي وخدمات النظم الإيكولوجية: التقييمات والنشرات والأخبار لواضعي السياسات والجمهور.",
}
UNICODE_RANGES = {
    "latin": "U+0000-024F,U+02BB-02BC,U+02C6,U+02DA,U+02DC,U+1E00-1EFF,U+2000-206F,U+20AC,U+2122,U+2191,U+2193,U+2212,U+2215,U+FEFF,U+FFFD",
    "cyrillic": "U+0301,U+0400-052F,U+1C80-1C8A,U+2116,U+2DE0-2DFF,U+A640-A69F,U+FE2E-FE2F",
    "arabic": "U+0600-06FF,U+0750-077F,U+0870-08FF,U+200C-200E,U+2010-2011,U+FB50-FDFF,U+FE70-FEFF",
}
# Brand family -> (script, weight, the woff2 whose metrics the fallback copies).
BRAND_FACES = {
    "Noto Sans": [("latin", 400, "noto-sans-latin-400-normal.woff2"), ("latin", 700, "noto-sans-latin-700-normal.woff2"),
                  ("cyrillic", 400, "noto-sans-cyrillic-400-normal.woff2"), ("cyrillic", 700, "noto-sans-cyrillic-700-normal.woff2")],
    # The full Arabic files: the core ones were cut from them, without the presentation forms
    # that contextual_forms() needs.
    "Noto Sans Arabic": [("arabic", 400, "noto-sans-arabic-arabic-400-normal.woff2"),
                         ("arabic", 700, "noto-sans-arabic-arabic-700-normal.woff2")],
}
# Arabic letters that join only to the letter before them (Unicode ArabicShaping.txt, type R);
# the other letters of U+0620-U+06FF join on both sides, marks join nothing.
RIGHT_JOINING = set("\u0622\u0623\u0624\u0625\u0627\u0629\u062f\u0630\u0631\u0632\u0648\u0671\u0672\u0673\u0675\u0676\u0677"
                    "\u06c0\u06c3\u06c4\u06c5\u06c6\u06c7\u06c8\u06c9\u06ca\u06cb\u06cd\u06cf\u06d2\u06d3\u06d5\u06ee\u06ef") | {
                    chr(c) for c in range(0x0688, 0x069A)}
NON_JOINING = {"\u0621"}


def _joins(char: str) -> str:
    """'R' (joins the letter before), 'D' (both sides), or '' (no join)."""
    if char in RIGHT_JOINING:
        return "R"
    if char in NON_JOINING or not ("\u0620" <= char <= "\u06ff") or unicodedata.category(char) != "Lo":
        return ""
    return "D"


def contextual_forms(text: str) -> str:
    """Arabic text with each letter replaced by its presentation form (initial, medial, final,
    isolated) where Unicode has one: the shapes a browser draws, without a shaping engine."""
    letters = [char for char in text if unicodedata.category(char) != "Mn"]
    shaped = []
    for index, char in enumerate(letters):
        kind = _joins(char)
        before = index > 0 and _joins(letters[index - 1]) == "D" and kind != ""
        after = kind == "D" and index + 1 < len(letters) and _joins(letters[index + 1]) != ""
        form = {(True, True): "MEDIAL", (True, False): "FINAL", (False, True): "INITIAL", (False, False): "ISOLATED"}[(before, after)]
        try:
            shaped.append(unicodedata.lookup(f"{unicodedata.name(char)} {form} FORM") if kind else char)
        except KeyError:
            shaped.append(char)
    return "".join(shaped)


@dataclass(frozen=True)
class Metrics:
    units_per_em: int
    ascent: int
    descent: int  # below the baseline, positive
    line_gap: int
    widths: tuple[tuple[str, float], ...]  # (script, average advance over its sample, in font units)

    def width(self, script: str) -> float | None:
        return dict(self.widths).get(script)


@dataclass(frozen=True)
class SystemFont:
    """A font readers' systems have, under the names CSS local() matches (full and PostScript)."""
    key: str
    local: dict[int, tuple[str, ...]]
    metrics: dict[int, Metrics]
    source: str


def font_metrics(path: Path) -> Metrics:
    """Vertical metrics (hhea, what browsers use unless USE_TYPO_METRICS says the OS/2 typo
    ones) and the average advance over each sample the font covers."""
    from fontTools.ttLib import TTFont
    font = TTFont(str(path), lazy=True)
    hhea, os2 = font["hhea"], font["OS/2"]
    if os2.fsSelection & (1 << 7):
        ascent, descent, gap = os2.sTypoAscender, -os2.sTypoDescender, os2.sTypoLineGap
    else:
        ascent, descent, gap = hhea.ascent, -hhea.descent, hhea.lineGap
    cmap, hmtx = font.getBestCmap(), font["hmtx"]
    widths = []
    for script, sample in SAMPLES.items():
        if script == "arabic":
            sample = contextual_forms(sample)
        advances = [hmtx[cmap[ord(char)]][0] for char in sample if ord(char) in cmap]
        letters = [char for char in sample if not char.isspace()]
        if letters and sum(1 for char in letters if ord(char) in cmap) / len(letters) > 0.95:
            widths.append((script, round(sum(advances) / len(advances), 2)))
    return Metrics(font["head"].unitsPerEm, ascent, descent, gap, tuple(widths))


# Read with system_metrics() from the files in `source` (Debian packages); Liberation Sans
# has Arial's metrics by design, so one face serves both names.
SYSTEM_FONTS = (
    SystemFont("Arial", {400: ("Arial", "ArialMT", "Liberation Sans", "LiberationSans"),
                         700: ("Arial Bold", "Arial-BoldMT", "Liberation Sans Bold", "LiberationSans-Bold")},
               {400: Metrics(2048, 1854, 434, 67, (("latin", 909.06), ("cyrillic", 1056.96))),
                700: Metrics(2048, 1854, 434, 67, (("latin", 985.81), ("cyrillic", 1142.82)))},
               "fonts-liberation2: LiberationSans-Regular.ttf, LiberationSans-Bold.ttf"),
    SystemFont("Roboto", {400: ("Roboto", "Roboto-Regular"), 700: ("Roboto Bold", "Roboto-Bold")},
               {400: Metrics(2048, 1900, 500, 0, (("latin", 911.82), ("cyrillic", 1073.75))),
                700: Metrics(2048, 1900, 500, 0, (("latin", 927.11), ("cyrillic", 1081.97)))},
               "fonts-roboto-unhinted: Roboto-Regular.ttf, Roboto-Bold.ttf"),
    SystemFont("DejaVu", {400: ("DejaVu Sans", "DejaVuSans"), 700: ("DejaVu Sans Bold", "DejaVuSans-Bold")},
               {400: Metrics(2048, 1901, 483, 0, (("latin", 1032.27), ("cyrillic", 1207.07), ("arabic", 906.72))),
                700: Metrics(2048, 1901, 483, 0, (("latin", 1165.33), ("cyrillic", 1324.95), ("arabic", 1084.4)))},
               "fonts-dejavu-core: DejaVuSans.ttf, DejaVuSans-Bold.ttf"),
)


# The one font the first screen of a language needs, preloaded (main.html, from
# config.extra.ipbes.preload_font): the regular weight of the script its text is in.
# Chinese is drawn in the reader's own CJK font; the Latin letters of its header are not.
PRELOAD = {"ar": "noto-sans-arabic-arabic-core-400-normal.woff2", "ru": "noto-sans-cyrillic-400-normal.woff2"}
PRELOAD_DEFAULT = "noto-sans-latin-400-normal.woff2"


def preload_font(lang: str) -> str:
    """The file name (in brand/fonts/) of the font to preload on `lang`'s pages."""
    return PRELOAD.get(lang, PRELOAD_DEFAULT)


def system_metrics(path: Path) -> Metrics:
    return font_metrics(path)


def fallback_family(brand: str, system: SystemFont) -> str:
    return f"{brand} Fallback {system.key}"


def fallback_families(brand: str) -> list[str]:
    """The names to put after `brand` in its family stack (brand/tokens.json), in this order."""
    scripts = {script for script, _, _ in BRAND_FACES[brand]}
    return [fallback_family(brand, system) for system in SYSTEM_FONTS
            if any(system.metrics[400].width(script) for script in scripts)]


def _percent(value: float) -> str:
    return f"{value * 100:.2f}%"


def fallback_css(fonts_dir: Path) -> str:
    """@font-face rules for every brand face over every system font that covers its script."""
    rules = []
    for brand, faces in BRAND_FACES.items():
        for system in SYSTEM_FONTS:
            for script, weight, file in faces:
                fallback = system.metrics[weight]
                fallback_width = fallback.width(script)
                if not fallback_width:
                    continue
                target = font_metrics(Path(fonts_dir) / file)
                size = (target.width(script) / target.units_per_em) / (fallback_width / fallback.units_per_em)
                sources = ", ".join(f'local("{name}")' for name in system.local[weight])
                rules.append(
                    f"@font-face {{\n"
                    f"  font-family: '{fallback_family(brand, system)}';\n"
                    f"  font-style: normal;\n"
                    f"  font-weight: {weight};\n"
                    f"  src: {sources};\n"
                    f"  unicode-range: {UNICODE_RANGES[script]};\n"
                    f"  size-adjust: {_percent(size)};\n"
                    f"  ascent-override: {_percent(target.ascent / target.units_per_em / size)};\n"
                    f"  descent-override: {_percent(target.descent / target.units_per_em / size)};\n"
                    f"  line-gap-override: {_percent(target.line_gap / target.units_per_em / size)};\n"
                    f"}}")
    return "\n\n".join([BEGIN, *rules, END]) + "\n"


def with_fallbacks(css: str, fonts_dir: Path) -> str:
    """`css` (brand/fonts/fonts.css) with its block of fallback faces written anew."""
    block = fallback_css(fonts_dir)
    pattern = re.compile(re.escape(BEGIN) + r".*?" + re.escape(END) + r"\n?", re.S)
    if pattern.search(css):
        return pattern.sub(lambda _: block, css)
    return css.rstrip("\n") + "\n\n" + block


def main(root: Path) -> int:
    path = Path(root) / FONTS_CSS
    text = path.read_text(encoding="utf-8")
    new = with_fallbacks(text, path.parent)
    if new != text:
        path.write_text(new, encoding="utf-8")
        print(f"{path}: fallback faces written")
    else:
        print(f"{path}: fallback faces up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1]))
