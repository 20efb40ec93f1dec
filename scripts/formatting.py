"""Dates, times and numbers in the reader's locale, through Babel's CLDR data.

Exposed to templates as Jinja filters (`format_date`, `format_datetime`, `format_number`),
so a template never hand-formats a date or a number for one language.
"""
from __future__ import annotations

import datetime as dt

from babel import dates, numbers


def format_date(value: dt.date | str, lang: str, style: str = "long") -> str:
    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    return dates.format_date(value, format=style, locale=lang)


def format_datetime(value: dt.datetime | str, lang: str, style: str = "long", tz: str | None = None) -> str:
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return dates.format_datetime(value, format=style, tzinfo=dates.get_timezone(tz) if tz else None, locale=lang)


def format_number(value: float | int, lang: str) -> str:
    return numbers.format_decimal(value, locale=lang)


def format_size(size: int, lang: str) -> str:
    """A file size as readers expect it ('245 kB', '1,2 MB'), in the locale's own units."""
    from babel.units import format_unit
    if size < 1_000_000:
        return format_unit(max(1, round(size / 1000)), "digital-kilobyte", length="short", locale=lang)
    return format_unit(round(size / 1_000_000, 1), "digital-megabyte", length="short", locale=lang)


def jinja_filters(lang: str) -> dict:
    return {
        "format_date": lambda value, style="long": format_date(value, lang, style),
        "format_datetime": lambda value, style="long", tz=None: format_datetime(value, lang, style, tz),
        "format_number": lambda value: format_number(value, lang),
    }
