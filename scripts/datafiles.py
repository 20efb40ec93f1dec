"""Structured data files (YAML) read with the line of every key, so each bad value is
reported as `file:line: what is wrong; how to fix it`.

PyYAML's `safe_load` forgets where a value came from; composing the node tree alongside
keeps each key's line at no extra dependency.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from .errors import BuildError, Problem


@dataclass(frozen=True)
class DataFile:
    path: Path
    data: object
    key_lines: dict[tuple[str, ...], int]

    def line_of(self, *keys) -> int | None:
        """The line of the deepest of `keys` that is known (a key, else its parent's)."""
        keys = tuple(str(k) for k in keys)
        while keys:
            if keys in self.key_lines:
                return self.key_lines[keys]
            keys = keys[:-1]
        return None

    def problem(self, keys: tuple, message: str) -> Problem:
        return Problem(self.path, self.line_of(*keys), message)


def load_data_file(path: Path, what: str = "data file") -> DataFile:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise BuildError([Problem(path, None, f"cannot read the {what} ({exc.strerror})")])
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        raise BuildError([Problem(path, line, f"not valid YAML ({getattr(exc, 'problem', exc)}); fix the syntax at this line")])
    except ValueError:
        line, value = impossible_date(node)
        raise BuildError([Problem(path, line, f"'{value}' is not a real date; write an existing date as YYYY-MM-DD, like 2026-11-24")])
    return DataFile(path, data, key_lines(node))


def impossible_date(node, start_line: int = 1) -> tuple[int | None, str]:
    """The line and text of the first date YAML recognises but cannot construct (2026-02-30):
    PyYAML raises a bare ValueError for it, with no position."""
    stack = [node]
    constructor = yaml.SafeLoader("")
    while stack:
        current = stack.pop(0)
        if isinstance(current, yaml.MappingNode):
            stack[:0] = [n for pair in current.value for n in pair]
        elif isinstance(current, yaml.SequenceNode):
            stack[:0] = list(current.value)
        elif isinstance(current, yaml.ScalarNode) and current.tag == "tag:yaml.org,2002:timestamp":
            try:
                constructor.construct_yaml_timestamp(current)
            except ValueError:
                return current.start_mark.line + start_line, current.value
    return None, "a date"


def key_lines(node, prefix: tuple[str, ...] = ()) -> dict[tuple[str, ...], int]:
    lines: dict[tuple[str, ...], int] = {}
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            path = prefix + (str(key.value),)
            lines[path] = key.start_mark.line + 1
            lines.update(key_lines(value, path))
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            path = prefix + (str(index),)
            lines[path] = item.start_mark.line + 1
            lines.update(key_lines(item, path))
    return lines


def missing_languages(value, languages: list[str]) -> list[str]:
    """The languages for which `value`, a {language: text} mapping, gives no text."""
    if not isinstance(value, dict):
        return list(languages)
    return [lang for lang in languages if not isinstance(value.get(lang), str) or not value[lang].strip()]
