"""The cut of Noto Sans Arabic that the Arabic PDFs are set in: letters that extract as letters.

Noto Sans Arabic draws each dotted letter as a shared dotless skeleton plus dot marks: its
`ccmp` and `rlig` features decompose U+0628 BEH into the dotless U+066E and a dot below, U+062A
TEH into the same U+066E and two dots above, and so on. A PDF says what text a glyph stands
for only per glyph (the font's ToUnicode map), and WeasyPrint gives each glyph the text of the
first cluster it was drawn in; a skeleton shared by several letters, or a dot shared by
several, can only ever extract as one of them. So text copied from the PDF, extracted by
pdftotext or pypdf, or read aloud comes out as the wrong letters.

`pdf_font` returns the font with one more GSUB lookup, run last in the required `rlig`
feature: every skeleton (in each of its contextual forms) followed by the dots its letter was
decomposed into becomes one composite glyph (the skeleton and the dots as components, the dots
where the font's mark anchors put them). The shaping before that step is the font's own, so
the PDF looks as the site does, and each letter's glyph now stands for that letter only. The
new glyphs get the skeleton's kerning and mark anchors (for vowel signs).

The cut also takes the Latin face's digits and punctuation, which the Arabic file lacks: a full
stop drawn from another font splits the right-to-left run in two, and pypdf then writes it at
the start of the sentence instead of the end.

Two letters still share glyphs because the font draws them identically: U+06A9 KEHEH and
U+0643 KAF in their initial and medial forms, U+06CC FARSI YEH and U+064A YEH / U+0649 ALEF
MAKSURA. Arabic text uses only the latter; a PDF that also has the Persian letters extracts
whichever of the pair it drew first.

The cut is made at build time from the woff2 files in brand/fonts/ (the site's own font files,
OFL, see brand/fonts/LICENSE-noto-sans-arabic.txt), with fontTools (a WeasyPrint dependency),
and kept in the build cache; WeasyPrint subsets it like any other font. `python -m scripts.pdf_fonts
OUT_DIR` writes the cuts to look at them.
"""
from __future__ import annotations

import hashlib
import io
import itertools
import sys
import unicodedata
from functools import lru_cache
from pathlib import Path

from .errors import BuildError, Problem

FONTS_DIR = Path("brand") / "fonts"
#: The PDF font files (URL names under publications.PDF_FONTS_PATH) and the brand files each is cut from:
#: the Arabic face, and the Latin face of the same weight for digits and punctuation.
ARABIC_PDF_FONTS = {"noto-sans-arabic-pdf-400.ttf": ("noto-sans-arabic-arabic-400-normal.woff2", "noto-sans-latin-400-normal.woff2"),
                    "noto-sans-arabic-pdf-700.ttf": ("noto-sans-arabic-arabic-700-normal.woff2", "noto-sans-latin-700-normal.woff2")}
#: Bidirectional classes of the characters the cut does not take from the Latin font: letters
#: of a strong direction start a run of their own anyway.
STRONG = {"L", "R", "AL"}
DONOR_SUFFIX = "latn"
#: The folder of the build cache (scripts.cache_dir) that keeps the cuts.
CACHE_FOLDER = "pdf-fonts"
#: Changes whenever the cut changes, so cached PDFs made with an older cut are made again.
CUT_VERSION = "compose-dots-1"
#: A letter is drawn with at most this many marks; more means the font is not one this cut understands.
MAX_MARKS = 3
#: The most composite glyphs a cut may add (each weight of Noto Sans Arabic 2.x adds about 1,000).
MAX_NEW_GLYPHS = 4000

GDEF_BASE, GDEF_MARK = 1, 3


def _lookups(table):
    return table.table.LookupList.Lookup if table.table.LookupList else []


def _feature_lookups(table, tags: set[str]) -> list[int]:
    indices = set()
    for record in table.table.FeatureList.FeatureRecord:
        if record.FeatureTag in tags:
            indices.update(record.Feature.LookupListIndex)
    return sorted(indices)


def _subtables(lookup):
    for sub in lookup.SubTable:
        yield sub.ExtSubTable if lookup.LookupType == 7 else sub


def _substitutions(font) -> dict[str, set[tuple[str, ...]]]:
    """Glyph -> the outputs of every one-to-one and one-to-many substitution of any lookup."""
    edges: dict[str, set[tuple[str, ...]]] = {}
    for lookup in _lookups(font["GSUB"]):
        for sub in _subtables(lookup):
            for glyph, output in getattr(sub, "mapping", {}).items():
                edges.setdefault(glyph, set()).add((output,) if isinstance(output, str) else tuple(output))
    return edges


def dotted_sequences(font) -> set[tuple[str, tuple[str, ...]]]:
    """Every (skeleton form, marks) that a letter of the font can be drawn as: the letter split
    into a base and marks by a one-to-many substitution (U+0628 BEH: U+066E and a dot below,
    in `ccmp`; U+06CC FARSI YEH in its initial form: a dotless initial and two dots, in `init`),
    followed through the one-to-one substitutions that change the base or a mark into another
    form. Letters within letters (U+06AC: KAF and a dot; KAF: a dotless kaf and a stroke) nest."""
    edges, classes = _substitutions(font), font["GDEF"].table.GlyphClassDef.classDefs
    memo: dict[str, set[tuple[str, tuple[str, ...]]]] = {}

    def forms(glyph: str) -> set[str]:
        """The glyph and every glyph one-to-one substitutions turn it into."""
        seen, todo = {glyph}, [glyph]
        while todo:
            for output in edges.get(todo.pop(), ()):
                if len(output) == 1 and output[0] not in seen:
                    seen.add(output[0])
                    todo.append(output[0])
        return seen

    def sequences(glyph: str) -> set[tuple[str, tuple[str, ...]]]:
        if glyph not in memo:
            memo[glyph] = set()  # a cycle adds nothing
            found = set()
            for form in forms(glyph):
                found.add((form, ()))
                for output in edges.get(form, ()):
                    base, marks = output[0], output[1:]
                    if not marks or classes.get(base) == GDEF_MARK or any(classes.get(m) != GDEF_MARK for m in marks):
                        continue
                    mark_forms = [sorted(m for m in forms(mark) if classes.get(m) == GDEF_MARK) for mark in marks]
                    for inner_base, inner_marks in sequences(base):
                        for variant in itertools.product(*mark_forms):
                            found.add((inner_base, inner_marks + variant))
            memo[glyph] = found
        return memo[glyph]

    result = set()
    for glyph in sorted(set(font.getBestCmap().values())):
        for base, marks in sequences(glyph):
            if marks and classes.get(base) != GDEF_MARK:
                if len(marks) > MAX_MARKS:
                    raise ValueError(f"{glyph} is drawn with {len(marks)} marks, more than {MAX_MARKS}")
                result.add((base, marks))
    return result


def _mark_attachments(font) -> tuple[dict, dict]:
    """(base, mark) -> (dx, dy) placing the mark on the base, and (mark1, mark2) -> (dx, dy)
    placing mark1 on mark2, from the `mark` and `mkmk` lookups; a later lookup wins, as when shaping."""
    gpos = font["GPOS"]
    on_base, on_mark = {}, {}
    for index in _feature_lookups(gpos, {"mark"}):
        for sub in _subtables(_lookups(gpos)[index]):
            if type(sub).__name__ != "MarkBasePos":
                continue
            marks = {g: sub.MarkArray.MarkRecord[i] for i, g in enumerate(sub.MarkCoverage.glyphs)}
            for i, base in enumerate(sub.BaseCoverage.glyphs):
                anchors = sub.BaseArray.BaseRecord[i].BaseAnchor
                for mark, record in marks.items():
                    anchor = anchors[record.Class]
                    if anchor is not None:
                        on_base[base, mark] = (anchor.XCoordinate - record.MarkAnchor.XCoordinate,
                                               anchor.YCoordinate - record.MarkAnchor.YCoordinate)
    for index in _feature_lookups(gpos, {"mkmk"}):
        for sub in _subtables(_lookups(gpos)[index]):
            if type(sub).__name__ != "MarkMarkPos":
                continue
            marks = {g: sub.Mark1Array.MarkRecord[i] for i, g in enumerate(sub.Mark1Coverage.glyphs)}
            for i, mark2 in enumerate(sub.Mark2Coverage.glyphs):
                anchors = sub.Mark2Array.Mark2Record[i].Mark2Anchor
                for mark1, record in marks.items():
                    anchor = anchors[record.Class]
                    if anchor is not None:
                        on_mark[mark1, mark2] = (anchor.XCoordinate - record.MarkAnchor.XCoordinate,
                                                 anchor.YCoordinate - record.MarkAnchor.YCoordinate)
    return on_base, on_mark


def _placements(base: str, marks: tuple[str, ...], on_base: dict, on_mark: dict) -> list[tuple[int, int]] | None:
    placed = []
    for index, mark in enumerate(marks):
        offset = on_base.get((base, mark))
        if index and (mark, marks[index - 1]) in on_mark:
            dx, dy = on_mark[mark, marks[index - 1]]
            offset = (placed[-1][0] + dx, placed[-1][1] + dy)
        if offset is None:
            return None
        placed.append(offset)
    return placed


def _copy_base_positioning(font, new: dict[str, str]) -> None:
    """Give each new glyph the kerning and the mark anchors of the skeleton it is drawn on."""
    from copy import deepcopy
    gpos = font["GPOS"]
    for lookup in _lookups(gpos):
        for sub in _subtables(lookup):
            kind = type(sub).__name__
            if kind == "MarkBasePos":
                index = {g: i for i, g in enumerate(sub.BaseCoverage.glyphs)}
                for glyph, base in new.items():
                    if base in index:
                        sub.BaseCoverage.glyphs.append(glyph)
                        sub.BaseArray.BaseRecord.append(deepcopy(sub.BaseArray.BaseRecord[index[base]]))
                sub.BaseArray.BaseCount = len(sub.BaseArray.BaseRecord)
            elif kind == "PairPos" and sub.Format == 2:
                covered = set(sub.Coverage.glyphs)
                for glyph, base in new.items():
                    if base in covered:
                        sub.Coverage.glyphs.append(glyph)
                    if base in sub.ClassDef1.classDefs:
                        sub.ClassDef1.classDefs[glyph] = sub.ClassDef1.classDefs[base]
                    if base in sub.ClassDef2.classDefs:
                        sub.ClassDef2.classDefs[glyph] = sub.ClassDef2.classDefs[base]
            elif kind == "PairPos" and sub.Format == 1:
                index = {g: i for i, g in enumerate(sub.Coverage.glyphs)}
                for pair_set in sub.PairSet:
                    records = {r.SecondGlyph: r for r in pair_set.PairValueRecord}
                    for glyph, base in new.items():
                        if base in records:
                            copy = deepcopy(records[base])
                            copy.SecondGlyph = glyph
                            pair_set.PairValueRecord.append(copy)
                    pair_set.PairValueCount = len(pair_set.PairValueRecord)
                for glyph, base in new.items():
                    if base in index:
                        sub.Coverage.glyphs.append(glyph)
                        sub.PairSet.append(deepcopy(sub.PairSet[index[base]]))
                sub.PairSetCount = len(sub.PairSet)


def compose_dotted_letters(font) -> dict[str, tuple[str, tuple[str, ...]]]:
    """Add to `font` (a TTFont) a composite glyph for every skeleton form followed by the
    dots of a letter, and the lookup that puts it in their place. Returns new glyph -> (skeleton, marks)."""
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib.tables import otTables

    on_base, on_mark = _mark_attachments(font)
    glyf, hmtx, gdef = font["glyf"], font["hmtx"], font["GDEF"].table.GlyphClassDef.classDefs
    order = list(font.getGlyphOrder())
    existing = set(order)
    added: dict[str, tuple] = {}
    for form, marks in sorted(dotted_sequences(font)):
        name = "_".join((form, *marks)) + ".pdf"
        placed = _placements(form, marks, on_base, on_mark)
        if name not in existing and placed is not None:
            added[name] = (form, marks, placed)
    if len(added) > MAX_NEW_GLYPHS:
        raise ValueError(f"the cut would add {len(added)} glyphs, more than {MAX_NEW_GLYPHS}")
    font.setGlyphOrder(order + list(added))
    for name, (form, variant, placed) in added.items():
        pen = TTGlyphPen(glyf)
        pen.addComponent(form, (1, 0, 0, 1, 0, 0))
        for mark, (dx, dy) in zip(variant, placed):
            pen.addComponent(mark, (1, 0, 0, 1, dx, dy))
        glyph = pen.glyph()
        glyf[name] = glyph
        glyph.recalcBounds(glyf)
        hmtx[name] = (hmtx[form][0], getattr(glyph, "xMin", 0))
        gdef[name] = GDEF_BASE

    ligatures: dict[str, list] = {}
    for name, (form, variant, _) in added.items():
        ligature = otTables.Ligature()
        ligature.Component, ligature.LigGlyph, ligature.CompCount = list(variant), name, len(variant) + 1
        ligatures.setdefault(form, []).append(ligature)
    for candidates in ligatures.values():
        candidates.sort(key=lambda ligature: -ligature.CompCount)  # the longest match first
    subtable = otTables.LigatureSubst()
    subtable.Format, subtable.ligatures = 1, ligatures
    lookup = otTables.Lookup()
    lookup.LookupType, lookup.LookupFlag, lookup.SubTable, lookup.SubTableCount = 4, 0, [subtable], 1
    gsub = font["GSUB"].table
    gsub.LookupList.Lookup.append(lookup)
    gsub.LookupList.LookupCount = len(gsub.LookupList.Lookup)
    new_index = len(gsub.LookupList.Lookup) - 1
    for record in gsub.FeatureList.FeatureRecord:
        if record.FeatureTag == "rlig":
            record.Feature.LookupListIndex.append(new_index)
            record.Feature.LookupCount = len(record.Feature.LookupListIndex)
    _copy_base_positioning(font, {name: form for name, (form, _, _) in added.items()})
    return {name: (form, variant) for name, (form, variant, _) in added.items()}


def add_neutral_characters(font, donor) -> list[str]:
    """Copy into `font` the donor's glyphs for the characters without a strong direction
    (digits, punctuation, symbols) that `font` lacks. Returns the characters copied."""
    from copy import deepcopy
    cmap, donor_cmap = font.getBestCmap(), donor.getBestCmap()
    if font["head"].unitsPerEm != donor["head"].unitsPerEm:
        raise ValueError(f"the Latin font has {donor['head'].unitsPerEm} units per em, the Arabic one {font['head'].unitsPerEm}")
    wanted = {code: glyph for code, glyph in donor_cmap.items()
              if code not in cmap and unicodedata.bidirectional(chr(code)) not in STRONG and not unicodedata.category(chr(code)).startswith("M")}
    glyf, donor_glyf, hmtx, gdef = font["glyf"], donor["glyf"], font["hmtx"], font["GDEF"].table.GlyphClassDef.classDefs
    existing = set(font.getGlyphOrder())
    names: dict[str, str] = {}

    def take(glyph: str) -> str:
        if glyph not in names:
            names[glyph] = glyph if glyph not in existing else f"{glyph}.{DONOR_SUFFIX}"
            for component in getattr(donor_glyf[glyph], "components", []):
                take(component.glyphName)
        return names[glyph]

    for glyph in sorted(set(wanted.values())):
        take(glyph)
    font.setGlyphOrder(font.getGlyphOrder() + sorted(names.values()))
    for glyph, name in names.items():
        copy = deepcopy(donor_glyf[glyph])
        for component in getattr(copy, "components", []):
            component.glyphName = names[component.glyphName]
        glyf[name] = copy
        hmtx[name] = donor["hmtx"][glyph]
        gdef[name] = GDEF_BASE
    for table in font["cmap"].tables:
        if table.isUnicode():
            table.cmap.update({code: names[glyph] for code, glyph in wanted.items()
                               if code <= 0xFFFF or table.format in (12, 13)})
    return sorted(chr(code) for code in wanted)


@lru_cache(maxsize=4)
def _cut(source: bytes, donor: bytes) -> bytes:
    from fontTools.ttLib import TTFont
    font = TTFont(io.BytesIO(source), recalcTimestamp=False)
    compose_dotted_letters(font)
    add_neutral_characters(font, TTFont(io.BytesIO(donor)))
    font.flavor = None
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def _font_ok(data: bytes) -> bool:
    from fontTools.ttLib import TTFont
    return "GSUB" in TTFont(io.BytesIO(data), lazy=True)


def pdf_font(root: Path, name: str) -> bytes | None:
    """The PDF cut `name` (a key of ARABIC_PDF_FONTS) of the brand font in `root`, or None for another name.

    Kept in the build cache by the hash of its inputs (about a second per weight to make), and
    in memory. Raises BuildError when a brand font file is missing or is not a font this cut
    understands (WeasyPrint would otherwise drop the face silently and set the Arabic in a
    fallback font)."""
    from . import cache_dir
    from .safety import atomic_write_bytes, read_cached
    if name not in ARABIC_PDF_FONTS:
        return None
    paths = [Path(root) / FONTS_DIR / file for file in ARABIC_PDF_FONTS[name]]
    try:
        inputs = [path.read_bytes() for path in paths]
        digest = hashlib.sha256(CUT_VERSION.encode() + b"".join(hashlib.sha256(data).digest() for data in inputs))
        cached = cache_dir(root) / CACHE_FOLDER / f"{digest.hexdigest()}.ttf"
        data = read_cached(cached, _font_ok)
        if data is None:
            data = _cut(*inputs)
            atomic_write_bytes(cached, data)
        return data
    except Exception as exc:  # a missing file, a broken font, or one with other tables than Noto Sans Arabic's
        raise BuildError([Problem(paths[0], None, f"cannot make the PDF cut {name} of this font and {paths[1].name} "
                                                  f"({type(exc).__name__}: {exc}); restore the Noto Sans Arabic and "
                                                  f"Noto Sans woff2 files from git, or adapt scripts/pdf_fonts.py "
                                                  f"to the new font")]) from exc


def problems(root: Path) -> list[Problem]:
    """What stops the Arabic PDF fonts from being made (run before rendering, so the build says so)."""
    found = []
    for name in ARABIC_PDF_FONTS:
        try:
            pdf_font(root, name)
        except BuildError as error:
            found.extend(error.problems)
    return found


def main(root: Path, out_dir: Path) -> int:
    out_dir.mkdir(parents=True, exist_ok=True)
    for name in ARABIC_PDF_FONTS:
        data = pdf_font(root, name)
        (out_dir / name).write_bytes(data)
        print(f"{out_dir / name}: {len(data)} bytes")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m scripts.pdf_fonts OUT_DIR")
    sys.exit(main(Path(__file__).resolve().parents[1], Path(sys.argv[1])))
