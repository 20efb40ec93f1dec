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
