"""Every page of the built site is valid HTML by the Nu Html Checker, the W3C's own validator.

vnu.jar comes from the npm registry (`vnu-jar`, pinned in package-lock.json, installed by
`make test`); the Java runtime that runs it from Debian (.ci/system-packages test).
"""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from scripts import ROOT

VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
# Java's start-up plus one parse of ~200 pages takes about 15 s on the build machine.
VNU_TIMEOUT_S = 300


def nu_errors(files: list[Path]) -> list[str]:
    """The checker's errors, one line each: `file:line: message (the markup)`."""
    java = shutil.which("java")
    assert java, "Java is missing: install Debian's default-jre-headless (bash .ci/system-packages test)"
    assert VNU.is_file(), "vnu.jar is missing: run `npm ci` (make test does)"
    run = subprocess.run([java, "-jar", str(VNU), "--errors-only", "--format", "json", "--stdout", *map(str, files)],
                         capture_output=True, text=True, timeout=VNU_TIMEOUT_S)
    try:
        messages = json.loads(run.stdout)["messages"]
    except (ValueError, KeyError):
        pytest.fail(f"the Nu Html Checker gave no JSON report (exit {run.returncode}): {run.stderr[-2000:]}")
    lines = []
    for m in messages:
        path = unquote(urlsplit(m.get("url", "")).path)
        extract = " ".join((m.get("extract") or "").split())
        lines.append(f"{path}:{m.get('lastLine', '?')}: {m.get('message')} ({extract[:120]})")
    return lines


def test_the_checker_reports_invalid_markup(tmp_path):
    page = tmp_path / "bad.html"
    page.write_text('<!doctype html><html lang="en"><head><title>t</title></head><body>'
                    '<input type="checkbox" autocomplete="off"><p id="a"></p><p id="a"></p></body></html>', encoding="utf-8")
    errors = nu_errors([page])
    assert any("autocomplete" in e for e in errors) and any("Duplicate ID" in e for e in errors), errors


def test_every_page_is_valid_html(site):
    pages = sorted(Path(site).resolve().rglob("*.html"))
    assert len(pages) > 100, f"only {len(pages)} pages in {site}"
    errors = nu_errors(pages)
    assert not errors, f"{len(errors)} error(s) from the Nu Html Checker:\n" + "\n".join(errors[:40])
