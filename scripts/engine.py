"""Engine: `mkdocs build` of each staged tree, each in its own process.

The only module that knows the engine. It runs MkDocs as a command on the staged
configuration (`python -m mkdocs build -f .build/stage/<lang>/mkdocs.yml`), so the build
of a staged tree depends on nothing but the tree, and an engine's crash is a message, not
our traceback. MkDocs' warnings (strict mode) name a staged file; staged files keep their
source's relative path, so each message is mapped back to the file an editor fixes, and the
same message from six languages about one English file is reported once.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from .errors import Problem

LINK = re.compile(r"Doc file '(?P<file>[^']+)' contains a(?:n absolute)? link '(?P<link>[^']+)'")
DOC_FILE = re.compile(r"Doc file '(?P<file>[^']+)'")
LEVEL = re.compile(r"^(?:WARNING|ERROR|CRITICAL)\s+-\s+(?P<message>.*)$")


@dataclass(frozen=True)
class EngineResult:
    lang: str
    seconds: float
    pages: int
    problems: list[Problem]


def tree_key(stage: Path) -> str:
    """What the engine's output of a staged tree depends on: the tree itself, the theme
    overrides it names, the Markdown extensions' code and data, and the engine's version.
    The same key means the same output, so a warm build copies it instead of building."""
    import hashlib
    import importlib.metadata
    import yaml
    stage = Path(stage)
    config = yaml.safe_load((stage / "mkdocs.yml").read_text(encoding="utf-8"))
    digest = hashlib.sha256()
    for package in ("mkdocs", "mkdocs-material", "Markdown", "pymdown-extensions"):
        digest.update(f"{package}={importlib.metadata.version(package)}\n".encode())
    extensions_root = (stage / next((e[n]["root"] for e in config.get("markdown_extensions", [])
                                     if isinstance(e, dict) for n in e if n == "scripts.embeds.blocks"), ".")).resolve()
    folders = [stage / "docs", (stage / config["theme"]["custom_dir"]).resolve(), Path(__file__).parent,
               extensions_root / "locales", extensions_root / "brand"]
    digest.update(hashlib.sha256((stage / "mkdocs.yml").read_bytes()).digest())
    for index, folder in enumerate(folders):
        for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(f"{index}/{path.relative_to(folder).as_posix()}\0".encode())
                digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:24]


def build_language(stage: Path, site_dir: Path, cache: Path | None = None) -> EngineResult:
    """Build one staged language; its problems point at source files (manifest.json).
    With `cache`, an output built before from the same staged tree is copied instead."""
    import shutil
    stage = Path(stage)
    manifest = json.loads((stage / "manifest.json").read_text(encoding="utf-8"))
    lang = manifest["lang"]
    started = time.perf_counter()
    kept = None
    if cache is not None:
        kept = Path(cache) / lang / tree_key(stage)
        if kept.is_dir():
            try:
                shutil.rmtree(site_dir, ignore_errors=True)
                shutil.copytree(kept, site_dir)
                return EngineResult(lang, time.perf_counter() - started, sum(1 for _ in Path(site_dir).rglob("index.html")), [])
            except OSError:  # another build pruned it meanwhile: build instead
                shutil.rmtree(site_dir, ignore_errors=True)
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONWARNINGS="ignore")
    run = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-f", str(stage / "mkdocs.yml")],
                         cwd=stage, capture_output=True, text=True, env=env, check=False)
    seconds = time.perf_counter() - started
    if run.returncode == 0:
        count = sum(1 for _ in Path(site_dir).rglob("index.html"))
        if kept is not None:
            _keep(Path(site_dir), kept)
        return EngineResult(lang, seconds, count, [])
    return EngineResult(lang, seconds, 0, engine_problems(stage, manifest, run.stderr + run.stdout))


ENGINE_OUTPUTS_KEPT = 3  # per language: builds of other checkouts or branches share the cache


def _keep(site_dir: Path, kept: Path) -> None:
    """Store an engine output under its key (copied aside, then renamed), and prune the
    language's oldest outputs; never fails a build, whatever other builds do meanwhile."""
    import os
    import shutil
    temporary = kept.with_name(f".{kept.name}.{os.getpid()}.tmp")
    try:
        kept.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(site_dir, temporary)
        os.replace(temporary, kept) if not kept.exists() else shutil.rmtree(temporary, ignore_errors=True)
        entries = sorted((p for p in kept.parent.iterdir() if p.is_dir() and not p.name.startswith(".")),
                         key=lambda p: p.stat().st_mtime, reverse=True)
        for old in entries[ENGINE_OUTPUTS_KEPT:]:
            shutil.rmtree(old, ignore_errors=True)
    except OSError:
        shutil.rmtree(temporary, ignore_errors=True)


def engine_problems(stage: Path, manifest: dict, output: str) -> list[Problem]:
    """MkDocs' messages as problems with the source file and, for a link, its line."""
    messages = [m.group("message").strip() for m in map(LEVEL.match, output.splitlines()) if m]
    messages = [m for m in messages if not m.startswith("Aborted with") and "'dirty' build" not in m]
    problems = []
    for message in messages:
        problems.append(_problem(stage, manifest, message))
    if not problems:
        last = next((line for line in reversed(output.strip().splitlines()) if line.strip()), "no output")
        problems.append(Problem(stage / "mkdocs.yml", None,
                                f"the engine failed on the '{manifest['lang']}' pages: {last.strip()[:500]}; "
                                "this is a bug in the build or the engine, not in your content: report it"))
    return problems


def _problem(stage: Path, manifest: dict, message: str) -> Problem:
    match = DOC_FILE.search(message)
    if match:
        page = manifest["pages"].get(match.group("file"))
        if page:
            source = Path(page["source"])
            link = LINK.search(message)
            if link and source.suffix == ".md" and source.is_file():
                for number, line in enumerate(source.read_text(encoding="utf-8-sig").splitlines(), start=1):
                    if f"({link.group('link')}" in line or f'"{link.group("link")}"' in line or f"]: {link.group('link')}" in line:
                        return Problem(source, number, message + "; fix the link, or the page or heading it points to")
            return Problem(source, None, message)
    return Problem(stage / "mkdocs.yml", None, f"[{manifest['lang']}] {message}")


def build_languages(stages: dict[str, Path], sites: dict[str, Path], jobs: int, report=print,
                    cache: Path | None = None) -> list[Problem]:
    """All languages, `jobs` at a time; problems of every language, each reported once."""
    problems: list[Problem] = []
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = {lang: pool.submit(build_language, stages[lang], sites[lang], cache) for lang in stages}
        for lang, future in futures.items():
            result = future.result()
            if result.problems:
                report(f"  [{lang}] FAILED: {len(result.problems)} problem(s)")
                problems += result.problems
            else:
                report(f"  [{lang}] {result.pages} pages in {result.seconds:.1f} s")
    unique = list(dict.fromkeys(problems))
    return unique
