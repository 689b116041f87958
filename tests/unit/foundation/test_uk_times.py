"""engage.common.times: stored UTC shown as UK time, written the GOV.UK way (issue 8 point 4)."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from engage.common.times import uk_date, uk_datetime, uk_time


@pytest.mark.parametrize("utc, expected", [
    (datetime(2026, 7, 1, 16, 0), "1 July 2026 at 5pm"),          # British Summer Time
    (datetime(2026, 12, 1, 16, 30), "1 December 2026 at 4:30pm"),  # Greenwich Mean Time
    (datetime(2026, 3, 29, 0, 59), "29 March 2026 at 12:59am"),    # the minute before the clocks go forward
    (datetime(2026, 3, 29, 1, 0), "29 March 2026 at 2am"),
    (datetime(2026, 6, 30, 23, 0), "1 July 2026 at midnight"),     # the UK date, not the UTC one
    (datetime(2026, 1, 5, 12, 0), "5 January 2026 at midday"),
    (datetime(2026, 1, 5, 9, 5, tzinfo=timezone.utc), "5 January 2026 at 9:05am"),
])
def test_uk_datetime(utc, expected):
    assert uk_datetime(utc) == expected


def test_no_time():
    assert uk_datetime(None) == "" and uk_date(None) == ""
    assert uk_time(datetime(2026, 7, 1, 11, 15)) == "12:15pm"
