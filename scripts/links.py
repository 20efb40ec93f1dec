"""Links and anchors checked on the staged trees, each problem reported once with its source line.

MkDocs checked them inside the engine, one language at a time, in English messages that
engine.py had to map back to a source line by searching the text; an English page staged
as the fallback of five languages gave six copies of each problem. Here every staged tree
(.build/stage/<lang>/docs/, exactly what the engine gets) is checked before the engine
runs, and a problem is keyed by the file an editor fixes (the manifest's `source`), so it
is reported once, naming the languages only where it is not broken in all of them.

Links are found the way the engine finds them: Python-Markdown with the staged extensions
(code spans and blocks are not links; reference links, footnotes, attr_list ids and
md_in_html are what the site makes of them), then resolved the way MkDocs 1.6 resolves
them (relative to the page, `/...` relative to docs/). Python-Markdown's element tree has
no line numbers, so a broken link's line is found afterwards in the source by its text.

Python-Markdown looks for the closing bracket of every `[` and `](`: unclosed or deeply
nested brackets cost time quadratic in their number (8,000 `[` take 10 s, in the engine
too); it rebuilds a paragraph's text for each link or mark it replaces; it reads nested
lists and quotes by recursion. So each page is measured first, in linear time, and a page
over MAX_BRACKET_WORK, MAX_INLINE_WORK or MAX_NESTING is reported instead of parsed: the
build stops before the engine would spend minutes on it.
"""
from __future__ import annotations

import difflib
import hashlib
import json
import os
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import yaml
from markdown import Markdown
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AMP_SUBSTITUTE

from .content import FRONT_MATTER
from .errors import Problem
from .limits import MAX_FINDINGS_PER_RULE, MAX_NESTING, MAX_PAGE_BYTES, more_of_the_same, quoted
from .mdlines import lines_outside_code

MAX_BRACKET_WORK = 1_000_000  # characters Python-Markdown scans for closing brackets in one page (about 0.3 s)
MAX_INLINE_WORK = 5_000_000_000  # marks (links, emphasis, code, entities) times the length of their paragraph (about 1 s)
INLINE_MARKS = re.compile(r"[\[`*_&<]")
MAX_IDS_SHOWN = 12            # heading ids listed when an anchor is not found
ENGINE_BUILTINS = ("toc", "tables", "fenced_code")  # MkDocs loads these before the configured extensions
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
SUGGESTION_CUTOFF = 0.8


@dataclass(frozen=True)
class Parsed:
    """What one page body gives the check: its links, the ids in it, its headings' ids."""
    links: tuple[str, ...] = ()
    ids: frozenset[str] = frozenset()
    headings: tuple[str, ...] = ()
    refused: tuple[int, str] | None = None  # (line of the body, why) when the body was not parsed


class _Collect(Treeprocessor):
    """Runs after toc and attr_list: every link, image and id the engine's tree will have."""

    def run(self, root):
        links, ids, headings = [], set(), []
        for element in root.iter():
            if element.tag == "a" and element.get("href") is not None:
                links.append(element.get("href"))
            elif element.tag == "img" and element.get("src") is not None:
                links.append(element.get("src"))
            if element.get("id"):
                ids.add(element.get("id"))
                if element.tag in HEADINGS:
                    headings.append(element.get("id"))
            if element.tag == "a" and element.get("name"):
                ids.add(element.get("name"))
        self.found = (links, ids, headings)


SEEN_EXTENSION = "scripts.links"
SEEN_FOLDER = "links-seen"  # in each staged tree, written by the engine's own Markdown runs


def engine_key(source: str) -> str:
    """The key of a record: the Markdown source exactly as the engine converts it."""
    return hashlib.sha256(source.encode("utf-8")).hexdigest()[:32]


def _seen_source(text: str) -> str:
    """A staged page's Markdown as MkDocs 1.6 gives it to Python-Markdown: after the YAML
    front matter (`---` ... `---` or `...`), blank lines at its start dropped."""
    match = _ENGINE_FRONT_MATTER.match(text)
    return text[match.end():].lstrip("\n") if match else text


_ENGINE_FRONT_MATTER = re.compile(r"^-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*\n", re.DOTALL)


class _SourceKey(Preprocessor):
    def run(self, lines):
        self.md.ipbes_source_key = engine_key("\n".join(lines))
        return lines


class _Record(_Collect):
    """In the engine's own run: what `_Collect` finds, with the raw HTML's ids, written to
    `<store>/<key>.json` for the link check after the engine (no second parse)."""

    def __init__(self, md, store: str):
        super().__init__(md)
        # Only beside a staged tree's manifest: an engine run from another folder writes nothing.
        self.store = store if store and (Path(store).resolve().parent / "manifest.json").is_file() else ""

    def run(self, root):
        super().run(root)
        key = getattr(self.md, "ipbes_source_key", None)
        if not key or not self.store:
            return
        links, ids, headings = self.found
        record = {"links": links, "ids": sorted(ids | _raw_ids(self.md)), "headings": headings}
        folder = Path(self.store)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            temporary = folder / f".{key}.{os.getpid()}.tmp"
            temporary.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
            os.replace(temporary, folder / f"{key}.json")
        except OSError:
            pass  # the link check parses the page itself


class SeenLinks(Extension):
    """Listed last in the staged configuration's Markdown extensions, so the links and ids
    of each page are taken from the engine's own parse (Python at the Markdown boundary,
    which any engine running Python-Markdown extensions keeps), not from a second one."""

    def __init__(self, **kwargs):
        self.config = {"store": ["", "the folder for the records, relative to the engine's working folder"]}
        super().__init__(**kwargs)

    def extendMarkdown(self, md):
        md.preprocessors.register(_SourceKey(md), "ipbes_source_key", 1000)
        md.treeprocessors.register(_Record(md, self.getConfig("store")), "ipbes_links_seen", 1)


def makeExtension(**kwargs):
    return SeenLinks(**kwargs)


def _raw_ids(md: Markdown) -> set[str]:
    raw = _RawIds()
    for block in md.htmlStash.rawHtmlBlocks:
        if isinstance(block, str):
            raw.feed(block)
    raw.close()
    return raw.ids


class _RawIds(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for key, value in attrs:
            if value and (key == "id" or (key == "name" and tag == "a")):
                self.ids.add(value)


def markdown_for(stage: Path) -> Markdown:
    """A Markdown converter with the staged configuration's extensions, as the engine loads them."""
    config = yaml.safe_load((Path(stage) / "mkdocs.yml").read_text(encoding="utf-8")) or {}
    names, options = [], {}
    for entry in config.get("markdown_extensions") or []:
        name = entry if isinstance(entry, str) else next(iter(entry))
        if name == SEEN_EXTENSION:
            continue
        names.append(name)
        if isinstance(entry, dict) and isinstance(entry[name], dict):
            options[name] = dict(entry[name])
    if isinstance(options.get("scripts.embeds.blocks", {}).get("root"), str):
        options["scripts.embeds.blocks"]["root"] = str((Path(stage) / options["scripts.embeds.blocks"]["root"]).resolve())
    names = [n for n in ENGINE_BUILTINS if n not in names] + names
    md = Markdown(extensions=names, extension_configs=options)
    md.treeprocessors.register(_Collect(md), "ipbes_links", 1)
    md.ipbes_key = repr((names, sorted(options.items())))
    return md


# What a page body held, kept between checks in one process by the extensions and the body
# (the preview checks every page after each save): bodies with embeds (`/// `), which read
# the data files, are read again each time.
_KEPT: dict[tuple[str, str], Parsed] = {}
PARSED_KEPT = 20_000


_BRACKET_MARKS = {"[": re.compile(r"\\.|[\[\]]", re.DOTALL), "(": re.compile(r"\\.|[()]", re.DOTALL)}


def _matches(text: str, opener: str, closer: str) -> Iterator[tuple[int, int]]:
    """(position of each unescaped `opener`, position of its closer or len(text)), in one pass
    over the brackets and backslash escapes only."""
    stack = []
    for mark in _BRACKET_MARKS[opener].finditer(text):
        char = mark.group()
        if char == opener:
            stack.append(mark.start())
        elif char == closer and stack:
            yield stack.pop(), mark.start()
    for index in stack:
        yield index, len(text)


def bracket_work(body: str) -> tuple[int, int]:
    """The characters Python-Markdown scans for closing brackets, block by block (blocks
    end at blank lines), and the body line where the costliest block starts."""
    return _work(body)[0::2]


def inline_work(body: str) -> tuple[int, int]:
    """Python-Markdown rebuilds a paragraph's text for each mark it replaces: the marks of
    each block times its length, and the body line where the costliest block starts."""
    return _work(body)[1:]


def _work(body: str) -> tuple[int, int, int]:
    worst, total, inline, worst_inline = (0, 1), 0, 0, (0, 1)
    lines = body.split("\n")
    block: list[str] = []
    start = 1
    for number, line in list(lines_outside_code(lines)) + [(len(lines) + 1, "")]:
        prefix = line[:len(line) - len(line.lstrip(" \t>"))]
        if prefix.count(">") + (prefix.count(" ") + 4 * prefix.count("\t")) // 4 > MAX_NESTING:
            return 0, 0, -number
        if line.strip():
            if not block:
                start = number
            block.append(line)
            continue
        if block:
            text = "\n".join(block)
            work = sum(end - begin for begin, end in _matches(text, "[", "]"))
            if "](" in text:
                work += sum(end - begin for begin, end in _matches(text, "(", ")") if text[begin - 1:begin] == "]")
            total += work
            worst = max(worst, (work, start))
            rebuilds = len(INLINE_MARKS.findall(text)) * len(text)
            inline += rebuilds
            worst_inline = max(worst_inline, (rebuilds, start))
            block = []
    return total, inline, (worst if total > MAX_BRACKET_WORK else worst_inline)[1]


def parse(md: Markdown, body: str) -> Parsed:
    return refusal(body) or _parse(md, body)


def refusal(body: str) -> Parsed | None:
    """A body too large or too odd for Python-Markdown to read in reasonable time, measured in
    linear time; None for the others."""
    if len(body.encode("utf-8")) > MAX_PAGE_BYTES:
        return Parsed(refused=(1, f"the page is over {MAX_PAGE_BYTES:,} bytes; split it into several pages"))
    work, inline, line = _work(body)
    if line < 0:
        return Parsed(refused=(-line, f"lists or quotes are nested more than {MAX_NESTING} deep here; nest them less"))
    if work > MAX_BRACKET_WORK:
        return Parsed(refused=(line, f"brackets '[' or '(' from this line on are left open or nested so deep that reading "
                                     f"them takes {work:,} steps, over the limit of {MAX_BRACKET_WORK:,}; close each "
                                     "bracket, or write a bracket that is text as '\\[' or '\\('"))
    if inline > MAX_INLINE_WORK:
        return Parsed(refused=(line, f"the paragraph from this line on has so many links or marks for its length that reading "
                                     f"it takes {inline:,} steps, over the limit of {MAX_INLINE_WORK:,}; split it into "
                                     "paragraphs (blank lines between them) or pages"))
    return None


def _parse(md: Markdown, body: str) -> Parsed:
    md.reset()
    collector = md.treeprocessors["ipbes_links"]
    collector.found = ([], set(), [])
    try:
        _read(md, body, collector)
    except RecursionError:
        return Parsed(refused=(1, "lists, quotes or emphasis are nested too deeply to read; nest them less"))
    except Exception as exc:  # an extension's failure on odd input: a problem, not a traceback
        return Parsed(refused=(1, f"cannot read the page as Markdown ({quoted(exc)}); fix the markup near the link"))
    links, ids, headings = collector.found
    return Parsed(tuple(links), frozenset(ids | _raw_ids(md)), tuple(headings))


def _read(md: Markdown, body: str, collector: Treeprocessor) -> None:
    """`Markdown.convert` (Python-Markdown 3.x, pinned) up to the tree processor that collects
    the links: the rest (the serialiser and the text post-processors, about a sixth of the
    time) makes an HTML string this check does not read. Raw HTML is in `md.htmlStash`."""
    if not body.strip():
        return
    md.lines = body.split("\n")
    for preprocessor in md.preprocessors:
        md.lines = preprocessor.run(md.lines)
    root = md.parser.parseDocument(md.lines).getroot()
    for processor in md.treeprocessors:
        new_root = processor.run(root)
        if new_root is not None:
            root = new_root
        if processor is collector:
            return


@dataclass
class _Tree:
    """One staged language: its files, and the pages' bodies and sources (manifest.json)."""
    lang: str
    docs: Path
    files: set[str]
    pages: dict[str, dict]
    md: Markdown
    parsed: dict[str, Parsed] = field(default_factory=dict)
    seen: Path | None = None  # the engine's records of this build (SeenLinks), when it has run
    stored: dict[str, Parsed] = field(default_factory=dict)  # from earlier builds, by _stored_key
    used: dict[str, Parsed] = field(default_factory=dict)    # what this build keeps for the next


def _body(path: Path) -> str:
    text = path.read_text(encoding="utf-8-sig", errors="replace")
    match = FRONT_MATTER.match(text)
    return text[match.end():] if match else text


@dataclass
class _Found:
    what: str
    fix: str
    langs: list[str] = field(default_factory=list)


def _stored_key(md: Markdown, body: str) -> str:
    return hashlib.sha256(f"{getattr(md, 'ipbes_key', '')}\0{body}".encode("utf-8")).hexdigest()[:32]


def _load_stored(store: Path | None) -> dict[str, Parsed]:
    """What earlier builds found in page bodies (`store`: a JSON file in the build cache)."""
    try:
        data = json.loads(Path(store).read_text(encoding="utf-8")) if store else {}
        return {key: Parsed(tuple(v[0]), frozenset(v[1]), tuple(v[2]), tuple(v[3]) if v[3] else None)
                for key, v in data.items()} if isinstance(data, dict) else {}
    except (OSError, ValueError, TypeError, IndexError, KeyError):
        return {}


def _save_stored(store: Path | None, found: dict[str, Parsed]) -> None:
    if not store:
        return
    from .safety import atomic_write_bytes
    data = {key: [list(p.links), sorted(p.ids), list(p.headings), list(p.refused) if p.refused else None]
            for key, p in found.items()}
    try:
        atomic_write_bytes(Path(store), json.dumps(data, ensure_ascii=False).encode("utf-8"))
    except OSError:
        pass


def check_links(stages: dict[str, Path], store: Path | None = None, seen: bool = False) -> list[Problem]:
    """Every link and anchor of every staged language (`stages`: lang -> .build/stage/<lang>),
    as problems in the source files, each reported once. `store`: a file where what each page
    body holds is kept for the next build (by the extensions and the body; only this build's
    bodies, so it does not grow), as the process keeps it between a preview's checks.
    `seen`: after the engine has run, take each page's links and ids from its records
    (SEEN_FOLDER) where it wrote one for this very text, instead of parsing the page again."""
    cache: dict[str, Parsed] = {}
    stored = _load_stored(store)
    used: dict[str, Parsed] = {}
    found: dict[tuple[str, str], _Found] = {}
    shown_in: dict[str, list[str]] = {}
    overflow: dict[str, int] = {}
    per_source: dict[str, int] = {}
    refused: dict[str, tuple[int, str]] = {}
    problems: list[Problem] = []
    for lang, stage in stages.items():
        stage = Path(stage)
        manifest = json.loads((stage / "manifest.json").read_text(encoding="utf-8"))
        docs = stage / "docs"
        try:
            md = markdown_for(stage)
        except Exception as exc:
            problems.append(Problem(stage / "mkdocs.yml", None, f"cannot load the Markdown extensions to check links "
                                    f"({quoted(exc)}); this is a bug in the build, not in your content: report it"))
            continue
        files = {p.relative_to(docs).as_posix() for p in docs.rglob("*") if p.is_file()}
        tree = _Tree(lang, docs, files, manifest["pages"], md, stored=stored, used=used,
                     seen=stage / SEEN_FOLDER if seen and (stage / SEEN_FOLDER).is_dir() else None)
        for rel in sorted(tree.pages):
            source = tree.pages[rel]["source"]
            shown_in.setdefault(source, []).append(lang)
            parsed = _parsed(tree, rel, cache)
            if parsed.refused:
                refused.setdefault(source, parsed.refused)
                continue
            for url in dict.fromkeys(parsed.links):
                outcome = _check(tree, rel, url, cache)
                if outcome is None:
                    continue
                key = (source, url)
                if key not in found:
                    if per_source.get(source, 0) >= MAX_FINDINGS_PER_RULE:
                        overflow[source] = overflow.get(source, 0) + 1
                        continue
                    per_source[source] = per_source.get(source, 0) + 1
                    found[key] = _Found(*outcome())
                found[key].langs.append(lang)
    for source, (line, message) in refused.items():
        problems.append(Problem(Path(source), _source_line(Path(source), line), f"cannot check the links of this page: {message}"))
    lines: dict[str, tuple[list[str], int]] = {}
    for (source, url), item in found.items():
        if source not in lines:
            lines[source] = _source_text(Path(source))
        text, offset = lines[source]
        where = find_lines(text, offset, url)
        also = f" (also on line{'s' if len(where) > 2 else ''} {', '.join(map(str, where[1:]))})" if len(where) > 1 else ""
        langs = shown_in[source]
        note = f" in the {', '.join(item.langs)} site{'s' if len(item.langs) > 1 else ''}" if len(langs) > 1 and item.langs != langs else ""
        problems.append(Problem(Path(source), where[0] if where else None, f"{item.what}{note}{also}; {item.fix}"))
    for source, count in overflow.items():
        problems.append(Problem(Path(source), None, more_of_the_same(count)))
    _save_stored(store, used)
    return sorted(problems, key=lambda p: (str(p.file), p.line or 0, p.message))


def _parsed(tree: _Tree, rel: str, cache: dict[str, Parsed]) -> Parsed:
    if rel not in tree.parsed:
        body = _body(tree.docs / rel)
        key = f"{tree.lang}\0{body}" if "/// " in body else body  # embeds render in the page's language
        kept = (getattr(tree.md, "ipbes_key", ""), body)
        if key not in cache:
            stored_key = _stored_key(tree.md, body) if "/// " not in body else None
            cache[key] = (_KEPT.get(kept) or (tree.stored.get(stored_key) if stored_key else None)
                          or refusal(body) or _seen(tree, rel) or _parse(tree.md, body))
            if stored_key:
                tree.used[stored_key] = cache[key]
                if len(_KEPT) >= PARSED_KEPT:
                    _KEPT.clear()
                _KEPT[kept] = cache[key]
        tree.parsed[rel] = cache[key]
    return tree.parsed[rel]


def _seen(tree: _Tree, rel: str) -> Parsed | None:
    """What the engine's own parse of the page found (SeenLinks), if it ran on this text."""
    if tree.seen is None:
        return None
    try:
        text = (tree.docs / rel).read_text(encoding="utf-8-sig")
        record = json.loads((tree.seen / f"{engine_key(_seen_source(text))}.json").read_text(encoding="utf-8"))
        links, ids, headings = record["links"], record["ids"], record["headings"]
        if not all(isinstance(item, str) for item in [*links, *ids, *headings]):
            return None
        return Parsed(tuple(links), frozenset(ids), tuple(headings))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _check(tree: _Tree, rel: str, url: str, cache: dict[str, Parsed]):
    """None when the link lands, else a function making (what is wrong, how to fix it):
    built only for a problem's first language, so a page of many broken links costs little."""
    try:
        scheme, netloc, path, _query, anchor = urlsplit(url)
    except ValueError:
        return lambda: (f"link '{quoted(url)}' is not a valid address", "correct it")
    if scheme or netloc or AMP_SUBSTITUTE in url:
        return None
    if not path:
        return _anchor_outcome(tree, rel, rel, url, anchor, cache) if anchor else None
    path = unquote(path)
    target = posixpath.normpath(posixpath.join(posixpath.dirname(rel), path).lstrip("/"))
    if target == ".." or target.startswith("../"):
        return lambda: (f"link '{quoted(url)}' leads outside this language's pages",
                        "link a page or file inside docs/<lang>/, or a shared file as '/media/...'")
    if target in tree.files:
        if anchor and target.endswith(".md"):
            return _anchor_outcome(tree, rel, target, url, anchor, cache)
        return None
    if not posixpath.splitext(path)[1]:
        def unrecognised():
            guess = next((g for g in (f"{target}.md", posixpath.join(target, "index.md")) if g in tree.files), None)
            hint = f" ('{posixpath.relpath(guess, posixpath.dirname(rel) or '.')}')" if guess else ""
            return (f"link '{quoted(url)}' is neither a page nor a file",
                    f"link the page's Markdown file{hint}, as the site's links are made from files")
        return unrecognised

    def missing():
        kind = "page" if target.endswith(".md") else "file"
        same = sorted(f for f in tree.files if posixpath.splitext(f)[1] == posixpath.splitext(target)[1])
        close = difflib.get_close_matches(target, same, n=1, cutoff=SUGGESTION_CUTOFF)
        better = ("/" + close[0] if url.startswith("/") else posixpath.relpath(close[0], posixpath.dirname(rel) or ".")) if close else ""
        hint = f" (did you mean '{better}'?)" if close else ""
        fix = "fix the path or create the page" if kind == "page" else "fix the path or add the file"
        return f"link to '{quoted(url)}', a {kind} that does not exist{hint}", fix
    return missing


def _anchor_outcome(tree: _Tree, rel: str, target: str, url: str, anchor: str, cache: dict[str, Parsed]):
    parsed = _parsed(tree, target, cache)
    if parsed.refused or anchor in parsed.ids or unquote(anchor) in parsed.ids:
        return None

    def missing():
        shown = ", ".join(quoted(h) for h in parsed.headings[:MAX_IDS_SHOWN]) or "none"
        if len(parsed.headings) > MAX_IDS_SHOWN:
            shown += f", … ({len(parsed.headings)} in all)"
        where = "on this page" if target == rel else f"in '{quoted(posixpath.relpath(target, posixpath.dirname(rel) or '.'))}'"
        return (f"anchor '#{quoted(anchor)}' not found {where}",
                f"link one of the headings' ids there: {shown}; or give the element an id ({{#{quoted(anchor)}}} after a heading)")
    return missing


def _source_text(source: Path) -> tuple[list[str], int]:
    """The source's lines and the index of its body's first line (after the front matter)."""
    try:
        text = source.read_text(encoding="utf-8-sig", errors="replace")[:MAX_PAGE_BYTES * 2]
    except OSError:
        return [], 0
    match = FRONT_MATTER.match(text) if source.suffix == ".md" else None
    return text.split("\n"), (text[:match.end()].count("\n") if match else 0)


def _source_line(source: Path, body_line: int) -> int | None:
    lines, offset = _source_text(source)
    return offset + body_line if lines else None


LINK_CONTEXT = re.compile(r"(?:\]\(\s*<?|\]:\s*<?|=\s*[\"']|<)$")


def find_lines(lines: list[str], first: int, url: str) -> list[int]:
    """The numbers of the lines outside fenced code where `url` is written as a link (after
    `](`, `]:`, `<` or `="`), or, where it is nowhere written so, where it appears at all."""
    variants = list(dict.fromkeys([url, unquote(url), url.replace("&amp;", "&")]))
    linked, anywhere = [], []
    for number, line in lines_outside_code(lines, first):
        plain = line.replace("\\", "")
        for text in (line, plain):
            hits = [text.find(v) for v in variants if v and v in text]
            if hits:
                (linked if any(LINK_CONTEXT.search(text[:h]) for h in hits) else anywhere).append(number)
                break
    return linked or anywhere
