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


def format_clock(seconds: int) -> str:
    """'6:30' or '1:02:03': the figure on a video's poster, the same in every language."""
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def format_duration(seconds: int, lang: str) -> str:
    """'6 minutes, 30 seconds' in the page's language, for screen readers.

    Babel 2.18 leaks a unit key for Chinese long minutes ('6 duration-minute'), which falls
    back to the short unit; its 'unit' list patterns repeat items (Arabic) or fail (Spanish),
    so the parts are joined with the standard pattern ('6 minutes and 30 seconds')."""
    from babel.lists import format_list
    from babel.units import format_unit
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    parts = []
    for value, unit in ((hours, "duration-hour"), (minutes, "duration-minute"), (secs, "duration-second")):
        if value or (unit == "duration-second" and not parts):
            text = format_unit(value, unit, length="long", locale=lang)
            parts.append(format_unit(value, unit, length="short", locale=lang) if "duration-" in text else text)
    return format_list(parts, style="standard", locale=lang)


def jinja_filters(lang: str) -> dict:
    return {
        "format_date": lambda value, style="long": format_date(value, lang, style),
        "format_datetime": lambda value, style="long", tz=None: format_datetime(value, lang, style, tz),
        "format_number": lambda value: format_number(value, lang),
    }
