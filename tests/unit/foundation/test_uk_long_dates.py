"""The day of a stored time is the day in the UK, not in UTC: 11:30pm UTC on 30 June is already
1 July in London (summer time). Pages and the report show dates with ``long_date``."""
from __future__ import annotations

from datetime import date, datetime

from engage.common import times


def test_a_stored_time_is_dated_in_uk_time():
    assert times.long_date(datetime(2026, 6, 30, 23, 30)) == "1 July 2026"  # BST: 00:30 on 1 July
    assert times.long_date(datetime(2026, 12, 31, 23, 30)) == "31 December 2026"  # GMT
    assert times.long_date("2026-06-30T23:30:00Z") == "1 July 2026"  # the report's ISO times
    assert times.long_date("2026-06-30T23:30:00") == "1 July 2026"


def test_a_date_stays_the_date_it_is():
    assert times.long_date(date(2026, 6, 30)) == "30 June 2026"
    assert times.long_date("2026-06-30") == "30 June 2026"
    assert times.long_date(None) == "not yet" and times.long_date("") == "not yet"
    assert times.long_date(None, empty="") == ""
    assert times.long_date("not a date") == "not a date"


def test_timestamps_to_the_second_in_uk_time():
    assert times.uk_timestamp(datetime(2026, 7, 1, 16, 0, 5)) == "1 Jul 2026, 17:00:05"
    assert times.uk_timestamp(datetime(2026, 1, 1, 16, 0, 5)) == "1 Jan 2026, 16:00:05"
    assert times.uk_timestamp(None) == "–"
