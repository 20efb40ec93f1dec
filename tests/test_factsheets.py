"""Fact sheets: web covers, PDFs (page count, covers, text in every script), errors, cache."""
from __future__ import annotations

import re

import io

import pytest
from pypdf import PdfReader

from scripts import ROOT
from scripts.assessments import load_assessments
from scripts.build import build_site
from scripts.embargo import build_clock
from scripts.errors import BuildError
from scripts.i18n import gettext
from scripts.languages import UN_LANGUAGES
from scripts.publications import STATEMENT, load_partners, render_pdf
from tests.helpers import find, parse, replace_in as replace

KEYS = ["africa", "americas", "asia-pacific", "europe-central-asia", "land-degradation", "global"]
PARTNER_MARKS = ("UNEP", "UNESCO", "FAO", "UNDP")


def squash(text: str) -> str:
    """Text without white space: PDF extraction breaks lines where the layout wrapped them."""
    return "".join(text.split())


def pdf_of(site, lang, key):
    return site / lang / "factsheets" / key / f"ipbes-factsheet-{key}-{lang}.pdf"




def has_logo(name: str, html: str) -> bool:
    """A logo file, under its own name or the content-hashed name of the shared theme files."""
    return re.search(rf"logos/{name}(\.[0-9a-f]{{6,}})?\.svg", html) is not None


@pytest.mark.parametrize("lang", UN_LANGUAGES)
def test_web_page_covers_and_pdf_link(site, lang):
    data = load_assessments(ROOT, list(UN_LANGUAGES), build_clock())
    statement = gettext(ROOT / "locales", lang, STATEMENT)
    assert lang == "en" or statement != STATEMENT
    for key in KEYS:
        html = site / lang / "factsheets" / key / "index.html"
        page = parse(html)
        text = html.read_text(encoding="utf-8")
        front, back = text.split('data-cover="front"')[1].split("</header>")[0], text.split('data-cover="back"')[1].split("</footer>")[0]
        assert front.count("<img") == 2 and has_logo("ipbes", front) and "media/covers/" in front
        assert not any(has_logo(m.lower(), front) for m in PARTNER_MARKS)
        assert [m for m in PARTNER_MARKS if has_logo(m.lower(), back)] == list(PARTNER_MARKS)
        assert statement in back
        assert data.assessments[key].title[lang] in [h.text.strip() for h in find(page, "h1")]
        links = [a.attrs["href"] for a in find(page, "a") if a.attrs.get("href", "").endswith(".pdf")]
        assert links == [pdf_of(site, lang, key).name] and pdf_of(site, lang, key).is_file()


@pytest.mark.parametrize("lang", UN_LANGUAGES)
def test_pdf_front_cover_back_cover_and_text(site, lang):
    data = load_assessments(ROOT, list(UN_LANGUAGES), build_clock())
    partners = load_partners(ROOT, list(UN_LANGUAGES))
    statement = gettext(ROOT / "locales", lang, STATEMENT)
    for key in KEYS:
        reader = PdfReader(pdf_of(site, lang, key))
        assert 3 <= len(reader.pages) <= 4, f"{lang}/{key}: front cover, one or two pages of text, back cover"
        for page in reader.pages:
            width, height = float(page.mediabox.width), float(page.mediabox.height)
            assert (round(width), round(height)) == (595, 842), "A4"
        first, last = reader.pages[0].extract_text(), reader.pages[-1].extract_text()
        title = data.assessments[key].title[lang]
        assert squash(title) in squash(first), f"{lang}/{key}: title not extracted from page 1:\n{first}"
        assert not any(mark in first for mark in PARTNER_MARKS), f"{lang}/{key}: a partner logo on the front cover"
        assert all(mark in last for mark in PARTNER_MARKS), f"{lang}/{key}: partner logos missing from the back cover"
        assert squash(statement) in squash(last)
        for partner in partners:
            assert squash(partner.name[lang]) in squash(last)
        fonts = {str(f.get_object().get("/BaseFont")) for p in reader.pages for f in (p["/Resources"].get("/Font") or {}).values()}
        assert fonts and all("+" in f for f in fonts), f"fonts must be embedded subsets: {fonts}"


def test_key_figures_are_formatted_for_the_locale_on_the_page_and_in_the_pdf(project):
    replace(project / "docs/fr/factsheets/africa.md", '{value: "plus de la moitié",', "{value: 1234567.5,")
    site = build_site(project, project / "site", languages=["fr"], report=lambda *_: None)
    assert "1\u202f234\u202f567,5" in (site / "fr/factsheets/africa/index.html").read_text(encoding="utf-8")
    text = PdfReader(pdf_of(site, "fr", "africa")).pages[1].extract_text()
    assert "1 234 567,5" in text.replace("\u202f", " ")


@pytest.mark.parametrize("old,new,expected", [
    ("cover_image: covers/africa.jpg", "cover_image: covers/nope.jpg", "docs/es/factsheets/africa.md:4: cover image 'covers/nope.jpg' does not exist under docs/media/"),
    ("cover_image: covers/africa.jpg", "cover_image: covers/africa.pdf", "docs/es/factsheets/africa.md:4: cover image 'covers/africa.pdf' must be a JPEG, PNG or WebP file"),
    ('{value: "más de la mitad",', "{value: true,", "docs/es/factsheets/africa.md:6: key_figures item 1 must be '{value: <number>, label: <text>}'"),
    ("assessment: africa", "assessment: antarctica", "docs/es/factsheets/africa.md:3: unknown assessment 'antarctica'"),
])
def test_bad_fact_sheet_front_matter_names_file_and_line(project, old, new, expected):
    replace(project / "docs/es/factsheets/africa.md", old, new)
    with pytest.raises(BuildError) as error:
        build_site(project, project / "site", languages=["es"], report=lambda *_: None)
    assert any(expected in str(p) for p in error.value.problems), [str(p) for p in error.value.problems]


def test_pdfs_are_cached_by_their_inputs(tmp_path):
    document = "<html lang='en'><body><h1>Cache test</h1></body></html>"
    cover = ROOT / "docs/media/covers/africa.jpg"
    cache = tmp_path / "cache"
    assert render_pdf(document, tmp_path / "a.pdf", ROOT, cover, cache) is True
    assert render_pdf(document, tmp_path / "b.pdf", ROOT, cover, cache) is False
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()
    assert render_pdf(document.replace("Cache test", "Changed"), tmp_path / "c.pdf", ROOT, cover, cache) is True
    assert "Changed" in PdfReader(io.BytesIO((tmp_path / "c.pdf").read_bytes())).pages[0].extract_text()
