"""Checks on Markdown sources before any build starts.

MkDocs 1.6 silently treats invalid YAML front matter as body text, which would publish a
broken page without a word; this module reads every page's front matter first and reports
each problem with its file and line.
"""
from __future__ import annotations

import copy
import datetime
import re
from pathlib import Path

import yaml

from .embargo import EmbargoError, is_embargoed, parse_moment
from .errors import Problem
from .html_policy import check_html

FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)

# Front matter keys an editor may use, with the type each must have.
KNOWN_KEYS: dict[str, type | tuple[type, ...]] = {
    "title": str,
    "description": str,
    "template": str,
    "hide": list,
    "search": dict,
    "status": str,
    "icon": str,
    "hero": dict,
    "embargo": (str, datetime.datetime),
    "assessment": str,
    "cover_image": str,
    "key_figures": list,
    "listing": str,
    "date": (datetime.date, dict),
    "authors": list,
    "categories": list,
    "slug": str,
    "draft": bool,
    "pin": bool,
    "links": list,
    "readtime": int,
    "translation": dict,
}
LISTINGS = ("videos", "brand-rules", "translations")

# Which keys belong on which kind of page: a key of another page type (a fact sheet's
# cover image on a news post, say) would be ignored silently, so it is refused instead.
COMMON_KEYS = frozenset({"title", "description", "template", "hide", "search", "status", "icon", "embargo", "translation"})
PAGE_TYPE_KEYS: dict[str, frozenset[str]] = {
    "fact sheet": COMMON_KEYS | {"assessment", "cover_image", "key_figures"},
    "news post": COMMON_KEYS | {"assessment", "date", "authors", "categories", "slug", "draft", "pin", "links", "readtime"},
    "home page": COMMON_KEYS | {"hero"},
    "page": COMMON_KEYS | {"assessment", "listing"},
}
assert set().union(*PAGE_TYPE_KEYS.values()) == set(KNOWN_KEYS)


def page_type(rel_path: str, meta: dict) -> str:
    """The kind of page a source file is, by its template or (news posts) its folder."""
    template = meta.get("template")
    if template == "factsheet.html":
        return "fact sheet"
    if template == "home.html":
        return "home page"
    if rel_path.startswith("news/posts/"):
        return "news post"
    return "page"


def misplaced_keys(path: Path, rel_path: str, meta: dict, lines: dict[str, int]) -> list[Problem]:
    kind = page_type(rel_path, meta)
    allowed = PAGE_TYPE_KEYS[kind]
    return [Problem(path, lines.get(key, 2), f"front matter key '{key}' does not belong on a {kind}; remove it "
                                             f"(keys of a {kind}: {', '.join(sorted(allowed))})")
            for key in meta if key in KNOWN_KEYS and key not in allowed]


_PARSED: dict[tuple[str, int, int], tuple[dict, list[Problem]]] = {}


def read_front_matter(path: Path, text: str | None = None) -> tuple[dict, list[Problem]]:
    """A page's front matter and its problems. Read from the file, the result is kept for as
    long as the file is unchanged: every language build and each preview rebuild reads the
    front matter of all six languages (embargoes, translation status)."""
    if text is not None:
        return _parse_front_matter(path, text)
    stat = Path(path).stat()
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    if key not in _PARSED:
        _PARSED[key] = _parse_front_matter(path, Path(path).read_text(encoding="utf-8"))
    meta, problems = _PARSED[key]
    return copy.deepcopy(meta), list(problems)


def _parse_front_matter(path: Path, text: str) -> tuple[dict, list[Problem]]:
    match = FRONT_MATTER.match(text)
    if not match:
        if text.startswith("---"):
            return {}, [Problem(path, 1, "front matter is not closed; end it with a line containing only ---")]
        return {}, []
    block = match.group(1) or ""
    try:
        data = yaml.load(block, Loader=FAST_LOADER) or {}  # libyaml: ten times faster
    except (yaml.YAMLError, ValueError):
        try:
            data = yaml.safe_load(block) or {}  # PyYAML's own parser gives the exact error position
        except yaml.YAMLError as exc:
            line = _error_line(exc, block.count("\n"))
            return {}, [Problem(path, line, f"front matter is not valid YAML ({getattr(exc, 'problem', exc)}); fix the YAML between the --- lines")]
        except ValueError:
            from .datafiles import impossible_date
            line, value = impossible_date(yaml.compose(block, Loader=yaml.SafeLoader), start_line=2)
            return {}, [Problem(path, line, f"date {value!r} is not an ISO 8601 date that exists; write it as YYYY-MM-DD, like 2026-11-24")]
    if not isinstance(data, dict):
        return {}, [Problem(path, 2, "front matter must be a set of 'key: value' lines")]
    problems = []
    lines = _key_lines(match.group(1) or "")
    for key, value in data.items():
        expected = KNOWN_KEYS.get(key)
        line = lines.get(key, 2)
        if expected is None:
            problems.append(Problem(path, line, f"unknown front matter key '{key}'; known keys: {', '.join(sorted(KNOWN_KEYS))}"))
        elif key == "date" and not isinstance(value, expected):
            problems.append(Problem(path, line, f"date {value!r} is not an ISO 8601 date; write it as YYYY-MM-DD, like 2026-11-24"))
        elif not isinstance(value, expected):
            problems.append(Problem(path, line, f"front matter key '{key}' must be a {_type_name(expected)}, not {type(value).__name__}"))
    return data, problems


def _error_line(exc: yaml.YAMLError, block_lines: int) -> int:
    """The file line of a YAML error; an unclosed bracket or quote, found only further on,
    is reported where the unclosed construct starts."""
    mark = getattr(exc, "problem_mark", None)
    context = getattr(exc, "context_mark", None)
    if mark is None:
        return 1
    if context is not None and (mark.line >= block_lines or context.line < mark.line):
        mark = context
    return min(mark.line, max(block_lines - 1, 0)) + 2


def _key_lines(block: str) -> dict[str, int]:
    lines = {}
    for number, line in enumerate(block.splitlines(), start=2):
        match = re.match(r"([A-Za-z_][\w-]*)\s*:", line)
        if match and match.group(1) not in lines:
            lines[match.group(1)] = number
    return lines


def _type_name(expected) -> str:
    names = {str: "text", list: "list", dict: "mapping", int: "number", bool: "true/false"}
    return names.get(expected, getattr(expected, "__name__", str(expected)))


def check_pages(docs_root: Path, languages: list[str], templates: set[str], assessment_keys: set[str] = frozenset()) -> list[Problem]:
    problems = []
    for lang in languages:
        for path in sorted((Path(docs_root) / lang).rglob("*.md")):
            text = path.read_text(encoding="utf-8")
            meta, found = read_front_matter(path, text)
            problems.extend(found)
            front = FRONT_MATTER.match(text)
            body_start = front.end() if front else 0
            problems += check_html(path, text[body_start:], text[:body_start].count("\n") + 1)
            if not meta:
                continue
            lines = _key_lines(FRONT_MATTER.match(text).group(1) or "")
            problems += misplaced_keys(path, path.relative_to(Path(docs_root) / lang).as_posix(), meta, lines)
            template = meta.get("template")
            if isinstance(template, str) and template not in templates:
                problems.append(Problem(path, lines.get("template", 2), f"unknown template '{template}'; use one of: {', '.join(sorted(templates))}"))
            if "translation" in meta:
                from .translations import check_provenance
                problems += check_provenance(path, meta, lines.get("translation", 2))
            if "listing" in meta and meta["listing"] not in LISTINGS:
                problems.append(Problem(path, lines.get("listing", 2), f"unknown listing '{meta['listing']}'; use one of: {', '.join(LISTINGS)}"))
            if "embargo" in meta:
                try:
                    parse_moment(meta["embargo"])
                except EmbargoError as exc:
                    problems.append(Problem(path, lines.get("embargo", 2), str(exc)))
            key = meta.get("assessment")
            if isinstance(key, str) and assessment_keys and key not in assessment_keys:
                problems.append(Problem(path, lines.get("assessment", 2), f"unknown assessment '{key}'; use one of: {', '.join(sorted(assessment_keys))} (data/assessments.yml)"))
            if template == "factsheet.html":
                from .publications import cover_problems, figure_problems
                if not isinstance(key, str):
                    problems.append(Problem(path, 2, "a fact sheet needs 'assessment: <key>' naming its assessment in data/assessments.yml"))
                problems += cover_problems(Path(docs_root).parent, path, meta.get("cover_image"), lines.get("cover_image", 2))
                problems += figure_problems(path, meta.get("key_figures"), lines.get("key_figures", 2))
    return problems


def embargoed_pages(docs_root: Path, languages: list[str], now: datetime.datetime, hidden_assessments: frozenset[str] = frozenset()) -> dict[tuple[str, str], object]:
    """(lang, relative path) of every page still under embargo at `now`, its own or its assessment's."""
    found = {}
    for lang in languages:
        base = Path(docs_root) / lang
        for path in sorted(base.rglob("*.md")):
            head = FRONT_MATTER.match(path.read_text(encoding="utf-8"))
            if not head or not re.search(r"^(embargo|assessment)\s*:", head.group(0), re.M):
                continue  # most pages: no key that could hide them, no YAML to parse
            meta, problems = read_front_matter(path)
            if problems:
                continue
            rel = path.relative_to(base).as_posix()
            if meta.get("embargo") is not None and is_embargoed(meta["embargo"], now):
                found[(lang, rel)] = meta["embargo"]
            elif meta.get("assessment") in hidden_assessments:
                found[(lang, rel)] = meta["assessment"]
    return found


def available_templates(overrides: Path) -> set[str]:
    """Page templates editors may name: the overrides' top-level pages and Material's own."""
    import material
    material_dir = Path(material.__file__).parent / "templates"
    names = {p.name for p in Path(overrides).glob("*.html")} | {p.name for p in material_dir.glob("*.html")}
    return names - {"base.html"}


IMAGE_TYPES = {".jpg", ".jpeg", ".png", ".webp", ".gif", ".svg", ".avif"}


def check_image_sizes(docs_root: Path, limit_kb: int) -> list[Problem]:
    """Readers on slow connections pay for every byte: an image over the limit is refused."""
    problems = []
    for path in sorted(Path(docs_root).rglob("*")):
        if path.suffix.lower() in IMAGE_TYPES and path.is_file():
            size = path.stat().st_size
            if size > limit_kb * 1000:
                problems.append(Problem(path, None, f"the image is {size / 1000:.0f} kB, over the {limit_kb} kB limit; "
                                                    "save it smaller (at most 2000 pixels wide, JPEG quality about 80) or as WebP"))
    return problems
