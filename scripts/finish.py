"""Finish: the steps over the engine's output, with no MkDocs import.

Whatever engine built the staged trees, this step makes the rest from the built HTML and
the stage's manifests: responsive images, feeds, sitemaps with hreflang, social cards,
fact-sheet PDFs, the site root, the security policy and the brand checks. Then the output
contract: every output the manifests promise exists, so no engine can drop a feature
silently. Only then is the site published. PDFs, cards and images are spread over the
cores across all languages.
"""
from __future__ import annotations

import json
import os
import shutil
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from . import cache_dir, cards, csp, feeds, formatting, images, material_fixes, pdf_fonts, publications, sitemaps, tokens
from .chooser import write_root
from .shared_assets import share_assets
from .embeds.blocks import poster_colours
from .embeds.html import relative_media_urls
from .errors import BuildError, Problem
from .htmlparts import inner_html
from .pages import PageVersions

PDF_SIZE_MARK = '<span class="ipbes-pdf-size"></span>'


def _page_url(rel: str) -> str:
    """A built file's URL within its language: 'about/index.html' -> 'about/'."""
    if rel == "index.html":
        return ""
    if rel.endswith("/index.html"):
        return rel[: -len("index.html")]
    return rel


def _images_task(args) -> int:
    """Responsive images and media URLs on a batch of one language's pages."""
    root, stage_docs, site_lang, rels = args
    cache = cache_dir(root) / "images"
    site_lang = Path(site_lang)

    def resolve(site_path: str) -> Path | None:
        path = Path(stage_docs) / site_path
        return path if path.is_file() else None

    def publish(variant: Path) -> str:
        target = site_lang / images.VARIANTS_DIR / variant.name
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
            shutil.copyfile(variant, temporary)
            os.replace(temporary, target)
        return f"{images.VARIANTS_DIR}/{variant.name}"

    for rel in rels:
        path = site_lang / rel
        text = path.read_text(encoding="utf-8")
        url = _page_url(rel)
        changed = images.responsive_html(relative_media_urls(text, url), url, resolve, publish, cache)
        if changed != text:
            path.write_text(changed, encoding="utf-8")
    return len(rels)


def _cards_task(args) -> int:
    root, site_lang, lang, kicker, wanted = args
    colours = poster_colours(Path(root))
    logo = (Path(root) / "brand" / "logos" / "ipbes.svg").read_bytes()
    folder = Path(site_lang) / "assets" / "ipbes" / "cards"
    folder.mkdir(parents=True, exist_ok=True)
    for name, title in wanted:
        card = cards.card_for(title, kicker, lang, colours, logo, cache_dir(Path(root)) / "cards")
        if card.name != name:
            raise BuildError([Problem(Path(root) / "scripts" / "cards.py", None, f"card name {card.name} is not the promised {name}")])
        shutil.copyfile(card, folder / name)
    return len(wanted)


def _pdf_task(args) -> tuple[str, str, int, list]:
    """One fact sheet's PDF from its built page's text, its covers checked before it is
    rendered; returns (page file, PDF file, bytes, brand findings)."""
    root, site_lang, item, partners, token_css = args
    root = Path(root)
    page = Path(site_lang) / item["url"] / "index.html"
    text = page.read_text(encoding="utf-8")
    body = inner_html(text, "div", "ipbes-factsheet__body")
    if body is None:
        raise BuildError([Problem(Path(item["source"]), None, "the built fact sheet has no text block (ipbes-factsheet__body); "
                                                              "the factsheet.html template must keep it")])
    cover = Path(item["cover"])
    facts = [tuple(f) for f in item["facts"]]
    document = publications.print_document(root, item["lang"], item["title"], body, cover, facts, item["figures"], partners, token_css,
                                           description=item.get("description"))
    out = page.parent / item["name"]
    findings = _print_findings(root, document, item)
    if any(f.severity == "error" for f in findings):
        return str(page), "", 0, findings
    try:
        publications.render_pdf(document, out, root, cover, cache_dir(root) / "pdf", page_url=item["url"])
    except BuildError:
        raise
    except Exception as exc:  # WeasyPrint's own errors: the editor needs the page, not a traceback
        raise BuildError([Problem(Path(item["source"]), None, f"the PDF could not be made ({type(exc).__name__}: {exc}); "
                                                              "check the page's images and text, or report it")])
    return str(page), str(out), out.stat().st_size, findings


def _print_findings(root: Path, document: str, item: dict) -> list:
    from .brand.covers import check_print_document
    from .brand.findings import relative
    from .brand.rules import load_rules
    from .brand.run import logo_files
    from .brand.covers import check_cover_image
    from .brand.findings import Finding
    from .brand.logos import load_templates
    settings = load_rules(root)
    partners = settings.options["back-cover-partners"].get("partners", [])
    where, line = relative(Path(item["source"]), root), item.get("cover_line")
    findings = check_print_document(document, item["lang"], root, logo_files(root), partners, settings.severity,
                                    where, line, publications.PrintFetcher(root, Path(item["cover"])).path)
    logos = logo_files(root)
    partner_logos = {name: logos[name] for name in partners if name in logos}
    key = b"".join(name.encode() + path.read_bytes() for name, path in sorted(partner_logos.items()))
    threshold = float(settings.options["cover-image-logo"].get("threshold", 0.78))
    cover = Path(item["cover"])
    for found in check_cover_image(cover, lambda: load_templates(partner_logos), threshold, settings.severity["front-cover-logo"],
                                   where, cache_dir(root) / "brand", key):
        findings.append(Finding("front-cover-logo", found.severity, where, line,
                                f"the PDF's front cover shows {cover.relative_to(root / publications.MEDIA_DIR).as_posix()}, which "
                                f"{found.message}"))
    return findings


def finish_languages(root: Path, stage_root: Path, site: Path, manifests: dict[str, dict], jobs: int, report=print) -> list:
    """Images, cards and PDFs of every language, spread over `jobs` processes; returns the
    brand findings on the PDFs (checked from their print documents)."""
    root = Path(root)
    partners = publications.load_partners(root, list(manifests))
    token_css = tokens.tokens_css(tokens.load_tokens(root / "brand" / "tokens.json"))
    image_jobs, card_jobs, pdf_jobs = [], [], []
    for lang, manifest in manifests.items():
        site_lang = site / lang
        rels = sorted(p.relative_to(site_lang).as_posix() for p in site_lang.rglob("*.html"))
        for start in range(0, len(rels), 16):
            image_jobs.append((root, str(stage_root / lang / "docs"), str(site_lang), rels[start:start + 16]))
        wanted = sorted(manifest["cards"].items())
        for start in range(0, len(wanted), 24):
            card_jobs.append((root, str(site_lang), lang, manifest["kicker"], wanted[start:start + 24]))
        for item in manifest["pdfs"]:
            entry = dict(item, url=manifest["pages"][item["rel"]]["url"])
            pdf_jobs.append((root, str(site_lang), entry, partners, token_css))
    for lang in manifests:
        for source_map in sorted((site / lang).rglob("*.map")):
            source_map.unlink()
        try:
            material_fixes.patch_alternate_sitemap_fetch(site / lang)
        except material_fixes.MaterialChanged as exc:
            raise BuildError([Problem(site / lang, None, str(exc))])
    # The Arabic PDFs' font cut, made once into the cache before the workers need it (WeasyPrint would drop a broken one silently).
    problems: list[Problem] = pdf_fonts.problems(root) if any(job[2]["lang"] == "ar" for job in pdf_jobs) else []
    findings: list = []
    with ProcessPoolExecutor(max_workers=max(1, jobs)) as pool:
        started = time.perf_counter()
        pdf_futures = [pool.submit(_pdf_task, job) for job in pdf_jobs]
        other = [pool.submit(_cards_task, job) for job in card_jobs] + [pool.submit(_images_task, job) for job in image_jobs]
        for future in other:
            try:
                future.result()
            except BuildError as exc:
                problems += exc.problems
        for future, job in zip(pdf_futures, pdf_jobs):
            try:
                page, pdf, size, found = future.result()
            except BuildError as exc:
                problems += exc.problems
                continue
            findings += found
            if not pdf:
                continue
            lang = Path(job[1]).name
            text = Path(page).read_text(encoding="utf-8")
            Path(page).write_text(text.replace(PDF_SIZE_MARK, f'<span class="ipbes-pdf-size">{formatting.format_size(size, lang)}</span>'),
                                  encoding="utf-8")
        report(f"Images, {sum(len(j[4]) for j in card_jobs)} cards and {len(pdf_jobs)} PDFs in {time.perf_counter() - started:.1f} s")
    if problems:
        raise BuildError(problems)
    return findings


def write_feeds(site: Path, manifests: dict[str, dict]) -> None:
    """Each language's Atom feed, its entries' text cut from the built posts."""
    for lang, manifest in manifests.items():
        posts = []
        for post in manifest["posts"]:
            page = site / lang / manifest["pages"][post["rel"]]["url"] / "index.html"
            text = page.read_text(encoding="utf-8") if page.is_file() else ""
            body = inner_html(text, "div", "ipbes-text") or ""
            import datetime as dt
            posts.append(feeds.FeedPost(url=post["url"], title=post["title"], published=dt.datetime.fromisoformat(post["published"]),
                                        summary=post["summary"], content_html=feeds.entry_html(publications.split_title(body)[1], post["url"]),
                                        categories=post["categories"], authors=post["authors"], lang=post["lang"]))
        feed = feeds.atom_feed(lang, manifest["feed_title"], manifest["site_url"], f"{manifest['site_url']}news/", posts,
                               manifest["feed_author"])
        path = site / lang / feeds.FEED_PATH
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(feed, encoding="utf-8")


def write_sitemaps(site: Path, versions: PageVersions, languages: list[str], site_url: str, source_language: str,
                   root: Path | None = None, manifests: dict[str, dict] | None = None) -> None:
    """Each language's sitemap: its pages with their alternates and the date of their source's
    last commit (one git log for the whole site), and the blog's category pages."""
    manifests = manifests or {}
    sources = {page["source"] for manifest in manifests.values() for page in manifest["pages"].values()}
    dates = sitemaps.last_modified(root, sorted(sources)) if root is not None else {}
    excluded = {(code, rel) for manifest in manifests.values() for rel, page in manifest["pages"].items()
                if page.get("contributors") for code in languages}  # the contributors' area is not for search engines
    for lang in languages:
        pages = manifests.get(lang, {}).get("pages", {})
        lastmod = {rel: dates[page["source"]] for rel, page in pages.items() if page["source"] in dates and not page.get("fallback")}
        (site / lang / "sitemap.xml").write_text(
            sitemaps.language_sitemap(versions, lang, site_url, source_language, excluded=excluded, lastmod=lastmod,
                                      extra_urls=sitemaps.built_page_urls(site / lang), home_x_default=site_url),
            encoding="utf-8")
        (site / lang / "sitemap.xml.gz").unlink(missing_ok=True)


def check_contract(site: Path, manifests: dict[str, dict]) -> list[Problem]:
    """Every output the stage promised exists: a missing one names what and where."""
    problems = []
    for lang, manifest in manifests.items():
        for rel in manifest["promised"]:
            if not (site / lang / rel).is_file():
                problems.append(Problem(site / lang / rel, None, f"the build promised this output ({lang}) but it was not made; "
                                                                 "the engine or a finish step dropped it: report it"))
        if any((site / lang).rglob("*.map")):
            problems.append(Problem(site / lang, None, "source maps are published; they are not meant for readers"))
    return problems


def load_manifests(stage_root: Path, languages: list[str]) -> dict[str, dict]:
    return {lang: json.loads((Path(stage_root) / lang / "manifest.json").read_text(encoding="utf-8")) for lang in languages}


def finish_root(root: Path, site: Path, languages: list[str], source_language: str, site_url: str) -> None:
    token_css = tokens.tokens_css(tokens.load_tokens(Path(root) / "brand" / "tokens.json"))
    write_root(site, Path(root), languages, source_language, site_url, token_css)


def template_hashes(root: Path, site_url: str, languages: list[str]) -> set[str]:
    """The inline scripts the templates own: the only ones the policy allows."""
    from urllib.parse import urlparse
    import material
    from .output_policy import template_script_hashes
    base = urlparse(site_url).path or "/"
    paths = ["/"] + [f"{base.rstrip('/')}/{lang}/" for lang in languages]
    return template_script_hashes([Path(root) / "overrides", Path(material.__file__).parent / "templates"], paths)


def apply_security_policy(site: Path, allowed: set[str], immutable: list[str] = (), languages: list[str] = ()) -> None:
    """The policy in every page, and `_headers`: the policy, security and cache headers."""
    from . import headers
    every = csp.apply_csp(site, allowed)
    (Path(site) / "_headers").write_text(headers.headers_file(csp.policy(every, for_header=True), list(immutable),
                                                              headers.page_paths(list(languages))), encoding="utf-8")


def _policy_task(args) -> list[Problem]:
    from .output_policy import check_site
    folder, allowed, sources, cache = args
    return check_site(Path(folder), allowed, lambda path: (Path(sources[str(path)]), None) if str(path) in sources else None,
                      cache)


def check_output_policy(site: Path, allowed: set[str], manifests: dict[str, dict], jobs: int,
                        cache: Path | None = None) -> list[Problem]:
    """Every HTML, SVG and XML file of the output parsed and held to the output policy, one
    language per process; a breach names the Markdown source of its page."""
    from .output_policy import check_html, check_xml
    jobs_args = []
    for lang, manifest in manifests.items():
        sources = {str(site / lang / (page["url"] + "index.html")): page["source"] for page in manifest["pages"].values()}
        jobs_args.append((str(site / lang), allowed, sources, cache))
    for folder in sorted(p for p in site.iterdir() if p.is_dir() and p.name not in manifests):
        jobs_args.append((str(folder), allowed, {}, cache))  # the shared theme files and the root's own
    problems: list[Problem] = []
    with ProcessPoolExecutor(max_workers=max(1, jobs)) as pool:
        for found in pool.map(_policy_task, jobs_args):
            problems += found
    for path in sorted(site.iterdir()):
        if path.is_file() and path.suffix == ".html":
            problems += [Problem(path, None, f"{b.message}: {b.excerpt}") for b in check_html(path.read_text(encoding="utf-8"), allowed, path)]
        elif path.is_file() and path.suffix in (".xml", ".svg"):
            problems += [Problem(path, None, f"{b.message}: {b.excerpt}") for b in check_xml(path.read_bytes(), path)]
    return problems
