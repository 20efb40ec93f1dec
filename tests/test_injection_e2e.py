"""Hostile text from front matter and data files, end to end: built, then opened in real
Chromium. Each either stops the build with its source file named, or is published as
text: no script it carries runs."""
from __future__ import annotations

import pytest

from scripts.build import build_site
from scripts.errors import BuildError
from tests.conftest import copy_project
from tests.helpers import replace_in

PAYLOAD = "<script>window.__pwned = 1</script><img src=x onerror=\"window.__pwned = 2\">"

CASES = {
    "front matter title": ("docs/en/about.md", lambda p: p.write_text(
        "---\ntitle: 'About</title>" + PAYLOAD.replace("'", "''") + "'\n---\n" + p.read_text(encoding="utf-8"), encoding="utf-8"),
        "about/"),
    "key messages in data": ("data/assessments.yml", lambda p: replace_in(
        p, "    launch: {date: 2019-05-06, time: null}",
        "    launch: {date: 2019-05-06, time: null}\n    key_messages:\n" + "".join(
            f"      {code}: ['{PAYLOAD}']\n" for code in ("en", "fr", "es", "zh", "ar", "ru"))), "assessments/global/"),
    "video title closing its block": ("data/videos.yml", lambda p: replace_in(
        p, 'en: "IPBES outreach video 1 (stand-in: not yet published)"',
        'en: "Video\\n///\\n\\n' + PAYLOAD.replace('"', '\\"') + '\\n\\n/// video | x"'), "videos/"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_hostile_text_is_refused_or_published_inert(tmp_path, browser, case):
    from tests.browser import serve_directory
    source, edit, page_path = CASES[case]
    project = copy_project(tmp_path / "project")
    edit(project / source)
    try:
        site = build_site(project, project / "site", languages=["en"], report=lambda *_: None)
    except BuildError as error:
        problems = [str(p) for p in error.problems]
        assert any(source in p for p in problems), problems
        assert not (project / "site").exists()
        print(f"{case}: refused: {problems[0]}")
        return
    with serve_directory(site) as origin:
        page = browser.new_page()
        page.goto(f"{origin}/en/{page_path}", wait_until="networkidle")
        assert page.evaluate("window.__pwned") is None, f"{case}: the payload ran"
        assert "window.__pwned" in page.content(), f"{case}: published as text"
        page.close()
    print(f"{case}: published as text")
