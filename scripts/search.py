"""Site search: a Pagefind index of the finished HTML, one bundle inside each language folder.

Pagefind reads built pages, so search no longer depends on the engine that wrote them: it
stems English, French, Spanish, Russian and Arabic, segments Chinese (its extended binary,
from the pinned `pagefind-bin-extended` wheel; never downloaded at run time), and a reader's
browser fetches only the fragments a query needs.

One bundle per language folder (`site/<lang>/pagefind/`), not one at the site root, because
each language folder stays a self-contained site (built, checked and copied on its own), its
index is forced to the folder's language whatever a page's `lang` says, and Pagefind's script
finds its own base URL (`/<lang>/`, also under a sub-path host) from where it is loaded.

What is indexed is decided by the page, once, in the template: only pages whose main content
carries `data-pagefind-body`; `data-pagefind-filter="kind:<kind>"` files a page under one of
KINDS. Here the finish step adds what only the site as a whole knows: pages under `exclude`
(dashboard, guides, rules, benchmark, 404) stay out even if they carry the attribute, and an
English page shown inside another language (`data-ipbes-fallback`) is left to the English index.

Pagefind alone does not write the same bundle twice: it numbers pages in the order the file
system lists them and writes its filter and metadata indexes from hash maps (Pagefind issue
#638). `canonicalise_bundle` rewrites each bundle so that its bytes depend on the site only.
"""
from __future__ import annotations

import contextlib
import fnmatch
import gzip
import hashlib
import http.server
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Iterable

import cbor2

from .errors import BuildError, Problem
from .i18n import N_

PAGEFIND_VERSION = "1.5.2"
BUNDLE = "pagefind"
BODY_MARK = "data-pagefind-body"
FALLBACK_MARK = "data-ipbes-fallback"
SOURCE_LANGUAGE = "en"
KINDS = ("assessment", "factsheet", "news", "video", "page")
# Languages written without spaces, which only Pagefind's extended binary segments into words.
SEGMENTED_LANGUAGES = ("zh", "ja")
# Paths inside a language folder, as fnmatch patterns in which `*` also crosses folders.
DEFAULT_EXCLUDE = ("404.html", "translations/*", "editors-guide/*", "translators-guide/*",
                   "brand-rules/*", "benchmark/*")
# Parts of Material's page body that are not content: heading permalinks (they would add "¶"
# to every heading a result shows), edit buttons, the source-file dates, translation notices.
EXCLUDE_SELECTORS = (".headerlink", ".md-content__button", ".md-source-file", ".ipbes-notice")
# Pagefind's ready-made interfaces: unused (search.js renders results with our tokens), and
# their stylesheets hold colour literals the brand check refuses.
UNUSED_BUNDLE_FILES = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
                       "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js")
INDEX_TIMEOUT_SECONDS = 600

# Interface strings of the search dialog (overrides/partials/search.html reads them from
# config.extra.ipbes.strings; the kind labels follow KINDS).
UI_STRINGS = (
    N_("Search"), N_("Close"), N_("Filter by kind"), N_("All kinds"),
    N_("Assessments"), N_("Fact sheets"), N_("News"), N_("Videos"), N_("Pages"),
    N_("Type to search this site."), N_("Loading search…"), N_("Search is not available right now."),
    N_("No results for %(query)s"), N_("Results: %(count)s"),
)

_KIND = re.compile(r"\s*kind:([^\"']*)")


def ui_strings(translate) -> dict[str, str]:
    """msgid -> translation of every search string, for config.extra.ipbes.strings."""
    return {msgid: translate(msgid) for msgid in UI_STRINGS}


def pagefind_binary() -> Path:
    """The Pagefind binary of the installed wheel (PAGEFIND_BINARY_PATH may name another)."""
    try:
        from pagefind.service import get_executable
    except ImportError:
        get_executable = None
    binary = get_executable() if get_executable else None
    if binary is None or not Path(binary).is_file():
        raise BuildError([Problem(Path("pyproject.toml"), None,
                                  f"the Pagefind binary is not installed; run `make site` (or "
                                  f"`.venv/bin/pip install pagefind=={PAGEFIND_VERSION} pagefind-bin-extended=={PAGEFIND_VERSION}`)")])
    return Path(binary)


def index_site(site_dir: Path, languages: list[str], exclude: Iterable[str] = DEFAULT_EXCLUDE,
               exclude_selectors: Iterable[str] = EXCLUDE_SELECTORS, cache: Path | None = None) -> dict[str, dict]:
    """Writes site_dir/<lang>/pagefind/ for every language; returns, per language, the pages
    indexed, the index's bytes (word index, fragments, filters, metadata: what grows with the
    content) and the whole bundle's bytes (with Pagefind's script and WebAssembly).

    With `cache` (a folder), a language whose indexed pages are byte for byte those of an
    earlier build gets that build's bundle (the bundle depends on nothing else: see
    `canonicalise_bundle`); only languages whose pages changed are indexed again."""
    site_dir = Path(site_dir)
    exclude = tuple(exclude)
    selected: dict[str, list[str]] = {}
    problems: list[Problem] = []
    for lang in languages:
        folder = site_dir / lang
        if not folder.is_dir():
            problems.append(Problem(folder, None, f"no folder for language '{lang}' to index; build the language first or leave it out of the list"))
            continue
        pages, found = _select_pages(folder, lang, exclude)
        problems += found
        if not pages:
            problems.append(Problem(folder, None, f"no page of '{lang}' carries {BODY_MARK}; put it on the main content element of the page template"))
        selected[lang] = pages
    if problems:
        raise BuildError(problems)
    binary = pagefind_binary()
    selectors = tuple(exclude_selectors)
    # Two languages at a time: one's pages are read and its bundle canonicalised in Python
    # while Pagefind indexes the other.
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {lang: pool.submit(_index_language, binary, site_dir / lang, lang, pages, selectors, cache)
                   for lang, pages in selected.items()}
        return {lang: future.result() for lang, future in futures.items()}


# Per language: bundles of other checkouts, branches and clock scenarios share the cache.
BUNDLES_KEPT = 3


def bundle_key(folder: Path, lang: str, pages: list[str], selectors: tuple[str, ...]) -> str:
    """What a language's bundle is made of: the indexed pages' paths and bytes, the language,
    the excluded selectors and Pagefind's version (the same inputs give the same bundle)."""
    digest = hashlib.sha256(f"{PAGEFIND_VERSION}\0{lang}\0{selectors!r}\0".encode())
    for relative in pages:
        data = (folder / relative).read_bytes()
        digest.update(f"{relative}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


def _stored_bundle(cache: Path, key: str, output: Path) -> bool:
    stored = cache / key
    if not (stored / "pagefind-entry.json").is_file():
        return False
    temporary = output.with_name(f".{BUNDLE}-cached")
    try:
        shutil.rmtree(temporary, ignore_errors=True)
        shutil.copytree(stored, temporary, copy_function=_link_or_copy)
        shutil.rmtree(output, ignore_errors=True)
        temporary.rename(output)
        os.utime(stored)
        return True
    except OSError:  # pruned by another build meanwhile: index instead
        shutil.rmtree(temporary, ignore_errors=True)
        return False


def _store_bundle(cache: Path, key: str, output: Path) -> None:
    """Keep a bundle under its key (copied aside, then renamed) and prune the oldest; never
    fails a build, whatever other builds do meanwhile."""
    temporary = cache / f".{key}.{os.getpid()}.tmp"
    try:
        cache.mkdir(parents=True, exist_ok=True)
        shutil.copytree(output, temporary, copy_function=_link_or_copy)
        if (cache / key).exists():
            shutil.rmtree(temporary, ignore_errors=True)
        else:
            os.replace(temporary, cache / key)
        entries = sorted((p for p in cache.iterdir() if p.is_dir() and not p.name.startswith(".")),
                         key=lambda p: p.stat().st_mtime, reverse=True)
        for old in entries[BUNDLES_KEPT:]:
            shutil.rmtree(old, ignore_errors=True)
    except OSError:
        shutil.rmtree(temporary, ignore_errors=True)


def _link_or_copy(source: str, target: str) -> None:
    """A bundle's files are never written again once made: the cache and the site may share
    them (a hard link, or a copy across file systems)."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _bundle_info(output: Path, lang: str) -> dict:
    entry = json.loads((output / "pagefind-entry.json").read_text(encoding="utf-8"))
    index_bytes = sum(f.stat().st_size for f in output.rglob("*")
                      if f.is_file() and (f.suffix in (".pf_index", ".pf_fragment", ".pf_filter", ".pf_meta")))
    bundle_bytes = sum(f.stat().st_size for f in output.rglob("*") if f.is_file())
    language = entry.get("languages", {}).get(lang, {})
    return {"pages": language.get("page_count", 0), "index_bytes": index_bytes, "bundle_bytes": bundle_bytes}


def _select_pages(folder: Path, lang: str, exclude: tuple[str, ...]) -> tuple[list[str], list[Problem]]:
    """The pages of `folder` Pagefind is to index: those carrying BODY_MARK, except the paths in
    `exclude` and, in a translation, English fallbacks (FALLBACK_MARK); read by lexbor, the
    output policy's parser, so a mark in a comment, a script or text does not count."""
    from selectolax.lexbor import LexborHTMLParser
    pages, problems = [], []
    for path in sorted(folder.rglob("*.html")):
        relative = path.relative_to(folder).as_posix()
        if relative.split("/", 1)[0] == BUNDLE or any(fnmatch.fnmatchcase(relative, p) for p in exclude):
            continue
        try:
            html = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(Problem(path, None, f"cannot read this page as UTF-8 ({exc}); rebuild the site"))
            continue
        tree = LexborHTMLParser(html)
        if tree.css_first(f"[{BODY_MARK}]") is None:
            continue
        if lang != SOURCE_LANGUAGE and tree.css_first(f"[{FALLBACK_MARK}]") is not None:
            continue
        for element in tree.css("[data-pagefind-filter]"):
            match = _KIND.match(element.attributes.get("data-pagefind-filter") or "")
            if match and match.group(1) not in KINDS:
                line = html.count("\n", 0, max(0, html.find(f"kind:{match.group(1)}"))) + 1
                problems.append(Problem(path, line, f"unknown search kind '{match.group(1)}'; use one of {', '.join(KINDS)}"))
        pages.append(relative)
    return pages, problems


def _index_language(binary: Path, folder: Path, lang: str, pages: list[str], selectors: tuple[str, ...],
                    cache: Path | None = None) -> dict:
    output = folder / BUNDLE
    key = None
    if cache is not None:
        key = bundle_key(folder, lang, pages, selectors)
        if _stored_bundle(Path(cache) / lang, key, output):
            return _bundle_info(output, lang)
    with tempfile.TemporaryDirectory(prefix=f"pagefind-{lang}-") as scratch:
        for relative in pages:
            target = Path(scratch) / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(folder / relative, target)
            except OSError:
                shutil.copyfile(folder / relative, target)
        staging = folder / f".{BUNDLE}-new"
        shutil.rmtree(staging, ignore_errors=True)
        command = [str(binary), "--site", scratch, "--output-path", str(staging.resolve()), "--force-language", lang]
        if selectors:
            command += ["--exclude-selectors", ", ".join(selectors)]
        try:
            run = subprocess.run(command, capture_output=True, text=True, timeout=INDEX_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            shutil.rmtree(staging, ignore_errors=True)
            raise BuildError([Problem(folder, None, f"Pagefind took more than {INDEX_TIMEOUT_SECONDS} s to index '{lang}'; "
                                                    "look for a runaway page (a huge generated file) in this folder")])
    log = (run.stdout + run.stderr).strip()
    if run.returncode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        raise BuildError([Problem(folder, None, f"Pagefind could not index '{lang}': {_last_lines(log)}")])
    if lang in SEGMENTED_LANGUAGES and "(Extended)" not in log:
        shutil.rmtree(staging, ignore_errors=True)
        raise BuildError([Problem(Path("pyproject.toml"), None,
                                  f"'{lang}' is written without spaces and needs Pagefind's extended binary to find words; "
                                  f"install pagefind-bin-extended=={PAGEFIND_VERSION} (it is in requirements.lock)")])
    entry = json.loads((staging / "pagefind-entry.json").read_text(encoding="utf-8"))
    if entry.get("version") != PAGEFIND_VERSION:
        shutil.rmtree(staging, ignore_errors=True)
        raise BuildError([Problem(Path("pyproject.toml"), None,
                                  f"Pagefind {entry.get('version')} is installed, but search.js is written for {PAGEFIND_VERSION}; "
                                  "reinstall from requirements.lock (`make site`)")])
    for name in UNUSED_BUNDLE_FILES:
        (staging / name).unlink(missing_ok=True)
    try:
        canonicalise_bundle(staging, lang)
    except BuildError:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    shutil.rmtree(output, ignore_errors=True)
    staging.rename(output)
    if key is not None:
        _store_bundle(Path(cache) / lang, key, output)
    return _bundle_info(output, lang)


def _last_lines(log: str, count: int = 4) -> str:
    lines = [line.strip() for line in log.splitlines() if line.strip()]
    return " / ".join(lines[-count:]) or "no output"


# --- The same bundle from the same site ---------------------------------------------------------

# Pagefind 1.5.2's index files, as its WebAssembly reads them: gzip of INDEX_MAGIC and CBOR.
#   pagefind.<lang>_<hash>.pf_meta  [version, pages: [[fragment, word count]], chunks: [[from, to, index]],
#                                    filters: [[name, filter]], sorts: [[name, [page]]], meta fields]
#   index/<lang>_<hash>.pf_index    [[[word, pages, [[word as written (with diacritics), pages]]]]],
#                                    pages: [[page - previous page, locations, meta locations]]
#   filter/<lang>_<hash>.pf_filter  [name, [[value, [page]]]]
#   fragment/<lang>_<hash>.pf_fragment  JSON of one page (url, content, filters, meta, anchors)
# A page is its position in the metadata's page list; nothing else in the bundle numbers pages.
INDEX_MAGIC = b"pagefind_dcd"
META_FIELDS = 6
# Hex digits of a content hash in an index file's name (`<lang>_<7 hex>`, as Pagefind names
# them); a name that would be taken by other content gets more.
SHORT_HASH_HEX = 7
GZIP_LEVEL = 9
_UNREADABLE = (OSError, EOFError, zlib.error, cbor2.CBORDecodeError, ValueError, TypeError,
               KeyError, IndexError, AttributeError, RecursionError)


class _Layout(Exception):
    def __init__(self, path: Path, what: str):
        super().__init__(what)
        self.path, self.what = path, what


def canonicalise_bundle(bundle: Path, lang: str) -> None:
    """Rewrites the Pagefind bundle in `bundle` so that its bytes depend only on the pages it
    indexes: pages numbered in URL order, filter values, filters and sorts in name order, every
    index file gzipped without time stamp or file name and named by a hash of its content, and
    the names in the metadata and in pagefind-entry.json following. Search reads it as before."""
    try:
        _canonicalise(Path(bundle), lang)
    except _Layout as error:
        raise BuildError([Problem(error.path, None, f"{error.what}; Pagefind {PAGEFIND_VERSION} does not write this: "
                                                    "reinstall it from requirements.lock (`make site`) and build again")]) from None


@contextlib.contextmanager
def _reading(path: Path):
    try:
        yield
    except _Layout:
        raise
    except _UNREADABLE as exc:
        raise _Layout(path, f"cannot read this search index file ({type(exc).__name__}: {exc})") from None


def _expect(condition: bool, path: Path, what: str) -> None:
    if not condition:
        raise _Layout(path, what)


def _unpack(path: Path) -> bytes:
    data = gzip.decompress(path.read_bytes())
    _expect(data.startswith(INDEX_MAGIC), path, f"this search index file does not start with {INDEX_MAGIC.decode()}")
    return data[len(INDEX_MAGIC):]


def _pack(value) -> bytes:
    return INDEX_MAGIC + cbor2.dumps(value)


def _names(lang: str, contents: Iterable[bytes], digits: int = SHORT_HASH_HEX) -> dict[bytes, str]:
    """Each distinct content's name: `<lang>_` and the shortest prefix of its hash from `digits`
    hex digits that no other content has taken, given out in hash order."""
    digests = {content: _digest(content) for content in contents}
    names, taken = {}, set()
    for content, digest in sorted(digests.items(), key=lambda item: (item[1], item[0])):
        length = digits
        while f"{lang}_{digest[:length]}" in taken and length < len(digest):
            length += 1
        names[content] = f"{lang}_{digest[:length]}"
        taken.add(names[content])
    return names


def _digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _canonicalise(bundle: Path, lang: str) -> None:
    entry_path = bundle / "pagefind-entry.json"
    with _reading(entry_path):
        entry = json.loads(entry_path.read_text(encoding="utf-8"))
        meta_hash = entry["languages"][lang]["hash"]
        _expect(isinstance(meta_hash, str) and meta_hash.startswith(f"{lang}_"), entry_path, f"no metadata named for '{lang}'")
    meta_path = bundle / f"pagefind.{meta_hash}.pf_meta"
    with _reading(meta_path):
        meta = cbor2.loads(_unpack(meta_path))
        _expect(isinstance(meta, list) and len(meta) == META_FIELDS and meta[0] == PAGEFIND_VERSION, meta_path,
                f"the search metadata is not a list of {META_FIELDS} fields starting with version {PAGEFIND_VERSION}")
        version, pages, chunks, filters, sorts, fields = meta
        _expect(all(isinstance(part, list) for part in (pages, chunks, filters, sorts)), meta_path, "a list of the search metadata is not a list")

    fragments: dict[str, tuple[bytes, bytes, str]] = {}  # Pagefind's name -> file, content, URL
    for page in pages:
        with _reading(meta_path):
            name, _count = page
        path = bundle / "fragment" / f"{name}.pf_fragment"
        if name not in fragments:
            with _reading(path):
                packed = path.read_bytes()
                content = INDEX_MAGIC + _unpack(path)
                url = json.loads(content[len(INDEX_MAGIC):].decode("utf-8"))["url"]
                _expect(isinstance(url, str), path, "the page's url is not text")
            fragments[name] = (packed, content, url)

    def url_then_content(number: int) -> tuple[str, bytes]:
        _, content, url = fragments[pages[number][0]]
        return url, content

    order = sorted(range(len(pages)), key=url_then_content)
    new_number = {old: new for new, old in enumerate(order)}
    fragment_names = _names(lang, (content for _, content, _ in fragments.values()))
    files: dict[str, bytes] = {}
    new_pages = []
    for old in order:
        name, count = pages[old]
        packed, content, _ = fragments[name]
        files[f"fragment/{fragment_names[content]}.pf_fragment"] = packed
        new_pages.append([fragment_names[content], count])

    new_chunks, chunk_contents = [], []
    for chunk in chunks:
        with _reading(meta_path):
            _expect(len(chunk) == 3, meta_path, "an index chunk is not [from, to, name]")
            path = bundle / "index" / f"{chunk[2]}.pf_index"
        with _reading(path):
            (words,) = cbor2.loads(_unpack(path))
            for word in words:
                word[1] = _renumber_word_pages(word[1], new_number)
                word[2] = sorted([variant, _renumber_word_pages(variant_pages, new_number)] for variant, variant_pages in word[2])
            chunk_contents.append(_pack([words]))
            new_chunks.append([chunk[0], chunk[1], chunk_contents[-1]])

    new_filters, filter_contents = [], []
    with _reading(meta_path):
        filters = sorted(([filter_name, name] for filter_name, name in filters), key=lambda pair: pair[0])
    for filter_name, name in filters:
        path = bundle / "filter" / f"{name}.pf_filter"
        with _reading(path):
            stored_name, values = cbor2.loads(_unpack(path))
            _expect(stored_name == filter_name, path, f"this filter file holds '{stored_name}', not '{filter_name}'")
            values = sorted([value, sorted(new_number[page] for page in value_pages)] for value, value_pages in values)
            filter_contents.append(_pack([stored_name, values]))
            new_filters.append([filter_name, filter_contents[-1]])

    # A sort lists pages by a value the bundle does not keep, so pages with equal values stay in
    # Pagefind's order; the site's pages carry no data-pagefind-sort.
    with _reading(meta_path):
        new_sorts = [[key, [new_number[page] for page in sort_pages]] for key, sort_pages in sorted(sorts, key=lambda pair: pair[0])]
    chunk_names, filter_names = _names(lang, chunk_contents), _names(lang, filter_contents)
    for chunk in new_chunks:
        files[f"index/{chunk_names[chunk[2]]}.pf_index"] = gzip.compress(chunk[2], GZIP_LEVEL, mtime=0)
        chunk[2] = chunk_names[chunk[2]]
    for pair in new_filters:
        files[f"filter/{filter_names[pair[1]]}.pf_filter"] = gzip.compress(pair[1], GZIP_LEVEL, mtime=0)
        pair[1] = filter_names[pair[1]]

    new_meta = _pack([version, new_pages, new_chunks, new_filters, new_sorts, fields])
    new_meta_hash = _names(lang, [new_meta], digits=len(meta_hash) - len(lang) - 1)[new_meta]
    files[f"pagefind.{new_meta_hash}.pf_meta"] = gzip.compress(new_meta, GZIP_LEVEL, mtime=0)
    entry["languages"][lang]["hash"] = new_meta_hash

    for folder in ("fragment", "index", "filter"):
        shutil.rmtree(bundle / folder, ignore_errors=True)
    meta_path.unlink()
    for relative, data in files.items():
        (bundle / relative).parent.mkdir(exist_ok=True)
        (bundle / relative).write_bytes(data)
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def _renumber_word_pages(word_pages: list, new_number: dict[int, int]) -> list:
    """A word's pages, each given as its distance from the page before, renumbered and in order."""
    absolute, page = [], 0
    for entry in word_pages:
        page += entry[0]
        absolute.append([new_number[page], *entry[1:]])
    absolute.sort(key=lambda entry: entry[0])
    previous = 0
    for entry in absolute:
        entry[0], previous = entry[0] - previous, entry[0]
    return absolute


# --- Measuring what search costs a reader (for `make bench`) ---------------------------------

# How long to wait after a result shows for the browser to report the last responses.
SETTLE_MS = 500
TEXT_SUFFIXES = (".html", ".css", ".js", ".json", ".svg", ".xml", ".txt")


@contextlib.contextmanager
def serve_site(directory: Path, headers: dict[str, str] | None = None):
    """`directory` on a loopback port, gzipping text as most static hosts do (Pagefind's index
    files are gzipped already), with extra response headers (e.g. a Content-Security-Policy)."""
    extra = dict(headers or {})

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(directory), **kwargs)

        def log_message(self, *args):
            pass

        def end_headers(self):
            for name, value in extra.items():
                self.send_header(name, value)
            super().end_headers()

        def send_head(self):
            path = Path(self.translate_path(self.path))
            if path.is_dir() and self.path.split("?")[0].endswith("/"):
                path = path / "index.html"
            if (path.suffix not in TEXT_SUFFIXES or not path.is_file()
                    or "gzip" not in self.headers.get("Accept-Encoding", "")):
                return super().send_head()
            body = gzip.compress(path.read_bytes(), 6)
            self.send_response(200)
            self.send_header("Content-Type", self.guess_type(str(path)))
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            return io.BytesIO(body)

    class Server(http.server.ThreadingHTTPServer):
        def handle_error(self, request, client_address):
            if not isinstance(sys.exc_info()[1], ConnectionError):
                super().handle_error(request, client_address)

    server = Server(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def measure_first_query(browser, origin: str, page_path: str, queries: tuple[str, str],
                        timeout_ms: int = 20_000) -> dict:
    """In a fresh browser context: what a page load fetches of the search bundle before any
    interaction (should be nothing), then the compressed bytes of the bundle fetched by a first
    and by a second query (responses' encoded body sizes, as the browser received them), and
    the time from pressing `/` and typing the first query to its first result on screen
    (DEBOUNCE_MS of search.js included, as a reader waits it)."""
    context = browser.new_context()
    page = context.new_page()
    finished: list = []
    page.on("requestfinished", lambda request: finished.append(request))
    try:
        page.goto(f"{origin}/{page_path.lstrip('/')}", wait_until="networkidle")
        before = [r.url for r in finished if f"/{BUNDLE}/" in r.url]
        results = page.locator(".ipbes-search__result")
        measured = []
        for number, query in enumerate(queries):
            if number:
                page.locator(".ipbes-search__input").fill("")
                results.first.wait_for(state="detached", timeout=timeout_ms)
            start = len(finished)
            began = time.perf_counter()
            if not number:
                page.keyboard.press("/")
            page.keyboard.type(query)
            results.first.wait_for(state="visible", timeout=timeout_ms)
            elapsed = (time.perf_counter() - began) * 1000
            page.wait_for_timeout(SETTLE_MS)
            fetched = [r for r in finished[start:] if f"/{BUNDLE}/" in r.url]
            measured.append({"bytes": sum(_transferred(r) for r in fetched),
                             "requests": len(fetched), "ms": round(elapsed)})
    finally:
        context.close()
    return {"requests_before_search": len(before),
            "first_query_bytes": measured[0]["bytes"], "first_query_requests": measured[0]["requests"],
            "first_result_ms": measured[0]["ms"],
            "second_query_bytes": measured[1]["bytes"], "second_query_requests": measured[1]["requests"]}


def _transferred(request) -> int:
    """The response body's size as it travelled (compressed). Chromium reports 0 for a worker's
    own script, so that one is taken from its Content-Length."""
    size = request.sizes()["responseBodySize"]
    if not size:
        response = request.response()
        size = int(response.header_value("content-length") or 0) if response else 0
    return size
