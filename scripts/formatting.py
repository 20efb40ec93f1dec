"""Dates, times, numbers, places and lists in the reader's locale, through Babel's CLDR data.

Exposed to templates as Jinja filters (`format_date`, `format_datetime`, `format_number`),
so a template never hand-formats a date, a number or a list for one language. Nothing here
joins text with a hand-written ", ": lists follow CLDR's list patterns and date ranges CLDR's
interval formats, so Chinese and Arabic text never gets a Latin comma.

English follows the site's own style, day month year ("6 May 2019", "18–24 March 2018"), the
24-hour clock and no serial comma, the style of UN documents: CLDR's British English data
rather than the US default.
"""
from __future__ import annotations

import datetime as dt
import re

from babel import Locale, dates, numbers
from babel.lists import format_list

#: The CLDR locale whose date, time and list patterns a language's pages use.
SITE_LOCALES = {"en": "en_GB"}
#: CLDR skeleton of a date range: day, full month name, year.
RANGE_SKELETON = "yMMMMd"
#: Whole numbers below this are shown without a group separator ("2016", not "2,016"),
#: as the SI brochure and several CLDR locales do for four-digit numbers.
GROUPING_FROM = 10_000


def site_locale(lang: str) -> Locale:
    return Locale.parse(SITE_LOCALES.get(lang, lang))


def format_date(value: dt.date | str, lang: str, style: str = "long") -> str:
    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    return dates.format_date(value, format=style, locale=site_locale(lang))


def format_datetime(value: dt.datetime | str, lang: str, style: str = "long", tz: str | None = None) -> str:
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return dates.format_datetime(value, format=style, tzinfo=dates.get_timezone(tz) if tz else None,
                                 locale=site_locale(lang))


def format_time(value: dt.datetime, lang: str, tz=None) -> str:
    """'13:00', '1:00 م': the hour in the locale's short time format."""
    return dates.format_time(value, "short", tzinfo=tz, locale=site_locale(lang))


def format_moment(value: dt.datetime, lang: str, tz=None) -> str:
    """A date and an hour, the date written out ('6 May 2019 at 11:00'), never all digits
    ('5/6/19'), which readers of different countries read as different days."""
    locale = site_locale(lang)
    pattern = locale.datetime_formats["long"].replace("'", "")
    return (pattern.replace("{1}", dates.format_date(value.astimezone(tz) if tz else value, "long", locale=locale))
            .replace("{0}", format_time(value, lang, tz)))


def _widen_months(pattern: str) -> str:
    """CLDR's matching rule: a skeleton asking for MMMM stretches the best pattern's MMM."""
    return re.sub(r"(?<![ML])(MMM|LLL)(?![ML])", lambda m: m.group(1) + m.group(1)[0], pattern)


def format_date_range(start: dt.date, end: dt.date, lang: str) -> str:
    """'18–24 March 2018', '2019年4月29日至5月4日', '29 апреля – 4 мая 2019 г.': CLDR's interval
    format for the locale, with full month names; one date when both ends are the same day."""
    if end == start:
        return format_date(start, lang, "long")
    if end < start:
        start, end = end, start
    locale = site_locale(lang)
    skeleton = dates.match_skeleton(RANGE_SKELETON, locale.interval_formats) or RANGE_SKELETON
    parts = locale.interval_formats.get(skeleton)
    if not parts:
        return dates.format_interval(start, end, skeleton=RANGE_SKELETON, locale=locale)
    start_fmt = dates.DateTimeFormat(dt.datetime.combine(start, dt.time()), locale=locale)
    end_fmt = dates.DateTimeFormat(dt.datetime.combine(end, dt.time()), locale=locale)
    for field in dates.PATTERN_CHAR_ORDER:
        if field in parts and start_fmt.extract(field) != end_fmt.extract(field):
            instants = (start, end)
            return "".join(dates.parse_pattern(_widen_months(pattern)).apply(instant, locale)
                           for pattern, instant in zip(parts[field], instants))
    return format_date(start, lang, "long")


def format_number(value: float | int, lang: str) -> str:
    return numbers.format_decimal(value, locale=lang)


def format_figure(value, lang: str) -> str:
    """A key figure: a number in the locale's digits and separators, four-digit whole numbers
    (years such as 2016) without a group separator; text (a code such as 'SDG 15') as written."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) < GROUPING_FROM:
        return numbers.format_decimal(value, locale=lang, group_separator=False)
    return numbers.format_decimal(value, locale=lang)


def format_items(items: list[str], lang: str, style: str = "standard") -> str:
    """'A, B and C', 'A、B和C', 'A وB وC': CLDR's list pattern of the locale."""
    items = [item for item in items if item]
    return format_list(items, style=style, locale=site_locale(lang)) if items else ""


#: How a place is written: Chinese goes from the larger place to the smaller with no
#: separator ('法国巴黎教科文组织总部'); Arabic uses its own comma; the others 'City (venue), Country'.
PLACE_COMMA = {"ar": "، "}
DEFAULT_PLACE_COMMA = ", "


def country_name(code: str, lang: str) -> str:
    return Locale.parse(lang).territories.get(code, code)


def format_place(city: str, country: str, lang: str, venue: str | None = None) -> str:
    """A city, its optional venue and the country (an ISO 3166 code, named by CLDR) in the
    order and punctuation of the language."""
    name = country_name(country, lang)
    if lang == "zh":
        return f"{name}{city}{venue or ''}"
    where = f"{city} ({venue})" if venue else city
    return f"{where}{PLACE_COMMA.get(lang, DEFAULT_PLACE_COMMA)}{name}"


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
        "format_list": lambda items, style="standard": format_items(list(items), lang, style),
    }
