"""The six assessments, from `data/assessments.yml`: validated, formatted per locale, and
turned into launch pages and iCalendar files.

One data file drives the listing, every launch page in every language, the calendar files
and the fact sheets' cover facts, so a date is corrected once. Dates and times are
formatted with Babel for the page's locale, in the venue's time zone and in UTC.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from babel import Locale
from babel.dates import format_datetime, get_timezone

from . import formatting
from .datafiles import DataFile, load_data_file, missing_languages
from .embargo import EmbargoError, is_embargoed, parse_moment
from .errors import BuildError, Problem
from .i18n import N_

DATA_FILE = Path("data") / "assessments.yml"

SUMMARY = N_("%(title)s was approved by the IPBES Plenary at its session %(plenary)s in %(place)s (%(dates)s) "
             "and launched on %(launch)s.")
PLENARY_EVENT = N_("%(plenary)s: session of the IPBES Plenary")
LAUNCH_EVENT = N_("Launch: %(title)s")


@dataclass(frozen=True)
class Plenary:
    key: str
    session: int
    city: dict
    country: str
    timezone: str
    start: dt.date
    end: dt.date
    venue: dict = field(default_factory=dict)

    @property
    def name(self) -> str:
        return f"IPBES-{self.session}"


@dataclass(frozen=True)
class Event:
    id: str
    title: dict
    start: dt.date
    end: dt.date
    city: dict
    country: str
    timezone: str


@dataclass(frozen=True)
class Assessment:
    key: str
    title: dict
    short_title: dict
    plenary: Plenary
    launch_date: dt.date | None
    launch_time: dt.time | None
    embargo: dt.datetime | None
    embargoed: bool
    downloads: list
    media_contacts: list
    events: list[Event]
    videos: list = field(default_factory=list)
    key_messages: dict = field(default_factory=dict)
    english_only: frozenset = frozenset()

    @property
    def timezone(self):
        return get_timezone(self.plenary.timezone)

    @property
    def launch_moment(self) -> dt.datetime | None:
        """The launch as an aware date-time: its time at the venue, or the start of its day there;
        None when the data file records no launch date."""
        if self.launch_date is None:
            return None
        return dt.datetime.combine(self.launch_date, self.launch_time or dt.time(0, 0), tzinfo=self.timezone)


@dataclass(frozen=True)
class AssessmentData:
    plenaries: dict[str, Plenary]
    assessments: dict[str, Assessment]
    hidden: frozenset[str]

    def published(self) -> list[Assessment]:
        """The entries that get a launch page, a calendar and a place in the listing: not under
        embargo, and with a launch date (the launch pages show one)."""
        return [a for a in self.assessments.values() if a.key not in self.hidden and a.launch_date is not None]

    def without_launch(self) -> list[Assessment]:
        """Approved assessments whose launch date this project does not know (data/assessments.yml
        leaves `launch` out): not yet shown on launch pages."""
        return [a for a in self.assessments.values() if a.key not in self.hidden and a.launch_date is None]


def load_assessments(root: Path, languages: list[str], now: dt.datetime, preview: bool = False) -> AssessmentData:
    """Read and check the data file. Embargoed entries are dropped, or kept and flagged in a preview."""
    source = load_data_file(Path(root) / DATA_FILE, "assessments data file")
    problems: list[Problem] = []
    data = source.data if isinstance(source.data, dict) else {}
    if not isinstance(source.data, dict):
        problems.append(source.problem((), "expected the keys 'plenaries' and 'assessments' at the top level"))
    plenaries = {}
    for key, raw in _mapping(source, data, ("plenaries",), problems).items():
        plenary = _plenary(source, key, raw, languages, problems)
        if plenary:
            plenaries[key] = plenary
    assessments, hidden = {}, set()
    for key, raw in _mapping(source, data, ("assessments",), problems).items():
        entry = _assessment(source, key, raw, plenaries, languages, now, problems)
        if entry is None:
            continue
        if entry.embargoed and not preview:
            hidden.add(key)
        assessments[key] = entry
    if problems:
        raise BuildError(problems)
    return AssessmentData(plenaries, assessments, frozenset(hidden))


def _mapping(source: DataFile, data: dict, keys: tuple, problems: list) -> dict:
    value = data.get(keys[-1]) if isinstance(data, dict) else None
    if not isinstance(value, dict):
        problems.append(source.problem(keys, f"'{keys[-1]}' must be a mapping of keys to entries"))
        return {}
    return value


def _texts(source, keys, value, languages, problems) -> dict:
    if not isinstance(value, dict):
        problems.append(source.problem(keys, f"'{keys[-1]}' must give a text per language ({', '.join(languages)})"))
        return {}
    missing = missing_languages(value, languages)
    if missing:
        problems.append(source.problem(keys, f"'{keys[-1]}' has no text for {', '.join(missing)}; add one line per language"))
    return value


def _entry_texts(source, keys, value, required: list[str], problems) -> dict:
    """An assessment's own texts: English first, translations later. `required`: the source
    language, and every language the entry's title is translated into (an entry shown in a
    language shows all its texts in it; where its title is missing it is shown in English)."""
    if not isinstance(value, dict) or missing_languages(value, required[:1]):
        problems.append(source.problem(keys, f"'{keys[-1]}' needs at least its English text ({required[0]}: ...); "
                                             "the other languages may follow, shown in English until they do"))
        return {}
    missing = missing_languages(value, required)
    if missing:
        problems.append(source.problem(keys, f"'{keys[-1]}' has no text for {', '.join(missing)}; the title is translated into "
                                              f"{', '.join(missing)}, so add its line there too (or remove that title's translation)"))
    return {lang: text for lang, text in value.items() if isinstance(text, str) and text.strip()}



def _date(source, keys, value, problems) -> dt.date | None:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    problems.append(source.problem(keys, f"'{keys[-1]}' is {value!r}, not an ISO 8601 date; write it as YYYY-MM-DD"))
    return None


def _timezone(source, keys, value, problems) -> str | None:
    try:
        get_timezone(value)
        return value
    except Exception:
        problems.append(source.problem(keys, f"unknown time zone {value!r}; use an IANA name such as Europe/Paris"))
        return None


def _country(source, keys, value, problems) -> str | None:
    if isinstance(value, str) and value in Locale("en").territories and len(value) == 2:
        return value
    problems.append(source.problem(keys, f"unknown country code {value!r}; use an ISO 3166 two-letter code such as FR"))
    return None


def _plenary(source, key, raw, languages, problems) -> Plenary | None:
    base = ("plenaries", key)
    if not isinstance(raw, dict):
        problems.append(source.problem(base, f"plenary '{key}' must be a mapping"))
        return None
    before = len(problems)
    start = _date(source, base + ("start",), raw.get("start"), problems)
    end = _date(source, base + ("end",), raw.get("end"), problems)
    city = _texts(source, base + ("city",), raw.get("city"), languages, problems)
    venue = _texts(source, base + ("venue",), raw["venue"], languages, problems) if "venue" in raw else {}
    country = _country(source, base + ("country",), raw.get("country"), problems)
    zone = _timezone(source, base + ("timezone",), raw.get("timezone"), problems)
    if not isinstance(raw.get("session"), int):
        problems.append(source.problem(base + ("session",), "'session' must be the session's number, such as 6"))
    if start and end and end < start:
        problems.append(source.problem(base + ("end",), f"plenary '{key}' ends before it starts"))
    if len(problems) > before:
        return None
    return Plenary(key, raw["session"], city, country, zone, start, end, venue)


def _assessment(source, key, raw, plenaries, languages, now, problems) -> Assessment | None:
    base = ("assessments", key)
    if not isinstance(raw, dict):
        problems.append(source.problem(base, f"assessment '{key}' must be a mapping"))
        return None
    before = len(problems)
    known = {"title", "short_title", "plenary", "launch", "embargo", "downloads", "media_contacts", "events",
             "videos", "key_messages"}
    for unknown in sorted(set(raw) - known):
        problems.append(source.problem(base + (unknown,), f"unknown key '{unknown}' in assessment '{key}'; known keys: {', '.join(sorted(known))}"))
    source_language = "en" if "en" in languages else languages[0]
    title = _entry_texts(source, base + ("title",), raw.get("title"), [source_language], problems)
    translated = [lang for lang in languages if lang in title] or [source_language]
    short = _entry_texts(source, base + ("short_title",), raw.get("short_title"), translated, problems)
    plenary = plenaries.get(raw.get("plenary"))
    if plenary is None:
        problems.append(source.problem(base + ("plenary",), f"unknown plenary {raw.get('plenary')!r}; use one of: {', '.join(plenaries)}"))
    if raw.get("launch") is not None and not isinstance(raw.get("launch"), dict):
        problems.append(source.problem(base + ("launch",), "'launch' must be {date: YYYY-MM-DD, time: HH:MM or null}; "
                                                          "leave it out when the launch date is not known"))
    launch = raw.get("launch") if isinstance(raw.get("launch"), dict) else {}
    launch_date = None
    if launch.get("date") is not None:
        launch_date = _date(source, base + ("launch", "date"), launch.get("date"), problems)
    elif launch.get("time") is not None:
        problems.append(source.problem(base + ("launch", "time"), "a launch time needs a launch date; add 'date: YYYY-MM-DD'"))
    launch_time = None
    if launch.get("time") is not None:
        try:
            launch_time = dt.time.fromisoformat(str(launch["time"]))
        except ValueError:
            problems.append(source.problem(base + ("launch", "time"), f"launch time {launch['time']!r} is not HH:MM; write the local time at the venue, like 13:00"))
    embargo, embargoed = None, False
    if raw.get("embargo") is not None:
        try:
            embargo = parse_moment(raw["embargo"])
            embargoed = is_embargoed(embargo, now)
        except EmbargoError as exc:
            problems.append(source.problem(base + ("embargo",), str(exc)))
    events = []
    for index, item in enumerate(raw.get("events") or []):
        event = _event(source, base + ("events", index), item, translated, problems)
        if event:
            events.append(event)
    key_messages = raw.get("key_messages") or {}
    if not isinstance(key_messages, dict) or any(not isinstance(v, list) for v in key_messages.values()):
        problems.append(source.problem(base + ("key_messages",), "'key_messages' must give a list of messages per language: {en: [...], fr: [...]}"))
    elif key_messages and [lang for lang in translated if not key_messages.get(lang)]:
        missing = [lang for lang in translated if not key_messages.get(lang)]
        problems.append(source.problem(base + ("key_messages",), f"'key_messages' has none for {', '.join(missing)}; give them in every "
                                                                 "language the title is translated into, or none"))
    if not isinstance(raw.get("videos", []), list):
        problems.append(source.problem(base + ("videos",), "'videos' must be a list of keys from data/videos.yml"))
    for name in ("downloads", "media_contacts"):
        if not isinstance(raw.get(name, []), list):
            problems.append(source.problem(base + (name,), f"'{name}' must be a list (empty when none is known)"))
    if len(problems) > before:
        return None
    return Assessment(key, title, short, plenary, launch_date, launch_time, embargo, embargoed,
                      list(raw.get("downloads") or []), list(raw.get("media_contacts") or []), events,
                      list(raw.get("videos") or []), dict(key_messages), frozenset(lang for lang in languages if lang not in title))


def _event(source, keys, raw, languages, problems) -> Event | None:
    if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
        problems.append(source.problem(keys, "each event needs an 'id' (letters, digits, dashes) and its details"))
        return None
    before = len(problems)
    title = _texts(source, keys + ("title",), raw.get("title"), languages, problems)
    city = _texts(source, keys + ("city",), raw.get("city"), languages, problems)
    start = _date(source, keys + ("start",), raw.get("start"), problems)
    end = _date(source, keys + ("end",), raw.get("end", raw.get("start")), problems)
    country = _country(source, keys + ("country",), raw.get("country"), problems)
    zone = _timezone(source, keys + ("timezone",), raw.get("timezone"), problems)
    if len(problems) > before:
        return None
    return Event(raw["id"], title, start, end, city, country, zone)


def unknown_videos(data: AssessmentData, video_keys: set[str], root: Path) -> list[Problem]:
    source = load_data_file(Path(root) / DATA_FILE, "assessments data file")
    return [source.problem(("assessments", entry.key, "videos"), f"assessment '{entry.key}' lists video '{key}', which "
                           f"data/videos.yml does not have; use one of: {', '.join(sorted(video_keys))}")
            for entry in data.assessments.values() for key in entry.videos if key not in video_keys]


def place(city: dict, country: str, lang: str, venue: dict | None = None) -> str:
    """'Paris (UNESCO headquarters), France', '法国巴黎教科文组织总部' in the page's language."""
    return formatting.format_place(city[lang], country, lang, venue[lang] if venue else None)


def date_range(start: dt.date, end: dt.date, lang: str) -> str:
    return formatting.format_date_range(start, end, lang)


def page_context(entry: Assessment, lang: str, now: dt.datetime) -> dict:
    """Everything a launch page shows, already formatted for the page's locale: no template
    or caller joins or formats any of these values again."""
    plenary = entry.plenary
    moment = entry.launch_moment
    tz = entry.timezone
    launch = {"date": formatting.format_date(entry.launch_date, lang, "full"), "iso": moment.isoformat(),
              "upcoming": moment > now, "has_time": entry.launch_time is not None,
              "utc_offset": format_datetime(moment, "ZZZZ", tzinfo=tz, locale=lang)}
    if entry.launch_time is not None:
        launch["local_time"] = formatting.format_time(moment, lang, tz)
        launch["utc_time"] = formatting.format_moment(moment, lang, get_timezone("UTC"))
    events = [{"id": "plenary", "title": None, "plenary": plenary.name,
               "when": date_range(plenary.start, plenary.end, lang),
               "place": place(plenary.city, plenary.country, lang, plenary.venue), "ics": "plenary.ics"}]
    for event in entry.events:
        events.append({"id": event.id, "title": event.title[lang], "when": date_range(event.start, event.end, lang),
                       "place": place(event.city, event.country, lang), "ics": f"{event.id}.ics"})
    return {"key": entry.key, "title": entry.title[lang], "short_title": entry.short_title[lang],
            "plenary": plenary.name, "place": place(plenary.city, plenary.country, lang, plenary.venue),
            "dates": date_range(plenary.start, plenary.end, lang), "launch": launch, "events": events,
            "downloads": [{"label": d["label"][lang], "url": d["url"]} for d in entry.downloads],
            "media_contacts": entry.media_contacts, "embargoed": entry.embargoed,
            "key_messages": entry.key_messages.get(lang, []), "videos": entry.videos,
            "embargo": formatting.format_datetime(entry.embargo, lang, "long") if entry.embargo else None}


def summary(entry: Assessment, lang: str, gettext) -> str:
    plenary = entry.plenary
    return gettext(SUMMARY) % {"title": entry.title[lang], "plenary": plenary.name,
                               "place": place(plenary.city, plenary.country, lang, plenary.venue),
                               "dates": date_range(plenary.start, plenary.end, lang),
                               "launch": formatting.format_date(entry.launch_date, lang, "long")}


def page_markdown(entry: Assessment, lang: str, gettext) -> str:
    """The generated Markdown source of a launch page: its text is what search indexes; the
    template lays out the dates, events and downloads from the same entry."""
    return (f"---\ntemplate: assessment.html\nassessment: {entry.key}\n"
            f"description: {_yaml_string(entry.title[lang])}\n---\n\n"
            f"# {entry.short_title[lang]}\n\n{summary(entry, lang, gettext)}\n")


def _yaml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def calendar_files(entry: Assessment, lang: str, page_url: str, gettext) -> dict[str, bytes]:
    """`launch.ics`, `plenary.ics` and one file per event, each a valid iCalendar (RFC 5545)."""
    from icalendar import Calendar, Event as VEvent

    host = page_url.split("/")[2] if "://" in page_url else "ipbes.invalid"
    plenary = entry.plenary

    def one(uid: str, summary_text: str, start, end, where: str) -> bytes:
        calendar = Calendar()
        calendar.add("prodid", "-//IPBES//outreach site//EN")
        calendar.add("version", "2.0")
        event = VEvent()
        event.add("uid", f"{uid}@{host}")
        event.add("summary", summary_text)
        event.add("location", where)
        event.add("url", page_url)
        if isinstance(start, dt.datetime):
            event.add("dtstart", start.astimezone(dt.timezone.utc))
            event.add("dtend", (start + dt.timedelta(hours=1)).astimezone(dt.timezone.utc))
            stamp = start.astimezone(dt.timezone.utc)
        else:
            event.add("dtstart", start)
            event.add("dtend", end + dt.timedelta(days=1))
            stamp = dt.datetime.combine(start, dt.time(0, 0), tzinfo=dt.timezone.utc)
        event.add("dtstamp", stamp)
        calendar.add_component(event)
        return calendar.to_ical()

    title = entry.title[lang]
    where = place(plenary.city, plenary.country, lang, plenary.venue)
    launch_start = entry.launch_moment if entry.launch_time else entry.launch_date
    files = {
        "launch.ics": one(f"{entry.key}.launch", gettext(LAUNCH_EVENT) % {"title": title}, launch_start, entry.launch_date, where),
        "plenary.ics": one(f"{entry.key}.{plenary.key}", gettext(PLENARY_EVENT) % {"plenary": plenary.name},
                           plenary.start, plenary.end, where),
    }
    for event in entry.events:
        files[f"{event.id}.ics"] = one(f"{entry.key}.{event.id}", event.title[lang], event.start, event.end,
                                       place(event.city, event.country, lang))
    return files
