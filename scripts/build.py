"""The whole-site build: check the sources, build each language in parallel, assemble, swap.

Each language is a separate MkDocs build (Material's advice for several languages) in its
own process, so six languages take about as long as the slowest three on two cores. The
result is assembled in a fresh directory and replaces `site/` only when everything passed:
a failed build leaves the last good site untouched.
"""
from __future__ import annotations

import datetime as dt
import logging
import re
import os
import shutil
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from . import assessments, content, csp, i18n, pages, publications, tokens, translations, videos
from .chooser import write_root
from .brand.run import run_checks
from .embargo import build_clock
from .embeds import scan as embed_scan
from .errors import BuildError, Problem
from .site_config import SharedConfig, load_shared_config, write_language_config

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")


@dataclass(frozen=True)
class LanguageResult:
    lang: str
    seconds: float
    pages: int
    error: list[str] | None


def _collect(problems: list[Problem], load, *args, **kwargs):
    """Runs a loader; its problems join the list instead of stopping the checks."""
    try:
        return load(*args, **kwargs)
    except BuildError as exc:
        problems += exc.problems
        return None


def check_sources(shared: SharedConfig, languages: list[str], now: dt.datetime | None = None) -> list[Problem]:
    """Everything that can be known wrong before MkDocs runs, collected in one list."""
    root = shared.root
    present = [lang for lang in languages if (root / "docs" / lang).is_dir()]
    problems = pages.check_language_folders(root / "docs", languages)
    data = _collect(problems, assessments.load_assessments, root, shared.languages, now or build_clock(), preview=True)
    video_list = _collect(problems, videos.load_videos, root, shared.languages)
    keys = set(data.assessments) if data else set()
    problems += content.check_pages(root / "docs", present, content.available_templates(root / "overrides"), keys)
    if data and video_list is not None:
        problems += assessments.unknown_videos(data, {v.key for v in video_list}, root)
    problems += content.check_image_sizes(root / "docs", int(shared.ipbes.get("max_image_kb", 500)))
    problems += embed_scan.check_embeds(root / "docs", present, root / pages.SHARED_MEDIA_DIR)[1]
    if "zh" in present and any((root / "docs" / "zh").rglob("factsheets/*.md")):
        missing = publications.missing_cjk_font()
        if missing:
            problems.append(Problem(root / "docs" / "zh" / "factsheets", None, missing))
    _collect(problems, tokens.load_tokens, root / "brand" / "tokens.json")
    for lang in languages:
        _collect(problems, i18n.translations, str(root / "locales"), lang)
    return problems


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def _build_language(config_path: str, lang: str) -> LanguageResult:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    collected = _Collect()
    logger = logging.getLogger("mkdocs")
    logger.handlers[:] = [collected]
    logger.setLevel(logging.INFO)
    logger.propagate = False
    import jieba
    jieba.setLogLevel(logging.WARNING)
    started = time.perf_counter()
    try:
        config = load_config(config_path)
        build(config)
    except (MkDocsException, BuildError) as exc:
        return LanguageResult(lang, time.perf_counter() - started, 0, collected.messages or [str(exc)])
    count = sum(1 for _ in Path(config.site_dir).rglob("index.html"))
    return LanguageResult(lang, time.perf_counter() - started, count, None)


def build_site(root: Path, out: Path | None = None, languages: list[str] | None = None,
               jobs: int | None = None, report=print, now: str | dt.datetime | None = None) -> Path:
    """Build the site with the build's clock at `now` (default: the real time): embargoed
    pages and data entries are left out of every output until the clock passes them."""
    root = Path(root).resolve()
    out = Path(out or root / "site").resolve()
    shared = load_shared_config(root / "mkdocs.yml")
    languages = languages or shared.languages
    unknown = [code for code in languages if code not in shared.languages]
    if unknown:
        raise BuildError([Problem(shared.path, shared.line_of("extra", "ipbes", "languages"),
                                  f"language '{unknown[0]}' is not configured; configured: {', '.join(shared.languages)}")])
    try:
        clock = now if isinstance(now, dt.datetime) else build_clock(now)
    except ValueError as exc:
        raise BuildError([Problem(Path("--now"), None, str(exc))])
    begun = started = time.perf_counter()
    problems = check_sources(shared, languages, clock)
    if problems:
        raise BuildError(problems)
    report(f"Checked the sources in {time.perf_counter() - started:.1f} s")

    work = root / ".build"
    # Staged beside the output, so the final swap is a rename on one file system.
    staging = out.with_name(f".{out.name}.new")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    started = time.perf_counter()
    status = translations.write_states(work / "translations.json",
                                       translations.all_states(root, shared.languages, shared.source_language))
    report(f"Translation status of every page in {time.perf_counter() - started:.1f} s")
    options = {"now": clock.isoformat(), "translation_status": str(status)}
    configs = {lang: write_language_config(shared, lang, staging / lang, work / "config" / f"{lang}.yml", options) for lang in languages}

    report(f"Building {len(languages)} languages ({', '.join(languages)}) in parallel...")
    failures = []
    workers = max(1, min(len(languages), jobs or os.cpu_count() or 1))
    with ProcessPoolExecutor(max_workers=workers) as pool:
        # The brand rules' checks of the sources need no built page: they run beside the
        # language builds, first, so no core waits idle at the end.
        brand_sources = pool.submit(check_brand_sources, root)
        futures = [pool.submit(_build_language, str(configs[lang]), lang) for lang in languages]
        for future in futures:
            result = future.result()
            if result.error:
                failures.append(result)
                report(f"  [{result.lang}] FAILED: {len(result.error)} problem(s)")
            else:
                report(f"  [{result.lang}] {result.pages} pages in {result.seconds:.1f} s")
        source_findings, seconds = brand_sources.result()
    if failures:
        raise BuildError([mkdocs_problem(root, f.lang, message) for f in failures for message in f.error])
    report(f"Brand rules on the sources checked beside the language builds in {seconds:.1f} s")
    finish_site(root, shared, staging, out, languages, report, source_findings)
    report(f"Site built into {out} in {time.perf_counter() - begun:.1f} s")
    return out


def check_brand_sources(root: Path):
    """The brand rules' findings on the sources, and the seconds they took."""
    from .brand.run import check_sources as brand_sources
    started = time.perf_counter()
    return brand_sources(root), time.perf_counter() - started


def finish_site(root: Path, shared: SharedConfig, staging: Path, out: Path, languages: list[str], report=print,
                source_findings=None) -> Path:
    """The steps over the assembled language folders: the site root, the security policy,
    the brand checks, and the swap that publishes only a site that passed them."""
    token_css = tokens.tokens_css(tokens.load_tokens(root / "brand" / "tokens.json"))
    write_root(staging, root, languages, shared.source_language, shared.site_url, token_css)
    started = time.perf_counter()
    csp.apply_csp(staging)
    report(f"Security policy on every page in {time.perf_counter() - started:.1f} s")
    report("Checking the brand rules..." if source_findings is None else "Checking the brand rules on the built site...")
    started = time.perf_counter()
    findings = run_checks(root, staging, out.name, source_findings)
    report(f"Brand rules checked in {time.perf_counter() - started:.1f} s")
    for finding in findings:
        report(finding.text())
    errors = [f for f in findings if f.severity == "error"]
    if errors:
        raise BuildError([Problem(root / f.file if not f.file.startswith(out.name + "/") else out.parent / f.file, f.line,
                                  f"{f.rule}: {f.message}") for f in errors])
    _swap(staging, out)
    return out


def assemble_site(root: Path, parts: Path, out: Path | None = None, report=print) -> Path:
    """Joins language folders built separately (`parts/<lang>/`, one CI job each) into one
    site, then finishes it as a whole build does."""
    root = Path(root).resolve()
    out = Path(out or root / "site").resolve()
    shared = load_shared_config(root / "mkdocs.yml")
    languages = [lang for lang in shared.languages if (Path(parts) / lang).is_dir()]
    missing = [lang for lang in shared.languages if lang not in languages]
    if missing:
        raise BuildError([Problem(Path(parts), None, f"no built folder for {', '.join(missing)}; build every language before assembling")])
    staging = out.with_name(f".{out.name}.new")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    for lang in languages:
        shutil.copytree(Path(parts) / lang, staging / lang)
    finish_site(root, shared, staging, out, languages, report)
    report(f"Site assembled into {out}")
    return out


LINK = re.compile(r"Doc file '(?P<file>[^']+)' contains a(?:n absolute)? link '(?P<link>[^']+)'")


def mkdocs_problem(root: Path, lang: str, message: str) -> Problem:
    """A message of MkDocs' own (a broken link or anchor) with the file and line it is about."""
    match = LINK.search(message)
    if match:
        for folder in (lang, "en"):
            path = root / "docs" / folder / match.group("file")
            if path.is_file():
                for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                    if f"({match.group('link')}" in line or f'"{match.group("link")}"' in line:
                        return Problem(path, number, message + " Fix the link, or the page or heading it points to.")
                return Problem(path, None, message)
    return Problem(root / "docs" / lang, None, f"the '{lang}' build failed: {message}")


def _swap(staging: Path, out: Path) -> None:
    """Replace `out` by `staging` with two renames, so readers of `out` never see half a site."""
    old = out.with_name(f".{out.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if out.exists():
        out.rename(old)
    staging.rename(out)
    shutil.rmtree(old, ignore_errors=True)
