"""The residents' rate limiter's in-memory tidy-up (engage/rate_limits.py): it frees what has
expired, keeps what has not, and never changes a count."""
from __future__ import annotations

import time

from engage.rate_limits import _TidyMemoryStorage


def test_the_tidy_up_frees_expired_addresses_and_keeps_live_ones(monkeypatch):
    storage = _TidyMemoryStorage("engage-memory://")
    try:
        assert storage.acquire_entry("old", limit=2, expiry=1)
        assert storage.acquire_entry("live", limit=2, expiry=60)
        assert storage.acquire_entry("live", limit=2, expiry=60)
        storage.incr("fixed-old", expiry=1)
        later = time.time() + 5
        monkeypatch.setattr(time, "time", lambda: later)
        storage._tidy()
        assert "old" not in storage.events and "old" not in storage.locks
        assert "fixed-old" not in storage.storage
        assert len(storage.events["live"]) == 2
        # The live address is still at its limit: the tidy-up changed no count.
        assert not storage.acquire_entry("live", limit=2, expiry=60)
        assert storage.acquire_entry("old", limit=2, expiry=1)
    finally:
        storage.timer.cancel()
