"""Benchmarks (`make bench`): measured and printed, never asserted by a test.

For now the brand checks: the whole site, cold (empty result cache) and warm, and the
logo detector per image on the project's cover images and on composited images.
"""
from __future__ import annotations

import os
import statistics
import tempfile
import time
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
