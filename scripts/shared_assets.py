"""One copy of the theme's assets for the whole site, under content-hashed names.

Each language is its own engine build, so each language folder gets its own copy of the
same stylesheets, scripts, fonts and logos. A reader who switches language would download
them all again. This step moves every file that is byte-identical in all languages to one
folder at the site root (`assets/`, same sub-path, the content hash in the name), rewrites
every reference to it in every HTML page and stylesheet, and leaves what differs per
language (cards, image variants, the search bundle, PDFs, media) where it is. A hashed name
changes whenever the bytes do, so hosts may cache these files for a year (`_headers`).

References are found by parsers, not patterns: HTML attributes by lexbor (selectolax, the
output policy's parser), CSS `url()` and `@import` by tinycss2; each edit replaces exactly
the characters of one reference. lexbor gives no source positions, so a page's attributes
are located by a scan for attribute syntax whose findings must equal, name and value, the
ones lexbor parsed; a page where they differ (attribute-like text in code, duplicate or
unusual attributes) is read again with the standard library's html.parser, which gives
positions but is ten times slower.
A stylesheet is rewritten first and hashed after, so its hash covers the names it points at.

Files that no page or stylesheet names (the search worker's language files, which the
worker loads by a fixed relative path) move with their sub-path and keep their name; they
are not marked immutable.
"""
from __future__ import annotations

import hashlib
import html
import json
import os
import posixpath
import re
from concurrent.futures import ProcessPoolExecutor
from html.parser import HTMLParser, attrfind_tolerant
from pathlib import Path
from urllib.parse import unquote, urlsplit

import tinycss2

from .errors import BuildError, Problem

SHARED_DIR = "assets"
# Sub-folders of <lang>/assets/ whose files are the theme's: Material's and the project's.
THEME_FOLDERS = ("stylesheets", "javascripts", "images", "ipbes")
# Made per language (social cards, responsive image variants): never shared.
PER_LANGUAGE = ("ipbes/cards", "ipbes/img")
HASH_LENGTH = 10
PAGES_PER_TASK = 64
SOURCE_MAP_COMMENT = re.compile(rb"(?m)^[ \t]*//[#@] sourceMappingURL=[^\r\n]*\r?\n?|/\*[#@] sourceMappingURL=[^*]*\*/")
HASHED_NAME = re.compile(r"^(?P<stem>.+)\.(?P<hash>[0-9a-f]{%d})(?P<ext>\.[A-Za-z0-9]+)$" % HASH_LENGTH)
SRCSET_ATTRIBUTES = {"srcset", "imagesrcset"}
_NEWLINE = re.compile("\n")
# Every shared file lives under <lang>/assets/, so a tag can name one only if its text
# holds "assets" (or a percent escape or character reference that might spell it): the others are not scanned.
_MAY_NAME_SHARED = re.compile(r"assets|%|&", re.IGNORECASE).search


def unhashed_name(name: str) -> str:
    """'ipbes.0123456789.svg' -> 'ipbes.svg': the name a shared file had before it was hashed."""
    match = HASHED_NAME.match(name)
    return match.group("stem") + match.group("ext") if match else name


def hashed_name(rel: str, data: bytes) -> str:
    stem, ext = posixpath.splitext(rel)
    return f"{stem}.{hashlib.sha256(data).hexdigest()[:HASH_LENGTH]}{ext}"


def strip_source_maps(data: bytes) -> bytes:
    """JS and CSS without `sourceMappingURL` comments (the maps are not published)."""
    return SOURCE_MAP_COMMENT.sub(b"", data)


# ---------------------------------------------------------------- references

class _Site:
    """Where a reference points: URL paths of the built site, under its base path."""

    def __init__(self, site: Path, site_url: str):
        self.site = Path(site)
        parts = urlsplit(site_url or "/")
        self.origin = f"{parts.scheme}://{parts.netloc}" if parts.netloc else ""
        self.base = parts.path if parts.path.endswith("/") else parts.path + "/"

    def url_path(self, file: Path) -> str:
        return self.base + file.relative_to(self.site).as_posix()

    def resolve(self, ref: str, from_path: str) -> tuple[str, str, str] | None:
        """(style, site-relative path, query+fragment) of a reference, or None when it leaves the site."""
        ref = ref.strip()
        if not ref or ref.startswith(("#", "data:", "mailto:", "tel:", "javascript:")):
            return None
        parts = urlsplit(ref)
        tail = (f"?{parts.query}" if parts.query else "") + (f"#{parts.fragment}" if parts.fragment else "")
        if parts.scheme or parts.netloc:
            if not self.origin or f"{parts.scheme}://{parts.netloc}" != self.origin:
                return None
            style, path = "absolute", parts.path
        elif parts.path.startswith("/"):
            style, path = "root", parts.path
        else:
            style, path = "relative", posixpath.join(posixpath.dirname(from_path), parts.path)
        path = posixpath.normpath(unquote(path))
        if not path.startswith(self.base):
            return None
        return style, path[len(self.base):], tail

    def reference(self, style: str, target: str, from_path: str, tail: str) -> str:
        """A reference to site-relative `target` in the same style as the one it replaces."""
        if style == "absolute":
            return self.origin + self.base + target + tail
        if style == "root":
            return self.base + target + tail
        return posixpath.relpath(self.base + target, posixpath.dirname(from_path)) + tail


def _line_starts(text: str) -> list[int]:
    return [0] + [match.end() for match in _NEWLINE.finditer(text)]


def _apply(text: str, edits: list[tuple[int, int, str]]) -> str:
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    return text


def _string_end(text: str, start: int) -> int:
    quote, index = text[start], start + 1
    while index < len(text):
        if text[index] == "\\":
            index += 2
            continue
        if text[index] == quote:
            return index + 1
        index += 1
    return len(text)


def css_references(css: str) -> list[tuple[int, int, str, str]]:
    """(start, end, url, kind) of every url() and @import in a stylesheet or a style attribute;
    kind 'url' spans the whole unquoted url(...) token, 'string' the quoted string."""
    if len(css) < 256:
        return _css_references(css)
    key = "css:" + page_key(css)
    if key not in _KNOWN:
        _KNOWN[key] = [list(found) for found in _css_references(css)]
    _USED.add(key)
    return _KNOWN[key]


def _css_references(css: str) -> list[tuple[int, int, str, str]]:
    starts = _line_starts(css)
    found: list[tuple[int, int, str, str]] = []

    def offset(token) -> int:
        return starts[token.source_line - 1] + token.source_column - 1

    def walk(tokens):
        in_import = False
        for token in tokens or ():
            if token.type == "at-keyword":
                in_import = token.lower_value == "import"
            elif token.type == "literal" and token.value in (";", "{"):
                in_import = False
            if token.type == "url":
                start = offset(token)
                found.append((start, css.index(")", start) + 1, token.value, "url"))
            elif token.type == "string" and in_import:
                start = offset(token)
                found.append((start, _string_end(css, start), token.value, "string"))
            elif token.type == "function":
                if token.lower_name == "url":
                    for argument in token.arguments:
                        if argument.type == "string":
                            start = offset(argument)
                            found.append((start, _string_end(css, start), argument.value, "string"))
                else:
                    walk(token.arguments)
            elif token.type in ("() block", "[] block", "{} block"):
                walk(token.content)

    walk(tinycss2.parse_component_value_list(css, skip_comments=True))
    return found


def rewrite_css(css: str, rewrite) -> str:
    """`rewrite(url) -> new url or None` applied to every url() and @import of `css`."""
    edits = []
    for start, end, url, kind in css_references(css):
        new = rewrite(url)
        if new is None:
            continue
        if kind == "url":
            edits.append((start, end, f"url({json.dumps(new)})" if re.search(r"[\s'\"()\\]", new) else f"url({new})"))
        else:
            edits.append((start, end, json.dumps(new)))
    return _apply(css, edits)


class _HtmlReferences(HTMLParser):
    """Positions of every attribute value, <style> text and JSON data block of a page."""

    def __init__(self, text: str, may_refer=None):
        super().__init__(convert_charrefs=False)
        self.may_refer = may_refer
        self.text = text
        self.starts = _line_starts(text)
        self.attributes: list[tuple[int, int, str, str]] = []  # start, end, name, raw value (quotes included)
        self.blocks: list[tuple[int, int, str]] = []  # start, end, kind ('css' | 'json')
        self._raw: tuple[int, str] | None = None

    def _offset(self) -> int:
        line, column = self.getpos()
        return self.starts[line - 1] + column

    def handle_starttag(self, tag, attrs):
        tag_text = self.get_starttag_text() or ""
        if self.may_refer is not None and tag not in ("style", "script") and not self.may_refer(tag_text):
            self._raw = None
            return
        start = self._offset()
        name_end = re.match(r"<[a-zA-Z][^\t\n\r\f />\x00]*", tag_text)
        for match in attrfind_tolerant.finditer(tag_text, name_end.end() if name_end else 1):
            if match.group(3):
                self.attributes.append((start + match.start(3), start + match.end(3), match.group(1).lower(), match.group(3)))
        kinds = dict(attrs)
        if tag == "style":
            self._raw = (start + len(tag_text), "css")
        elif tag == "script" and (kinds.get("type") or "").lower() in ("application/json", "application/ld+json"):
            self._raw = (start + len(tag_text), "json")
        else:
            self._raw = None

    def handle_endtag(self, tag):
        if self._raw is not None and tag in ("style", "script"):
            self.blocks.append((self._raw[0], self._offset(), self._raw[1]))
        self._raw = None


def html_references(text: str, may_refer=None) -> tuple[list, list]:
    """(attributes, blocks) of a page: every attribute value as (start, end, name, raw value
    with its quotes), every <style> and JSON data block as (start, end, 'css' | 'json').
    `may_refer(start tag text)`, if given, is false for tags whose attributes are not wanted."""
    parser = _HtmlReferences(text, may_refer)
    parser.feed(text)
    parser.close()
    return parser.attributes, parser.blocks


def rewrite_html(text: str, rewrite, may_refer=None, references: tuple[list, list] | None = None) -> str:
    """`rewrite(url) -> new url or None` applied to every attribute value that is a URL
    (srcset candidates one by one), to url() in style attributes and <style>, and to the
    string values of JSON data blocks (Material's configuration names its search worker).
    `may_refer(start tag text)`, if given, is false for tags that cannot hold a reference
    `rewrite` changes (their attributes are not read); `references`: what `html_references`
    found in this very text before (it is not parsed again)."""
    attributes, blocks = references if references is not None else html_references(text, may_refer)
    edits = []
    for start, end, name, raw in attributes:
        quote = raw[0] if raw[:1] in "'\"" else ""
        value = html.unescape(raw[1:-1] if quote else raw)
        if name in SRCSET_ATTRIBUTES:
            candidates, changed = [], False
            for candidate in value.split(","):
                pieces = candidate.strip().split(None, 1)
                new = rewrite(pieces[0]) if pieces else None
                changed |= new is not None
                candidates.append(" ".join([new or pieces[0]] + pieces[1:]) if pieces else candidate)
            new_value = ", ".join(candidates) if changed else None
        elif name == "style":
            new_value = rewrite_css(value, rewrite)
            new_value = None if new_value == value else new_value
        else:
            new_value = rewrite(value)
        if new_value is not None:
            edits.append((start, end, (quote or '"') + html.escape(new_value, quote=True) + (quote or '"')))
    for start, end, kind in blocks:
        body = text[start:end]
        if kind == "css":
            new_body = rewrite_css(body, rewrite)
        else:
            new_body = _rewrite_json(body, rewrite)
        if new_body != body:
            edits.append((start, end, new_body))
    return _apply(text, edits)


def _rewrite_json(body: str, rewrite) -> str:
    try:
        data = json.loads(body)
    except ValueError:
        return body
    strings: set[str] = set()

    def walk(value):
        if isinstance(value, str):
            strings.add(value)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(data)
    for value in sorted(strings):
        new = rewrite(value)
        if new is not None:
            body = body.replace(json.dumps(value), json.dumps(new)).replace(json.dumps(value, ensure_ascii=False), json.dumps(new))
    return body


# ---------------------------------------------------------------- the step

def _theme_files(folder: Path) -> dict[str, Path]:
    files = {}
    for sub in THEME_FOLDERS:
        for path in sorted((folder / sub).rglob("*")):
            rel = path.relative_to(folder).as_posix()
            if path.is_file() and not path.name.endswith(".map") and not rel.startswith(tuple(p + "/" for p in PER_LANGUAGE)):
                files[rel] = path
    return files


def _one_per_folder_depth(site: Path, pages: list[Path]) -> list[Path]:
    """The first page of each (language folder, section folder, depth, file name) among
    `pages`: a section's pages share their template (fact sheets name the partners' logos,
    launch pages the countdown); 404.html is kept apart from index.html."""
    seen, chosen = set(), []
    for page in pages:
        parts = page.relative_to(site).parts
        key = (parts[:-1][:2], len(parts), page.name)
        if key not in seen:
            seen.add(key)
            chosen.append(page)
    return chosen


def share_assets(site: Path, languages: list[str], site_url: str = "/", jobs: int = 1, cache: Path | None = None) -> dict:
    """Moves the theme files that are the same in every language to `site/assets/`.

    `site_url`: the site's address (mkdocs.yml), to recognise absolute and root-relative
    references (the 404 pages use those). Returns {"moved": {lang-relative path: site path},
    "immutable": [URL paths under content-hashed names], "kept": [lang-relative paths that
    differ between languages], "files": number moved, "bytes_saved": bytes no longer duplicated}.
    `jobs`: processes that rewrite the pages; `cache`: a folder where the references found in
    each page are kept for the next build (only this build's pages: the file does not grow).
    Runs after every step that writes HTML referring to these files (the site root too)."""
    site = Path(site)
    where = _Site(site, site_url)
    per_language = {lang: _theme_files(site / lang / SHARED_DIR) for lang in languages}
    common = set.intersection(*(set(files) for files in per_language.values())) if per_language else set()
    shared, kept = {}, []
    for rel in sorted(set().union(*(set(f) for f in per_language.values())) if per_language else ()):
        contents = {per_language[lang][rel].read_bytes() for lang in languages if rel in per_language[lang]}
        if rel in common and len(contents) == 1:
            shared[rel] = contents.pop()
        else:
            kept.append(rel)
    before = sum(len(data) for data in shared.values()) * len(languages)

    # Which shared files a page or stylesheet names (they get hashed names), and which
    # stylesheets must be rewritten before they are hashed.
    referenced: set[str] = set()
    lang_of = {lang: f"{lang}/{SHARED_DIR}/" for lang in languages}

    def shared_rel(site_rel: str) -> str | None:
        for lang, prefix in lang_of.items():
            if site_rel.startswith(prefix) and site_rel[len(prefix):] in shared:
                return site_rel[len(prefix):]
        return None

    pages = sorted(site.rglob("*.html"))
    stylesheets = sorted(p for p in site.rglob("*.css") if not _is_shared_copy(p, site, languages, shared))

    def collect(from_path: str):
        def visit(ref: str):
            resolved = where.resolve(ref, from_path)
            rel = shared_rel(resolved[1]) if resolved else None
            if rel:
                referenced.add(rel)
            return None
        return visit

    # The theme files a page names come from the templates, the same in every page of a
    # language at one folder depth: one page of each is read for them (a large site has
    # thousands). A theme file named only in some page's own text is still moved and its
    # references rewritten, under its plain name rather than a hashed one.
    known = _load_known(cache)
    known.pop("version", None)
    _remember(known)
    for page in _one_per_folder_depth(site, pages):
        text = page.read_text(encoding="utf-8")
        rewrite_html(text, collect(where.url_path(page)), references=_known_references(text)[1])
    for sheet in stylesheets:
        rewrite_css(sheet.read_text(encoding="utf-8"), collect(where.url_path(sheet)))
    pending = [rel for rel in shared if rel.endswith(".css")]
    for rel in pending:  # what shared stylesheets name, as seen from their first language's copy
        rewrite_css(shared[rel].decode("utf-8"), collect(f"{where.base}{languages[0]}/{SHARED_DIR}/{rel}"))

    # Names: leaves first, each stylesheet after the files it names.
    target: dict[str, str] = {}
    data_out: dict[str, bytes] = {}

    def name_of(rel: str, trail: tuple[str, ...] = ()) -> str:
        if rel in target:
            return target[rel]
        data = shared[rel]
        if rel.endswith((".js", ".css", ".mjs")):
            data = strip_source_maps(data)
        if rel.endswith(".css") and rel not in trail:
            own = f"{where.base}{languages[0]}/{SHARED_DIR}/{rel}"
            provisional = f"{SHARED_DIR}/{rel}"

            def to_shared(ref: str):
                resolved = where.resolve(ref, own)
                other = shared_rel(resolved[1]) if resolved else None
                if other is None or other == rel:
                    return None
                return where.reference("relative", name_of(other, trail + (rel,)), where.base + provisional, resolved[2])

            data = rewrite_css(data.decode("utf-8"), to_shared).encode("utf-8")
        new = f"{SHARED_DIR}/{hashed_name(rel, data)}" if rel in referenced else f"{SHARED_DIR}/{rel}"
        target[rel], data_out[rel] = new, data
        return new

    for rel in sorted(shared):
        name_of(rel)
    for rel, new in target.items():
        out = site / new
        if out.exists() and out.read_bytes() != data_out[rel]:
            raise BuildError([Problem(out, None, f"a different file is already at this path, so the shared copy of "
                                                 f"<lang>/{SHARED_DIR}/{rel} cannot go there; rename one of them")])
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data_out[rel])
    for lang in languages:
        for rel in shared:
            per_language[lang][rel].unlink()
        for sub in THEME_FOLDERS:
            _remove_empty(site / lang / SHARED_DIR / sub)

    retarget = _Retarget(where, lang_of, target)
    chunks = [pages[start:start + PAGES_PER_TASK] for start in range(0, len(pages), PAGES_PER_TASK)]
    found: dict[str, list] = {}
    unknown = sum(1 for page in pages if page_key(page.read_text(encoding="utf-8")) not in known) if jobs > 1 else 0
    if unknown > PAGES_PER_TASK and len(chunks) > 1:  # processes only pay off with pages to parse
        with ProcessPoolExecutor(max_workers=jobs, initializer=_remember, initargs=(known,)) as pool:
            for part in pool.map(retarget.pages, chunks):
                found.update(part)
    else:
        for chunk in chunks:
            found.update(retarget.pages(chunk))
    for sheet in stylesheets:
        if not sheet.is_file():
            continue
        text = sheet.read_text(encoding="utf-8")
        changed = rewrite_css(text, retarget.visitor(where.url_path(sheet)))
        if changed != text:
            sheet.write_text(changed, encoding="utf-8")
    found.update({key: _KNOWN[key] for key in _USED if key in _KNOWN})
    _remember({})
    _store_known(cache, found)
    for path in sorted(site.rglob("*")):
        if path.is_file() and path.suffix in (".js", ".css", ".mjs") and not path.name.startswith("."):
            data = path.read_bytes()
            stripped = strip_source_maps(data)
            if stripped != data and not (path.parent / _map_name(data)).is_file():
                path.write_bytes(stripped)

    after = sum(len(data) for data in data_out.values())
    moved = {rel: target[rel] for rel in sorted(target)}
    return {"moved": moved,
            "immutable": sorted("/" + new for rel, new in moved.items() if rel in referenced),
            "kept": kept,
            "files": len(moved),
            "bytes_saved": before - after}


class _Retarget:
    """Points references to a language's copy of a shared file at the shared one (picklable,
    so that pages are rewritten in several processes)."""

    def __init__(self, where: _Site, lang_of: dict[str, str], target: dict[str, str]):
        self.where, self.lang_of, self.target = where, lang_of, target
        self._answers: dict[str, dict[str, str | None]] = {}

    def visitor(self, from_path: str):
        folder = posixpath.dirname(from_path)
        answers = self._answers.setdefault(folder, {})

        def visit(ref: str):  # pages of one folder name the same theme files: each answered once
            if ref not in answers:
                answers[ref] = self._retargeted(ref, from_path)
            return answers[ref]
        return visit

    def _retargeted(self, ref: str, from_path: str) -> str | None:
        resolved = self.where.resolve(ref, from_path)
        if not resolved:
            return None
        for prefix in self.lang_of.values():
            if resolved[1].startswith(prefix) and resolved[1][len(prefix):] in self.target:
                new = self.target[resolved[1][len(prefix):]]
                return self.where.reference(resolved[0], new, from_path, resolved[2])
        return None

    def pages(self, pages: list[Path]) -> dict[str, list]:
        """Rewrites `pages`; returns the references found in each (by `page_key`)."""
        found = {}
        for page in pages:
            text = page.read_text(encoding="utf-8")
            key, references = _known_references(text)
            found[key] = references
            changed = rewrite_html(text, self.visitor(self.where.url_path(page)), references=references)
            if changed != text:
                page.write_text(changed, encoding="utf-8")
        return found


# Where each page's references are (html_references), by the page's content: the parse is
# most of this step's time, and a page the engine wrote as before has them where they were.
REFERENCES_FILE = "references.json"
_KNOWN: dict[str, list] = {}
_USED: set[str] = set()  # the stylesheets' entries this build read (pages' come back from the workers)


def _remember(known: dict[str, list]) -> None:
    global _KNOWN, _USED
    _KNOWN, _USED = known, set()


def page_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def _known_references(text: str) -> tuple[str, list]:
    key = page_key(text)
    references = _KNOWN.get(key)
    if references is None:
        found = located_references(text)
        if found is None:
            found = html_references(text, _MAY_NAME_SHARED)
        references = [list(part) for part in found]
    return key, references


_NAME_BEFORE_VALUE = re.compile(r"(?<=[\s/\"'])([^\s\"'>/=\x00][^\s/>=\x00]*)[\t\n\f\r ]*=[\t\n\f\r ]*\Z")
_RAW_BLOCK = re.compile(r"<(style|script)\b([^>]*)>(.*?)</\1[\t\n\f\r />]", re.IGNORECASE | re.DOTALL)
_JSON_TYPE = re.compile(r"""\btype\s*=\s*["']?\s*application/(?:ld\+)?json\s*(?:["'\s]|\Z)""", re.IGNORECASE)
_JSON_TYPES = ("application/json", "application/ld+json")


def _may_name_shared(value: str) -> bool:  # shared files are all under <lang>/assets/, spelt so (paths are case sensitive)
    return "assets" in value or "%" in value


def located_references(text: str) -> tuple[list, list] | None:
    """What `html_references` finds that may name a shared file (attributes whose value holds
    "assets" or a percent escape; every <style> and JSON data block), or None.

    lexbor parses the page; each attribute value it found is then looked for in the text as
    written (quoted, or unquoted up to white space or ">", after `name=`). The answer stands
    only when those places hold exactly the names and values lexbor parsed, as many times:
    a value written with character references, or attribute-like text in code, gives None."""
    from selectolax.lexbor import LexborHTMLParser
    tree = LexborHTMLParser(text)
    wanted: dict[tuple[str, str], int] = {}
    parsed_blocks = []
    for node in tree.root.traverse(include_text=False) if tree.root is not None else ():
        attributes = node.attributes
        for name, value in attributes.items():
            if value and ("assets" in value or "%" in value):  # _may_name_shared, inline: it runs for every attribute
                wanted[(name, value)] = wanted.get((name, value), 0) + 1
        if node.tag == "style" or (node.tag == "script" and (attributes.get("type") or "").strip().lower() in _JSON_TYPES):
            parsed_blocks.append((node.tag, node.text(deep=True)))
    found: list[tuple[int, int, str, str]] = []
    for value in {value for _, value in wanted}:
        at = text.find(value)
        while at >= 0:
            after = at + len(value)
            before = text[at - 1:at] if at else ""
            if before in ("'", '"') and text[after:after + 1] == before:
                start, end = at - 1, after + 1
            elif after == len(text) or text[after] in " \t\n\f\r>":
                start, end = at, after
            else:
                start = end = -1
            name = _NAME_BEFORE_VALUE.search(text, max(0, start - 256), start) if start >= 0 else None
            if name:
                found.append((start, end, name.group(1).lower(), text[start:end]))
            at = text.find(value, at + 1)
    counted: dict[tuple[str, str], int] = {}
    for start, end, name, raw in found:
        key = (name, raw[1:-1] if raw[0] in "'\"" else raw)
        counted[key] = counted.get(key, 0) + 1
    blocks, block_texts = [], []
    for match in _RAW_BLOCK.finditer(text):
        tag = match.group(1).lower()
        kind = "css" if tag == "style" else "json" if _JSON_TYPE.search(match.group(2)) else None
        if kind:
            blocks.append((match.start(3), match.end(3), kind))
            block_texts.append((tag, match.group(3)))
    if counted != wanted or block_texts != parsed_blocks:
        return None
    return sorted(found), blocks


def _load_known(cache: Path | None) -> dict[str, list]:
    if cache is None:
        return {}
    try:
        known = json.loads((Path(cache) / REFERENCES_FILE).read_text(encoding="utf-8"))
        return known if isinstance(known, dict) and known.get("version") == _KNOWN_VERSION else {}
    except (OSError, ValueError):
        return {}


_KNOWN_VERSION = f"{HASH_LENGTH}-{_MAY_NAME_SHARED.__self__.pattern}-located"


def _store_known(cache: Path | None, found: dict[str, list]) -> None:
    if cache is None:
        return
    from .safety import atomic_write_bytes
    try:
        atomic_write_bytes(Path(cache) / REFERENCES_FILE, json.dumps({"version": _KNOWN_VERSION, **found}).encode("utf-8"))
    except OSError:
        pass


def _map_name(data: bytes) -> str:
    match = re.search(rb"sourceMappingURL=([^\s*]+)", data)
    return os.path.basename(match.group(1).decode("utf-8", "replace")) if match else ""


def _is_shared_copy(path: Path, site: Path, languages: list[str], shared: dict) -> bool:
    rel = path.relative_to(site).as_posix()
    for lang in languages:
        prefix = f"{lang}/{SHARED_DIR}/"
        if rel.startswith(prefix) and rel[len(prefix):] in shared:
            return True
    return False


def _remove_empty(folder: Path) -> None:
    if not folder.is_dir():
        return
    for path in sorted(folder.rglob("*"), key=lambda p: len(p.parts), reverse=True):
        if path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    if not any(folder.iterdir()):
        folder.rmdir()
