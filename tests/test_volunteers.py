"""What volunteers use: one language's worklist, the dashboard's Markdown, the pull request
summary, on a copy of the project with git history made by the test; the dashboard's tables
in real Chromium at a phone's and a desktop's width."""
from __future__ import annotations

import os
import posixpath
import re
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from scripts import translations as tr
from scripts.cli import main
from scripts.errors import BuildError
from scripts.i18n import catalog_stats, translations as catalog
from scripts.languages import language
from tests.conftest import copy_project

LANGUAGES = ["en", "fr", "es", "zh", "ar", "ru"]
GIT_ENV = {"GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "Test",
           "GIT_COMMITTER_EMAIL": "t@example.org"}
AFRICA_ES_TITLE = ("      es: Informe de evaluación regional de la IPBES sobre la diversidad biológica y los servicios de "
                   "los ecosistemas para África\n")


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True, env={**os.environ, **GIT_ENV}).stdout


def commit(repo: Path, message: str) -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "HEAD").strip()


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    """The project in a fresh repository, four commits:
    c1 the copy; c2 Spanish partners and French about reviewed, Spanish index, about,
    assessments/index and factsheets/africa removed, the Africa launch page's Spanish title
    removed; c3 English partners (3 lines added) and about (1 line added) changed;
    c4 an original English partners line reworded, French about caught up."""
    root = copy_project(tmp_path_factory.mktemp("volunteers") / "project")
    git(root, "init", "-q")
    c1 = commit(root, "project")
    tr.done(root, "es", "partners.md", status="reviewed")
    tr.done(root, "fr", "about.md", status="reviewed")
    for page in ("index.md", "about.md", "assessments/index.md", "factsheets/africa.md"):
        (root / "docs/es" / page).unlink()
    data = root / "data/assessments.yml"
    assert AFRICA_ES_TITLE in data.read_text(encoding="utf-8")
    data.write_text(data.read_text(encoding="utf-8").replace(AFRICA_ES_TITLE, "", 1), encoding="utf-8")
    c2 = commit(root, "records; Spanish pages removed")
    append(root / "docs/en/partners.md", "A first new line.\nA second new line.\nA third new line.\n")
    append(root / "docs/en/about.md", "\nOne more sentence in English.\n")
    c3 = commit(root, "English partners and about changed")
    partners = root / "docs/en/partners.md"
    partners.write_text(partners.read_text(encoding="utf-8").replace("UNEP administers it.", "UNEP administers IPBES."), encoding="utf-8")
    tr.done(root, "fr", "about.md")
    c4 = commit(root, "English partners reworded; French about caught up")
    return {"root": root, "commits": (c1, c2, c3, c4)}


def states_of(root: Path) -> list[tr.PageState]:
    return tr.all_states(root, LANGUAGES)


def test_worklist_missing_in_priority_order_then_outdated_with_how_much_changed(history):
    root = history["root"]
    items = tr.worklist(root, "es", states_of(root))
    missing = [i.page for i in items if i.state == "missing"]
    assert missing == ["index.md", "assessments/index.md", "assessments/africa.md", "factsheets/africa.md", "about.md", "benchmark.md"]
    assert [i for i in items if i.page == "assessments/africa.md"][0].launch
    states = [i.state for i in items]
    assert states == sorted(states, key=tr.WORK_ORDER.index), "missing, then outdated, then machine and drafts"
    partners = next(i for i in items if i.page == "partners.md")
    assert (partners.state, partners.commits_behind, partners.lines_changed) == ("outdated", 2, 5)
    assert partners.title == tr.page_title(root / "docs/es/partners.md") and partners.title != "partners.md"
    assert "up-to-date" not in states


def test_priorities_file_puts_pages_first_and_names_bad_lines(history, tmp_path):
    root = history["root"]
    priorities = root / tr.PRIORITIES_FILE
    try:
        priorities.write_text("# first\npages:\n  - benchmark.md\n  - about.md\n", encoding="utf-8")
        missing = [i.page for i in tr.worklist(root, "es", states_of(root)) if i.state == "missing"]
        assert missing[:3] == ["benchmark.md", "about.md", "index.md"]
        priorities.write_text("pages:\n  - about.md\n  - no-such-page.md\n  - about.md\n", encoding="utf-8")
        with pytest.raises(BuildError) as caught:
            tr.worklist(root, "es", states_of(root))
        messages = [str(p) for p in caught.value.problems]
        assert len(messages) == 2
        assert messages[0].endswith("translation-priorities.yml:3: 'no-such-page.md' is not a page under docs/en/ nor a launch page; "
                                    "write 'pages:' and under it one '- path' line per page, a path under docs/en/ like factsheets/africa.md")
        assert "translation-priorities.yml:4: 'about.md' is listed twice" in messages[1]
        priorities.write_text("- about.md\n", encoding="utf-8")
        with pytest.raises(BuildError, match="the file holds one list, 'pages'"):
            tr.worklist(root, "es", states_of(root))
    finally:
        priorities.unlink()


def test_cli_worklist_for_one_language_and_start_done_still_work(history, capsys):
    root = history["root"]
    assert main(["--root", str(root), "translations", "es"]) == 0
    out = capsys.readouterr().out
    assert out.index("index.md") < out.index("benchmark.md") < out.index("partners.md")
    assert re.search(r"partners\.md  “[^”]+”: 2 commit\(s\), 5 line\(s\) changed in English since [0-9a-f]{7}", out)
    assert "ipbes-site translations start es index.md" in out
    assert "add 'es:' to the title and short_title of 'africa' in data/assessments.yml" in out
    assert main(["--root", str(root), "translations", "es", "about.md"]) == 2
    assert main(["--root", str(root), "translations", "xx"]) == 2
    assert "give one language (fr, es, zh, ar, ru)" in capsys.readouterr().err
    created = root / "docs/es/about.md"
    try:
        assert main(["--root", str(root), "translations", "start", "es", "about.md"]) == 0
        assert tr.page_state(root, "es", "about.md").state == "draft"
        assert main(["--root", str(root), "translations", "done", "es", "about.md", "--status", "reviewed"]) == 0
        assert tr.page_state(root, "es", "about.md").state == "up-to-date"
    finally:
        created.unlink()


def test_pull_request_summary_shows_each_language_before_and_after(history, capsys):
    root, (c1, c2, c3, c4) = history["root"], history["commits"]
    table = tr.changes_markdown(root, f"{c2}..{c4}", LANGUAGES)
    rows = {line.split("`")[1]: line for line in table.splitlines() if line.startswith("| ") and "`" in line}
    assert set(rows) == {"about.md", "partners.md"}
    head = next(line for line in table.splitlines() if line.startswith("| Page"))
    assert head == "| Page | English (en) | French (fr) | Spanish (es) | Chinese (zh) | Arabic (ar) | Russian (ru) |"
    cells = [c.strip() for c in rows["partners.md"].strip("|").split(" | ")]
    assert cells[1] == "changed"
    assert cells[3] == "reviewed → **outdated** (2 commit(s), 5 line(s) behind)"
    assert [c.strip() for c in rows["about.md"].strip("|").split(" | ")][2:4] == ["reviewed", "missing"]
    caught_up = tr.changes_markdown(root, f"{c3}..{c4}", LANGUAGES)
    about = next(line for line in caught_up.splitlines() if "`about.md`" in line)
    assert [c.strip() for c in about.strip("|").split(" | ")][1:3] == ["unchanged", "outdated → **reviewed**"]
    # The workflow's form: the pull request's base ... HEAD, through the command line.
    assert main(["--root", str(root), "translations", "--changed", f"{c2}...HEAD", "--format", "markdown"]) == 0
    assert capsys.readouterr().out == table
    assert main(["--root", str(root), "translations", "--changed", "no-such-branch...HEAD", "--format", "markdown"]) == 2
    assert "'no-such-branch' is not a commit in this clone" in capsys.readouterr().err
    assert "No page under docs/ changed" in tr.changes_markdown(root, f"{c4}..{c4}", LANGUAGES)


def dashboard(root: Path, lang: str) -> str:
    catalogs = {code: vars(catalog_stats(root / "locales", code)) for code in LANGUAGES}
    gettext = catalog(str(root / "locales"), lang).gettext
    return tr.dashboard_markdown(states_of(root), catalogs, gettext, lambda code: language(code).native_name, lang, root)


def section(markdown: str, code: str) -> str:
    start = markdown.index(f"{{lang={code} ")
    end = markdown.find("{lang=", start + 1)
    return markdown[start:end if end > 0 else None]


def test_dashboard_shows_states_apart_pages_by_title_with_links(history):
    root = history["root"]
    counts = tr.totals(states_of(root))
    text = dashboard(root, "en")
    assert "Translated" not in text and "%" not in text, "no single share that hides unreviewed pages"
    for state, label in (("up-to-date", "Reviewed"), ("draft", "Draft"), ("machine", "Machine translation"),
                         ("outdated", "Outdated"), ("missing", "Missing")):
        row = next(line for line in text.splitlines() if line.startswith(f"| {label} |"))
        assert row == f"| {label} | " + " | ".join(str(counts[code][state]) for code in LANGUAGES[1:]) + " |"
    spanish = section(text, "es")
    rows = [line for line in spanish.splitlines() if line.startswith("| ") and not line.startswith("| Page")]
    assert len(rows) == len(tr.source_pages(root))
    es_title, en_title = tr.page_title(root / "docs/es/partners.md"), tr.page_title(root / "docs/en/partners.md")
    assert es_title != en_title
    partners = next(line for line in rows if es_title in line)
    assert f'<span lang="es" dir="ltr"><a href="../../es/partners/" hreflang="es">{es_title}</a></span>' in partners
    assert "[Read the original in English.](partners.md)" in partners
    assert "Outdated<br>5 line(s) changed in English" in partners
    home = rows[0]
    assert home.startswith("| [IPBES](index.md) | Missing")
    assert "Interface strings: " in spanish and " translated" in spanish
    assert "`partners.md`" not in text and "`factsheets/" not in text, "titles, not file paths"
    # Every MkDocs link is a relative .md path to a page the language's build has.
    for target in re.findall(r"\]\(([^)#]+)\)", text):
        assert target.endswith(".md") and (root / "docs/en" / unquote(target)).is_file(), target


def test_dashboard_in_another_language_links_its_own_pages_as_markdown(history):
    root = history["root"]
    text = dashboard(root, "fr")
    assert "| Relue |" in text and "| Brouillon |" in text
    french = section(text, "fr")
    fr_title = tr.page_title(root / "docs/fr/about.md")
    assert f"| [{tr._md(fr_title)}](about.md)<br>" in french
    assert '<a href="../../en/about/" hreflang="en">Lire l\'original en anglais.</a>' in french
    spanish = section(text, "es")
    assert '<span lang="en" dir="ltr"><a href="../../en/" hreflang="en">IPBES</a></span> | Manquante |' in spanish
    arabic = section(text, "ar")
    assert 'lang="ar" dir="rtl"><a href="../../ar/about/" hreflang="ar">' in arabic


def test_titles_are_escaped_for_a_table_cell(tmp_path):
    page = tmp_path / "docs/en/odd.md"
    page.parent.mkdir(parents=True)
    page.write_text("---\ntitle: 'A | B *c* <d>'\n---\n\nText.\n", encoding="utf-8")
    (tmp_path / "docs/fr").mkdir()
    text = tr.dashboard_markdown(tr.all_states(tmp_path, ["en", "fr"]), {}, lambda s: s,
                                 lambda code: language(code).native_name, "en", tmp_path)
    row = next(line for line in section(text, "fr").splitlines() if "odd" in line)
    assert r"A \| B \*c\* &lt;d&gt;" in row and row.count(" | ") == 1
    heading = tmp_path / "docs/en/heading.md"
    heading.write_text("```\n# not this\n```\n\n# The heading {#anchor}\n", encoding="utf-8")
    assert tr.page_title(heading) == "The heading"


WIDTHS = (360, 1280)


@pytest.mark.parametrize("lang", ["en", "ar", "zh"])
def test_dashboard_tables_fit_a_phone_and_a_desktop(browser, origin, site, lang):
    for width in WIDTHS:
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.goto(f"{origin}/{lang}/translations/", wait_until="networkidle")
        found = page.evaluate("""() => ({
            page: [document.documentElement.scrollWidth, innerWidth],
            tables: [...document.querySelectorAll('.ipbes-dashboard .md-typeset__scrollwrap')].map(w => [w.scrollWidth, w.clientWidth]),
            links: [...document.querySelectorAll('.ipbes-dashboard td a')].map(a => a.href)})""")
        page.close()
        assert found["page"][0] <= found["page"][1], f"{lang} at {width} px scrolls sideways: {found['page']}"
        assert len(found["tables"]) == 6, "the overview and one table per language"
        wide = [t for t in found["tables"] if t[0] > t[1]]
        assert not wide, f"{lang} at {width} px: tables wider than the column {wide}"
        assert len(found["links"]) > 100
        for href in set(found["links"]):
            path = site / unquote(urlsplit(href).path).lstrip("/")
            assert (path / "index.html").is_file() or path.is_file(), href
