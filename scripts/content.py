"""Checks on Markdown sources before any build starts.

MkDocs 1.6 silently treats invalid YAML front matter as body text, which would publish a
broken page without a word; this module reads every page's front matter first and reports
each problem with its file and line.
"""
from __future__ import annotations

import copy
import datetime
import os
import re
from pathlib import Path

import yaml

from .embargo import EmbargoError, is_embargoed, parse_moment
from .datafiles import BOM, bidi_problem, parse_yaml
from .errors import Problem
from .html_policy import check_html
from .limits import MAX_FINDINGS_PER_RULE, MAX_LINE_CHARS, MAX_PAGE_BYTES, more_of_the_same, quoted

# A byte-order mark before the opening line is read past (editors on Windows save one).
FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)

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


_PARSED: dict[tuple[str, int, int], tuple[dict, list[Problem], dict[str, int]]] = {}


def read_front_matter(path: Path, text: str | None = None) -> tuple[dict, list[Problem]]:
    """A page's front matter and its problems. Read from the file, the result is kept for as
    long as the file is unchanged: every language build and each preview rebuild reads the
    front matter of all six languages (embargoes, translation status)."""
    meta, problems, _ = read_front_matter_lines(path, text)
    return meta, problems


def read_front_matter_lines(path: Path, text: str | None = None) -> tuple[dict, list[Problem], dict[str, int]]:
    """`read_front_matter`, with the file line of each top-level key as parsed (so a key
    written `"embargo":` or `? embargo` has its line too)."""
    if text is not None:
        return _parse_front_matter(path, text)
    try:
        stat = Path(path).stat()
    except OSError as exc:
        return {}, [Problem(path, None, f"cannot read the page ({exc.strerror})")], {}
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    if key not in _PARSED:
        text, problem = read_page(path)
        _PARSED[key] = _parse_front_matter(path, text) if problem is None else ({}, [problem], {})
    meta, problems, lines = _PARSED[key]
    return copy.deepcopy(meta), list(problems), dict(lines)


def read_page(path: Path) -> tuple[str, Problem | None]:
    """A page's text, or "" and why it cannot be read: over MAX_PAGE_BYTES, not UTF-8. A
    byte-order mark is kept: FRONT_MATTER and `read_front_matter` read past it."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        return "", Problem(path, None, f"cannot read the page ({exc.strerror})")
    if len(raw) > MAX_PAGE_BYTES:
        return "", Problem(path, None, f"the page is {len(raw):,} bytes, over the limit of {MAX_PAGE_BYTES:,}; split it into several pages")
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        return "", Problem(path, raw[:exc.start].count(b"\n") + 1, "the page is not UTF-8 text; save it as UTF-8")


def _parse_front_matter(path: Path, text: str) -> tuple[dict, list[Problem], dict[str, int]]:
    match = FRONT_MATTER.match(text)
    if not match:
        if text.removeprefix(BOM).startswith("---"):
            return {}, [Problem(path, 1, "front matter is not closed; end it with a line containing only ---")], {}
        return {}, [], {}
    block = match.group(1) or ""
    parsed = parse_yaml(block, path, first_line=2,
                        invalid="front matter is not valid YAML ({}); fix the YAML between the --- lines",
                        error_line=lambda exc, text: _error_line(exc, text.count("\n")) - 2)
    if parsed.node is None and parsed.problems:
        return {}, parsed.problems, {}
    data = parsed.data if parsed.data is not None else {}
    if not isinstance(data, dict):
        return {}, [Problem(path, 2, "front matter must be a set of 'key: value' lines")], {}
    problems = list(parsed.problems)
    lines = _node_key_lines(parsed.node)
    for key, value in data.items():
        expected = KNOWN_KEYS.get(key)
        line = lines.get(key, 2)
        if expected is None:
            problems.append(Problem(path, line, f"unknown front matter key '{quoted(key)}'; known keys: {', '.join(sorted(KNOWN_KEYS))}"))
        elif key == "date" and not isinstance(value, expected):
            problems.append(Problem(path, line, f"date {quoted(repr(value))} is not an ISO 8601 date; write it as YYYY-MM-DD, like 2026-11-24"))
        elif not isinstance(value, expected):
            problems.append(Problem(path, line, f"front matter key '{key}' must be a {_type_name(expected)}, not {type(value).__name__}"))
    return data, problems, lines


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


def _node_key_lines(node) -> dict[str, int]:
    lines: dict[str, int] = {}
    if isinstance(node, yaml.MappingNode):
        for key, _ in node.value:
            if isinstance(key, yaml.ScalarNode):
                lines.setdefault(key.value, key.start_mark.line + 2)
    return lines


def _type_name(expected) -> str:
    names = {str: "text", list: "list", dict: "mapping", int: "number", bool: "true/false"}
    return names.get(expected, getattr(expected, "__name__", str(expected)))


def check_pages(docs_root: Path, languages: list[str], templates: set[str], assessment_keys: set[str] = frozenset()) -> list[Problem]:
    problems = []
    context = (frozenset(templates), frozenset(assessment_keys))
    for lang in languages:
        for path in sorted((Path(docs_root) / lang).rglob("*.md")):
            problems += cap_problems(_checked_page(Path(docs_root), lang, path, context))
    return problems


# A page's problems by its file's version: the preview checks the sources again after every
# save, and a page that was not saved need not be read again (1,800 pages take seconds).
_PAGE_PROBLEMS: dict[tuple, list[Problem]] = {}
PAGE_PROBLEMS_KEPT = 20_000


def _checked_page(docs_root: Path, lang: str, path: Path, context: tuple) -> list[Problem]:
    try:
        stat = path.stat()
    except OSError:
        return _check_page(docs_root, lang, path, set(context[0]), set(context[1]))
    key = (str(docs_root), lang, str(path), stat.st_mtime_ns, stat.st_size, stat.st_ino, context)
    if key in _PAGE_PROBLEMS:
        return list(_PAGE_PROBLEMS[key])
    others: list = []
    problems = _check_page(docs_root, lang, path, set(context[0]), set(context[1]), others)
    if not others:  # a fact sheet's cover image may appear or go without the page being saved
        if len(_PAGE_PROBLEMS) >= PAGE_PROBLEMS_KEPT:
            _PAGE_PROBLEMS.clear()
        _PAGE_PROBLEMS[key] = list(problems)
    return problems


def _check_page(docs_root: Path, lang: str, path: Path, templates: set[str], assessment_keys: set[str],
                reads_other_files: list | None = None) -> list[Problem]:
    """`reads_other_files`: appended to when the answer depends on files besides the page."""
    text, unreadable = read_page(path)
    if unreadable:
        return [unreadable]
    meta, problems, lines = read_front_matter_lines(path, text)
    front = FRONT_MATTER.match(text)
    body_start = front.end() if front else 0
    first_body_line = text[:body_start].count("\n") + 1
    body = text[body_start:]
    problems += body_problems(path, body, first_body_line)
    problems += check_html(path, body, first_body_line)
    if not meta:
        return problems
    problems += misplaced_keys(path, path.relative_to(docs_root / lang).as_posix(), meta, lines)
    template = meta.get("template")
    if isinstance(template, str) and template not in templates:
        problems.append(Problem(path, lines.get("template", 2), f"unknown template '{quoted(template)}'; use one of: {', '.join(sorted(templates))}"))
    if "translation" in meta:
        from .translations import check_provenance
        problems += check_provenance(path, meta, lines.get("translation", 2))
    if "listing" in meta and meta["listing"] not in LISTINGS:
        problems.append(Problem(path, lines.get("listing", 2), f"unknown listing '{quoted(meta['listing'])}'; use one of: {', '.join(LISTINGS)}"))
    if "embargo" in meta:
        try:
            parse_moment(meta["embargo"])
        except EmbargoError as exc:
            problems.append(Problem(path, lines.get("embargo", 2), str(exc)))
    key = meta.get("assessment")
    if isinstance(key, str) and assessment_keys and key not in assessment_keys:
        problems.append(Problem(path, lines.get("assessment", 2), f"unknown assessment '{quoted(key)}'; use one of: {', '.join(sorted(assessment_keys))} (data/assessments.yml)"))
    if template == "factsheet.html":
        from .publications import cover_problems, figure_problems
        if not isinstance(key, str):
            problems.append(Problem(path, 2, "a fact sheet needs 'assessment: <key>' naming its assessment in data/assessments.yml"))
        problems += cover_problems(docs_root.parent, path, meta.get("cover_image"), lines.get("cover_image", 2))
        if reads_other_files is not None:
            reads_other_files.append("cover_image")
        problems += figure_problems(path, meta.get("key_figures"), lines.get("key_figures", 2))
    return problems


LONG_LINE_MESSAGE = ("the line is {length:,} characters long, over the limit of " + f"{MAX_LINE_CHARS:,}"
                     + "; break it into shorter lines (a paragraph may go on over several lines)")
HEADING = re.compile(r" {0,3}#{1,6}(?:[ \t]|$)")


def body_problems(path: Path, body: str, first_line: int = 1) -> list[Problem]:
    """Lines over MAX_LINE_CHARS (the text checks read a line at a time), and bidirectional
    control characters in headings (a page's title on the page and in its navigation)."""
    problems = []
    for number, line in enumerate(body.splitlines(), start=first_line):
        if len(line) > MAX_LINE_CHARS:
            problems.append(Problem(path, number, LONG_LINE_MESSAGE.format(length=len(line))))
        elif HEADING.match(line):
            problem = bidi_problem(line)
            if problem:
                problems.append(Problem(path, number, "the heading: " + problem))
    return problems


def cap_problems(problems: list[Problem], limit: int = MAX_FINDINGS_PER_RULE) -> list[Problem]:
    """At most `limit` problems with the same message in one file, then one line with the count."""
    counts: dict[tuple[Path, str], int] = {}
    kept = []
    for problem in problems:
        key = (problem.file, problem.message)
        counts[key] = counts.get(key, 0) + 1
        if counts[key] <= limit:
            kept.append(problem)
    for (file, message), count in counts.items():
        if count > limit:
            kept.append(Problem(file, None, f"{more_of_the_same(count - limit)}: {quoted(message)}"))
    return kept


def embargoed_pages(docs_root: Path, languages: list[str], now: datetime.datetime, hidden_assessments: frozenset[str] = frozenset()) -> dict[tuple[str, str], object]:
    """(lang, relative path) of every page still under embargo at `now`, its own or its
    assessment's. The front matter is parsed, whatever way its YAML spells the key; a page
    whose front matter cannot be read, or whose embargo is not a valid moment, is held back
    too (the build stops on its problem anyway; a preview must not publish it meanwhile)."""
    found = {}
    for lang in languages:
        base = Path(docs_root) / lang
        for path in sorted(base.rglob("*.md")):
            meta, problems = read_front_matter(path)
            rel = path.relative_to(base).as_posix()
            if problems and (not meta or "embargo" in meta):
                found[(lang, rel)] = meta.get("embargo") or UNREADABLE
                continue
            if meta.get("embargo") is not None:
                try:
                    if is_embargoed(meta["embargo"], now):
                        found[(lang, rel)] = meta["embargo"]
                        continue
                except EmbargoError:
                    found[(lang, rel)] = meta["embargo"]
                    continue
            if isinstance(meta.get("assessment"), str) and meta["assessment"] in hidden_assessments:
                found[(lang, rel)] = meta["assessment"]
    return found


UNREADABLE = "front matter unreadable"


def available_templates(overrides: Path) -> set[str]:
    """Page templates editors may name: the overrides' top-level pages and Material's own."""
    import material
    material_dir = Path(material.__file__).parent / "templates"
    names = {p.name for p in Path(overrides).glob("*.html")} | {p.name for p in material_dir.glob("*.html")}
    return names - {"base.html"}


def path_outside(base: Path, value: str, where: str = "docs/media/") -> str | None:
    """Why `value`, a path an editor wrote, does not name a place inside `base` (absolute,
    climbing out with '..', or through a symbolic link), or None."""
    if "\x00" in value:
        return "holds a NUL character; write the file's path under " + where
    problem = bidi_problem(value)
    if problem:
        return problem
    if value.startswith(("/", "\\")) or re.match(r"[A-Za-z]:", value) or Path(value).is_absolute():
        return f"is an absolute path; give the file's path under {where}, like covers/africa.jpg"
    base = Path(base)
    try:
        inside = (base / value).resolve().is_relative_to(base.resolve())
    except (OSError, RuntimeError, ValueError):
        inside = False
    if not inside:
        return f"leads outside {where} (through '..' or a symbolic link); put the file under {where} and give its path there"
    return None


def check_paths(root: Path) -> list[Problem]:
    """Every file under docs/ is a plain file or folder of the repository: no symbolic link
    (to /etc/passwd, to a folder outside the checkout), no file name with a bidirectional
    control character, and no fact sheet's `cover_image` that leaves docs/media/."""
    root = Path(root)
    docs = root / "docs"
    problems = []
    pages = []
    folders = [str(docs)] if docs.is_dir() and not docs.is_symlink() else []
    while folders:
        folder = folders.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except OSError:
            continue
        for entry in entries:
            if entry.is_symlink():
                try:
                    target = os.readlink(entry.path)
                except OSError:
                    target = "?"
                problems.append(Problem(Path(entry.path), None, f"is a symbolic link (to {quoted(target)}); links are not published, as they "
                                                                "can reach files outside the repository: put a copy of the file here instead"))
            elif entry.is_dir():
                folders.append(entry.path)
            elif entry.name.endswith(".md") and folder != str(docs):
                pages.append(entry.path)
            problem = bidi_problem(entry.name)
            if problem:
                problems.append(Problem(Path(entry.path), None, f"the file name {entry.name!r}: {problem}"))
    for page in map(Path, sorted(pages)):
        value, line = _cover_image(page)
        if isinstance(value, str):
            problem = path_outside(docs / "media", value)
            if problem:
                problems.append(Problem(page, line, f"cover image '{quoted(value)}' {problem}"))
    return problems


_COVER_IMAGES: dict[tuple, tuple] = {}  # by file version, as _PAGE_PROBLEMS: the preview asks after every save


def _cover_image(page: Path) -> tuple[object, int]:
    """A page's `cover_image` value and its line, as its front matter has them."""
    try:
        stat = page.stat()
    except OSError:
        return None, 2
    key = (str(page), stat.st_mtime_ns, stat.st_size, stat.st_ino)
    if key not in _COVER_IMAGES:
        meta, _, lines = read_front_matter_lines(page)
        if len(_COVER_IMAGES) >= PAGE_PROBLEMS_KEPT:
            _COVER_IMAGES.clear()
        _COVER_IMAGES[key] = (meta.get("cover_image"), lines.get("cover_image", 2))
    return _COVER_IMAGES[key]


IMAGE_TYPES = {".jpg", ".jpeg", ".png", ".webp", ".gif", ".svg", ".avif"}


def check_image_sizes(docs_root: Path, limit_kb: int) -> list[Problem]:
    """Readers on slow connections pay for every byte: an image over the limit is refused;
    so is one that is broken, not the type its name says, or over the pixel limits
    (`images.image_problem`), before any variant is made of it."""
    from .images import FORMAT_OF, image_problem
    problems = []
    for path in sorted(Path(docs_root).rglob("*")):
        if path.suffix.lower() in IMAGE_TYPES and path.is_file() and not path.is_symlink():
            size = path.stat().st_size
            if size > limit_kb * 1000:
                problems.append(Problem(path, None, f"the image is {size / 1000:.0f} kB, over the {limit_kb} kB limit; "
                                                    "save it smaller (at most 2000 pixels wide, JPEG quality about 80) or as WebP"))
            elif path.suffix.lower() in FORMAT_OF:
                problem = image_problem(path)
                if problem:
                    problems.append(Problem(path, None, problem))
    return problems
