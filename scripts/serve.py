"""`make serve lang=xx`: MkDocs' live-reloading preview of one language.

After the first build, a save rebuilds only the pages whose sources changed (MkDocs'
dirty builds), so an edit shows in about a second even in a language of hundreds of pages;
navigation and search may lag behind a renamed or added page until the preview restarts.
"""
from __future__ import annotations

import logging
from pathlib import Path

from .build import check_sources
from .errors import BuildError, Problem
from .site_config import load_shared_config, write_language_config


def serve(root: Path, lang: str, addr: str) -> None:
    from mkdocs.commands.serve import serve as mkdocs_serve

    shared = load_shared_config(root / "mkdocs.yml")
    if lang not in shared.languages:
        raise BuildError([Problem(shared.path, shared.line_of("extra", "ipbes", "languages"),
                                  f"language '{lang}' is not configured; use one of: {', '.join(shared.languages)}")])
    problems = check_sources(shared, [lang])
    if problems:
        raise BuildError(problems)
    config = write_language_config(shared, lang, root / ".build" / "serve" / lang, root / ".build" / "config" / f"serve-{lang}.yml",
                                   {"preview": True})
    _show_mkdocs_messages()
    _watch_closely()
    print(f"Previewing '{lang}' at http://{addr}/{lang}/ (Ctrl+C to stop); pages reload when you save.")
    mkdocs_serve(config_file=str(config), livereload=True, build_type="dirty", dev_addr=addr,
                 watch=[str(root / "overrides"), str(root / "brand"), str(root / "locales")])


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


def _watch_closely() -> None:
    """MkDocs looks for saved files every 0.5 s; every 0.1 s makes an edit show sooner
    (a few hundred file stats a time, no measurable load)."""
    import functools
    from mkdocs.commands import serve as mkdocs_serve_module
    from mkdocs.livereload import LiveReloadServer
    mkdocs_serve_module.LiveReloadServer = functools.partial(LiveReloadServer, polling_interval=0.1)
