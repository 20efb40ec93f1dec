"""All brand rules, on the sources and (where one exists) on a built site."""
from __future__ import annotations

import functools
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from .. import cache_dir, glossary
from ..content import path_outside, read_front_matter, read_page
from ..languages import UN_LANGUAGES
from ..pages import SHARED_MEDIA_DIR
from . import covers, files, text
from .findings import Finding, cap_findings, relative
from .logos import load_templates
from .rules import load_rules

LOGOS_DIR = Path("brand") / "logos"


def logo_files(root: Path) -> dict[str, Path]:
    return {path.stem: path for path in sorted((Path(root) / LOGOS_DIR).glob("*.svg"))}


def check_sources(root: Path) -> list[Finding]:
    root = Path(root)
    settings = load_rules(root)
    severity, options = settings.severity, settings.options
    findings: list[Finding] = []
    terms = glossary.load_glossary(root, list(UN_LANGUAGES))
    english_prose: dict[Path, str] = {}
    for lang in UN_LANGUAGES:
        for path in sorted((root / "docs" / lang).rglob("*.md")):
            body, unreadable = read_page(path)
            if unreadable:
                continue  # the source checks report it
            english = root / "docs" / "en" / path.relative_to(root / "docs" / lang)
            if lang != "en" and english.is_file():
                if english not in english_prose:
                    english_prose[english] = " ".join(line for _, line in text.prose_lines(read_page(english)[0]))
                for line, message in glossary.term_findings(english_prose[english], text.prose_lines(body), lang, terms):
                    findings.append(Finding("glossary-terms", severity["glossary-terms"], relative(path, root), line, message))
            findings += text.check_acronym_form(path, body, root, options["acronym-form"].get("allowed", []), severity["acronym-form"])
            findings += text.check_acronym_approval(path, body, lang, root, options["acronym-approval"], settings.approvals,
                                                    severity["acronym-approval"])
    findings += files.check_colours(root, options["colour-tokens"].get("scan", []), severity["colour-tokens"])
    logos = logo_files(root)
    partners = options["back-cover-partners"].get("partners", [])
    threshold = float(options["cover-image-logo"].get("threshold", 0.78))
    partner_logos = {name: logos[name] for name in partners if name in logos}
    templates_key = b"".join(name.encode() + path.read_bytes() for name, path in sorted(partner_logos.items()))
    templates = functools.cache(lambda: load_templates(partner_logos))  # only if a result is not cached
    for path in cover_images(root):
        findings += covers.check_cover_image(path, templates, threshold, severity["cover-image-logo"], relative(path, root),
                                             cache_dir(root) / "brand", templates_key)
    findings += files.check_logo_copies(root, logos, severity["logo-files"], float(options["logo-files"].get("similarity", 0.8)),
                                        [root / "docs"])
    return findings


def cover_images(root: Path) -> list[Path]:
    """Every cover image named by a page, and every picture in docs/media/covers/."""
    media = Path(root) / SHARED_MEDIA_DIR
    found = set((media / "covers").glob("*")) if (media / "covers").is_dir() else set()
    for lang in UN_LANGUAGES:
        for path in (Path(root) / "docs" / lang).rglob("*.md"):
            meta, problems = read_front_matter(path)
            if (not problems and isinstance(meta.get("cover_image"), str) and not path_outside(media, meta["cover_image"])
                    and (media / meta["cover_image"]).is_file()):
                found.add(media / meta["cover_image"])
    return sorted(p for p in found if p.suffix.lower() in {".jpg", ".jpeg", ".png", ".webp"})


def _check_one_pdf(args) -> list[Finding]:
    pdf, lang, root, partners, severity, threshold, site_label_base = args
    logos = logo_files(root)
    partner_templates = load_templates({name: logos[name] for name in partners if name in logos})
    ipbes = load_templates({"ipbes": logos["ipbes"]})
    return covers.check_pdf(pdf, lang, root, partner_templates, ipbes, partners, severity, threshold,
                            lambda p: _label(p, site_label_base), cache_dir(root) / "brand")


def _label(path: Path, base: tuple[Path, str]) -> str:
    site, name = base
    return f"{name}/{Path(path).resolve().relative_to(Path(site).resolve()).as_posix()}"


def check_site(root: Path, site: Path, site_name: str = "site", jobs: int = 2, render_pdfs: bool = True) -> list[Finding]:
    """The built output: fact sheets' web covers and PDFs, and the logo files it publishes.
    `render_pdfs=False`: the build checked each PDF from what it is built of already
    (covers.check_print_document), so its pages are not rendered again here."""
    root, site = Path(root), Path(site)
    settings = load_rules(root)
    severity, options = settings.severity, settings.options
    logos = logo_files(root)
    partners = options["back-cover-partners"].get("partners", [])
    threshold = float(options["cover-image-logo"].get("threshold", 0.78))
    base = (site, site_name)
    findings: list[Finding] = []
    pdf_jobs = []
    for lang in UN_LANGUAGES:
        for html in sorted((site / lang / "factsheets").glob("*/index.html")):
            findings += covers.check_web_covers(html, lang, root, logos, partners, severity, lambda p: _label(p, base))
            for pdf in sorted(html.parent.glob("*.pdf")) if render_pdfs else []:
                pdf_jobs.append((pdf, lang, root, partners, severity, threshold, base))
    if pdf_jobs:
        with ProcessPoolExecutor(max_workers=max(1, jobs)) as pool:
            for result in pool.map(_check_one_pdf, pdf_jobs):
                findings += result
    findings += files.check_site_logo_files(site, root, logos, severity["logo-files"], lambda p: _label(p, base))
    return findings


def run_checks(root: Path, site: Path | None = None, site_name: str = "site", sources: list[Finding] | None = None,
               render_pdfs: bool = True) -> list[Finding]:
    """`sources`: the findings of `check_sources`, when they were made already (the whole-site
    build runs them beside the language builds)."""
    findings = list(sources) if sources is not None else check_sources(root)
    if site is not None and Path(site).is_dir():
        findings += check_site(root, site, site_name, render_pdfs=render_pdfs)
    return sorted(set(cap_findings(findings)), key=lambda f: (f.file, f.line or 0, f.rule, f.message))
