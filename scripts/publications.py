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
"""
from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from .content import path_outside
from .datafiles import load_data_file, missing_languages
from .errors import BuildError, Problem
from .i18n import N_, translations
from .images import image_problem
from .limits import quoted
from .languages import language

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
LAUNCH_LABEL = N_("Launch")


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
                   figures: list, partners: list[Partner], tokens_css: str) -> str:
    """The standalone HTML document WeasyPrint turns into the PDF."""
    gettext = translations(str(Path(root) / "locales"), lang).gettext
    env = Environment(loader=FileSystemLoader(str(Path(root) / "overrides" / "ipbes")),
                      autoescape=select_autoescape(["html"]), extensions=["jinja2.ext.i18n"])
    env.install_gettext_translations(translations(str(Path(root) / "locales"), lang), newstyle=True)
    info = language(lang)
    return env.get_template("publication.html").render(
        lang=lang, dir=info.direction, title=title, body=body_html, kind=gettext(PDF_TITLE),
        cover_image=cover_image.resolve().as_uri(), logos=(Path(root) / "brand" / "logos").resolve().as_uri() + "/",
        fonts=(Path(root) / "brand" / "fonts").resolve().as_uri() + "/", facts=facts, figures=figures,
        back=back_cover(partners, lang, gettext), tokens_css=tokens_css)


def split_title(html: str) -> tuple[str, str]:
    """The page's first <h1> (its text) and the rest: the cover shows the title, the body follows."""
    match = re.search(r"<h1\b[^>]*>(.*?)</h1>", html, re.S)
    if not match:
        return "", html
    title = re.sub(r"<a class=\"headerlink\".*?</a>|<[^>]+>", "", match.group(1)).strip()
    return title, html[:match.start()] + html[match.end():]


def key_figures(meta: dict, lang: str) -> list[dict]:
    from .formatting import format_number
    return [{"value": format_number(f["value"], lang), "label": f["label"]} for f in meta.get("key_figures") or []]


def figure_problems(page: Path, figures, line: int) -> list[Problem]:
    problems = []
    for index, figure in enumerate(figures or []):
        if not (isinstance(figure, dict) and isinstance(figure.get("value"), (int, float)) and not isinstance(figure.get("value"), bool)
                and isinstance(figure.get("label"), str)):
            problems.append(Problem(page, line, f"key_figures item {index + 1} must be '{{value: <number>, label: <text>}}', "
                                                f"the number without formatting (the build formats it for the language)"))
    return problems


def pdf_inputs_hash(document: str, root: Path, cover_image: Path) -> str:
    import weasyprint
    digest = hashlib.sha256(document.encode("utf-8"))
    digest.update(weasyprint.__version__.encode())
    files = [cover_image, Path(root) / "overrides" / "ipbes" / "publication.css"]
    files += sorted((Path(root) / "brand" / "logos").glob("*.svg")) + sorted((Path(root) / "brand" / "fonts").glob("*.woff2"))
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def render_pdf(document: str, out: Path, root: Path, cover_image: Path, cache: Path | None = None) -> bool:
    """Write the PDF of `document` to `out`; True when it was rendered, False when it came from the cache."""
    import weasyprint
    out.parent.mkdir(parents=True, exist_ok=True)
    cached = Path(cache) / f"{pdf_inputs_hash(document, root, cover_image)}.pdf" if cache else None
    if cached and cached.is_file():
        shutil.copyfile(cached, out)
        return False
    stylesheet = weasyprint.CSS(filename=str(Path(root) / "overrides" / "ipbes" / "publication.css"))
    weasyprint.HTML(string=document, base_url=str(Path(root))).write_pdf(str(out), stylesheets=[stylesheet])
    if cached:
        cached.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(out, cached)
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
