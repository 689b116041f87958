"""Typed values as people and API clients send them, read the same way by every service."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any


def parse_date(value: Any, key: str, errors: dict[str, str], required: bool = False) -> date | None:
    """A date from a ``date``, a ``datetime`` or ISO text ("2027-03-31"); a problem goes in
    ``errors`` under ``key`` (blank is a problem only when ``required``)."""
    if value is None or value == "":
        if required:
            errors[key] = "Enter the date, for example 2027-03-31"
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    errors[key] = "Enter a real date, for example 2027-03-31"
    return None
