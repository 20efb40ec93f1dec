"""Each data file refuses bad input with its name, the line and what to do."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from scripts import ROOT
from scripts.build import build_site
from scripts.errors import BuildError
from tests.helpers import replace_in


def line_of(path, needle: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1) if needle in line)


@pytest.mark.parametrize("file,old,new,needle,expected", [
    ("data/videos.yml", '      ru: "Информационный видеоролик IPBES № 2 (заглушка: ещё не опубликован)"\n', "", "    title:\n",
     "video 'outreach-series-2' has no title for ru"),
    ("data/partners.yml", "    logo: fao.svg", "    logo: fao-old.svg", "logo: fao-old.svg",
     "logo file brand/logos/fao-old.svg does not exist; add it or fix the name"),
    ("data/partners.yml", "      ar: برنامج الأمم المتحدة الإنمائي\n", "", "  undp:", "partner 'undp' has no name for ar"),
])
def test_bad_data_files_stop_the_build_with_file_and_line(project, file, old, new, expected, needle):
    path = project / file
    replace_in(path, old, new)
    with pytest.raises(BuildError) as error:
        build_site(project, project / "site", languages=["en"], report=lambda *_: None)
    messages = [str(p) for p in error.value.problems]
    hits = [m for m in messages if expected in m]
    assert hits, messages
    if "title" in needle:
        lines = path.read_text(encoding="utf-8").splitlines()
        title_lines = [n for n, line in enumerate(lines, start=1) if line == "    title:"]
        assert any(f"{file}:{n}:" in hits[0] for n in title_lines), hits
    else:
        assert f"{file}:" in hits[0]


def _check(project):
    return subprocess.run([sys.executable, "-m", "scripts.cli", "check", "--sources-only"], cwd=project, capture_output=True,
                          text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})


def test_an_approval_without_its_date_is_refused(project):
    (project / "brand/approvals.yml").write_text("approvals:\n  - name: Friends of IPBES Network\n    who: Someone\n", encoding="utf-8")
    result = _check(project)
    assert result.returncode == 2
    assert "brand/approvals.yml:2: each approval needs 'name', 'who' and 'approved'" in result.stderr


def test_a_glossary_term_missing_a_language_is_refused(project):
    glossary = project / "locales/glossary.yml"
    replace_in(glossary, "    ru: Бюро\n", "")
    result = _check(project)
    assert result.returncode == 2
    assert f"locales/glossary.yml:{line_of(glossary, '  bureau:')}: term 'bureau' has no official form for ru" in result.stderr
