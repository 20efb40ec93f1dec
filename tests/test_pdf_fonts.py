"""The PDF cut of Noto Sans Arabic (scripts/pdf_fonts.py): every Arabic letter, in each of its
joining forms, extracts as itself with pdftotext and pypdf, and the cut draws the same shapes."""
from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import pypdf
import pytest
from fontTools.ttLib import TTFont

from scripts import ROOT, pdf_fonts
from scripts.errors import BuildError

# The letters of Arabic (U+0621-U+064A, without the tatweel), each alone, final, medial and
# initial (joined to tatweels), then the alef-hamza forms after lam.
ARABIC_LETTERS = [chr(code) for code in range(0x0621, 0x064B) if code != 0x0640]
SAMPLE = " ".join(f"{c} ـ{c} ـ{c}ـ {c}ـ" for c in ARABIC_LETTERS) + " لإ لأ لآ لا الله"
BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def words(text: str) -> list[str]:
    return BIDI_CONTROLS.sub("", text).split()


def render(tmp_path: Path, font: bytes, name: str) -> Path:
    import weasyprint
    font_file = tmp_path / f"{name}.ttf"
    font_file.write_bytes(font)
    html = (f'<html lang="ar" dir="rtl"><style>@font-face {{ font-family: A; src: url({font_file.as_uri()}); }}'
            f'body {{ font-family: A; font-size: 16pt; }}</style><body><p>{SAMPLE}</p></body></html>')
    out = tmp_path / f"{name}.pdf"
    weasyprint.HTML(string=html).write_pdf(out)
    return out


def extracted(pdf: Path, extract: str) -> list[str]:
    if extract == "pdftotext":
        if not shutil.which("pdftotext"):
            pytest.fail("pdftotext is missing: install the Debian package poppler-utils (.ci/system-packages test)")
        return words(subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True).stdout)
    return words(" ".join(page.extract_text() for page in pypdf.PdfReader(pdf).pages))


@pytest.fixture(scope="module")
def cut_pdf(tmp_path_factory) -> Path:
    return render(tmp_path_factory.mktemp("cut"), pdf_fonts.pdf_font(ROOT, "noto-sans-arabic-pdf-400.ttf"), "cut")


@pytest.mark.parametrize("extract", ["pdftotext", "pypdf"])
def test_every_arabic_letter_in_every_form_extracts_from_the_cut(cut_pdf, extract):
    assert extracted(cut_pdf, extract) == SAMPLE.split()


@pytest.mark.parametrize("extract", ["pdftotext", "pypdf"])
def test_the_brand_font_itself_does_not_extract(tmp_path, extract):
    """The reason for the cut: in the woff2 as shipped, dotted letters share glyphs."""
    pdf = render(tmp_path, (ROOT / "brand/fonts/noto-sans-arabic-arabic-400-normal.woff2").read_bytes(), "brand")
    assert extracted(pdf, extract) != SAMPLE.split()


def test_the_cut_has_every_glyph_of_the_font_and_composites_of_dots(tmp_path):
    brand = TTFont(ROOT / "brand/fonts/noto-sans-arabic-arabic-400-normal.woff2")
    cut = TTFont(io.BytesIO(pdf_fonts.pdf_font(ROOT, "noto-sans-arabic-pdf-400.ttf")))
    assert set(brand.getGlyphOrder()) <= set(cut.getGlyphOrder())
    beh = cut["glyf"]["uni066E.init_dotbelowar.pdf"]
    assert [c.glyphName for c in beh.components] == ["uni066E.init", "dotbelowar"]
    assert cut["hmtx"]["uni066E.init_dotbelowar.pdf"][0] == brand["hmtx"]["uni066E.init"][0]
    assert {ord(c) for c in ".,:;()0123456789"} <= set(cut.getBestCmap())  # from Noto Sans Latin


def test_the_cut_is_the_same_bytes_every_time_and_kept_in_the_cache(tmp_path, monkeypatch):
    sources = [(ROOT / "brand/fonts" / file).read_bytes() for file in pdf_fonts.ARABIC_PDF_FONTS["noto-sans-arabic-pdf-700.ttf"]]
    first = pdf_fonts._cut(*sources)
    pdf_fonts._cut.cache_clear()
    assert pdf_fonts._cut(*sources) == first
    monkeypatch.setenv("IPBES_SITE_CACHE", str(tmp_path))
    assert pdf_fonts.pdf_font(ROOT, "noto-sans-arabic-pdf-700.ttf") == first
    [entry] = (tmp_path / pdf_fonts.CACHE_FOLDER).iterdir()
    assert entry.read_bytes() == first
    entry.write_bytes(b"broken")
    assert pdf_fonts.pdf_font(ROOT, "noto-sans-arabic-pdf-700.ttf") == first
    assert entry.read_bytes() == first
    assert pdf_fonts.pdf_font(ROOT, "other.ttf") is None


def test_limits(monkeypatch):
    font = TTFont(ROOT / "brand/fonts/noto-sans-arabic-arabic-400-normal.woff2")
    most = max(len(marks) for _, marks in pdf_fonts.dotted_sequences(font))
    assert most <= pdf_fonts.MAX_MARKS
    monkeypatch.setattr(pdf_fonts, "MAX_MARKS", most - 1)
    with pytest.raises(ValueError, match="marks, more than"):
        pdf_fonts.dotted_sequences(font)
    monkeypatch.setattr(pdf_fonts, "MAX_MARKS", most)
    monkeypatch.setattr(pdf_fonts, "MAX_NEW_GLYPHS", 10)
    with pytest.raises(ValueError, match="more than 10"):
        pdf_fonts.compose_dotted_letters(font)


def test_a_missing_or_broken_font_is_a_problem_for_people(tmp_path):
    (tmp_path / "brand" / "fonts").mkdir(parents=True)
    for file in ("noto-sans-arabic-arabic-400-normal.woff2", "noto-sans-latin-400-normal.woff2"):
        shutil.copy(ROOT / "brand/fonts" / file, tmp_path / "brand/fonts" / file)
    (tmp_path / "brand/fonts/noto-sans-latin-400-normal.woff2").write_bytes(b"not a font")
    found = pdf_fonts.problems(tmp_path)
    assert len(found) == 2 and all("restore the Noto Sans Arabic" in str(p) for p in found), found
    with pytest.raises(BuildError):
        pdf_fonts.pdf_font(tmp_path, "noto-sans-arabic-pdf-400.ttf")
