"""One lifecycle for every page type: English first, translations later, never a crash.

A project copy gets an English-only page, news post, fact sheet (its French and Arabic
versions removed) and launch (a data entry with English texts only); one build, then each
page type is read in French and Arabic: there, in English, marked and announced.
"""
from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from scripts.build import build_site
from scripts.errors import BuildError
from tests.conftest import copy_project
from tests.helpers import find, parse, replace_in

SOLO_ENTRY = """
  solo-assessment:
    title: {en: A fixture assessment known in English only}
    short_title: {en: Fixture launch}
    plenary: ipbes-7
    launch: {date: 2019-05-06, time: null}
    downloads: []
    media_contacts: []
    events: []
"""

POST = """---
date: 2026-11-21
authors: [secretariat]
categories: [News]
description: "A fixture post written in English first."
---

# A post in English only

This post is written in English first; translations follow later.
"""


def _english_only_project(target):
    project = copy_project(target)
    (project / "docs/en/solo.md").write_text("# A page in English only\n\nThis page has no translation yet.\n", encoding="utf-8")
    replace_in(project / "mkdocs.yml", "  - about.md\n", "  - about.md\n  - solo.md\n")
    (project / "docs/en/news/posts/solo-post.md").write_text(POST, encoding="utf-8")
    for lang in ("fr", "ar"):
        (project / f"docs/{lang}/factsheets/africa.md").unlink()
    with open(project / "data/assessments.yml", "a", encoding="utf-8") as data:
        data.write(SOLO_ENTRY)
    return project


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    project = _english_only_project(tmp_path_factory.mktemp("lifecycle") / "project")
    site = build_site(project, project / "site", report=lambda *_: None)
    return project, site


PAGES = {
    "page": "solo/index.html",
    "news post": "news/solo-post/index.html",
    "fact sheet": "factsheets/africa/index.html",
    "launch page": "assessments/solo-assessment/index.html",
}


@pytest.mark.parametrize("lang", ["fr", "ar"])
@pytest.mark.parametrize("kind", list(PAGES))
def test_an_english_only_page_is_there_in_english_with_a_notice(built, lang, kind):
    project, site = built
    path = site / lang / PAGES[kind]
    assert path.is_file(), f"{kind} missing in {lang}"
    page = parse(path)
    assert find(page, "html")[0].attrs["lang"] == lang
    wrappers = [e for e in page.elements if e.attrs.get("lang") == "en" and e.tag == "div"]
    assert wrappers, f"the {kind}'s text is not marked lang=en in {lang}"
    assert all(w.attrs.get("dir") == "ltr" for w in wrappers)
    notices = [p for p in find(page, "p") if "ipbes-notice" in (p.attrs.get("class") or "")]
    assert notices, f"no notice on the English {kind} in {lang}"
    links = [a for a in find(page, "a") if a.attrs.get("hreflang") == "en"]
    assert links, "the notice links the English original"
    assert any("translations/" in (a.attrs.get("href") or "") for a in find(page, "a")), "the notice invites volunteers"
    assert find(page, "meta", name="robots") and find(page, "meta", name="robots")[0].attrs["content"] == "noindex"
    hreflangs = {link.attrs.get("hreflang") for link in find(page, "link", rel="alternate") if link.attrs.get("hreflang")}
    assert lang not in hreflangs, f"an English fallback is in the {lang} hreflang set"
    sitemap = (site / lang / "sitemap.xml").read_text(encoding="utf-8")
    assert f"/{lang}/{PAGES[kind].removesuffix('index.html')}<" not in sitemap


def test_the_english_only_fact_sheet_links_the_english_pdf(built):
    _, site = built
    page = parse(site / "ar/factsheets/africa/index.html")
    pdfs = [a.attrs["href"] for a in find(page, "a") if (a.attrs.get("href") or "").endswith(".pdf")]
    assert pdfs == ["ipbes-factsheet-africa-en.pdf"]
    assert (site / "ar/factsheets/africa" / pdfs[0]).is_file()


def test_feeds_mark_an_english_entry(built):
    _, site = built
    feed = ET.parse(site / "fr/news/feed.xml").getroot()
    entries = feed.findall("{http://www.w3.org/2005/Atom}entry")
    solo = [e for e in entries if e.findtext("{http://www.w3.org/2005/Atom}title") == "A post in English only"]
    assert solo and solo[0].get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    others = [e for e in entries if e is not solo[0]]
    assert others and all(e.get("{http://www.w3.org/XML/1998/namespace}lang") is None for e in others)


def test_translated_posts_and_fact_sheets_show_their_draft_notice(built):
    _, site = built
    for rel in ("news/logo-use-policy/index.html", "factsheets/americas/index.html"):
        page = parse(site / "fr" / rel)
        notices = [p.text for p in find(page, "p") if "ipbes-notice" in (p.attrs.get("class") or "")]
        assert notices and "brouillon" in notices[0], (rel, notices)


def test_translations_start_for_a_news_post_builds_at_once(tmp_path):
    from scripts import translations
    project = copy_project(tmp_path / "project")
    (project / "docs/en/news/posts/solo-post.md").write_text(POST, encoding="utf-8")
    path = translations.start(project, "fr", "news/posts/solo-post.md")
    text = path.read_text(encoding="utf-8")
    assert "categories:\n- Actualités" in text or "categories: [Actualités]" in text, text[:400]
    assert "translate:" in text and "description" in text
    site = build_site(project, project / "site", languages=["fr"], report=lambda *_: None)
    page = parse(site / "fr/news/solo-post/index.html")
    notices = [p.text for p in find(page, "p") if "ipbes-notice" in (p.attrs.get("class") or "")]
    assert notices and "brouillon" in notices[0]
    assert not [e for e in page.elements if e.attrs.get("lang") == "en" and e.tag == "div"]


@pytest.mark.parametrize("edit,where,expected", [
    (("docs/en/news/posts/logo-use-policy.md", "date: 2026-11-20", "date: 2026-02-30"), "docs/en/news/posts/logo-use-policy.md:2",
     "is not a real date"),
    (("docs/en/news/posts/logo-use-policy.md", "authors: [secretariat]", "authors: [nobody]"), "docs/en/news/posts/logo-use-policy.md:3",
     "unknown author 'nobody'"),
    (("docs/fr/news/posts/logo-use-policy.md", "Actualités", "Nouvelles"), "docs/fr/news/posts/logo-use-policy.md:",
     "category 'Nouvelles' is not one of this language's categories"),
    (("data/assessments.yml", "launch: {date: 2018-03-23, time: null}", "launch: {date: 2018-02-30, time: null}"), "data/assessments.yml:",
     "2018-02-30"),
])
def test_content_mistakes_name_the_file_and_line_without_a_traceback(tmp_path, edit, where, expected):
    project = copy_project(tmp_path / "project")
    file, old, new = edit
    replace_in(project / file, old, new)
    run = subprocess.run([sys.executable, "-m", "scripts.cli", "--root", str(project), "build", "--lang", "en", "--lang", "fr"],
                         capture_output=True, text=True, cwd=project)
    assert run.returncode == 1, run.stderr
    assert "Traceback" not in run.stderr + run.stdout, run.stderr
    assert where in run.stderr and expected in run.stderr, run.stderr
    assert not (project / "site").exists() and not (project / ".site.new").exists()


def test_a_broken_link_is_reported_once_for_all_languages(tmp_path):
    project = copy_project(tmp_path / "project")
    page = project / "docs/en/benchmark.md"  # English only: every language shows this page
    page.write_text(page.read_text(encoding="utf-8") + "\n[gone](no-such-page.md)\n", encoding="utf-8")
    with pytest.raises(BuildError) as error:
        build_site(project, project / "site", report=lambda *_: None)
    messages = [str(p) for p in error.value.problems if "no-such-page.md" in str(p)]
    assert len(messages) == 1, messages
    assert "docs/en/benchmark.md:" in messages[0]
    assert not (project / ".site.new").exists()


def test_stage_and_finish_import_no_engine():
    code = ("import sys, scripts.stage, scripts.finish, scripts.htmlparts; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('mkdocs', 'material')))")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "[]", run.stdout


def test_the_staged_configuration_lists_only_the_engines_plugins(built):
    import yaml
    project, _ = built
    for lang in ("en", "ar"):
        config = yaml.safe_load((project / ".build/stage" / lang / "mkdocs.yml").read_text(encoding="utf-8"))
        names = [p if isinstance(p, str) else next(iter(p)) for p in config["plugins"]]
        assert set(names) <= {"search", "blog"}, names
        assert not config.get("hooks")
        assert not str(config["docs_dir"]).startswith("/") and not str(config["theme"]["custom_dir"]).startswith("/")
        assert config["extra"]["ipbes"]["strings"], "interface strings resolved into the configuration"


def test_the_preview_stages_again_when_data_brand_or_locales_change(tmp_path):
    from scripts.serve import WATCHED, Preview, snapshot
    assert {"docs", "data", "brand", "locales", "overrides"} <= set(WATCHED)
    project = copy_project(tmp_path / "project")
    preview = Preview(project, "fr")
    assert preview.stage() == []
    listing = preview.out / "docs/assessments/index.md"
    before, seen = listing.read_text(encoding="utf-8"), snapshot(project)
    replace_in(project / "data/assessments.yml", "fr: Afrique,", "fr: Afrique-modifiée,")
    replace_in(project / "locales/fr/LC_MESSAGES/messages.po", 'msgstr "Fiche d\'information"', 'msgstr "Fiche-modifiée"')
    changed = {name for name, stamp in snapshot(project).items() if seen.get(name) != stamp}
    assert {str(project / "data/assessments.yml"), str(project / "locales/fr/LC_MESSAGES/messages.po")} <= changed
    assert preview.stage(changed) == []
    assert "Afrique-modifiée" in listing.read_text(encoding="utf-8") and listing.read_text(encoding="utf-8") != before
    assert "Fiche-modifiée" in (preview.out / "mkdocs.yml").read_text(encoding="utf-8")
    untouched = preview.out / "docs/about.md"
    stamp = untouched.stat().st_mtime_ns
    assert preview.stage(changed) == [] and untouched.stat().st_mtime_ns == stamp, "unchanged pages are not rewritten"


def test_the_preview_renders_every_page_again_after_a_template_or_strings_change(tmp_path):
    """The engine's dirty rebuild renders only staged pages newer than their output: a change
    of the templates or of the staged configuration (interface strings) marks every page
    newer; a page's own change marks only that page."""
    import os
    from scripts.serve import Preview
    project = copy_project(tmp_path / "project")
    preview = Preview(project, "fr")
    assert preview.stage() == []
    pages = sorted((preview.out / "docs").rglob("*.md"))
    old = 1_000_000_000
    for page in pages:
        os.utime(page, (old, old))
    about = project / "docs/fr/about.md"
    about.write_text(about.read_text(encoding="utf-8") + "\nUne phrase de plus.\n", encoding="utf-8")
    assert preview.stage({str(about)}) == []
    newer = [p for p in pages if p.stat().st_mtime > old]
    assert newer == [preview.out / "docs/about.md"], newer
    template = project / "overrides/main.html"
    template.write_text(template.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert preview.stage({str(template)}) == []
    assert all(p.stat().st_mtime > old for p in pages)
    for page in pages:
        os.utime(page, (old, old))
    replace_in(project / "locales/fr/LC_MESSAGES/messages.po", 'msgstr "Fiche d\'information"', 'msgstr "Fiche-modifiée"')
    assert preview.stage({str(project / "locales/fr/LC_MESSAGES/messages.po")}) == []
    assert all(p.stat().st_mtime > old for p in pages)


def test_an_internal_error_is_one_line_and_a_log_not_a_traceback(tmp_path, monkeypatch, capsys):
    from scripts import build, cli
    project = copy_project(tmp_path / "project")

    def broken(*args, **kwargs):
        raise RuntimeError("a bug in a finish step")

    monkeypatch.setattr(build, "build_site", broken)
    assert cli.main(["--root", str(project), "build"]) == 3
    err = capsys.readouterr().err
    assert "Traceback" not in err and "internal error (RuntimeError: a bug in a finish step)" in err and "report it" in err
    assert "RuntimeError" in (project / ".build" / "last-error.txt").read_text(encoding="utf-8")
