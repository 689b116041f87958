"""Rate limits for residents' unauthenticated calls, per client address, in memory only.

The address is held for minutes at most, in this process's memory, and is never written to the
database or the logs; that is all the privacy notice promises. Behind a proxy, set the proxy to
pass the client address (``ProxyFix``); with several processes each has its own budget.

The buckets belong to the app (``app.extensions["engage.rate_limits"]``), so two apps in one
process (tests) never share a budget.
"""
from __future__ import annotations

import threading
from functools import wraps

from flask import Flask, current_app, request

from engage.common.token_bucket import TokenBucket

from .common.errors import ApiError

class ClientLimits:
    """This app's buckets, one per (limit name, rate), keyed by client address."""

    def __init__(self) -> None:
        self.buckets: dict[tuple[str, int], TokenBucket] = {}
        self.lock = threading.Lock()

    def allow(self, name: str, per_minute: int, client: str | None) -> bool:
        with self.lock:
            key = (name, per_minute)
            bucket = self.buckets.get(key)
            if bucket is None:
                bucket = self.buckets[key] = TokenBucket(rate=per_minute / 60.0, burst=max(5, per_minute // 3),
                                                         max_keys=50_000)
            return bucket.allow(client)


def init_app(app: Flask) -> None:
    app.extensions["engage.rate_limits"] = ClientLimits()


def allowed(name: str, per_minute: int) -> bool:
    if not current_app.config["RATE_LIMITS_ENABLED"]:
        return True
    return current_app.extensions["engage.rate_limits"].allow(name, per_minute, request.remote_addr)


def limit_client(name: str, per_minute: int):
    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not allowed(name, per_minute):
                raise ApiError(429, "rate_limited", "Too many requests from your connection. Wait a minute and try again.")
            return view(*args, **kwargs)
        return wrapper
    return decorator
