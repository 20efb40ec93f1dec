"""Structured data files (YAML) read with the line of every key, so each bad value is
reported as `file:line: what is wrong; how to fix it`.

PyYAML's `safe_load` forgets where a value came from; composing the node tree alongside
keeps each key's line at no extra dependency.

Data and front matter come from editors and volunteers, so YAML is parsed here, in one
place, within bounds: a byte-order mark is dropped, anchors and aliases are refused (ten
lines of nested aliases expand to gigabytes), nesting deeper than `MAX_NESTING` is refused
while the parser's events are read (libyaml's composer recurses in C and crashes on deep
input), a key given twice is refused (YAML keeps the last one silently), and so are the
invisible bidirectional control characters that make text read differently from what it
says. URLs in the files under data/ must be https on a host of `ALLOWED_URL_HOSTS`.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit

import yaml

from .errors import BuildError, Problem
from .limits import MAX_DATA_FILE_BYTES, MAX_NESTING, quoted

FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
BOM = "\ufeff"
# Embedding and override controls (U+202A-U+202E) and isolates (U+2066-U+2069). The marks
# U+200E and U+200F stay allowed: Arabic text needs them around numbers and Latin words.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
# Hosts a link in a data file may point to (and their subdomains): IPBES, its UN partners,
# the document repositories its reports are published on, and the video providers.
ALLOWED_URL_HOSTS = ("ipbes.net", "zenodo.org", "doi.org", "un.org", "unep.org", "unesco.org", "fao.org", "undp.org",
                     "youtube.com", "youtu.be", "vimeo.com", "bilibili.com", "soundcloud.com")
URL_KEYS = re.compile(r"(?:^|_)(?:url|href|link|website|homepage)$", re.I)
SCHEME = re.compile(r"[a-z][a-z0-9+.-]{0,30}:", re.I)
URL_CHECKED_FOLDER = "data"
LOOKS_LIKE_URL = re.compile(r"(?:https?|ftp|file|javascript|vbscript):|data:[\w.+-]+/|//", re.I)


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


@dataclass(frozen=True)
class ParsedYaml:
    data: object
    node: yaml.Node | None
    problems: list[Problem]


def _mark_line(exc: yaml.YAMLError, text: str) -> int:
    mark = getattr(exc, "problem_mark", None)
    return mark.line if mark else 0


def parse_yaml(text: str, path: Path, first_line: int = 1,
               invalid: str = "not valid YAML ({}); fix the syntax at this line",
               error_line: Callable[[yaml.YAMLError, str], int] = _mark_line) -> ParsedYaml:
    """`text` (whose first line is line `first_line` of `path`) parsed within the bounds
    above. `invalid` words a syntax error (`{}`: the parser's reason); `error_line` gives
    its line within `text`, counted from 0."""
    text = text.removeprefix(BOM)
    problems = event_problems(text, path, first_line)
    if problems:
        return ParsedYaml(None, None, problems)
    try:
        node, data = _compose(text, FAST_LOADER)
    except yaml.YAMLError:
        try:  # PyYAML's own parser gives the exact error position
            node, data = _compose(text, yaml.SafeLoader)
        except yaml.YAMLError as exc:
            reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
            return ParsedYaml(None, None, [Problem(path, first_line + error_line(exc, text), invalid.format(reason))])
    except (ValueError, OverflowError) as exc:  # a date like 2026-13-45, an integer of 5,000 digits
        line, value, is_date = _unreadable_scalar(text)
        message = (f"'{quoted(value)}' is not a real date; write an existing date as YYYY-MM-DD, like 2026-11-24" if is_date else
                   f"the value {quoted(value)!r} cannot be read ({exc}); correct it, or put it in quotes to keep it as text")
        return ParsedYaml(None, None, [Problem(path, first_line + line, message)])
    return ParsedYaml(data, node, node_problems(node, path, first_line))


def _unreadable_scalar(text: str) -> tuple[int, str, bool]:
    """(line within text, value, whether it is a date) of the first scalar that cannot be
    built (2026-02-30, an integer of 5,000 digits): PyYAML raises a bare ValueError for it,
    with no position."""
    loader = yaml.SafeLoader(text)
    try:
        pending = [loader.get_single_node()]
        while pending:
            node = pending.pop(0)
            if isinstance(node, yaml.ScalarNode):
                try:
                    loader.construct_object(node)
                except (ValueError, OverflowError, yaml.YAMLError):
                    return node.start_mark.line, node.value, node.tag == "tag:yaml.org,2002:timestamp"
            elif isinstance(node, yaml.SequenceNode):
                pending.extend(node.value)
            elif isinstance(node, yaml.MappingNode):
                for key, value in node.value:
                    pending.extend((key, value))
    finally:
        loader.dispose()
    return 0, "", False


def _compose(text: str, loader_class) -> tuple[yaml.Node | None, object]:
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        return node, (loader.construct_document(node) if node is not None else None)
    finally:
        loader.dispose()


def event_problems(text: str, path: Path, first_line: int = 1) -> list[Problem]:
    """Anchors, aliases and nesting deeper than MAX_NESTING, found from the parser's events
    and before anything is built from them: reading stops at the first one."""
    loader = FAST_LOADER(text)
    depth = 0
    try:
        while loader.check_event():
            event = loader.get_event()
            line = first_line + event.start_mark.line
            if isinstance(event, yaml.AliasEvent):
                return [Problem(path, line, f"the YAML alias '*{quoted(event.anchor)}' is not allowed; write the value out in full")]
            if getattr(event, "anchor", None) is not None:
                return [Problem(path, line, f"the YAML anchor '&{quoted(event.anchor)}' is not allowed; write each value out in full")]
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                depth += 1
                if depth > MAX_NESTING:
                    return [Problem(path, line, f"lists and mappings are nested more than {MAX_NESTING} levels deep; "
                                                "flatten the structure")]
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                depth -= 1
    except yaml.YAMLError:
        return []  # a syntax error: reported with its position when the text is composed
    finally:
        loader.dispose()
    return []


def node_problems(node: yaml.Node | None, path: Path, first_line: int = 1) -> list[Problem]:
    """Keys given twice in one mapping, and bidirectional control characters in any text."""
    problems = []
    pending = [node] if node is not None else []
    while pending:
        current = pending.pop()
        if isinstance(current, yaml.ScalarNode):
            problem = bidi_problem(current.value)
            if problem:
                problems.append(Problem(path, first_line + current.start_mark.line, problem))
        elif isinstance(current, yaml.SequenceNode):
            pending.extend(current.value)
        elif isinstance(current, yaml.MappingNode):
            seen: dict[str, int] = {}
            for key, value in current.value:
                if isinstance(key, yaml.ScalarNode):
                    line = first_line + key.start_mark.line
                    if key.value in seen:
                        problems.append(Problem(path, line, f"the key '{quoted(key.value)}' is given twice (first on line "
                                                            f"{seen[key.value]}); keep one of them"))
                    seen.setdefault(key.value, line)
                pending.extend((key, value))
    return sorted(problems, key=lambda p: p.line or 0)


def bidi_problem(text: str) -> str | None:
    """Why `text` is refused for holding a bidirectional control character, or None."""
    match = BIDI_CONTROLS.search(text)
    if not match:
        return None
    return (f"the text holds the invisible bidirectional control character U+{ord(match.group(0)):04X}, which makes it "
            "read differently from what it says; delete it (the marks U+200E and U+200F are allowed)")


def load_data_file(path: Path, what: str = "data file") -> DataFile:
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise BuildError([Problem(path, None, f"cannot read the {what} ({exc.strerror})")])
    if len(raw) > MAX_DATA_FILE_BYTES:
        raise BuildError([Problem(path, None, f"the {what} is {len(raw):,} bytes, over the limit of {MAX_DATA_FILE_BYTES:,}; "
                                              "split it or remove what it does not need")])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise BuildError([Problem(path, line, f"the {what} is not UTF-8 text; save it as UTF-8")])
    parsed = parse_yaml(text, path)
    if parsed.problems:
        raise BuildError(parsed.problems)
    source = DataFile(path, parsed.data, key_lines(parsed.node))
    if path.parent.name == URL_CHECKED_FOLDER:
        problems = url_problems(source)
        if problems:
            raise BuildError(problems)
    return source


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


def url_problem(value: str, hosts: tuple[str, ...] = ALLOWED_URL_HOSTS) -> str | None:
    """Why `value`, a web address from a data file, is refused, or None: only https on an
    allowed host (character references and control characters read as a browser would)."""
    cleaned = re.sub(r"[\x00-\x20\x7f]", "", html.unescape(value))
    scheme = SCHEME.match(cleaned)
    if not scheme or scheme.group(0).lower() != "https:":
        written = scheme.group(0).lower() if scheme else "no scheme"
        return (f"the address {quoted(value)!r} is not allowed ({written}); "
                "give the full https:// address of the page or file")
    try:
        host = (urlsplit(cleaned).hostname or "").lower()
    except ValueError:
        host = ""
    if not any(host == allowed or host.endswith("." + allowed) for allowed in hosts):
        return (f"the address {quoted(value)!r} is on '{quoted(host)}', which is not an allowed host; "
                f"link to one of {', '.join(hosts)} (or add the host to ALLOWED_URL_HOSTS in scripts/datafiles.py "
                "after review)")
    return None


def url_problems(source: DataFile, hosts: tuple[str, ...] = ALLOWED_URL_HOSTS) -> list[Problem]:
    """Every value of a URL field (url, href, link, ..._url) and every text that starts with a
    scheme (https:, http:, javascript:, data:...) in a data file, checked with `url_problem`."""
    problems = []
    pending: list[tuple[tuple[str, ...], object]] = [((), source.data)]
    while pending:
        keys, value = pending.pop()
        if isinstance(value, dict):
            pending.extend((keys + (str(k),), v) for k, v in value.items())
        elif isinstance(value, list):
            pending.extend((keys + (str(i),), v) for i, v in enumerate(value))
        elif isinstance(value, str):
            named = bool(keys) and bool(URL_KEYS.search(keys[-1]))
            cleaned = re.sub(r"[\x00-\x20\x7f]", "", html.unescape(value))
            looks = LOOKS_LIKE_URL.match(cleaned)
            if named or looks:
                problem = url_problem(value, hosts)
                if problem:
                    problems.append(source.problem(keys, problem))
    return sorted(problems, key=lambda p: p.line or 0)


def missing_languages(value, languages: list[str]) -> list[str]:
    """The languages for which `value`, a {language: text} mapping, gives no text."""
    if not isinstance(value, dict):
        return list(languages)
    return [lang for lang in languages if not isinstance(value.get(lang), str) or not value[lang].strip()]
