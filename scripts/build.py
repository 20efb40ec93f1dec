"""The whole-site build: check the sources, then stage, engine, finish, and swap.

    sources --check--> stage (.build/stage/<lang>/) --engine--> built HTML --finish--> site/

Stage (`stage`) writes each language's complete tree; the engine (`engine`, MkDocs) builds
each staged tree in its own process, two at a time on two cores; finish (`finish`) makes
images, cards, PDFs, feeds and sitemaps from the output, checks it, and the swap replaces
`site/` only when everything passed: a failed build leaves the last good site untouched and
nothing else behind.
"""
from __future__ import annotations

import datetime as dt
import logging
import re
import os
import shutil
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from . import (assessments, content, embargo_contract, engine, finish, i18n, links, pages, pdf_fonts, publications, safety,
               search, stage, tokens, videos)
from . import cache_dir
from .brand.run import run_checks
from .embargo import build_clock
from .embeds import scan as embed_scan
from .errors import BuildError, Problem
from .site_config import SharedConfig, load_shared_config

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")


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
    problems = pages.check_language_folders(root / "docs", languages) + content.check_paths(root)
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


def output_path(root: Path, out: Path | None) -> Path:
    """The output's absolute path, not following it: `site` is a link to the published
    version, and the next build replaces the link, never writes through it."""
    out = Path(out) if out else Path(root) / "site"
    out = out if out.is_absolute() else Path.cwd() / out
    return out.parent.resolve() / out.name


def build_site(root: Path, out: Path | None = None, languages: list[str] | None = None,
               jobs: int | None = None, report=print, now: str | dt.datetime | None = None, engine_only: bool = False) -> Path:
    """Stage, engine, finish, with the build's clock at `now` (default: the real time):
    embargoed pages and data entries are left out of every output until the clock passes them."""
    root = Path(root).resolve()
    out = output_path(root, out)
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
    safety.check_out_dir(root, out)
    with safety.build_lock(root, report=report):
        return _build(root, out, shared, languages, jobs, report, clock, engine_only)


def _build(root: Path, out: Path, shared: SharedConfig, languages: list[str], jobs: int | None, report,
           clock: dt.datetime, engine_only: bool = False) -> Path:
    """`engine_only`: stop after the engine and publish its raw output per language, for CI's
    one-job-per-language builds; `assemble` then finishes the whole site in one place."""
    begun = started = time.perf_counter()
    problems = check_sources(shared, languages, clock)
    if problems:
        raise BuildError(problems)
    report(f"Checked the sources in {time.perf_counter() - started:.1f} s")
    workers = max(1, min(len(languages), jobs or os.cpu_count() or 1))
    staging = out.with_name(f".{out.name}.new")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        with ProcessPoolExecutor(max_workers=1) as side:
            # The brand rules' checks of the sources need no built page: they run beside
            # staging and the engine, so no core waits idle at the end.
            brand_sources = side.submit(check_brand_sources, root)
            pruned = side.submit(safety.prune_versions, out)
            # The Arabic PDFs' font cut (a second or two the first time, then cached).
            pdf_fonts_made = side.submit(pdf_fonts.problems, root) if "ar" in languages and not engine_only else None
            started = time.perf_counter()
            sources = stage.read_sources(root, shared, clock)
            problems = stage.check_staging(sources)
            if problems:
                raise BuildError(problems)
            stage_root = root / ".build" / "stage"
            manifests = {lang: stage.stage_language(sources, lang, stage_root / lang, staging / lang) for lang in languages}
            report(f"Staged {len(languages)} languages in {time.perf_counter() - started:.1f} s")
            report(f"Building {len(languages)} languages ({', '.join(languages)}), {workers} at a time...")
            problems = engine.build_languages({lang: stage_root / lang for lang in languages},
                                              {lang: staging / lang for lang in languages}, workers, report,
                                              cache_dir(root) / "engine")
            # Links and anchors of the staged trees, from the engine's own parse of each page
            # (links.SeenLinks) where it ran; their problems come first.
            link_problems, seconds = check_staged_links({lang: stage_root / lang for lang in languages},
                                                        cache_dir(root) / "links.json")
            if link_problems or problems:
                raise BuildError(link_problems + problems)
            report(f"Links and anchors checked in {seconds:.1f} s")
            source_findings, seconds = brand_sources.result()
            pruned.result()
            if pdf_fonts_made is not None and pdf_fonts_made.result():
                raise BuildError(pdf_fonts_made.result())
        report(f"Brand rules on the sources checked beside the build in {seconds:.1f} s of computing")
        if engine_only:
            safety.publish(staging, out, prune=False)
            report(f"Engine output of {', '.join(languages)} in {out}; join the languages with `ipbes-site assemble`")
            return out
        finish_site(root, shared, sources, manifests, stage_root, staging, out, languages, report, source_findings, workers)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    report(f"Site built into {out} in {time.perf_counter() - begun:.1f} s")
    return out


def stage_only(root: Path, languages: list[str] | None = None, now: str | None = None) -> list[Path]:
    """The stage step alone (`ipbes-site stage`): the staged configurations, for inspecting
    what the engine gets or building a staged tree with another engine."""
    root = Path(root).resolve()
    shared = load_shared_config(root / "mkdocs.yml")
    languages = languages or shared.languages
    clock = build_clock(now)
    problems = check_sources(shared, languages, clock)
    if problems:
        raise BuildError(problems)
    sources = stage.read_sources(root, shared, clock)
    problems = stage.check_staging(sources)
    if problems:
        raise BuildError(problems)
    stage_root = root / ".build" / "stage"
    for lang in languages:
        stage.stage_language(sources, lang, stage_root / lang, root / "site" / lang)
    problems = links.check_links({lang: stage_root / lang for lang in languages})
    if problems:
        raise BuildError(problems)
    return [stage_root / lang / "mkdocs.yml" for lang in languages]


def _timed(function, *args, **kwargs):
    """`function`'s answer and the seconds it took."""
    started = time.perf_counter()
    return function(*args, **kwargs), time.perf_counter() - started


def check_staged_links(stages: dict[str, Path], store: Path):
    """The link problems of the staged trees after the engine has run, and the seconds they took."""
    started = time.process_time()
    return links.check_links(stages, store, seen=True), time.process_time() - started


def check_brand_sources(root: Path):
    """The brand rules' findings on the sources, and the seconds of computing they took."""
    from .brand.run import check_sources as brand_sources
    started = time.process_time()
    return brand_sources(root), time.process_time() - started


def finish_site(root: Path, shared: SharedConfig, sources, manifests: dict, stage_root: Path, staging: Path, out: Path,
                languages: list[str], report=print, source_findings=None, jobs: int = 2) -> Path:
    """The steps over the built language folders: images, cards, PDFs, feeds, sitemaps, the
    site root, the security policy, the brand checks, the output contract, and the swap
    that publishes only a site that passed them."""
    pdf_findings = finish.finish_languages(root, stage_root, staging, manifests, jobs, report)
    finish.write_feeds(staging, manifests)
    finish.write_sitemaps(staging, sources.versions, languages, shared.site_url, shared.source_language, root, manifests)
    finish.finish_root(root, staging, languages, shared.source_language, shared.site_url)
    shared_assets = finish.share_assets(staging, languages, shared.site_url, jobs, cache_dir(root) / "shared-assets")
    report(f"Shared {shared_assets['files']} theme files across languages ({shared_assets['bytes_saved'] // 1000} kB fewer)")
    started = time.perf_counter()
    allowed = finish.template_hashes(root, shared.site_url, languages)
    finish.apply_security_policy(staging, allowed, shared_assets["immutable"], languages)
    # Pagefind reads the pages as they are now (the policy's <meta> is in their heads) while
    # the output policy reads them too; the embargo check reads the search bundles as well.
    with ThreadPoolExecutor(max_workers=1) as beside:
        indexing = beside.submit(_timed, search.index_site, staging, languages, cache=cache_dir(root) / "search")
        problems = finish.check_output_policy(staging, allowed, manifests, jobs, cache_dir(root) / "policy")
        try:
            indexes, seconds = indexing.result()
        except BuildError as error:
            raise BuildError(problems + error.problems) from None
    report(f"Search indexes in {seconds:.1f} s, beside the output policy ("
           + ", ".join(f"{lang} {info['index_bytes'] // 1000} kB" for lang, info in indexes.items()) + ")")
    problems += embargo_contract.check_embargo(staging, stage.embargo_items(sources))
    if problems:
        raise BuildError(problems)
    report(f"Security policy, output policy and embargo checked on every file in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    if source_findings is None:
        source_findings = check_brand_sources(root)[0]
    findings = run_checks(root, staging, out.name, source_findings + pdf_findings, render_pdfs=False)
    report(f"Brand rules checked in {time.perf_counter() - started:.1f} s")
    for finding in findings:
        report(finding.text())
    errors = [f for f in findings if f.severity == "error"]
    if errors:
        raise BuildError([Problem(root / f.file if not f.file.startswith(out.name + "/") else out.parent / f.file, f.line,
                                  f"{f.rule}: {f.message}") for f in errors])
    problems = finish.check_contract(staging, manifests)
    if problems:
        raise BuildError(problems)
    safety.publish(staging, out, prune=False)
    return out


def assemble_site(root: Path, parts: Path, out: Path | None = None, report=print, now: str | None = None) -> Path:
    """Joins language folders built separately (`parts/<lang>/`, one CI job each) into one
    site, then finishes it as a whole build does (staging again for the manifests)."""
    root = Path(root).resolve()
    out = output_path(root, out)
    shared = load_shared_config(root / "mkdocs.yml")
    languages = [lang for lang in shared.languages if (Path(parts) / lang).is_dir()]
    missing = [lang for lang in shared.languages if lang not in languages]
    if missing:
        raise BuildError([Problem(Path(parts), None, f"no built folder for {', '.join(missing)}; build every language before assembling")])
    safety.check_out_dir(root, out)
    safety.prune_versions(out)
    staging = out.with_name(f".{out.name}.new")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        for lang in languages:
            shutil.copytree(Path(parts) / lang, staging / lang)
        sources = stage.read_sources(root, shared, build_clock(now))
        stage_root = root / ".build" / "stage"
        manifests = {lang: stage.stage_language(sources, lang, stage_root / lang, staging / lang) for lang in languages}
        finish_site(root, shared, sources, manifests, stage_root, staging, out, languages, report)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    report(f"Site assembled into {out}")
    return out
