"""`make audit`: Lighthouse's four scores for one page of each main template in English,
Arabic and Chinese, on its mobile preset, the site served from `site/` on loopback.

Lighthouse (npm `lighthouse` 12, pinned in package-lock.json) is the checker web teams use;
running it here, against Debian's Chromium, keeps the site's numbers honest without writing
a checker of our own. Its scores move from run to run (simulated throttling on a shared
machine), so the audit prints and records them and is never a timed test; the tests check
only that a Lighthouse report is read correctly.

The loopback server compresses text with gzip, as static hosts such as GitHub Pages do, so
that Performance is not judged on transfers no host would make.
"""
from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import functools
import gzip
import http.server
import io
import json
import os
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

from . import ROOT
from .errors import BuildError, Problem

LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CHROME_PATH = "/usr/bin/chromium"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
LANGS = ("en", "ar", "zh")
# Home, launch, fact sheet, news post, videos.
PAGES = ("", "assessments/global/", "factsheets/global/", "news/logo-use-policy/", "videos/")
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage"
# One Lighthouse run of one page on the 2-core build machine takes 15 to 30 s.
RUN_TIMEOUT_S = 240
# Lighthouse shows a measured audit (a metric) as passed from this score, others at 1 only.
NUMERIC_PASS = 0.9
# How many failing audits to name per page (the worst first).
FAILING_SHOWN = 6
MARKERS = ("<!-- audit:start -->", "<!-- audit:end -->")
GZIP_TYPES = (".html", ".css", ".js", ".json", ".svg", ".xml", ".txt", ".ics", ".mjs")


@dataclass
class PageScores:
    url: str
    scores: dict[str, int]  # category id -> 0..100
    layout_shift: float | None = None
    failing: list[str] = field(default_factory=list)  # "category: audit id" that Lighthouse shows as not passed


def read_report(data: dict, source: Path | str) -> PageScores:
    """The scores of one Lighthouse JSON report (`lighthouse --output=json`)."""
    if not isinstance(data, dict) or not isinstance(data.get("categories"), dict):
        raise BuildError([Problem(Path(source), None, "not a Lighthouse report: it has no 'categories'; "
                                                      "give the JSON file that `lighthouse --output=json` writes")])
    if data.get("runtimeError"):
        error = data["runtimeError"]
        raise BuildError([Problem(Path(source), None, f"Lighthouse could not load {data.get('finalDisplayedUrl') or data.get('requestedUrl')}: "
                                                      f"{error.get('code')}: {error.get('message')}; check that the page is served")])
    scores, missing = {}, []
    for category in CATEGORIES:
        score = (data["categories"].get(category) or {}).get("score")
        if score is None:
            missing.append(category)
        else:
            scores[category] = round(score * 100)
    if missing:
        raise BuildError([Problem(Path(source), None, f"the report has no score for {', '.join(missing)}; "
                                                      f"run Lighthouse with --only-categories={','.join(CATEGORIES)}")])
    audits = data.get("audits") or {}
    shift = (audits.get("cumulative-layout-shift") or {}).get("numericValue")
    failing = []
    for category in CATEGORIES:
        refs = sorted(data["categories"][category].get("auditRefs") or [], key=lambda r: -(r.get("weight") or 0))
        for ref in refs:
            result = audits.get(ref.get("id")) or {}
            passed = NUMERIC_PASS if result.get("scoreDisplayMode") == "numeric" else 1
            if (ref.get("weight") or 0) > 0 and result.get("score") is not None and result["score"] < passed:
                failing.append(f"{category}: {ref['id']}")
    return PageScores(data.get("finalDisplayedUrl") or data.get("requestedUrl") or "", scores, shift, failing)


def read_report_file(path: Path) -> PageScores:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BuildError([Problem(Path(path), None, f"cannot read the Lighthouse report ({exc}); run the audit again")]) from exc
    return read_report(data, path)


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Static files, text gzipped when the browser accepts it."""

    def log_message(self, *args):
        pass

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir() and self.path.split("?")[0].endswith("/"):
            path = path / "index.html"
        if path.suffix not in GZIP_TYPES or not path.is_file() or "gzip" not in self.headers.get("Accept-Encoding", ""):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


@contextlib.contextmanager
def serve(site: Path):
    handler = functools.partial(_Handler, directory=str(Path(site).resolve()))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def run_lighthouse(url: str, out: Path) -> PageScores:
    """One Lighthouse run (mobile, its default preset) of one URL; the JSON report kept in `out`."""
    if not LIGHTHOUSE.is_file():
        raise BuildError([Problem(LIGHTHOUSE, None, "Lighthouse is not installed; run `npm ci` (make audit does)")])
    chrome = os.environ.get("CHROME_PATH", CHROME_PATH)
    if not Path(chrome).is_file():
        raise BuildError([Problem(Path(chrome), None, "no Chromium there; install Debian's chromium or set CHROME_PATH")])
    command = [str(LIGHTHOUSE), url, "--output=json", f"--output-path={out}", "--quiet",
               f"--only-categories={','.join(CATEGORIES)}", f"--chrome-flags={CHROME_FLAGS}"]
    try:
        run = subprocess.run(command, capture_output=True, text=True, timeout=RUN_TIMEOUT_S,
                             env={**os.environ, "CHROME_PATH": chrome})
    except subprocess.TimeoutExpired as exc:
        raise BuildError([Problem(Path(out), None, f"Lighthouse took more than {RUN_TIMEOUT_S} s on {url}; "
                                                   "run the audit when the machine is less busy")]) from exc
    if run.returncode != 0 or not out.is_file():
        raise BuildError([Problem(Path(out), None, f"Lighthouse failed on {url} (exit {run.returncode}): "
                                                   f"{run.stderr.strip()[-500:]}")])
    return read_report_file(out)


def audit_site(site: Path, langs=LANGS, pages=PAGES, reports: Path | None = None, report=print) -> list[PageScores]:
    site = Path(site)
    missing = [f"{lang}/{page}" for lang in langs for page in pages if not (site / lang / page / "index.html").is_file()]
    if missing:
        raise BuildError([Problem(site, None, f"the built site has no {', '.join(missing)}; build it first (make site)")])
    results = []
    with tempfile.TemporaryDirectory() as scratch, serve(site) as origin:
        folder = Path(reports or scratch)
        folder.mkdir(parents=True, exist_ok=True)
        for lang in langs:
            for page in pages:
                name = f"{lang}-{page.strip('/').replace('/', '-') or 'home'}.json"
                result = run_lighthouse(f"{origin}/{lang}/{page}", folder / name)
                result.url = f"/{lang}/{page}"
                results.append(result)
                report(line(result))
    return results


def line(result: PageScores) -> str:
    scores = "  ".join(f"{c} {result.scores[c]:3d}" for c in CATEGORIES)
    shift = f"  CLS {result.layout_shift:.3f}" if result.layout_shift is not None else ""
    below = f"\n    not passed: {', '.join(result.failing[:FAILING_SHOWN])}" if result.failing else ""
    return f"{result.url:32s} {scores}{shift}{below}"


def table(results: list[PageScores]) -> list[str]:
    lines = ["| page | Performance | Accessibility | Best Practices | SEO | layout shift | not passed |",
             "| --- | ---: | ---: | ---: | ---: | ---: | --- |"]
    for r in results:
        shift = f"{r.layout_shift:.3f}" if r.layout_shift is not None else ""
        failing = ", ".join(f"`{f.split(': ', 1)[1]}`" for f in r.failing[:FAILING_SHOWN])
        lines.append(f"| `{r.url}` | " + " | ".join(str(r.scores[c]) for c in CATEGORIES) + f" | {shift} | {failing} |")
    return lines


def write_results(page: Path, lines: list[str], note: str) -> None:
    """Replaces what stands between the page's audit markers."""
    text = Path(page).read_text(encoding="utf-8")
    start, end = MARKERS
    if start not in text or end not in text or text.index(start) > text.index(end):
        raise BuildError([Problem(Path(page), None, f"the markers {start} and {end} are missing; "
                                                    "put both on lines of their own where the audit's results go")])
    new = text[:text.index(start) + len(start)] + f"\n\n{note}\n\n" + "\n".join(lines) + "\n\n" + text[text.index(end):]
    Path(page).write_text(new, encoding="utf-8")


def lighthouse_version() -> str:
    package = ROOT / "node_modules" / "lighthouse" / "package.json"
    try:
        return json.loads(package.read_text(encoding="utf-8"))["version"]
    except (OSError, ValueError, KeyError):
        return "?"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.audit", description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, default=ROOT / "site", help="the built site (default: site/)")
    parser.add_argument("--write-page", type=Path, help="write the scores into this page, between its audit markers")
    parser.add_argument("--reports", type=Path, help="keep Lighthouse's JSON reports in this folder")
    args = parser.parse_args(argv)
    try:
        results = audit_site(args.site, reports=args.reports)
        if args.write_page:
            note = (f"Measured on {dt.date.today().isoformat()} with Lighthouse {lighthouse_version()}, mobile preset "
                    f"(simulated slow 4G and a slowed CPU), Debian's Chromium, {os.cpu_count()} cores, the site served "
                    "on loopback with gzip. Scores move by a few points from run to run.")
            write_results(args.write_page, table(results), note)
    except BuildError as error:
        print(error, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
