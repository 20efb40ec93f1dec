"""The translation workflow on a small repository with real git history made by the test:
every state, the white-space rule, shallow clones, start and done, and what readers see."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from scripts import ROOT, translations as tr
from scripts.build import build_site
from scripts.i18n import translations
from tests.conftest import copy_project
from tests.helpers import find, parse

GIT_ENV = {"GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "Test",
           "GIT_COMMITTER_EMAIL": "t@example.org"}


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True, env={**os.environ, **GIT_ENV}).stdout


def commit(repo: Path, message: str) -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "HEAD").strip()


@pytest.fixture
def repo(tmp_path) -> Path:
    """English pages a to e; French: a up to date, b to be outdated, c draft, d machine, e missing."""
    root = tmp_path / "repo"
    (root / "docs" / "en").mkdir(parents=True)
    (root / "docs" / "fr").mkdir(parents=True)
    git(root, "init", "-q")
    for name in "abcde":
        (root / "docs/en" / f"{name}.md").write_text(f"# Page {name}\n\nFirst paragraph of {name}.\nSecond line.\n", encoding="utf-8")
    commit(root, "English pages")
    for name, status in (("a", "reviewed"), ("b", "reviewed"), ("c", "draft"), ("d", "machine")):
        tr.start(root, "fr", f"{name}.md", ["volunteer"])
        tr.done(root, "fr", f"{name}.md", status=status)
    commit(root, "French translations")
    return root


def states(root: Path) -> dict[str, tr.PageState]:
    return {s.page: s for s in tr.all_states(root, ["en", "fr"])}


def test_every_state(repo):
    page = repo / "docs/en/b.md"
    page.write_text(page.read_text(encoding="utf-8") + "A new sentence in English.\n", encoding="utf-8")
    commit(repo, "English b changed")
    page.write_text(page.read_text(encoding="utf-8").replace("Second line.", "Second line, reworded."), encoding="utf-8")
    commit(repo, "English b changed again")
    found = states(repo)
    assert {p: s.state for p, s in found.items()} == {"a.md": "up-to-date", "b.md": "outdated", "c.md": "draft",
                                                       "d.md": "machine", "e.md": "missing"}
    assert (found["b.md"].commits_behind, found["b.md"].lines_changed) == (2, 3)
    assert found["c.md"].translators == ["volunteer"]


def test_white_space_changes_do_not_make_a_translation_outdated(repo):
    page = repo / "docs/en/a.md"
    page.write_text(page.read_text(encoding="utf-8").replace("First paragraph of a.\nSecond line.", "First   paragraph of a. Second\nline.\n\n"), encoding="utf-8")
    commit(repo, "English a reflowed")
    assert states(repo)["a.md"].state == "up-to-date"
    page.write_text(page.read_text(encoding="utf-8") + "Real change.\n", encoding="utf-8")
    assert states(repo)["a.md"].state == "outdated", "an edit not yet committed counts too"


def test_done_catches_up_and_start_refuses_an_existing_translation(repo):
    page = repo / "docs/en/b.md"
    page.write_text(page.read_text(encoding="utf-8") + "More.\n", encoding="utf-8")
    commit(repo, "English b changed")
    assert states(repo)["b.md"].state == "outdated"
    tr.done(repo, "fr", "b.md", translators=["second"])
    after = states(repo)["b.md"]
    assert after.state == "up-to-date" and after.translators == ["volunteer", "second"]
    with pytest.raises(Exception, match="exists already"):
        tr.start(repo, "fr", "a.md")
    created = tr.start(repo, "fr", "e.md")
    assert "# Page e" in created.read_text(encoding="utf-8") and states(repo)["e.md"].state == "draft"


def test_shallow_clone_falls_back_to_the_content_hash_and_says_so(repo, tmp_path):
    page = repo / "docs/en/b.md"
    page.write_text(page.read_text(encoding="utf-8") + "Changed.\n", encoding="utf-8")
    commit(repo, "English b changed")
    shallow = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo}", str(shallow)], check=True)
    found = states(shallow)
    assert found["b.md"].state == "outdated" and found["b.md"].history == "content-hash" and found["b.md"].commits_behind is None
    assert "shallow" in found["b.md"].note
    assert found["a.md"].state == "up-to-date" and found["a.md"].history == "content-hash"


def test_cli_json_and_diff(repo):
    page = repo / "docs/en/b.md"
    page.write_text(page.read_text(encoding="utf-8") + "A new sentence.\n", encoding="utf-8")
    commit(repo, "English b changed")
    (repo / "mkdocs.yml").write_text("site_name: T\nextra:\n  ipbes:\n    source_language: en\n    languages: {en: {}, fr: {}}\n", encoding="utf-8")
    for lang in ("en", "fr"):
        (repo / f"locales/{lang}/LC_MESSAGES").mkdir(parents=True)
        (repo / f"locales/{lang}/LC_MESSAGES/messages.po").write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\nmsgid "a"\nmsgstr "A"\n', encoding="utf-8")
    run = lambda *a: subprocess.run([sys.executable, "-m", "scripts.cli", "translations", *a], cwd=repo, capture_output=True, text=True,
                                   env={**os.environ, "PYTHONPATH": str(ROOT)})
    report = json.loads(run("--format", "json").stdout)
    by_page = {p["page"]: p for p in report["pages"]}
    assert by_page["b.md"]["state"] == "outdated" and by_page["e.md"]["state"] == "missing"
    assert set(p["state"] for p in report["pages"]) <= set(tr.STATES)
    assert report["catalogs"]["fr"] == {"lang": "fr", "translated": 1, "fuzzy": 0, "untranslated": 0}
    text = run().stdout
    assert "b.md: outdated: 1 commit(s), 1 line(s) changed in English since" in text
    diff = run("--diff", "fr", "b.md").stdout
    assert "+A new sentence." in diff


@pytest.fixture(scope="module")
def translated_site(tmp_path_factory):
    """The real project in a fresh git repository: French about.md reviewed then outdated by an
    English edit, media.md removed in Spanish; the other records predate this history."""
    project = copy_project(tmp_path_factory.mktemp("tr") / "project")
    git(project, "init", "-q")
    commit(project, "project")
    for lang, page in (("fr", "about.md"), ("fr", "media.md"), ("es", "partners.md"), ("es", "media.md")):
        tr.done(project, lang, page, status="reviewed")
    commit(project, "records")
    about = project / "docs/en/about.md"
    about.write_text(about.read_text(encoding="utf-8") + "\nA sentence added in English.\n", encoding="utf-8")
    (project / "docs/es/media.md").unlink()
    commit(project, "English about changed; Spanish media removed")
    return build_site(project, project / "site", languages=["en", "fr", "es"], report=lambda *_: None)


def test_outdated_translation_carries_a_notice_linking_to_the_original(translated_site):
    page = (translated_site / "fr/about/index.html").read_text(encoding="utf-8")
    assert "La page originale a changé depuis cette traduction." in page
    assert 'href="../../en/about/" hreflang="en">Lire l\'original en anglais.' in page
    assert "Cette traduction est un brouillon" not in page
    es_partners = (translated_site / "es/partners/index.html").read_text(encoding="utf-8")
    assert "ipbes-notice" not in es_partners, "a reviewed, up-to-date translation carries no notice"


def test_missing_page_is_english_marked_honestly_and_kept_out_of_hreflang_and_sitemap(translated_site, shared):
    html = translated_site / "es/media/index.html"
    parsed = parse(html)
    text = html.read_text(encoding="utf-8")
    assert find(parsed, "html")[0].attrs["lang"] == "es"
    assert "Esta página aún no está traducida al español, por eso se muestra en inglés." in text
    wrapper = [d for d in find(parsed, "div") if d.attrs.get("lang") == "en"]
    assert wrapper and wrapper[0].attrs["dir"] == "ltr"
    assert "Press contact" in text
    hreflangs = {l.attrs["hreflang"] for l in find(parsed, "link", rel="alternate") if l.attrs.get("hreflang")}
    assert "es" not in hreflangs
    sitemap = (translated_site / "es/sitemap.xml").read_text(encoding="utf-8")
    assert f"{shared.site_url}es/media/" not in sitemap
    en_page = parse(translated_site / "en/media/index.html")
    assert "es" not in {l.attrs["hreflang"] for l in find(en_page, "link", rel="alternate") if l.attrs.get("hreflang")}


def test_dashboard_numbers(translated_site):
    project = translated_site.parent
    found = {(s.lang, s.page): s.state for s in tr.all_states(project, ["en", "fr", "es"])}
    assert found[("fr", "about.md")] == "outdated" and found[("fr", "media.md")] == "up-to-date"
    assert found[("es", "media.md")] == "missing" and found[("es", "partners.md")] == "up-to-date"
    counts = tr.totals(list(tr.all_states(project, ["en", "fr", "es"])))
    page = (translated_site / "es/translations/index.html").read_text(encoding="utf-8").replace("\n", "")
    gettext = translations(str(project / "locales"), "es").gettext
    for state in tr.SHOWN_STATES:  # each state apart, per language (fr, es), no share that hides drafts
        assert f"<tr><td>{gettext(tr.LABELS[state])}</td><td>{counts['fr'][state]}</td><td>{counts['es'][state]}</td>" in page, state
    title = tr.page_title(project / "docs/en/media.md")
    assert f'<a href="../../en/media/" hreflang="en">{title}</a></span></td><td>{gettext(tr.LABELS["missing"])}</td>' in page


def _glossary_findings(lang: str, english: str, translated: str):
    from scripts.brand.text import prose_lines
    from scripts.glossary import load_glossary, term_findings
    terms = load_glossary(ROOT, ["en", "fr", "es", "zh", "ar", "ru"])
    return term_findings(english, prose_lines(translated), lang, terms)


@pytest.mark.parametrize("lang,english,translated,expected", [
    ("fr", "The summary for policymakers.", "# T\n\nLe résumé pour les décideurs.\n",
     [(3, "'résumé pour les décideurs' is not the official form of 'summary for policymakers'; write 'résumé à l'intention des décideurs'"),
      (None, "the English page uses 'summary for policymakers', but this translation lacks its official form 'résumé à l'intention des décideurs'")]),
    ("es", "The Bureau agreed.", "# T\n\nEl Buró acordó.\n",
     [(3, "'Buró' is not the official form of 'Bureau'; write 'Mesa'"),
      (None, "the English page uses 'Bureau', but this translation lacks its official form 'Mesa'")]),
    ("ru", "The Plenary approved it.", "# T\n\nПленум одобрил. Решение Пленума.\n", []),
    ("ru", "Members of the Multidisciplinary Expert Panel.", "# T\n\nЧлены Междисциплинарной группы экспертов.\n", []),
    ("ar", "The Bureau and the Plenary.", "# T\n\nوالمكتب وللاجتماع العام.\n", []),
    ("zh", "The summary for policymakers.", "# T\n\n政策制定者摘要。\n",
     [(3, "'政策制定者摘要' is not the official form of 'summary for policymakers'; write '决策者摘要'"),
      (None, "the English page uses 'summary for policymakers', but this translation lacks its official form '决策者摘要'")]),
    ("zh", "No glossary term here.", "# T\n\n这里没有术语。\n", []),
])
def test_glossary_warns_on_wrong_variants_and_missing_official_forms(lang, english, translated, expected):
    assert _glossary_findings(lang, english, translated) == expected


def test_glossary_findings_are_warnings_of_the_check(project):
    page = project / "docs/es/about.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nEl Buró de la IPBES.\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "scripts.cli", "check", "--sources-only"], cwd=project, capture_output=True,
                            text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 0, "warnings do not fail"
    line = len(page.read_text(encoding="utf-8").splitlines())
    assert f"docs/es/about.md:{line}: glossary-terms: 'Buró' is not the official form of 'Bureau'; write 'Mesa'" in result.stdout
