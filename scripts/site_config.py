"""The shared `mkdocs.yml`, read and checked: the languages, the source language, the site URL.

Each language's engine configuration is derived from it by the stage step (`stage.staged_config`),
so the six configurations cannot drift apart.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from .datafiles import load_data_file
from .errors import BuildError, Problem
from .languages import UN_LANGUAGES



@dataclass(frozen=True)
class SharedConfig:
    path: Path
    data: dict
    key_lines: dict[tuple[str, ...], int]

    @property
    def root(self) -> Path:
        return self.path.parent

    @property
    def ipbes(self) -> dict:
        return (self.data.get("extra") or {}).get("ipbes") or {}

    @property
    def languages(self) -> list[str]:
        return list((self.ipbes.get("languages") or {}).keys())

    @property
    def source_language(self) -> str:
        return self.ipbes.get("source_language", "en")

    @property
    def site_url(self) -> str:
        url = self.data.get("site_url") or "/"
        return url if url.endswith("/") else url + "/"

    def line_of(self, *keys: str) -> int | None:
        return self.key_lines.get(tuple(keys))


def load_shared_config(path: Path) -> SharedConfig:
    """Read `mkdocs.yml` and check what the multilingual build depends on."""
    path = Path(path).resolve()
    loaded = load_data_file(path, "configuration")
    shared = SharedConfig(path, loaded.data or {}, loaded.key_lines)
    problems = validate_shared_config(shared)
    if problems:
        raise BuildError(problems)
    return shared



def validate_shared_config(shared: SharedConfig) -> list[Problem]:
    problems = []
    codes = shared.languages
    if not codes:
        problems.append(Problem(shared.path, shared.line_of("extra"), "no languages configured; list the six UN languages under extra.ipbes.languages"))
    for code in codes:
        if code not in UN_LANGUAGES:
            problems.append(Problem(
                shared.path, shared.line_of("extra", "ipbes", "languages", code),
                f"language code '{code}' is not one of the six UN languages ({', '.join(UN_LANGUAGES)}); use one of those codes",
            ))
    if shared.source_language not in codes:
        problems.append(Problem(shared.path, shared.line_of("extra", "ipbes", "source_language"),
                                f"source language '{shared.source_language}' is not among the configured languages; add it or change source_language"))
    return problems
