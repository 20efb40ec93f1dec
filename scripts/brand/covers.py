"""Publication covers: the logo policy on the built fact sheets (web covers and PDFs), and
cover images that must not carry a partner logo.

Web covers are read from the page's marked cover sections; PDF pages are rendered (pypdfium2)
and searched with the logo detector, so a logo that reaches a cover by any route is caught.
Results on a PDF are cached by its content hash: an unchanged PDF is not rendered again.
"""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from PIL import Image

from ..i18n import gettext
from ..publications import STATEMENT
from .findings import Finding
from ..safety import atomic_write_bytes, json_ok, read_cached
from .logos import LogoTemplate, find_logos

LOCALES = "locales"
FRONT = re.compile(r'data-cover="front".*?</header>', re.S)
BACK = re.compile(r'data-cover="back".*?</footer>', re.S)
IMG_SRC = re.compile(r'<img\b[^>]*\bsrc="([^"]+)"')


def squash(text: str) -> str:
    import html
    return "".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())


def expected_statement(root: Path, lang: str) -> tuple[str, str | None]:
    """The statement in `lang`, and a problem when the catalog has no translation of it."""
    locales = Path(root) / LOCALES
    text = gettext(locales, lang, STATEMENT)
    if lang != "en" and text == STATEMENT:
        return text, f"the institutional statement is not translated into '{lang}'; translate it in locales/{lang}/LC_MESSAGES/messages.po"
    return text, None


def check_web_covers(html_path: Path, lang: str, root: Path, logos: dict[str, Path], partners: list[str],
                     severities: dict, label) -> list[Finding]:
    html = html_path.read_text(encoding="utf-8")
    official = {path.read_bytes(): name for name, path in logos.items()}
    where = label(html_path)
    findings = []
    shown_in = re.search(r'<div class="ipbes-body"[^>]*\slang="([a-z]{2})"', html)
    if shown_in:  # a fact sheet not translated yet: its covers are in the language it is shown in
        lang = shown_in.group(1)

    def logos_in(section: str) -> list[str]:
        found = []
        for src in IMG_SRC.findall(section):
            target = (html_path.parent / src).resolve()
            if target.is_file() and target.read_bytes() in official:
                found.append(official[target.read_bytes()])
        return found

    front, back = FRONT.search(html), BACK.search(html)
    rule = "front-cover-logo"
    if not front:
        findings.append(Finding(rule, severities[rule], where, None, "no front cover; a publication uses the template factsheet.html"))
    else:
        shown = logos_in(front.group(0))
        if "ipbes" not in shown:
            findings.append(Finding(rule, severities[rule], where, None, "the IPBES logo is missing from the front cover"))
        for other in sorted(set(shown) - {"ipbes"}):
            findings.append(Finding(rule, severities[rule], where, None, f"the {other.upper()} logo is on the front cover; only the IPBES logo may be there"))
    rule = "back-cover-partners"
    if not back:
        findings.append(Finding(rule, severities[rule], where, None, "no back cover; a publication uses the template factsheet.html"))
        return findings
    missing = [p for p in partners if p not in logos_in(back.group(0))]
    if missing:
        findings.append(Finding(rule, severities[rule], where, None, f"the back cover lacks the logo of {', '.join(m.upper() for m in missing)}"))
    statement, untranslated = expected_statement(root, lang)
    if untranslated:
        findings.append(Finding(rule, severities[rule], where, None, untranslated))
    elif squash(statement) not in squash(back.group(0)):
        findings.append(Finding(rule, severities[rule], where, None, "the back cover lacks the statement of the institutional relationship"))
    return findings


def _render(pdf, index: int) -> Image.Image:
    return pdf[index].render(scale=110 / 72).to_pil()


def check_pdf(pdf_path: Path, lang: str, root: Path, partner_templates: list[LogoTemplate], ipbes: list[LogoTemplate],
              partners: list[str], severities: dict, threshold: float, label, cache: Path | None) -> list[Finding]:
    data = pdf_path.read_bytes()
    statement, untranslated = expected_statement(root, lang)
    key = hashlib.sha256(data + statement.encode() + str(threshold).encode()).hexdigest()
    cached = Path(cache) / f"{key}.json" if cache else None
    stored = read_cached(cached, json_ok) if cached else None
    if stored is not None:
        raw = json.loads(stored)
    else:
        import pypdfium2
        from pypdf import PdfReader
        document = pypdfium2.PdfDocument(data)
        first, last = _render(document, 0), _render(document, len(document) - 1)
        last_text = PdfReader(pdf_path).pages[-1].extract_text()
        raw = {"front_partners": [m.logo for m in find_logos(first, partner_templates, threshold)],
               "front_ipbes": bool(find_logos(first, ipbes, threshold)),
               "back_partners": [m.logo for m in find_logos(last, partner_templates, threshold, every=True)],
               "statement": squash(statement) in squash(last_text)}
        if cached:
            atomic_write_bytes(cached, json.dumps(raw).encode("utf-8"))
    where = label(pdf_path)
    findings = []
    rule = "front-cover-logo"
    if raw["front_partners"]:
        findings.append(Finding(rule, severities[rule], where, None,
                                f"page 1 (the front cover) shows a partner logo (most like {raw['front_partners'][0].upper()}); only the IPBES logo may be there"))
    if not raw["front_ipbes"]:
        findings.append(Finding(rule, severities[rule], where, None, "page 1 (the front cover) does not show the IPBES logo"))
    rule = "back-cover-partners"
    if len(raw["back_partners"]) < len(partners):
        findings.append(Finding(rule, severities[rule], where, None,
                                f"the last page (the back cover) shows {len(raw['back_partners'])} of the {len(partners)} partner logos"))
    if untranslated:
        findings.append(Finding(rule, severities[rule], where, None, untranslated))
    elif not raw["statement"]:
        findings.append(Finding(rule, severities[rule], where, None, "the last page (the back cover) lacks the statement of the institutional relationship"))
    return findings


def check_cover_image(path: Path, templates, threshold: float, severity: str, where: str,
                      cache: Path | None = None, templates_key: bytes = b"") -> list[Finding]:
    """`templates`: the partner logo templates, or a function that loads them (called only
    when the result is not in `cache`, keyed by the image, the threshold and `templates_key`)."""
    key = hashlib.sha256(Path(path).read_bytes() + str(threshold).encode() + templates_key).hexdigest()
    cached = Path(cache) / f"cover-{key}.json" if cache and templates_key else None
    stored = read_cached(cached, json_ok) if cached else None
    if stored is not None:
        best = json.loads(stored)
    else:
        with Image.open(path) as image:
            matches = find_logos(image, templates() if callable(templates) else templates, threshold)
        best = {"logo": matches[0].logo, "score": matches[0].score, "box": list(matches[0].box)} if matches else None
        if cached:
            atomic_write_bytes(cached, json.dumps(best).encode("utf-8"))
    if not best:
        return []
    return [Finding("cover-image-logo", severity, where, None,
                    f"contains a partner logo (most like {best['logo'].upper()}, score {best['score']:.2f}, at {best['box'][0]},{best['box'][1]}); "
                    "partner logos belong on the back cover only: choose another picture or crop the logo out")]


def check_print_document(document: str, lang: str, root: Path, logos: dict[str, Path], partners: list[str],
                         severities: dict, where: str, line: int | None = None, resolve=None) -> list[Finding]:
    """The logo policy on a PDF checked from what it is built of, before anything is rendered:
    the print document's covers (their logo files compared by content with the official ones)
    and the statement; the cover image itself is checked as a source (cover-image-logo).
    `resolve`: a URL of the document to the file the renderer would load (PrintFetcher.path)."""
    import html as htmllib
    from ..htmlparts import inner_html
    official = {path.read_bytes(): name for name, path in logos.items()}

    def logos_in(section: str) -> list[str]:
        found = []
        for src in IMG_SRC.findall(section):
            target = resolve(htmllib.unescape(src)) if resolve else None
            data = target.read_bytes() if target is not None and target.is_file() else b""
            if data in official:
                found.append(official[data])
        return found

    findings = []
    front, back = inner_html(document, "section", "front-cover"), inner_html(document, "section", "back-cover")
    rule = "front-cover-logo"
    shown = logos_in(front or "")
    if "ipbes" not in shown:
        findings.append(Finding(rule, severities[rule], where, line, "the PDF's front cover lacks the IPBES logo"))
    for other in sorted(set(shown) - {"ipbes"}):
        findings.append(Finding(rule, severities[rule], where, line, f"the {other.upper()} logo is on the PDF's front cover; only the IPBES logo may be there"))
    rule = "back-cover-partners"
    missing = [p for p in partners if p not in logos_in(back or "")]
    if missing:
        findings.append(Finding(rule, severities[rule], where, line, f"the PDF's back cover lacks the logo of {', '.join(m.upper() for m in missing)}"))
    statement, untranslated = expected_statement(root, lang)
    if untranslated:
        findings.append(Finding(rule, severities[rule], where, line, untranslated))
    elif squash(statement) not in squash(back or ""):
        findings.append(Finding(rule, severities[rule], where, line, "the PDF's back cover lacks the statement of the institutional relationship"))
    return findings
