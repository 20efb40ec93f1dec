"""Errors for people: every bad input is reported as `file:line: what is wrong; how to fix it`.

A build collects all of them and reports them together, so an editor fixes a whole batch
in one go instead of one error per run.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import ROOT


@dataclass(frozen=True)
class Problem:
    file: Path
    line: int | None
    message: str

    def __str__(self) -> str:
        where = display_path(self.file)
        return f"{where}:{self.line}: {self.message}" if self.line else f"{where}: {self.message}"


class BuildError(Exception):
    """Raised with every problem found, so the whole list is printed at once."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def display_path(path: Path) -> str:
    path = Path(path)
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        try:
            return str(path.resolve().relative_to(ROOT))
        except ValueError:
            return str(path)
