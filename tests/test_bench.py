"""The benchmark runs (on a few images), so `make bench` cannot rot; its numbers are not asserted."""
from scripts import ROOT
from scripts.bench import bench_brand_checks


def test_brand_check_benchmark_runs_and_reports():
    lines = []
    results = bench_brand_checks(ROOT, None, images=3, report=lines.append)
    assert results["images"] == 3 and results["per_image_median"] > 0
    assert any(line.strip().startswith("logo detector: 3 images") for line in lines), lines


def test_build_benchmark_runs_both_setups_on_a_tiny_corpus(tmp_path):
    """Proves `make bench` works end to end (corpus, both builds, table); no number is asserted."""
    from scripts.bench import bench_builds, build_table, write_results
    lines = []
    summary = bench_builds(ROOT, pages=3, runs=1, work=tmp_path / "bench", report=lines.append, edits=1)
    for setup in ("ipbes", "static-i18n"):
        run = summary["medians"][setup]
        assert run["wall"] > 0 and run["cpu"] > 0 and run["peak_mb"] > 0 and run["pages"] >= 3 * 6
        assert (tmp_path / "bench" / "out" / setup / "fr" / "section-0" / "page-2" / "index.html").is_file()
    baseline_page = (tmp_path / "bench" / "out" / "static-i18n" / "zh" / "section-0" / "page-1" / "index.html").read_text(encoding="utf-8")
    assert 'lang="zh"' in baseline_page, "the baseline must build every language, not only English"
    assert summary["preview"]["edit_median"] > 0 and summary["preview"]["first_build"] > 0
    search = summary["search"]
    assert search, [line for line in lines if "Search" in line]
    ours, lunr = search["queries"]["Pagefind, this project"], search["queries"]["lunr, the usual setup"]
    assert ours["requests_before_search"] == 0, "a page that never opens search fetches nothing of it"
    assert ours["first_query_bytes"] > 0 and lunr["first_query_bytes"] > 0 and ours["first_result_ms"] > 0
    assert set(search["index"]["Pagefind"]) == {"en", "fr", "es", "zh", "ar", "ru"}
    table = build_table(summary)
    assert table[2] == "| measure | this project | Material + static-i18n | ratio |"
    assert any(line.startswith("| wall time, s |") for line in lines)
    page = tmp_path / "benchmark.md"
    page.write_text("# Benchmark\n\n<!-- bench:start -->\nold\n<!-- bench:end -->\n\nAfter.\n", encoding="utf-8")
    assert write_results(page, table, "today")
    assert "| wall time, s |" in page.read_text(encoding="utf-8") and page.read_text(encoding="utf-8").endswith("After.\n")
    assert not write_results(page, table, "later"), "unchanged ratios must leave the page alone"


def test_a_page_without_the_markers_is_refused_with_what_to_do(tmp_path):
    import pytest
    from scripts.bench import write_results
    page = tmp_path / "benchmark.md"
    page.write_text("# Benchmark\n", encoding="utf-8")
    with pytest.raises(ValueError, match="markers <!-- bench:start --> and <!-- bench:end --> are missing; put both"):
        write_results(page, ["| x |"], "today")
    assert page.read_text(encoding="utf-8") == "# Benchmark\n"
