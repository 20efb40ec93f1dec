"""Interface strings: the gettext catalogs in locales/, managed with Babel.

Templates and Python code mark reader-facing strings (`_()` in templates, `N_()` in code);
`ipbes-site messages` extracts them and updates every language's catalog; the build
compiles each catalog in memory, so no compiled .mo file is ever committed or stale.
"""
from __future__ import annotations

import copy
import io
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po, write_po
from babel.support import Translations

from .errors import BuildError, Problem

DOMAIN = "messages"


def N_(message: str) -> str:
    """Marks a string for extraction; it is translated where it is shown."""
    return message


def catalog_path(locales: Path, lang: str) -> Path:
    return Path(locales) / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalog(path: Path, lang: str) -> Catalog:
    try:
        with open(path, "rb") as handle:
            return read_po(handle, locale=lang, abort_invalid=True)
    except FileNotFoundError:
        raise BuildError([Problem(path, None, f"no interface catalog for '{lang}'; run `make messages` to create it")])
    except PoFileError as exc:
        raise BuildError([Problem(path, getattr(exc, "lineno", None), f"catalog is not a valid .po file ({exc}); fix it or recreate it with `make messages`")])


@lru_cache(maxsize=None)
def translations(locales: str, lang: str) -> Translations:
    """The compiled catalog of one language (fuzzy entries are left out, as msgfmt does)."""
    catalog = read_catalog(catalog_path(Path(locales), lang), lang)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


def gettext(locales: Path, lang: str, message: str) -> str:
    return translations(str(locales), lang).gettext(message)


@dataclass(frozen=True)
class CatalogStats:
    lang: str
    translated: int
    fuzzy: int
    untranslated: int


def catalog_stats(locales: Path, lang: str) -> CatalogStats:
    catalog = read_catalog(catalog_path(locales, lang), lang)
    messages = [m for m in catalog if m.id]
    fuzzy = sum(1 for m in messages if m.fuzzy)
    untranslated = sum(1 for m in messages if not m.fuzzy and not _is_translated(m))
    return CatalogStats(lang, len(messages) - fuzzy - untranslated, fuzzy, untranslated)


def _is_translated(message) -> bool:
    if isinstance(message.string, (list, tuple)):
        return all(message.string)
    return bool(message.string)


def extract_template(root: Path) -> Catalog:
    """Every marked string in overrides/ and scripts/, as Babel's extractors find them."""
    from babel.messages.frontend import parse_mapping_cfg
    with open(Path(root) / "babel.cfg", encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    catalog = Catalog(project="ipbes-site", domain=DOMAIN)
    for filename, lineno, message, comments, context in extract_from_dir(
            str(root), method_map, options_map, keywords={"_": None, "gettext": None, "ngettext": (1, 2), "N_": None},
            comment_tags=("Translators:",), strip_comment_tags=True):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def update_catalogs(root: Path, languages: list[str], source_language: str = "en") -> dict[str, CatalogStats]:
    """Extract, write locales/messages.pot and merge it into each language's catalog.

    The source language's catalog is filled with the source strings themselves, so that
    every catalog can be checked for completeness the same way."""
    root = Path(root)
    locales = root / "locales"
    template = extract_template(root)
    locales.mkdir(parents=True, exist_ok=True)
    with open(locales / f"{DOMAIN}.pot", "wb") as handle:
        write_po(handle, template, omit_header=False, sort_output=True, no_location=False, width=100)
    stats = {}
    for lang in languages:
        path = catalog_path(locales, lang)
        if path.exists():
            catalog = read_catalog(path, lang)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            catalog = Catalog(locale=lang, domain=DOMAIN, project="ipbes-site")
        # Babel's update shares message objects with the template; each catalog needs its own.
        catalog.update(copy.deepcopy(template), update_header_comment=False)
        catalog.obsolete.clear()
        if lang == source_language:
            for message in catalog:
                if message.id:
                    message.string = message.id
                    message.flags.discard("fuzzy")
        with open(path, "wb") as handle:
            write_po(handle, catalog, sort_output=True, width=100, ignore_obsolete=True)
        stats[lang] = catalog_stats(locales, lang)
    translations.cache_clear()
    return stats
