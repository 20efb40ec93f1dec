"""Find every embed block in the Markdown sources and check it, with file and line.

Runs before MkDocs does, like the front matter checks: Python-Markdown knows neither the
file nor the line, and pymdownx.blocks prints a block whose options fail as plain text.
"""
from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

from ..content import read_page
from ..datafiles import parse_yaml
from ..errors import Problem
from ..limits import quoted
from ..languages import UN_LANGUAGES
from .spec import KINDS, OPTIONS, Embed, EmbedError, build_embed

# The opening line: its title is split off in Python, so no two quantifiers compete for the
# same spaces (a line of many spaces would otherwise take quadratic time).
OPEN_START = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>/{3,})[ \t]*(?P<kind>[\w-]+)")
OTHER_BLOCKS = ("html", "details", "admonition", "tab", "caption", "figure-caption", "definition")
CODE_FENCE = re.compile(r"^[ \t]*(```|~~~)")


@dataclass(frozen=True)
class BlockOpening:
    fence: str
    kind: str
    title: str | None

    def group(self, name: str):
        return getattr(self, name)


def open_block(line: str) -> BlockOpening | None:
    """The fence, kind and title of a block's opening line ('/// video | Title'), or None."""
    match = OPEN_START.match(line)
    if not match:
        return None
    rest = line[match.end():].strip(" \t")
    if rest and not rest.startswith("|"):
        return None
    title = rest[1:].strip(" \t") if rest else None
    return BlockOpening(match.group("fence"), match.group("kind"), title)


@dataclass(frozen=True)
class FoundEmbed:
    file: Path
    line: int
    embed: Embed


def find_embeds(path: Path, text: str, media_root: Path, languages: tuple[str, ...]) -> tuple[list[FoundEmbed], list[Problem]]:
    if "///" not in text:  # no block can open (most pages): the preview asks after every save
        return [], []
    found, problems = [], []
    lines = text.splitlines()
    in_code = None
    index = 0
    while index < len(lines):
        line = lines[index]
        code = CODE_FENCE.match(line)
        if code:
            in_code = None if in_code == code.group(1) else (in_code or code.group(1))
        match = None if in_code else open_block(line)
        if not match:
            index += 1
            continue
        if match.group("kind") not in KINDS + OTHER_BLOCKS:
            problems.append(Problem(path, index + 1, f"unknown block '/// {quoted(match.group('kind'))}'; embeds are '/// video | Title' or '/// audio | Title'"))
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
    parsed = parse_yaml(textwrap.dedent("\n".join(options_lines)), path, first_line=start + 1,
                        invalid=f"the {kind} options are not valid YAML ({{}})")
    if parsed.problems:
        return None, parsed.problems[0]
    options = parsed.data or {}
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
            text, unreadable = read_page(path)
            if unreadable:
                problems.append(unreadable)  # reported once more by the page checks: harmless
                continue
            f, p = find_embeds(path, text, media_root, UN_LANGUAGES)
            found += f
            problems += p
    return found, problems
