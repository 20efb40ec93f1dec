"""The editors' guide shows what really works and what the build really says."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from scripts import ROOT
from scripts.embeds.scan import find_embeds
from scripts.languages import UN_LANGUAGES

FENCE = re.compile(r"```(\w+)\n(.*?)```", re.S)


def blocks(lang: str, kind: str) -> list[str]:
    text = (ROOT / "docs" / lang / "editors-guide.md").read_text(encoding="utf-8")
    return [body for k, body in FENCE.findall(text) if k == kind]


@pytest.mark.parametrize("lang", UN_LANGUAGES)
def test_every_embed_example_passes_the_checks(tmp_path, lang):
    examples = blocks(lang, "markdown")
    assert len(examples) == 4
    media = tmp_path / "media"
    for example in examples:
        for name in re.findall(r"(?:src|poster|transcript): (\S+)|\b(?:en|fr): (captions/\S+?)[,}]", example):
            path = media / (name[0] or name[1])
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(b"x")
        found, problems = find_embeds(tmp_path / "example.md", example, media, UN_LANGUAGES)
        assert problems == [] and len(found) == 1, [str(p) for p in problems]


def _break_project(project: Path) -> None:
    def replace(path, old, new):
        text = (project / path).read_text(encoding="utf-8")
        assert old in text, (path, old)
        (project / path).write_text(text.replace(old, new, 1), encoding="utf-8")
    replace("docs/fr/about.md", "description: Ce qu'est", "description: [Ce qu'est")
    replace("docs/es/factsheets/africa.md", "cover_image: covers/africa.jpg", "cover_image: covers/nope.jpg")
    videos = project / "docs/en/videos.md"
    videos.write_text(videos.read_text(encoding="utf-8") + "\n/// video | Launch of the global assessment\nprovider: youtube\n///\n\n"
                      "/// video | Launch of the global assessment\n    provider: youtube\n    id: too-short\n///\n", encoding="utf-8")
    replace("data/assessments.yml", "launch: {date: 2018-03-26, time: null}", "launch: {date: 26 March 2018, time: null}")


def test_the_error_examples_are_the_build_s_own_words(project):
    _break_project(project)
    result = subprocess.run([sys.executable, "-m", "scripts.cli", "build"], cwd=project, capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 1
    shown = blocks("en", "text")[0].strip().splitlines()
    assert result.stderr.strip().splitlines() == shown, "update the error examples in docs/*/editors-guide.md"
    for lang in UN_LANGUAGES:
        assert blocks(lang, "text")[0].strip().splitlines() == shown, lang
