"""Two builds of the same sources give byte-identical trees, PDFs, cards and posters included,
even with nothing cached (each build gets its own empty cache)."""
from __future__ import annotations

import hashlib
import os

from scripts import ROOT
from scripts.build import build_site


def tree(site):
    return {p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(site.rglob("*")) if p.is_file()}


def test_two_builds_are_byte_identical(tmp_path, monkeypatch):
    trees = []
    for run in ("one", "two"):
        monkeypatch.setenv("IPBES_SITE_CACHE", str(tmp_path / f"cache-{run}"))
        site = build_site(ROOT, tmp_path / run / "site", languages=["en", "ar"], report=lambda *_: None,
                          now="2026-11-24T12:00:00+00:00")
        trees.append(tree(site))
    assert trees[0].keys() == trees[1].keys() and len(trees[0]) > 100
    differing = [path for path in trees[0] if trees[0][path] != trees[1][path]]
    assert differing == []
    assert any(path.endswith(".pdf") for path in trees[0])
