"""Find every embed block in the Markdown sources and check it, with file and line.

Runs before MkDocs does, like the front matter checks: Python-Markdown knows neither the
file nor the line, and pymdownx.blocks prints a block whose options fail as plain text.
"""
from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..errors import Problem
from ..languages import UN_LANGUAGES
from .spec import KINDS, OPTIONS, Embed, EmbedError, build_embed

OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>/{3,})[ \t]*(?P<kind>[\w-]+)[ \t]*(?:\|[ \t]*(?P<title>.*?))?[ \t]*$")
OTHER_BLOCKS = ("html", "details", "admonition", "tab", "caption", "figure-caption", "definition")
CODE_FENCE = re.compile(r"^[ \t]*(```|~~~)")


@dataclass(frozen=True)
class FoundEmbed:
    file: Path
    line: int
    embed: Embed


def find_embeds(path: Path, text: str, media_root: Path, languages: tuple[str, ...]) -> tuple[list[FoundEmbed], list[Problem]]:
    found, problems = [], []
    lines = text.splitlines()
    in_code = None
    index = 0
    while index < len(lines):
        line = lines[index]
        code = CODE_FENCE.match(line)
        if code:
            in_code = None if in_code == code.group(1) else (in_code or code.group(1))
        match = None if in_code else OPEN.match(line)
        if not match:
            index += 1
            continue
        if match.group("kind") not in KINDS + OTHER_BLOCKS:
            problems.append(Problem(path, index + 1, f"unknown block '/// {match.group('kind')}'; embeds are '/// video | Title' or '/// audio | Title'"))
            index += 1
            continue
        if match.group("kind") in OTHER_BLOCKS:
            index += 1
            continue
        start = index + 1
        options_lines, end = [], None
        for offset in range(index + 1, len(lines)):
            if lines[offset].strip() == match.group("fence"):
                end = offset
                break
            options_lines.append(lines[offset])
        if end is None:
            problems.append(Problem(path, start, f"the {match.group('kind')} block is not closed; end it with a line '{match.group('fence')}'"))
            break
        embed, problem = _check(path, start, match, options_lines, media_root, languages)
        if problem:
            problems.append(problem)
        else:
            found.append(FoundEmbed(path, start, embed))
        index = end + 1
    return found, problems


def _check(path, start, match, block_lines, media_root, languages):
    kind = match.group("kind")
    options_lines = []
    for line in block_lines:
        if not re.match(r"[ ]{4,}\S", line):
            break
        options_lines.append(line)
    for offset, line in enumerate(block_lines[len(options_lines):], start=len(options_lines) + 1):
        if not line.strip():
            continue
        option = re.match(r"\s*([\w-]+)\s*:", line)
        if option and option.group(1) in OPTIONS:
            return None, Problem(path, start + offset, f"the option '{option.group(1)}' must be indented by four spaces under '/// {kind}'")
        return None, Problem(path, start + offset, f"a {kind} block takes only options (indented by four spaces), no text; "
                                                   "put text before or after the block")
    try:
        options = yaml.safe_load(textwrap.dedent("\n".join(options_lines))) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        return None, Problem(path, start + 1 + (mark.line if mark else 0), f"the {kind} options are not valid YAML ({getattr(exc, 'problem', exc)})")
    try:
        return build_embed(kind, match.group("title"), options, media_root, languages), None
    except EmbedError as exc:
        line = start
        if exc.option:
            for offset, text in enumerate(options_lines, start=1):
                if re.match(rf"\s*{re.escape(exc.option)}\s*:", text):
                    line = start + offset
                    break
        return None, Problem(path, line, f"{exc}")


def check_embeds(docs_root: Path, languages: list[str], media_root: Path) -> tuple[list[FoundEmbed], list[Problem]]:
    found, problems = [], []
    for lang in languages:
        for path in sorted((Path(docs_root) / lang).rglob("*.md")):
            f, p = find_embeds(path, path.read_text(encoding="utf-8"), media_root, UN_LANGUAGES)
            found += f
            problems += p
    return found, problems
