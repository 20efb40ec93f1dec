"""The six UN languages the site speaks, and what each build needs to know about them.

Names and text direction come from Babel's CLDR data, never from a hand-typed table, so
every language is named in its own script and Arabic is right-to-left because CLDR says so.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from babel import Locale

UN_LANGUAGES = ("en", "fr", "es", "zh", "ar", "ru")
SOURCE_LANGUAGE = "en"


@dataclass(frozen=True)
class Language:
    code: str

    @property
    def locale(self) -> Locale:
        return _locale(self.code)

    @property
    def native_name(self) -> str:
        return _native_name(self.code)

    @property
    def direction(self) -> str:
        return "rtl" if self.locale.text_direction == "rtl" else "ltr"

    def name_in(self, other: str) -> str:
        return _locale(other).languages.get(self.code, self.code)


@lru_cache(maxsize=None)
def _native_name(code: str) -> str:
    name = _locale(code).get_display_name(code)
    return name[:1].upper() + name[1:]


@lru_cache(maxsize=None)
def _locale(code: str) -> Locale:
    return Locale.parse(code)


def language(code: str) -> Language:
    if code not in UN_LANGUAGES:
        raise ValueError(f"'{code}' is not one of the six UN languages ({', '.join(UN_LANGUAGES)})")
    return Language(code)


def all_languages() -> list[Language]:
    return [Language(code) for code in UN_LANGUAGES]
