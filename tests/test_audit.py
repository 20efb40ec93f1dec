"""`make audit` reads Lighthouse's reports correctly and writes them between the page's markers.

The audit itself is never run here: its scores move from run to run. The fixture is a real
Lighthouse 12 report of this site (trimmed to the fields the audit reads).
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from scripts.audit import CATEGORIES, MARKERS, read_report, read_report_file, table, write_results
from scripts.errors import BuildError

FIXTURE = Path(__file__).parent / "fixtures" / "lighthouse" / "report.json"


def test_reads_the_four_scores_and_what_did_not_pass():
    result = read_report_file(FIXTURE)
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    assert data["lighthouseVersion"].startswith("12.")
    assert result.scores == {c: round(data["categories"][c]["score"] * 100) for c in CATEGORIES}
    assert result.layout_shift == data["audits"]["cumulative-layout-shift"]["numericValue"]
    assert result.scores["performance"] < 100
    # Metrics pass from 0.9 (first-contentful-paint 0.83 fails, speed-index 0.99 passes).
    assert sorted(result.failing) == ["performance: cumulative-layout-shift", "performance: first-contentful-paint"]
    row = table([result])[2]
    assert row.startswith("| `") and all(f" {result.scores[c]} |" in row for c in CATEGORIES)


@pytest.mark.parametrize("data,expected", [
    ({"audits": {}}, "not a Lighthouse report: it has no 'categories'"),
    ([], "not a Lighthouse report"),
    ({"categories": {"performance": {"score": 0.9}}}, "no score for accessibility, best-practices, seo"),
    ({"categories": {}, "requestedUrl": "http://x/", "runtimeError": {"code": "NO_FCP", "message": "no paint"}},
     "Lighthouse could not load http://x/: NO_FCP: no paint"),
])
def test_a_bad_report_names_the_file_and_the_fix(data, expected, tmp_path):
    with pytest.raises(BuildError) as error:
        read_report(data, tmp_path / "r.json")
    assert "r.json: " in str(error.value) and expected in str(error.value)


def test_an_unreadable_report_is_an_error_not_a_traceback(tmp_path):
    (tmp_path / "r.json").write_text("{", encoding="utf-8")
    with pytest.raises(BuildError, match="cannot read the Lighthouse report"):
        read_report_file(tmp_path / "r.json")


def test_results_go_between_the_markers_only(tmp_path):
    page = tmp_path / "benchmark.md"
    start, end = MARKERS
    page.write_text(f"# B\n\nbefore\n\n{start}\nold\n{end}\n\nafter\n", encoding="utf-8")
    write_results(page, table([read_report_file(FIXTURE)]), "Measured today.")
    text = page.read_text(encoding="utf-8")
    assert text.startswith("# B\n\nbefore\n\n" + start) and text.endswith(end + "\n\nafter\n")
    assert "old" not in text and "Measured today." in text and "| Performance |" in text
    page.write_text("# B\n", encoding="utf-8")
    with pytest.raises(BuildError, match="markers"):
        write_results(page, [], "x")
