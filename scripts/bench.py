"""Benchmarks (`make bench`): measured and printed, never asserted by a test.

- The build: a synthetic corpus (`corpus`) built cold, alternating, by this project's
  pipeline and by the usual Material + mkdocs-static-i18n setup, each as a child process
  whose wall and CPU time, peak memory (the whole process tree, sampled from /proc) and
  output are measured; medians of several runs, written into the benchmark page.
- The preview: `ipbes-site serve` on one language of the corpus; the time from saving an
  edit of one page to the served page showing it.
- The brand checks: the whole site, cold (empty result cache) and warm, and the logo
  detector per image on the project's cover images and on composited images.
"""
from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path


def _timed(function, *args, **kwargs) -> tuple[float, float, object]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = function(*args, **kwargs)
    return time.perf_counter() - wall, time.process_time() - cpu, result


def bench_brand_checks(root: Path, site: Path | None, images: int = 24, report=print) -> dict:
    from .brand.logos import find_logos, load_templates, render_svg
    from .brand.run import check_site, check_sources, logo_files
    from PIL import Image
    results = {"cores": os.cpu_count()}
    report(f"Brand checks on {os.cpu_count()} core(s)")
    wall, cpu, findings = _timed(check_sources, root)
    results["sources"] = wall
    report(f"  sources (prose, colours, cover images, logo files): {wall:.2f} s wall, {cpu:.2f} s CPU, {len(findings)} finding(s)")
    if site is not None and Path(site).is_dir():
        pdfs = sum(1 for _ in Path(site).rglob("*.pdf"))
        with tempfile.TemporaryDirectory() as cache:
            previous = os.environ.get("IPBES_SITE_CACHE")
            os.environ["IPBES_SITE_CACHE"] = cache
            try:
                cold, _, _ = _timed(check_site, root, site)
                warm, _, _ = _timed(check_site, root, site)
            finally:
                if previous is None:
                    os.environ.pop("IPBES_SITE_CACHE", None)
                else:
                    os.environ["IPBES_SITE_CACHE"] = previous
        results.update({"site_cold": cold, "site_warm": warm, "pdfs": pdfs})
        report(f"  built site ({pdfs} PDFs, web covers, logo files): {cold:.2f} s cold, {warm:.2f} s warm (results cached by PDF hash)")
    logos = logo_files(root)
    templates = load_templates({name: logos[name] for name in ("unep", "unesco", "fao", "undp") if name in logos})
    covers = sorted((root / "docs" / "media" / "covers").glob("*.jpg"))
    samples = [Image.open(path).convert("RGB") for path in covers]
    while len(samples) < images and covers:
        base = Image.open(covers[len(samples) % len(covers)]).convert("RGB")
        mark = render_svg(logos["unesco"].read_bytes(), int(base.width * (0.05 + 0.45 * (len(samples) % 7) / 6)))
        base.paste(mark, (len(samples) * 37 % max(1, base.width - mark.width), len(samples) * 23 % max(1, base.height - mark.height)), mark)
        samples.append(base)
    samples = samples[:images]
    find_logos(samples[0], templates)  # prepares the templates once, as a build does
    times = [_timed(find_logos, image, templates)[0] for image in samples]
    results.update({"per_image_median": statistics.median(times), "per_image_max": max(times), "images": len(times)})
    report(f"  logo detector: {len(times)} images of {samples[0].width}x{samples[0].height}, "
           f"median {statistics.median(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms per image (target < 300 ms)")
    return results


@dataclass
class Run:
    wall: float
    cpu: float
    peak_mb: float
    output_mb: float
    pages: int
    html_kb_per_page: float
    checks: float


# The phases of `ipbes-site build` that only check (sources, translation status, brand
# rules), as its progress output times them.
CHECK_PHASES = re.compile(r"^(?:Checked the sources|Translation status of every page|Brand rules checked|Links and anchors checked|"
                          r"Brand rules on the sources checked beside the build) in ([0-9.]+) s(?: of computing)?$", re.M)


def _tree_rss_kb(root_pid: int) -> int:
    """Resident memory of a process and all its descendants, from /proc."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
            with open(f"/proc/{entry}/statm", "rb") as statm:
                rss[int(entry)] = int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024
            parents[int(entry)] = int(fields[1])
        except (OSError, IndexError, ValueError):
            continue
    tree, frontier = {root_pid}, [root_pid]
    while frontier:
        pid = frontier.pop()
        children = [child for child, parent in parents.items() if parent == pid and child not in tree]
        tree.update(children)
        frontier += children
    return sum(rss.get(pid, 0) for pid in tree)


def measure(command: list[str], env: dict, output: Path, cwd: Path) -> Run:
    """Runs one build as a child process and measures it and what it wrote."""
    shutil.rmtree(output, ignore_errors=True)
    peak = [0]
    started = time.perf_counter()
    printed = tempfile.TemporaryFile()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=printed, stderr=subprocess.STDOUT)
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            peak[0] = max(peak[0], _tree_rss_kb(process.pid))
            stop.wait(0.05)
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    stop.set()
    sampler.join()
    printed.seek(0)
    output_text = printed.read().decode("utf-8", "replace")
    printed.close()
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({process.returncode}):\n{output_text[-3000:]}")
    files = [p for p in output.rglob("*") if p.is_file()]
    html = [p for p in files if p.suffix == ".html"]
    return Run(wall=wall, cpu=usage.ru_utime + usage.ru_stime, peak_mb=peak[0] / 1024,
               output_mb=sum(p.stat().st_size for p in files) / 1e6, pages=len(html),
               html_kb_per_page=sum(p.stat().st_size for p in html) / max(1, len(html)) / 1000,
               checks=sum(float(s) for s in CHECK_PHASES.findall(output_text)))


SETUPS = ("ipbes", "static-i18n")


def _child_env(**extra: str) -> dict:
    return dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONPATH=str(Path(__file__).parent.parent), **extra)


def bench_builds(root: Path, pages: int = 300, runs: int = 3, work: Path | None = None, report=print, edits: int = 3) -> dict:
    """Cold full builds of the synthetic corpus, alternating the two setups; medians."""
    from .corpus import write_corpus
    work = Path(work or Path(root) / ".build" / "bench")
    report(f"Writing the synthetic corpus: {pages} pages per language into {work}...")
    projects = write_corpus(Path(root), work / "corpus", pages)
    python = sys.executable
    commands = {
        "ipbes": [python, "-m", "scripts.cli", "--root", str(projects["ipbes"]), "build", "--out", str(work / "out" / "ipbes")],
        "static-i18n": [python, "-m", "mkdocs", "build", "-q", "-f", str(projects["static-i18n"] / "mkdocs.yml"),
                        "-d", str(work / "out" / "static-i18n")],
    }
    results: dict[str, list[Run]] = {name: [] for name in SETUPS}
    for number in range(runs):
        for name in SETUPS if number % 2 == 0 else reversed(SETUPS):
            cache = work / "cache"
            if name == "ipbes":  # only this project keeps a cache; the last one stays for the warm run
                shutil.rmtree(cache, ignore_errors=True)
            shutil.rmtree(projects[name] / ".build", ignore_errors=True)
            run = measure(commands[name], _child_env(IPBES_SITE_CACHE=str(cache)), work / "out" / name, projects[name])
            results[name].append(run)
            report(f"  run {number + 1}/{runs} {name}: {run.wall:.1f} s wall, {run.cpu:.1f} s CPU, {run.peak_mb:.0f} MB peak")
    # Once more with the last cold run's cache kept, as CI and editors mostly build.
    shutil.rmtree(projects["ipbes"] / ".build", ignore_errors=True)
    warm = measure(commands["ipbes"], _child_env(IPBES_SITE_CACHE=str(work / "cache")), work / "out" / "ipbes", projects["ipbes"])
    report(f"  warm ipbes: {warm.wall:.1f} s wall, {warm.cpu:.1f} s CPU")
    medians = {name: {field: statistics.median(getattr(r, field) for r in runs_) for field in Run.__dataclass_fields__}
               for name, runs_ in results.items()}
    summary = {"cores": os.cpu_count(), "pages_per_language": pages, "runs": runs, "medians": medians,
               "ratio_wall": medians["ipbes"]["wall"] / medians["static-i18n"]["wall"],
               "ratio_cpu": medians["ipbes"]["cpu"] / medians["static-i18n"]["cpu"], "warm_wall": warm.wall}
    summary["preview"] = bench_preview(projects["ipbes"], edits=edits, report=report)
    summary["search"] = bench_search(work / "out" / "ipbes", work / "out" / "static-i18n", report=report)
    for line in build_table(summary):
        report(line)
    return summary


LABELS = (("wall", "wall time, s", "{:.1f}"), ("cpu", "CPU time, s", "{:.1f}"), ("peak_mb", "peak memory, MB", "{:.0f}"),
          ("output_mb", "output, MB", "{:.1f}"), ("pages", "HTML files", "{:.0f}"), ("html_kb_per_page", "HTML per page, KB", "{:.1f}"))


def build_table(summary: dict) -> list[str]:
    """The results as a Markdown table: one row per measure, the two setups and their ratio."""
    ours, base = summary["medians"]["ipbes"], summary["medians"]["static-i18n"]
    lines = [f"Cold full build, {summary['pages_per_language']} pages x 6 languages, {summary['cores']} cores, "
             f"median of {summary['runs']} run(s):", "",
             "| measure | this project | Material + static-i18n | ratio |", "| --- | ---: | ---: | ---: |"]
    for field, label, form in LABELS:
        ratio = ours[field] / base[field] if base[field] else float("nan")
        lines.append(f"| {label} | {form.format(ours[field])} | {form.format(base[field])} | {ratio:.2f} |")
    lines += ["", f"Ratio of wall times: {summary['ratio_wall']:.2f} (target: at most 0.33)."]
    if "warm_wall" in summary:
        lines += ["", f"Warm build of this project (its cache of cards, image variants and compiled templates kept): "
                      f"{summary['warm_wall']:.1f} s, {summary['warm_wall'] / base['wall']:.2f} of the usual setup's cold build."]
    if ours["checks"]:
        lines += ["", f"Checks outside the language builds (sources, links and anchors, brand rules): {ours['checks']:.1f} s of "
                      f"computing, {100 * ours['checks'] / ours['cpu']:.0f}% of this project's CPU time (the brand rules' checks "
                      "of the sources run beside staging and the language builds). Not counted here: the output policy, "
                      "which parses every built page (reported by the build with the security policy)."]
    if "preview" in summary:
        preview = summary["preview"]
        lines += ["", f"Preview (`make serve`, one language of {summary['pages_per_language']} pages): the first build is served after "
                      f"{preview['first_build']:.1f} s; an edit of one page shows after {preview['edit_median']:.2f} s "
                      f"(median; slowest {preview['edit_max']:.2f} s)."]
    if summary.get("search"):
        search = summary["search"]
        lines += ["", "Search, English pages of the corpus, in Chromium, compressed bytes as received:", "",
                  "| setup | before any search | first query | second query | first result |", "| --- | ---: | ---: | ---: | ---: |"]
        for name, q in search["queries"].items():
            lines.append(f"| {name} | {q['requests_before_search']} requests | {q['first_query_bytes'] / 1000:.0f} kB | "
                         f"{q['second_query_bytes'] / 1000:.1f} kB | {q['first_result_ms']} ms |")
        for name, sizes in search["index"].items():
            lines.append("")
            lines.append(f"Index per language, {name}: " + ", ".join(
                f"{lang} {s['compressed'] / 1000:.0f} kB" for lang, s in sorted(sizes.items())) + " (compressed).")
    return lines


SEARCH_QUERIES = ("biodiversity", "assessment")


def bench_search(ours: Path, baseline: Path, report=print) -> dict:
    """Search on the corpus as a reader meets it, in real Chromium (a child process: one
    Playwright per process): bytes fetched before any search, by a first and a second query
    (compressed, as the browser received them), time to the first result, and the index size
    per language, for Pagefind (this project) and Material's lunr search (the usual setup)."""
    import json
    code = ("import json, sys; from pathlib import Path; from scripts.bench import _search_child; "
            "print(json.dumps(_search_child(Path(sys.argv[1]), Path(sys.argv[2]))))")
    run = subprocess.run([sys.executable, "-c", code, str(Path(ours).resolve()), str(Path(baseline).resolve())],
                         capture_output=True, text=True, env=_child_env(), check=False, timeout=600)
    if run.returncode != 0:
        report(f"Search measurement failed: {run.stderr.strip().splitlines()[-1] if run.stderr.strip() else 'no output'}")
        return {}
    result = json.loads(run.stdout.strip().splitlines()[-1])
    for name, values in result["queries"].items():
        report(f"Search ({name}): {values['requests_before_search']} request(s) before searching; first query "
               f"{values['first_query_bytes'] / 1000:.0f} kB, second {values['second_query_bytes'] / 1000:.1f} kB, "
               f"first result after {values['first_result_ms']} ms")
    return result


def _index_sizes(site: Path) -> dict[str, dict[str, int]]:
    """Per language: Pagefind's index files (what grows with content) or lunr's JSON index, raw and gzipped."""
    import gzip
    sizes = {}
    for folder in sorted(p for p in Path(site).iterdir() if p.is_dir()):
        pagefind = [f for f in (folder / "pagefind").rglob("*") if f.is_file() and f.suffix.startswith(".pf_")]
        lunr = folder / "search" / "search_index.json"
        if pagefind:
            sizes[folder.name] = {"bytes": sum(f.stat().st_size for f in pagefind), "compressed": sum(f.stat().st_size for f in pagefind)}
        elif lunr.is_file():
            data = lunr.read_bytes()
            sizes[folder.name] = {"bytes": len(data), "compressed": len(gzip.compress(data, 6))}
    if (Path(site) / "search" / "search_index.json").is_file() and "en" not in sizes:
        data = (Path(site) / "search" / "search_index.json").read_bytes()
        sizes["en"] = {"bytes": len(data), "compressed": len(gzip.compress(data, 6))}
    return sizes


def _search_child(ours: Path, baseline: Path) -> dict:
    from playwright.sync_api import sync_playwright
    from .search import measure_first_query, serve_site
    queries = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"])
        try:
            with serve_site(ours) as origin:
                queries["Pagefind, this project"] = measure_first_query(browser, origin, "en/", SEARCH_QUERIES)
            with serve_site(baseline) as origin:
                queries["lunr, the usual setup"] = _lunr_query(browser, origin, SEARCH_QUERIES)
        finally:
            browser.close()
    return {"queries": queries, "index": {"Pagefind": _index_sizes(ours), "lunr": _index_sizes(baseline)}}


def _lunr_query(browser, origin: str, queries: tuple[str, str]) -> dict:
    """Material's search on the usual setup's English pages: the same measures as Pagefind's.
    Material fetches its worker and whole index when the page loads, so the first query's
    bytes count everything of search fetched from the page load to its first result."""
    from .search import _transferred
    context = browser.new_context()
    page = context.new_page()
    finished: list = []
    context.on("requestfinished", lambda request: finished.append(request))
    try:
        page.goto(f"{origin}/", wait_until="networkidle")
        searchy = lambda r: "search" in r.url or "lunr" in r.url  # noqa: E731
        before = [r for r in finished if searchy(r)]
        measured = []
        for number, query in enumerate(queries):
            start, began = (0 if not number else len(finished)), time.perf_counter()
            box = page.locator(".md-search__input")
            box.click()
            box.fill(query)
            page.keyboard.press("End")  # Material searches on key presses
            page.locator(".md-search-result__item").first.wait_for(state="visible", timeout=20_000)
            elapsed = (time.perf_counter() - began) * 1000
            page.wait_for_timeout(300)
            fetched = [r for r in finished[start:] if searchy(r)]
            measured.append({"bytes": sum(_transferred(r) for r in fetched), "ms": round(elapsed)})
    finally:
        context.close()
    return {"requests_before_search": len(before), "first_query_bytes": measured[0]["bytes"],
            "first_result_ms": measured[0]["ms"], "second_query_bytes": measured[1]["bytes"]}


PAGE_MARKERS = ("<!-- bench:start -->", "<!-- bench:end -->")


def write_results(page: Path, lines: list[str], when: str) -> bool:
    """Replaces the results between the page's markers; True when the page changed."""
    text = page.read_text(encoding="utf-8")
    start, end = PAGE_MARKERS
    if start not in text or end not in text:
        raise ValueError(f"{page}: the markers {start} and {end} are missing; put both on lines of their own where the results go")
    old = text[text.index(start) + len(start):text.index(end)]
    if _numbers(old) == _numbers("\n".join(lines)):
        return False
    new = text[:text.index(start) + len(start)] + f"\n\nMeasured {when}.\n\n" + "\n".join(lines) + "\n\n" + text[text.index(end):]
    page.write_text(new, encoding="utf-8")
    return True


def _numbers(text: str) -> list[str]:
    """The ratios and the preview time, rounded to one decimal: the page is rewritten only when they move."""
    ratios = [v for v in re.findall(r"\| ([0-9.]+|nan) \|\s*$", text, re.M) if v != "nan"]
    return [f"{float(v):.1f}" for v in ratios + re.findall(r"an edit of one page shows after ([0-9.]+) s", text)]


def bench_preview(project: Path, lang: str = "fr", edits: int = 3, report=print) -> dict:
    """Seconds from saving one page to the preview serving the change, after the first build."""
    import socket
    import urllib.request
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    source = next(iter(sorted((Path(project) / "docs" / lang).rglob("page-*.md"))))
    rel = source.relative_to(Path(project) / "docs" / lang).with_suffix("").as_posix()
    url = f"http://127.0.0.1:{port}/{lang}/{rel}/"
    original = source.read_text(encoding="utf-8")
    server = subprocess.Popen([sys.executable, "-m", "scripts.cli", "--root", str(project), "serve", "--lang", lang,
                               "--addr", f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=_child_env())

    def served() -> str:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    try:
        started = time.perf_counter()
        while True:
            try:
                served()
                break
            except OSError:
                if server.poll() is not None or time.perf_counter() - started > 300:
                    raise RuntimeError(f"the preview of {project} did not start")
                time.sleep(0.1)
        first = time.perf_counter() - started
        times = []
        for number in range(edits):
            time.sleep(1.0)
            marker = f"edit{number}x{time.time_ns()}"
            source.write_text(original.replace("\n# ", f"\n# {marker} ", 1), encoding="utf-8")
            saved = time.perf_counter()
            while marker not in served():
                if time.perf_counter() - saved > 60:
                    raise RuntimeError("the preview never showed the edit")
                time.sleep(0.02)
            times.append(time.perf_counter() - saved)
    finally:
        source.write_text(original, encoding="utf-8")
        server.terminate()
        server.wait()
    result = {"first_build": first, "edit_median": statistics.median(times), "edit_max": max(times)}
    report(f"Preview of '{lang}': first build served after {first:.1f} s; an edit of one page shown after "
           f"{result['edit_median']:.2f} s (median of {edits}, max {result['edit_max']:.2f} s)")
    return result
