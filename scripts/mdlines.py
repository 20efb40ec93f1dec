"""Markdown source lines outside fenced code blocks, numbered as in the file: what the
prose checks and the raw-HTML allowlist read (code examples are shown, not run)."""
from __future__ import annotations

import re
from collections.abc import Iterator

FENCE = re.compile(r"^\s*(```|~~~)")


def lines_outside_code(lines: list[str], first: int = 0, number_offset: int = 1) -> Iterator[tuple[int, str]]:
    """(line number, line) from lines[first:], fences and what they enclose left out."""
    in_code = None
    for index in range(first, len(lines)):
        line = lines[index]
        fence = FENCE.match(line)
        if fence:
            in_code = None if in_code == fence.group(1) else (in_code or fence.group(1))
            continue
        if not in_code:
            yield index + number_offset, line
