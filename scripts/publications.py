"""Publications (fact sheets): their covers on the web, and their A4 PDFs.

The logo policy (IPBES/5 secretariat note, paragraph 7) decides the covers: the front cover
carries the IPBES logo and no other, the back cover the four UN partners' logos with a
statement of the institutional relationship in the publication's own language. Both covers
come from `brand/` and `data/partners.yml` through the templates, never from an editor's
Markdown, so no page can get them wrong.

PDFs are rendered with WeasyPrint (CSS paged media: named pages for the covers, fonts
embedded and subset) from a standalone print document, not from the Material page, which
carries a site's worth of screen CSS and script. Each PDF is cached by the hash of all its
inputs, so a warm build renders nothing again.

The PDFs are tagged PDF/UA-1 (structure tree, language, title, XMP metadata, alternative
text on the cover image and the logos), so screen readers and text extraction follow the
reading order. The print document names its files by stable URLs under PRINT_ORIGIN,
served from the checkout by `PrintFetcher`: WeasyPrint names resources after a hash of
their URL, so absolute file paths would make two checkouts write different bytes, and
nothing outside the project (no network, no other file) can be pulled into a PDF.
"""
from __future__ import annotations

import functools
import hashlib
import io
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote

from jinja2 import Environment, FileSystemLoader, select_autoescape

from .content import path_outside
from .datafiles import load_data_file, missing_languages
from .errors import BuildError, Problem
from .i18n import N_, translations
from .images import image_problem
from .limits import quoted
from . import pdf_fonts
from .languages import language
from .safety import atomic_copy, atomic_write_bytes, pdf_ok, read_cached

PARTNERS_FILE = Path("data") / "partners.yml"
MEDIA_DIR = Path("docs") / "media"
RASTER_TYPES = {".jpg", ".jpeg", ".png", ".webp"}

STATEMENT = N_("IPBES is an independent intergovernmental body. It is placed under the auspices of four "
               "United Nations entities, UNEP, UNESCO, FAO and UNDP, and is administered by UNEP. "
               "Its secretariat is in Bonn, Germany.")
PARTNERS_HEADING = N_("Under the auspices of")
PDF_TITLE = N_("Fact sheet")
SECRETARIAT = N_("IPBES secretariat, Bonn, Germany")
PLENARY_LABEL = N_("Plenary session")
PLACE_LABEL = N_("Place")
DATES_LABEL = N_("Dates")
LAUNCH_LABEL = N_("Launch")

#: The origin of every URL in a print document; never fetched from the network.
PRINT_ORIGIN = "https://print.ipbes.invalid/"
#: The PDF flavour: tagged PDF/UA-1 (PDF 1.7), with XMP metadata and DisplayDocTitle.
PDF_VARIANT = "pdf/ua-1"
#: Longest key figure written as text ("SDG 15", "2016"); a longer one is a sentence.
MAX_FIGURE_TEXT = 48


@dataclass(frozen=True)
class Partner:
    key: str
    logo: Path
    name: dict


def load_partners(root: Path, languages: list[str]) -> list[Partner]:
    source = load_data_file(Path(root) / PARTNERS_FILE, "partners data file")
    entries = (source.data or {}).get("partners") if isinstance(source.data, dict) else None
    if not isinstance(entries, dict) or not entries:
        raise BuildError([source.problem(("partners",), "expected a 'partners' mapping with the four UN partners")])
    problems, partners = [], []
    for key, raw in entries.items():
        logo = Path(root) / "brand" / "logos" / str((raw or {}).get("logo"))
        if not logo.is_file():
            problems.append(source.problem(("partners", key, "logo"), f"logo file brand/logos/{logo.name} does not exist; add it or fix the name"))
        names = (raw or {}).get("name") or {}
        missing = missing_languages(names, languages)
        if missing:
            problems.append(source.problem(("partners", key, "name"), f"partner '{key}' has no name for {', '.join(missing)}"))
        partners.append(Partner(key, logo, names))
    if problems:
        raise BuildError(problems)
    return partners


def image_size(path: Path) -> tuple[int, int]:
    from PIL import Image
    with Image.open(path) as image:
        return image.size


def cover_problems(root: Path, page: Path, value, line: int) -> list[Problem]:
    """A fact sheet's `cover_image` must name a raster image under docs/media/."""
    if not isinstance(value, str) or not value:
        return [Problem(page, line, "a fact sheet needs 'cover_image: <file under docs/media/>', e.g. covers/africa.jpg")]
    outside = path_outside(Path(root) / MEDIA_DIR, value)
    if outside:
        return [Problem(page, line, f"cover image '{quoted(value)}' {outside}")]
    path = Path(root) / MEDIA_DIR / value
    if path.suffix.lower() not in RASTER_TYPES:
        return [Problem(page, line, f"cover image '{value}' must be a JPEG, PNG or WebP file")]
    if not path.is_file():
        return [Problem(page, line, f"cover image '{value}' does not exist under docs/media/; add the file or fix the path")]
    broken = image_problem(path)
    return [Problem(page, line, f"cover image '{value}': {broken}")] if broken else []


def back_cover(partners: list[Partner], lang: str, gettext) -> dict:
    return {"heading": gettext(PARTNERS_HEADING), "statement": gettext(STATEMENT),
            "partners": [{"key": p.key, "name": p.name[lang], "logo": p.logo.name} for p in partners]}


def print_document(root: Path, lang: str, title: str, body_html: str, cover_image: Path, facts: list,
                   figures: list, partners: list[Partner], tokens_css: str, *, cover_alt: str | None = None,
                   description: str | None = None) -> str:
    """The standalone HTML document WeasyPrint turns into the PDF (render it with `render_pdf`).

    `cover_alt` is the cover image's alternative text (the title when not given);
    `description` goes into the PDF's subject and XMP metadata."""
    gettext = translations(str(Path(root) / "locales"), lang).gettext
    env = Environment(loader=FileSystemLoader(str(Path(root) / "overrides" / "ipbes")),
                      autoescape=select_autoescape(["html"]), extensions=["jinja2.ext.i18n"])
    env.install_gettext_translations(translations(str(Path(root) / "locales"), lang), newstyle=True)
    info = language(lang)
    return env.get_template("publication.html").render(
        lang=lang, dir=info.direction, title=title, body=body_html, kind=gettext(PDF_TITLE),
        cover_image=PRINT_ORIGIN + COVER_PATH + quote(Path(cover_image).name), cover_alt=cover_alt or title,
        description=description, logos=PRINT_ORIGIN + "brand/logos/", fonts=PRINT_ORIGIN + "brand/fonts/",
        pdf_fonts=PRINT_ORIGIN + PDF_FONTS_PATH, facts=facts, figures=figures,
        back=back_cover(partners, lang, gettext), tokens_css=tokens_css)


def cover_facts(info: dict, gettext) -> list[tuple[str, str]]:
    """The facts under a fact sheet's cover, one per line (label, value), from
    `assessments.page_context`: each value is already formatted, none is joined by hand."""
    return [(gettext(PLENARY_LABEL), info["plenary"]), (gettext(PLACE_LABEL), info["place"]),
            (gettext(DATES_LABEL), info["dates"]), (gettext(LAUNCH_LABEL), info["launch"]["date"])]


def split_title(html: str) -> tuple[str, str]:
    """The page's first <h1> (its text) and the rest: the cover shows the title, the body follows."""
    match = re.search(r"<h1\b[^>]*>(.*?)</h1>", html, re.S)
    if not match:
        return "", html
    title = re.sub(r"<a class=\"headerlink\".*?</a>|<[^>]+>", "", match.group(1)).strip()
    return title, html[:match.start()] + html[match.end():]


def key_figures(meta: dict, lang: str) -> list[dict]:
    """Key figures for the page's locale: numbers formatted, years and codes as written."""
    from .formatting import format_figure
    return [{"value": format_figure(f["value"], lang), "label": f["label"]} for f in meta.get("key_figures") or []]


def figure_problems(page: Path, figures, line: int) -> list[Problem]:
    problems = []
    for index, figure in enumerate(figures or []):
        value = figure.get("value") if isinstance(figure, dict) else None
        number = isinstance(value, (int, float)) and not isinstance(value, bool)
        text = isinstance(value, str) and 0 < len(value.strip()) <= MAX_FIGURE_TEXT
        if not (isinstance(figure, dict) and (number or text) and isinstance(figure.get("label"), str)):
            problems.append(Problem(page, line, f"key_figures item {index + 1} must be '{{value: <number>, label: <text>}}', "
                                                f"the number without formatting (the build formats it for the language), "
                                                f"or a year or code as text of at most {MAX_FIGURE_TEXT} characters, "
                                                f"shown as written ('{{value: \"SDG 15\", label: ...}}')"))
    return problems


COVER_PATH = "cover/"
PDF_FONTS_PATH = "pdf-fonts/"
#: What a print document may load, by URL path under PRINT_ORIGIN: folders of the checkout.
SERVED_FOLDERS = {"brand/logos/": Path("brand") / "logos", "brand/fonts/": Path("brand") / "fonts",
                  "overrides/ipbes/": Path("overrides") / "ipbes", "site/media/": MEDIA_DIR}


class PrintFetcher:
    """Serves a print document's URLs from the checkout, and nothing else.

    Every URL is under PRINT_ORIGIN, so the PDF's resource names (hashes of URLs) are the same
    in every checkout; anything else (another file, the network) fails to load and is logged
    by WeasyPrint, as a missing image would be."""

    def __init__(self, root: Path, cover_image: Path):
        self.root = Path(root).resolve()
        self.cover_image = Path(cover_image)

    def path(self, url: str) -> Path | None:
        if not url.startswith(PRINT_ORIGIN):
            return None
        rel = unquote(url[len(PRINT_ORIGIN):].split("?")[0].split("#")[0])
        if rel == COVER_PATH + self.cover_image.name:
            return self.cover_image
        for prefix, folder in SERVED_FOLDERS.items():
            if rel.startswith(prefix):
                base = (self.root / folder).resolve()
                target = (base / rel[len(prefix):]).resolve()
                return target if target.is_relative_to(base) and target.is_file() else None
        return None

    def __call__(self, url: str, headers=None):
        import mimetypes

        import weasyprint

        from .pdf_fonts import pdf_font
        font = pdf_font(self.root, url[len(PRINT_ORIGIN + PDF_FONTS_PATH):]) if url.startswith(PRINT_ORIGIN + PDF_FONTS_PATH) else None
        if font is not None:
            return weasyprint.urls.URLFetcherResponse(url, font, {"Content-Type": "font/ttf"})
        path = self.path(url)
        if path is None:
            raise ValueError(f"{url} is not a file of the project that a publication may use")
        if path.suffix == ".woff2":
            return weasyprint.urls.URLFetcherResponse(url, _sfnt(str(path), path.stat().st_mtime_ns), {"Content-Type": "font/ttf"})
        mime = "image/svg+xml" if path.suffix == ".svg" else mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return weasyprint.urls.URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime})

    fetch = __call__
    _fail_on_errors = False


@functools.lru_cache(maxsize=32)
def _sfnt(path: str, mtime_ns: int) -> bytes:
    """A brand font's woff2 unpacked once per process: WeasyPrint would unpack every face for
    every PDF (1.2 s of a 2.4 s render), and hands fontconfig the same bytes either way."""
    from fontTools.ttLib import woff2
    out = io.BytesIO()
    with open(path, "rb") as packed:
        woff2.decompress(packed, out)
    return out.getvalue()


def pdf_inputs_hash(document: str, root: Path, cover_image: Path) -> str:
    from importlib.metadata import version
    digest = hashlib.sha256(document.encode("utf-8"))
    digest.update(version("weasyprint").encode())  # not an import of WeasyPrint: 0.6 s a process when the PDF is cached
    digest.update(PDF_VARIANT.encode())
    digest.update(pdf_fonts.CUT_VERSION.encode())
    files = [cover_image, Path(root) / "overrides" / "ipbes" / "publication.css"]
    files += sorted((Path(root) / "brand" / "logos").glob("*.svg")) + sorted((Path(root) / "brand" / "fonts").glob("*.woff2"))
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def pdf_bytes(document: str, root: Path, cover_image: Path, page_url: str = "") -> bytes:
    """The tagged PDF/UA-1 of a print document, the same bytes for the same inputs in any checkout.

    `page_url` is the page's URL under the site (e.g. 'factsheets/africa/'), against which
    relative media URLs in the body resolve."""
    import weasyprint
    fetcher = PrintFetcher(root, cover_image)
    stylesheet = weasyprint.CSS(url=PRINT_ORIGIN + "overrides/ipbes/publication.css", url_fetcher=fetcher)
    html = weasyprint.HTML(string=document, base_url=PRINT_ORIGIN + "site/" + page_url, url_fetcher=fetcher)
    return html.write_pdf(stylesheets=[stylesheet], pdf_variant=PDF_VARIANT, pdf_identifier=True, custom_metadata=True)


def render_pdf(document: str, out: Path, root: Path, cover_image: Path, cache: Path | None = None, *,
               page_url: str = "") -> bool:
    """Write the PDF of `document` to `out`; True when it was rendered, False when it came from the cache."""
    out.parent.mkdir(parents=True, exist_ok=True)
    cached = Path(cache) / f"{pdf_inputs_hash(document + page_url, root, cover_image)}.pdf" if cache else None
    stored = read_cached(cached, pdf_ok) if cached else None
    if stored is not None:
        atomic_write_bytes(out, stored)
        return False
    atomic_write_bytes(out, pdf_bytes(document, root, cover_image, page_url))
    if cached:
        atomic_copy(out, cached)
    return True


def missing_cjk_font() -> str | None:
    """Chinese PDFs need a CJK font on the machine (WeasyPrint embeds it); say how to get one."""
    try:
        found = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, check=False).stdout
    except FileNotFoundError:
        return "fontconfig (fc-list) is not installed; install the Debian packages fontconfig and fonts-noto-cjk"
    if not found.strip():
        return "no Chinese font is installed, so the Chinese PDFs would show empty boxes; install the Debian package fonts-noto-cjk"
    return None
