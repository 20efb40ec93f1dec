"""Interface strings: every catalog complete, and in step with the strings the code uses."""
from __future__ import annotations

import pytest

from scripts import ROOT
from scripts.i18n import catalog_path, catalog_stats, extract_template, read_catalog
from scripts.languages import UN_LANGUAGES


@pytest.mark.parametrize("lang", UN_LANGUAGES)
def test_catalog_has_no_missing_or_fuzzy_entry(lang):
    stats = catalog_stats(ROOT / "locales", lang)
    assert stats.translated > 0
    assert (stats.fuzzy, stats.untranslated) == (0, 0), f"{lang}: {stats}; translate them in {catalog_path(ROOT / 'locales', lang)}"


@pytest.mark.parametrize("lang", UN_LANGUAGES)
def test_catalog_holds_every_string_templates_and_code_use(lang):
    used = {m.id for m in extract_template(ROOT) if m.id}
    catalog = read_catalog(catalog_path(ROOT / "locales", lang), lang)
    have = {m.id for m in catalog if m.id}
    assert used, "extraction found no strings"
    assert used <= have, f"run `make messages`: {sorted(used - have)}"


def test_stats_count_fuzzy_and_untranslated(tmp_path):
    po = tmp_path / "fr" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    po.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                  'msgid "a"\nmsgstr "A"\n\n#, fuzzy\nmsgid "b"\nmsgstr "B"\n\nmsgid "c"\nmsgstr ""\n', encoding="utf-8")
    stats = catalog_stats(tmp_path, "fr")
    assert (stats.translated, stats.fuzzy, stats.untranslated) == (1, 1, 1)


@pytest.mark.parametrize("lang", UN_LANGUAGES)
def test_translations_keep_the_placeholders(lang):
    catalog = read_catalog(catalog_path(ROOT / "locales", lang), lang)
    errors = [f"{m.id!r}: {e}" for m, errs in catalog.check() for e in errs]
    assert not errors, errors


def test_updating_catalogs_leaves_new_strings_untranslated_outside_english(tmp_path):
    import shutil
    from scripts.i18n import update_catalogs
    for part in ("babel.cfg", "overrides", "scripts", "locales"):
        (shutil.copytree if (ROOT / part).is_dir() else shutil.copy2)(ROOT / part, tmp_path / part)
    (tmp_path / "overrides" / "extra.html").write_text('{{ _("A string nobody has translated yet") }}\n', encoding="utf-8")
    stats = update_catalogs(tmp_path, list(UN_LANGUAGES))
    assert stats["en"].untranslated == 0
    for lang in UN_LANGUAGES[1:]:
        assert stats[lang].untranslated == 1, stats[lang]
