"""The build's clock and embargoes.

A page or data entry with `embargo: <ISO 8601 date-time with offset>` is left out of every
published output (its page, listings, search, sitemaps, hreflang, calendars) until the
build's clock passes that moment. The clock is the real time unless `ipbes-site build
--now` sets it, so a launch can be rehearsed and tested. An embargo without a UTC offset is
refused: "09:00" means a different moment in Bonn, Medellín and Beijing.
"""
from __future__ import annotations

import datetime as dt


class EmbargoError(ValueError):
    pass


def parse_moment(value, what: str = "embargo") -> dt.datetime:
    """An ISO 8601 date-time with an offset, as an aware datetime."""
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, str):
        try:
            moment = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise EmbargoError(f"{what} '{value}' is not an ISO 8601 date-time; write it like 2026-05-06T13:00:00+02:00")
    else:
        raise EmbargoError(f"{what} must be an ISO 8601 date-time with offset, like 2026-05-06T13:00:00+02:00, not {type(value).__name__}")
    if moment.tzinfo is None:
        raise EmbargoError(f"{what} '{value}' has no UTC offset; add one, like 2026-05-06T13:00:00+02:00")
    return moment


def build_clock(now: str | None = None) -> dt.datetime:
    return parse_moment(now, "--now") if now else dt.datetime.now(dt.timezone.utc)


def is_embargoed(embargo, now: dt.datetime) -> bool:
    """True while `embargo` (None, or a date-time with offset) is still in the future."""
    return embargo is not None and parse_moment(embargo) > now
