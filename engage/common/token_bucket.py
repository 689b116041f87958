"""Per-key token buckets for socket events.

A participant's phone may legitimately send a short burst (tapping through
options, a retry after a lost acknowledgement) but a script can send
thousands of events a second over one socket, each costing a database write.
A token bucket allows the burst and then a steady rate, per participant.

Memory is bounded because keys come from the public: a key idle for a full
refill (``burst / rate`` seconds) has a full bucket, which is exactly the
state of an unknown key, so it is forgotten at no cost in accuracy; beyond
``max_keys`` the least recently seen keys are forgotten too, which can only
make the limiter more lenient to them, never stricter.

Pure and single-threaded: no I/O, no locks (callers hold one).  With several server processes
each process limits separately (the limit is per process, not global).
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Hashable

__all__ = ["TokenBucket"]


class TokenBucket:
    """Keyed token-bucket limiter: ``burst`` events at once, then ``rate`` per second."""

    def __init__(
        self,
        rate: float,
        burst: int,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = 100_000,
    ) -> None:
        if not rate > 0:
            raise ValueError("rate must be positive")
        if burst < 1:
            raise ValueError("burst must be at least 1")
        if max_keys < 1:
            raise ValueError("max_keys must be at least 1")
        self.rate = float(rate)
        self.burst = burst
        self.max_keys = max_keys
        self._clock = clock
        self._refill_time = burst / self.rate
        # key -> (tokens, time of last access); ordered from least to most
        # recently accessed, so the idle and the oldest are at the front.
        self._buckets: OrderedDict[Hashable, tuple[float, float]] = OrderedDict()

    def allow(self, key: Hashable, cost: float = 1.0) -> bool:
        """Take ``cost`` tokens from ``key``'s bucket if it has them.

        A refused event does not consume tokens, so a client that backs off
        recovers at the steady rate.  A ``cost`` above ``burst`` is never
        allowed.
        """
        now = self._clock()
        self._evict_idle(now)
        entry = self._buckets.pop(key, None)
        if entry is None:
            tokens = float(self.burst)
        else:
            tokens, last = entry
            # max(): a clock that steps backwards must not drain the bucket.
            tokens = min(float(self.burst), tokens + max(0.0, now - last) * self.rate)
        allowed = tokens >= cost
        if allowed:
            tokens -= cost
        self._buckets[key] = (tokens, now)
        while len(self._buckets) > self.max_keys:
            self._buckets.popitem(last=False)
        return allowed

    def can_allow(self, key: Hashable, cost: float = 1.0) -> bool:
        """Whether ``allow(key, cost)`` would succeed now, without taking anything.

        For limits that only charge for failures (wrong join codes): check first, charge after.
        """
        now = self._clock()
        entry = self._buckets.get(key)
        if entry is None:
            return cost <= self.burst
        tokens, last = entry
        return min(float(self.burst), tokens + max(0.0, now - last) * self.rate) >= cost

    def forget(self, key: Hashable) -> None:
        """Drop ``key``'s state, e.g. when its participant disconnects for good."""
        self._buckets.pop(key, None)

    def __len__(self) -> int:
        """Number of keys currently remembered (bounded by ``max_keys``)."""
        return len(self._buckets)

    def _evict_idle(self, now: float) -> None:
        # Keys are ordered by last access, so the scan stops at the first key
        # that is not idle: amortised O(1) per call.
        buckets = self._buckets
        while buckets:
            key, (_, last) = next(iter(buckets.items()))
            if now - last < self._refill_time:
                break
            del buckets[key]
