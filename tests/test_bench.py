"""The benchmark runs (on a few images), so `make bench` cannot rot; its numbers are not asserted."""
from scripts import ROOT
from scripts.bench import bench_brand_checks


def test_brand_check_benchmark_runs_and_reports():
    lines = []
    results = bench_brand_checks(ROOT, None, images=3, report=lines.append)
    assert results["images"] == 3 and results["per_image_median"] > 0
    assert any(line.strip().startswith("logo detector: 3 images") for line in lines), lines
