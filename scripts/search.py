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
"""
from __future__ import annotations

import contextlib
import fnmatch
import gzip
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
from pathlib import Path
from typing import Iterable

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

_COMMENT = re.compile(r"<!--.*?-->", re.S)
_TAG = re.compile(r"<[a-zA-Z][^<>]*>")
_KIND = re.compile(r"""data-pagefind-filter\s*=\s*["']kind:([^"']*)["']""")


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
               exclude_selectors: Iterable[str] = EXCLUDE_SELECTORS) -> dict[str, dict]:
    """Writes site_dir/<lang>/pagefind/ for every language; returns, per language, the pages
    indexed, the index's bytes (word index, fragments, filters, metadata: what grows with the
    content) and the whole bundle's bytes (with Pagefind's script and WebAssembly)."""
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
    return {lang: _index_language(binary, site_dir / lang, lang, pages, tuple(exclude_selectors))
            for lang, pages in selected.items()}


def _select_pages(folder: Path, lang: str, exclude: tuple[str, ...]) -> tuple[list[str], list[Problem]]:
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
        tags = _TAG.findall(_COMMENT.sub("", html))
        if not any(re.search(rf"\s{BODY_MARK}(?=[\s=>/])", tag) for tag in tags):
            continue
        if lang != SOURCE_LANGUAGE and any(re.search(rf"\s{FALLBACK_MARK}(?=[\s=>/])", tag) for tag in tags):
            continue
        for tag in tags:
            match = _KIND.search(tag)
            if match and match.group(1) not in KINDS:
                line = html.count("\n", 0, html.find(tag)) + 1
                problems.append(Problem(path, line, f"unknown search kind '{match.group(1)}'; use one of {', '.join(KINDS)}"))
        pages.append(relative)
    return pages, problems


def _index_language(binary: Path, folder: Path, lang: str, pages: list[str], selectors: tuple[str, ...]) -> dict:
    output = folder / BUNDLE
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
    shutil.rmtree(output, ignore_errors=True)
    staging.rename(output)
    index_bytes = sum(f.stat().st_size for f in output.rglob("*")
                      if f.is_file() and (f.suffix in (".pf_index", ".pf_fragment", ".pf_filter", ".pf_meta")))
    bundle_bytes = sum(f.stat().st_size for f in output.rglob("*") if f.is_file())
    language = entry.get("languages", {}).get(lang, {})
    return {"pages": language.get("page_count", 0), "index_bytes": index_bytes, "bundle_bytes": bundle_bytes}


def _last_lines(log: str, count: int = 4) -> str:
    lines = [line.strip() for line in log.splitlines() if line.strip()]
    return " / ".join(lines[-count:]) or "no output"


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
