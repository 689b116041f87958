"""Times as people in the UK read them.

Engage stores every time as naive UTC. Pages show them in UK time (Europe/London, so British
Summer Time is right without anyone thinking about it), written the GOV.UK way: "1 July 2026 at
5pm", "1 July 2026 at 5:30pm", "midday", "midnight". Registered as the Jinja filters
``uk_datetime`` and ``uk_date`` (``engage.web``); the API keeps answering in UTC (ISO 8601, "Z").
"""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo  # the tz database: the system's, or the pinned tzdata package

UK = ZoneInfo("Europe/London")


def to_uk(moment: datetime) -> datetime:
    """A stored (naive UTC) or aware time, in UK time."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(UK)


def uk_time(moment: datetime) -> str:
    """The time of day in UK time: "5pm", "9:30am", "midday", "midnight"."""
    local = to_uk(moment)
    if (local.hour, local.minute) == (0, 0):
        return "midnight"
    if (local.hour, local.minute) == (12, 0):
        return "midday"
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    return f"{hour}{suffix}" if local.minute == 0 else f"{hour}:{local.minute:02d}{suffix}"


def uk_date(moment: datetime | None) -> str:
    """The date in UK time: "1 July 2026" ("" for no time)."""
    if moment is None:
        return ""
    local = to_uk(moment)
    return f"{local.day} {local:%B %Y}"


def uk_datetime(moment: datetime | None) -> str:
    """Date and time in UK time: "1 July 2026 at 5pm" ("" for no time)."""
    if moment is None:
        return ""
    return f"{uk_date(moment)} at {uk_time(moment)}"
