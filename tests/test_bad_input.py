"""Bad configuration or content stops the build with a message that names the file (and line),
collects every problem of a run, and leaves the last good site untouched."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from scripts.build import build_site
from scripts.errors import BuildError
from tests.helpers import replace_in as replace


def build_errors(project: Path, **kwargs) -> list[str]:
    with pytest.raises(BuildError) as error:
        build_site(project, project / "site", report=lambda *_: None, **kwargs)
    return [str(p) for p in error.value.problems]




def test_invalid_front_matter_names_file_and_line(project):
    replace(project / "docs/fr/about.md", "description: Ce qu'est", "description: [Ce qu'est")
    errors = build_errors(project, languages=["fr"])
    assert len(errors) == 1
    assert "docs/fr/about.md:2: front matter is not valid YAML" in errors[0]
    assert "fix the YAML between the --- lines" in errors[0]


def test_unknown_key_wrong_type_and_unknown_template_are_all_reported_together(project):
    replace(project / "docs/es/media.md", "description:", "summary: x\ndescription:")
    replace(project / "docs/ru/partners.md", "description: Конвенции", "hide: yes\ndescription: Конвенции")
    replace(project / "docs/zh/index.md", "template: home.html", "template: landing.html")
    errors = "\n".join(build_errors(project))
    assert "docs/es/media.md:2: unknown front matter key 'summary'" in errors
    assert "docs/ru/partners.md:2: front matter key 'hide' must be a list, not bool" in errors
    assert "docs/zh/index.md:2: unknown template 'landing.html'; use one of:" in errors and "home.html" in errors


def test_a_key_of_another_page_type_is_refused_with_its_line(project):
    replace(project / "docs/en/news/posts/regional-volunteers.md", "authors:", "cover_image: covers/global.jpg\nauthors:")
    replace(project / "docs/fr/about.md", "description:", "categories: [Actualités]\ndescription:")
    errors = "\n".join(build_errors(project))
    post = project / "docs/en/news/posts/regional-volunteers.md"
    line = post.read_text(encoding="utf-8").splitlines().index("cover_image: covers/global.jpg") + 1
    assert f"docs/en/news/posts/regional-volunteers.md:{line}: front matter key 'cover_image' does not belong on a news post" in errors
    assert "docs/fr/about.md:2: front matter key 'categories' does not belong on a page; remove it" in errors


def test_language_code_not_of_the_six_names_the_config_line(project):
    lines = (project / "mkdocs.yml").read_text(encoding="utf-8").splitlines()
    ru = next(i for i, line in enumerate(lines) if line.startswith("      ru: "))
    lines.insert(ru + 1, "      de: {search: {lang: [de]}}")
    (project / "mkdocs.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    expected_line = next(i for i, line in enumerate(lines, start=1) if line.strip().startswith("de:"))
    errors = build_errors(project)
    assert any(f"mkdocs.yml:{expected_line}: language code 'de' is not one of the six UN languages" in e in e for e in errors), errors


def test_content_folder_for_an_unknown_language_is_refused(project):
    (project / "docs" / "pt").mkdir()
    (project / "docs" / "pt" / "index.md").write_text("# Olá\n", encoding="utf-8")
    errors = build_errors(project)
    assert any("docs/pt: 'pt' is not one of the six UN languages" in e in e for e in errors), errors


def test_broken_link_fails_the_language_build_and_names_the_file(project):
    (project / "docs/ar/about.md").write_text((project / "docs/ar/about.md").read_text(encoding="utf-8") + "\n[x](missing.md)\n", encoding="utf-8")
    errors = build_errors(project, languages=["ar"])
    assert any("docs/ar/about.md:" in e and "link to 'missing.md', a page that does not exist" in e for e in errors), errors


def test_failed_build_leaves_the_last_good_site_untouched(project):
    site = project / "site"
    build_site(project, site, languages=["en", "fr"], report=lambda *_: None)
    before = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    replace(project / "docs/en/about.md", "description: What", "description: [What")
    build_errors(project, languages=["en", "fr"])
    after = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    assert before == after


def test_cli_exit_status_and_message(project):
    replace(project / "docs/ru/about.md", "description: Что", "description: [Что")
    command = [sys.executable, "-m", "scripts.cli", "build", "--lang", "ru"]
    result = subprocess.run(command, cwd=project, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)})
    assert result.returncode == 1
    assert result.stderr.startswith("docs/ru/about.md:2: front matter is not valid YAML")
    assert "nothing was published" in result.stderr
    assert not (project / "site").exists()


def test_broken_anchor_and_link_name_the_line(project):
    page = project / "docs/fr/about.md"
    lines = page.read_text(encoding="utf-8").splitlines()
    page.write_text("\n".join(lines + ["", "[x](partners.md#no-such-heading) et [y](nope.md)"]) + "\n", encoding="utf-8")
    errors = build_errors(project, languages=["fr"])
    line = len(lines) + 2
    assert any(f"docs/fr/about.md:{line}: anchor '#no-such-heading' not found in 'partners.md'" in e for e in errors), errors
    assert any(f"docs/fr/about.md:{line}: link to 'nope.md', a page that does not exist" in e for e in errors), errors


def test_a_date_that_is_not_iso_8601_names_the_line(project):
    post = project / "docs/ru/news/posts/logo-use-policy.md"
    replace(post, "date: 2026-11-20", "date: 20 ноября 2026")
    errors = build_errors(project, languages=["ru"])
    assert any("docs/ru/news/posts/logo-use-policy.md:2: date '20 ноября 2026' is not an ISO 8601 date; write it as YYYY-MM-DD" in e for e in errors), errors


def test_an_image_over_the_size_limit_is_refused(project):
    import os as _os
    (project / "docs/media/huge.png").write_bytes(b"\x89PNG\r\n\x1a\n" + _os.urandom(600_000))
    errors = build_errors(project, languages=["en"])
    assert any("docs/media/huge.png: the image is 600 kB, over the 500 kB limit" in e for e in errors), errors


def test_a_missing_image_names_the_line(project):
    page = project / "docs/es/about.md"
    lines = page.read_text(encoding="utf-8").splitlines()
    page.write_text("\n".join(lines + ["", "![Mapa](/media/covers/no-such-map.jpg)"]) + "\n", encoding="utf-8")
    errors = build_errors(project, languages=["es"])
    assert any(e.startswith(f"{project}/docs/es/about.md:{len(lines) + 2}: ") and "no-such-map.jpg" in e for e in errors), errors
