"""Shared fixtures: the real site built once per test session, and throwaway project copies."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from scripts import ROOT
from scripts.build import build_site
from scripts.site_config import load_shared_config

# Project copies share the repository's content-addressed cache (see scripts.cache_dir).
os.environ.setdefault("IPBES_SITE_CACHE", str(ROOT / ".build" / "cache"))

PROJECT_PARTS = ("mkdocs.yml", "babel.cfg", "docs", "overrides", "brand", "locales", "data")


@pytest.fixture(scope="session")
def shared():
    return load_shared_config(ROOT / "mkdocs.yml")


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The site built from the working tree; IPBES_TEST_SITE names an already built one
    instead (for rerunning the tests that only read it while working on them)."""
    if os.environ.get("IPBES_TEST_SITE"):
        return Path(os.environ["IPBES_TEST_SITE"]).resolve()
    out = tmp_path_factory.mktemp("built") / "site"
    build_site(ROOT, out, report=lambda *_: None)
    return out


def copy_project(target: Path, parts=PROJECT_PARTS) -> Path:
    """A copy of the project's sources that a test may break without touching the real ones."""
    target.mkdir(parents=True, exist_ok=True)
    for part in parts:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, target / part)
        else:
            shutil.copy2(source, target / part)
    return target


@pytest.fixture
def project(tmp_path) -> Path:
    return copy_project(tmp_path / "project")


@pytest.fixture(scope="session")
def browser():
    """One real Chromium for every browser test (tests.browser)."""
    from tests.browser import chromium
    with chromium() as b:
        yield b


@pytest.fixture(scope="session")
def origin(site):
    """The built site served on loopback."""
    from tests.browser import serve_directory
    with serve_directory(site) as url:
        yield url
