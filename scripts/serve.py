"""`make serve lang=xx`: a live preview of one language through the same stage as the build.

The preview stages the language (embargoed pages kept, with a banner) into
`.build/serve/<lang>/` and runs the engine's live-reloading server on that tree. A watcher
polls the sources (`docs/`, `data/`, `brand/`, `locales/`, `overrides/`, `docs/media/`)
every 0.1 s and stages again on a change; staging writes only the files whose content
changed, then asks the engine's server to rebuild, which renders only those pages (its
dirty builds): an edit shows in under a second. PDFs, cards and feeds are made by the full build only.
"""
from __future__ import annotations

import logging
import os
import threading
import time
from pathlib import Path

from . import links, stage, translations
from .build import check_sources
from .embargo import build_clock
from .errors import BuildError, Problem
from .site_config import load_shared_config

WATCHED = ("docs", "data", "brand", "locales", "overrides", "mkdocs.yml")
POLL_SECONDS = 0.1


def snapshot(root: Path) -> dict[str, int]:
    """The modification time of every watched file."""
    seen = {}
    for name in WATCHED:
        path = Path(root) / name
        files = [path] if path.is_file() else (p for p in path.rglob("*") if p.is_file()) if path.is_dir() else []
        for file in files:
            try:
                seen[str(file)] = file.stat().st_mtime_ns
            except FileNotFoundError:
                continue
    return seen


class Preview:
    """Stages one language for the preview, again after every change of the sources."""

    def __init__(self, root: Path, lang: str):
        self.root = Path(root).resolve()
        self.lang = lang
        self.shared = load_shared_config(self.root / "mkdocs.yml")
        self.out = self.root / ".build" / "serve" / lang
        self.site = self.root / ".build" / "serve-site" / lang
        self.states = None

    def stage(self, changed: set[str] | None = None) -> list[Problem]:
        """Stage again; the problems of the sources instead of a stage when there are any."""
        self.shared = load_shared_config(self.root / "mkdocs.yml")
        clock = build_clock()
        problems = check_sources(self.shared, self.shared.languages, clock)
        if problems:
            return problems
        self.states = self._states(changed)
        config = self.out / "mkdocs.yml"
        before = config.read_bytes() if config.is_file() else b""
        try:
            sources = stage.read_sources(self.root, self.shared, clock, preview=True, states=self.states)
            problems = stage.check_staging(sources)
            if problems:
                return problems
            stage.stage_language(sources, self.lang, self.out, self.site)
        except BuildError as exc:
            return exc.problems
        if changed and (config.read_bytes() != before or any(_shown_on_every_page(self.root, name) for name in changed)):
            self._render_every_page()
        return links.check_links({self.lang: self.out})  # staged all the same: the preview shows the page

    def _render_every_page(self) -> None:
        """The engine's dirty rebuild renders only pages whose file is newer than its output:
        after a change of the templates or of the configuration (interface strings, menus),
        every staged page is marked newer, so that every page shows it."""
        now = time.time()
        for page in (self.out / "docs").rglob("*.md"):
            os.utime(page, (now, now))

    def _states(self, changed: set[str] | None):
        """Translation states, again only for the pages whose files changed (git is slow)."""
        if self.states is None or changed is None:
            return translations.all_states(self.root, self.shared.languages, self.shared.source_language)
        docs = self.root / "docs"
        pages = set()
        for name in changed:
            path = Path(name)
            if path.suffix == ".md" and docs in path.parents:
                parts = path.relative_to(docs).parts
                pages.add("/".join(parts[1:]))
        if not pages:
            return self.states
        kept = [s for s in self.states if s.page not in pages]
        fresh = [translations.page_state(self.root, lang, page, self.shared.source_language)
                 for page in sorted(pages) for lang in self.shared.languages if lang != self.shared.source_language
                 if (docs / self.shared.source_language / page).is_file()]
        return kept + fresh


def _shown_on_every_page(root: Path, name: str) -> bool:
    """A changed source that every page's rendering reads: the templates and the brand files."""
    path = Path(name)
    return any(Path(root) / folder in path.parents for folder in ("overrides", "brand"))


def watch(preview: Preview, stop: threading.Event, report=print) -> None:
    before = snapshot(preview.root)
    while not stop.is_set():
        time.sleep(POLL_SECONDS)
        now = snapshot(preview.root)
        if now == before:
            continue
        changed = {name for name in set(now) | set(before) if now.get(name) != before.get(name)}
        before = now
        problems = preview.stage(changed)
        _rebuild_now()
        for problem in problems:
            report(str(problem))


def serve(root: Path, lang: str, addr: str) -> None:
    from mkdocs.commands.serve import serve as mkdocs_serve

    shared = load_shared_config(Path(root) / "mkdocs.yml")
    if lang not in shared.languages:
        raise BuildError([Problem(shared.path, shared.line_of("extra", "ipbes", "languages"),
                                  f"language '{lang}' is not configured; use one of: {', '.join(shared.languages)}")])
    preview = Preview(root, lang)
    problems = preview.stage()
    if problems:
        raise BuildError(problems)
    stop = threading.Event()
    threading.Thread(target=watch, args=(preview, stop), daemon=True).start()
    _show_mkdocs_messages()
    _watch_closely()
    print(f"Previewing '{lang}' at http://{addr}/{lang}/ (Ctrl+C to stop); pages reload when you save.")
    import os
    os.chdir(preview.out)  # the staged configuration's paths are relative to its folder, as for the build
    try:
        mkdocs_serve(config_file=str(preview.out / "mkdocs.yml"), livereload=True, build_type="dirty", dev_addr=addr)
    finally:
        stop.set()


def _show_mkdocs_messages() -> None:
    """MkDocs' own messages (rebuilds, broken links) on the terminal, as `mkdocs serve` shows
    them, less its warning that a dirty build is one: in strict mode that warning alone
    would stop every rebuild."""
    from mkdocs.__main__ import ColorFormatter
    logger = logging.getLogger("mkdocs")
    logger.setLevel(logging.INFO)
    logger.propagate = False
    if not any(getattr(h, "name", "") == "ipbes-serve" for h in logger.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(ColorFormatter())
        handler.name = "ipbes-serve"
        logger.addHandler(handler)
    logging.getLogger("mkdocs.commands.build").addFilter(lambda record: "'dirty' build" not in record.getMessage())


_ENGINE_SERVER: list = []  # the engine's live-reload server, once it runs


def _rebuild_now() -> None:
    """Asks the engine's server to rebuild: staging has written every file it changed."""
    for server in _ENGINE_SERVER:
        server.rebuild()


def _watch_closely() -> None:
    """The engine's server rebuilds when the preview has staged a change, not when its own
    poll of the staged tree notices files changing (every 0.5 s, then 0.1 s more for them to
    settle): staging writes its files at once and says when it is done. MkDocs 1.6's
    LiveReloadServer (pinned) has no public way to ask for a rebuild: `rebuild` sets the flag
    its own file watcher sets."""
    from mkdocs.commands import serve as mkdocs_serve_module
    from mkdocs.livereload import LiveReloadServer

    class StagedReloadServer(LiveReloadServer):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.build_delay = 0
            _ENGINE_SERVER[:] = [self]

        def watch(self, path, func=None, *, recursive=True):  # the preview's watcher watches the sources
            pass

        def rebuild(self):
            with self._rebuild_cond:
                self._want_rebuild = True
                self._rebuild_cond.notify_all()

    mkdocs_serve_module.LiveReloadServer = StagedReloadServer
