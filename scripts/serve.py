"""`make serve lang=xx`: MkDocs' live-reloading preview of one language."""
from __future__ import annotations

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
    print(f"Previewing '{lang}' at http://{addr}/{lang}/ (Ctrl+C to stop); pages reload when you save.")
    mkdocs_serve(config_file=str(config), livereload=True, dev_addr=addr,
                 watch=[str(root / "overrides"), str(root / "brand"), str(root / "locales")])
