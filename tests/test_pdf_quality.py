"""Fact-sheet PDFs are tagged PDF/UA-1 documents that read and extract in order, in every script,
and the same input gives the same bytes in any checkout. Rendered from a small fixture with
publications.print_document and render_pdf directly (no site build)."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pypdf
import pytest

from scripts import ROOT, publications, tokens
from scripts.publications import PRINT_ORIGIN, PrintFetcher

LANGS = ["en", "fr", "es", "zh", "ar", "ru"]
COVER = Path("docs") / "media" / "covers" / "africa.jpg"
FIXTURE = {
    "en": ("Africa", "What the assessment found", "Biodiversity in Africa is declining."),
    "ar": ("أفريقيا", "ما توصل إليه التقييم", "الأمم المتحدة للبيئة والنظم الإيكولوجية، لا إله إلا الله."),
    "zh": ("非洲", "评估的结论", "非洲的生物多样性正在下降。"),
    "ru": ("Африка", "Что показала оценка", "Биоразнообразие Африки сокращается."),
}
PARTS = ("brand", "locales", "overrides/ipbes", "data/partners.yml", str(COVER))


def render(root: Path, lang: str, out: Path, body_extra: str = "") -> Path:
    title, heading, text = FIXTURE[lang]
    partners = publications.load_partners(root, LANGS)
    document = publications.print_document(
        root, lang, title, f"<h2>{heading}</h2><p>{text}</p>{body_extra}", root / COVER,
        [("IPBES-6", "2018")], [{"value": "2016", "label": "year"}], partners, tokens.tokens_css(tokens.load_tokens(root / "brand" / "tokens.json")),
        cover_alt=f"cover: {title}", description=f"{title}: fact sheet")
    publications.render_pdf(document, out, root, root / COVER)
    return out


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("pdfs")
    return {lang: render(ROOT, lang, folder / f"{lang}.pdf") for lang in FIXTURE}


def pdftotext(path: Path) -> str:
    if not shutil.which("pdftotext"):
        pytest.fail("pdftotext is missing: install the Debian package poppler-utils (.ci/system-packages test)")
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True).stdout


def struct_elements(reader: pypdf.PdfReader):
    stack = [reader.trailer["/Root"]["/StructTreeRoot"]]
    while stack:
        node = stack.pop()
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, pypdf.generic.DictionaryObject):
            if node.get("/Type") == "/StructElem":
                yield node
            kids = node.get("/K")
            if kids is not None:
                kids = kids.get_object()
                stack.extend(kids if isinstance(kids, pypdf.generic.ArrayObject) else [kids])


@pytest.mark.parametrize("lang", list(FIXTURE))
def test_tagged_pdf_ua_with_language_title_and_metadata(pdfs, lang):
    reader = pypdf.PdfReader(pdfs[lang])
    catalog = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog
    assert catalog["/MarkInfo"]["/Marked"] == True  # noqa: E712 (a pypdf BooleanObject)
    assert catalog["/Lang"] == lang
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"] == True  # noqa: E712
    title = FIXTURE[lang][0]
    assert reader.metadata.title == title
    xmp = catalog["/Metadata"].get_object().get_data().decode("utf-8")
    assert "pdfuaid:part" in xmp and title in xmp
    tags = {str(e["/S"]) for e in struct_elements(reader)}
    assert {"/Document", "/H1", "/H2", "/P", "/Figure", "/L"} <= tags, tags


@pytest.mark.parametrize("lang", list(FIXTURE))
def test_cover_and_logos_have_alternative_text(pdfs, lang):
    reader = pypdf.PdfReader(pdfs[lang])
    alts = [str(e.get("/Alt", "")) for e in struct_elements(reader) if e["/S"] == "/Figure"]
    names = [p.name[lang] for p in publications.load_partners(ROOT, LANGS)]
    assert all(alts), f"a figure without alternative text: {alts}"
    assert "IPBES" in alts and f"cover: {FIXTURE[lang][0]}" in alts
    assert set(names) <= set(alts)


# pdftotext marks the direction of runs with embedding controls (U+202A-U+202E), and writes
# the neutral characters between two right-to-left words in visual order (poppler's
# reorderText counts them as left-to-right), so "كلمة، كلمة" comes out as "كلمة ،كلمة" in any
# font: the comparison drops the controls and the spaces next to punctuation.
BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
SPACED_PUNCTUATION = re.compile(r"\s*([.,:;!?()\u060c\u061b\u061f])\s*")


def comparable(text: str) -> str:
    return SPACED_PUNCTUATION.sub(r"\1", re.sub(r"\s+", " ", BIDI_CONTROLS.sub("", text)))


def positions(text: str, needles) -> list[int]:
    squeezed = comparable(text)
    return [squeezed.find(comparable(needle)) for needle in needles]


@pytest.mark.parametrize("lang", list(FIXTURE))
@pytest.mark.parametrize("extract", ["pdftotext", "pypdf"])
def test_text_extracts_in_reading_order(pdfs, lang, extract):
    if extract == "pdftotext":
        text = pdftotext(pdfs[lang])
    else:
        text = "\n".join(page.extract_text() for page in pypdf.PdfReader(pdfs[lang]).pages)
    title, heading, body = FIXTURE[lang]
    statement = publications.back_cover(publications.load_partners(ROOT, LANGS), lang,
                                        publications.translations(str(ROOT / "locales"), lang).gettext)["heading"]
    found = positions(text, [title, heading, body, statement])
    assert -1 not in found, (found, text)
    assert found == sorted(found), (found, text)


@pytest.mark.parametrize("extract", ["pdftotext", "pypdf"])
def test_arabic_dotted_letters_and_lam_alef_extract(pdfs, extract):
    text = pdftotext(pdfs["ar"]) if extract == "pdftotext" else pypdf.PdfReader(pdfs["ar"]).pages[1].extract_text()
    text = BIDI_CONTROLS.sub("", text)
    # Every dotted letter of the fixture (beh, teh, yeh, noon, feh, qaf, jeem, hamza forms) and lam-alef.
    for word in ("الإيكولوجية", "لا إله إلا الله", "المتحدة", "للبيئة", "والنظم", "التقييم", "توصل"):
        assert word in text, (word, text)


def test_arabic_pdf_in_the_site_typeface_extracts_with_pdftotext(pdfs):
    reader = pypdf.PdfReader(pdfs["ar"])
    fonts = {str(f["/BaseFont"]) for page in reader.pages for f in page["/Resources"]["/Font"].values()}
    assert any("Noto-Sans-Arabic" in name for name in fonts), fonts
    assert "الإيكولوجية" in pdftotext(pdfs["ar"])


def test_same_bytes_from_two_checkouts(tmp_path):
    outputs = []
    for name in ("one", "checkout-two/deeper"):
        root = tmp_path / name
        for part in PARTS:
            source, target = ROOT / part, root / part
            target.parent.mkdir(parents=True, exist_ok=True)
            (shutil.copytree if source.is_dir() else shutil.copy2)(source, target)
        outputs.append(render(root, "en", tmp_path / f"{name.replace('/', '-')}.pdf").read_bytes())
    assert outputs[0] == outputs[1]
    assert str(tmp_path).encode() not in outputs[0]


def test_hostile_urls_in_the_body_load_nothing(tmp_path):
    hostile = ('<img src="file:///etc/passwd" alt="a"><img src="http://127.0.0.1:9/x.png" alt="b">'
               '<img src="../../../../../../etc/passwd" alt="c"><img src="../media/../../brand/../../etc/hostname" alt="d">')
    out = render(ROOT, "en", tmp_path / "hostile.pdf", hostile)
    text = pdftotext(out)
    assert "root:" not in text
    images = {image.name for page in pypdf.PdfReader(out).pages for image in page.images}
    assert len(images) == 1, f"only the cover image may be embedded: {images}"


def test_fetcher_serves_only_project_files(tmp_path):
    fetcher = PrintFetcher(ROOT, ROOT / COVER)
    assert fetcher.path(PRINT_ORIGIN + "brand/logos/ipbes.svg") == (ROOT / "brand/logos/ipbes.svg").resolve()
    assert fetcher.path(PRINT_ORIGIN + "cover/africa.jpg") == ROOT / COVER
    for url in ("file:///etc/passwd", "https://example.org/x.png", PRINT_ORIGIN + "brand/logos/../../pyproject.toml",
                PRINT_ORIGIN + "brand/logos/%2e%2e/%2e%2e/pyproject.toml", PRINT_ORIGIN + "site/media/../../../etc/passwd",
                PRINT_ORIGIN + "brand/logos/missing.svg", PRINT_ORIGIN + "cover/other.jpg"):
        assert fetcher.path(url) is None, url
    with pytest.raises(ValueError, match="not a file of the project"):
        fetcher("file:///etc/passwd")


@pytest.mark.parametrize("value, ok", [(4, True), (2.5, True), ("2016", True), ("SDG 15", True),
                                       ("x" * publications.MAX_FIGURE_TEXT, True),
                                       ("x" * (publications.MAX_FIGURE_TEXT + 1), False), ("", False), ("  ", False),
                                       (True, False), (None, False), ([1], False)])
def test_key_figure_values(value, ok):
    problems = publications.figure_problems(Path("f.md"), [{"value": value, "label": "l"}], 3)
    assert (problems == []) is ok, problems


def test_key_figures_years_and_codes_as_written():
    meta = {"key_figures": [{"value": 2016, "label": "a"}, {"value": "A/RES/70/1", "label": "b"},
                            {"value": 1234567, "label": "c"}]}
    assert [f["value"] for f in publications.key_figures(meta, "en")] == ["2016", "A/RES/70/1", "1,234,567"]
    assert [f["value"] for f in publications.key_figures(meta, "fr")] == ["2016", "A/RES/70/1", "1\u202f234\u202f567"]
