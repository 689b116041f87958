"""Times as people in the UK read them, and back.

Engage stores every time as naive UTC. Pages show them in the service's time zone
(``ENGAGE_TIMEZONE``, by default Europe/London, so British Summer Time is handled), written the
GOV.UK way ("1 June 2026 at 9:30am"), and forms take a date and a time in that zone and give
back naive UTC for storage.
"""
from __future__ import annotations

import re
from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_ZONE = "Europe/London"


def zone_named(name: str | None) -> ZoneInfo:
    """The time zone called ``name``; a name zoneinfo does not know is a configuration error."""
    try:
        return ZoneInfo(name or DEFAULT_ZONE)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"ENGAGE_TIMEZONE {name!r} is not a time zone name such as Europe/London") from exc


def service_zone() -> ZoneInfo:
    """The zone of the running app (``ENGAGE_TIMEZONE``), or Europe/London outside one."""
    from flask import current_app, has_app_context

    return zone_named(current_app.config.get("ENGAGE_TIMEZONE") if has_app_context() else None)


def zone_label() -> str:
    """How pages name the service's zone: "UK time" for Europe/London (summer time included),
    else "<zone> time"."""
    zone = service_zone()
    return "UK time" if zone.key == DEFAULT_ZONE else f"{zone.key.replace('_', ' ')} time"


def to_local(value: datetime, zone: ZoneInfo | None = None) -> datetime:
    """A naive UTC time in the service's zone (aware)."""
    return value.replace(tzinfo=timezone.utc).astimezone(zone or service_zone())


def clock(moment: datetime) -> str:
    """"9am", "9:30am", "midday", "midnight", "5:45pm"."""
    if moment.hour == 12 and moment.minute == 0:
        return "midday"
    if moment.hour == 0 and moment.minute == 0:
        return "midnight"
    hour = moment.hour % 12 or 12
    suffix = "am" if moment.hour < 12 else "pm"
    return f"{hour}{suffix}" if moment.minute == 0 else f"{hour}:{moment.minute:02d}{suffix}"


def uk_date(value: datetime | None) -> str:
    if value is None:
        return ""
    local = to_local(value) if isinstance(value, datetime) else value
    return f"{local.day} {local:%B %Y}"


def uk_datetime(value: datetime | None) -> str:
    """A naive UTC time as "1 June 2026 at 9:30am" in the service's zone ("" for none)."""
    if value is None:
        return ""
    local = to_local(value)
    return f"{local.day} {local:%B %Y} at {clock(local)}"


_TIME = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?$")


def parse_clock(text: str) -> time | None:
    """A time of day as people type it: "9", "09:30", "14:30", "9.30pm", "9am", "midday",
    "noon", "midnight". ``None`` if it is not one."""
    text = (text or "").strip().lower().replace(" ", "")
    named = {"midday": time(12), "noon": time(12), "12noon": time(12), "midnight": time(0)}
    if text in named:
        return named[text]
    match = _TIME.match(text)
    if not match:
        return None
    hour, minute, half = int(match.group(1)), int(match.group(2) or 0), match.group(3)
    if minute > 59:
        return None
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = (hour % 12) + (12 if half == "pm" else 0)
    elif hour > 23:
        return None
    return time(hour, minute)


class NoSuchTime(ValueError):
    """A local time that the clocks skip (they go forward an hour in spring)."""


def from_local(day: date, at: time, zone: ZoneInfo | None = None) -> datetime:
    """A date and time in the service's zone as naive UTC. In the hour the clocks go back, the
    first (summer time) reading is meant; a time the clocks skip raises ``NoSuchTime``."""
    zone = zone or service_zone()
    local = datetime.combine(day, at).replace(tzinfo=zone, fold=0)
    utc = local.astimezone(timezone.utc)
    if utc.astimezone(zone).replace(tzinfo=None) != local.replace(tzinfo=None):
        raise NoSuchTime(f"{clock(local)} does not happen on {day.day} {day:%B %Y}: the clocks go forward")
    return utc.replace(tzinfo=None)


def to_uk(moment: datetime) -> datetime:
    """A stored (naive UTC) or aware time, in the service's zone (UK time by default)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(service_zone())


def uk_time(moment: datetime) -> str:
    """The time of day in the service's zone: "5pm", "9:30am", "midday", "midnight"."""
    return clock(to_uk(moment))


def long_date(value: datetime | date | str | None, empty: str = "not yet") -> str:
    """The day of a date, a stored (naive UTC) time or ISO text of either, as "1 December 2026".
    A time is read in the service's zone first, so 11:30pm UTC on 31 May is "1 June" in London
    (summer time)."""
    if not value:
        return empty
    if isinstance(value, str):
        text = value.strip().rstrip("Z")
        try:
            value = datetime.fromisoformat(text) if "T" in text or " " in text else date.fromisoformat(text)
        except ValueError:
            return value
    if isinstance(value, datetime):
        value = to_uk(value)
    return f"{value.day} {value:%B %Y}"


def uk_timestamp(value: datetime | None) -> str:
    """A stored time to the second, in the service's zone: "1 Dec 2026, 14:05:09" (for logs of
    deliveries and timings, where seconds matter); "–" for none."""
    if value is None:
        return "–"
    local = to_uk(value)
    return f"{local.day} {local:%b %Y, %H:%M:%S}"
