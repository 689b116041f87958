"""Rate limits for residents' unauthenticated calls, per client address, in memory only.

The address is held for minutes at most, in this process's memory, and is never written to the
database or the logs; that is all the privacy notice promises. Behind a proxy, set the proxy to
pass the client address (``ProxyFix``); with several processes each has its own budget.
"""
from __future__ import annotations

import threading
from functools import wraps

from flask import current_app, request

from surveys.live.rate_limit import TokenBucket

from .common.errors import ApiError

_buckets: dict[tuple[str, int], TokenBucket] = {}
_lock = threading.Lock()


def _bucket(name: str, per_minute: int) -> TokenBucket:
    with _lock:
        key = (name, per_minute)
        if key not in _buckets:
            _buckets[key] = TokenBucket(rate=per_minute / 60.0, burst=max(5, per_minute // 3), max_keys=50_000)
        return _buckets[key]


def allowed(name: str, per_minute: int) -> bool:
    if not current_app.config["RATE_LIMITS_ENABLED"]:
        return True
    bucket = _bucket(name, per_minute)
    with _lock:
        return bucket.allow(f"{current_app.name}:{request.remote_addr}")


def limit_client(name: str, per_minute: int):
    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not allowed(name, per_minute):
                raise ApiError(429, "rate_limited", "Too many requests from your connection. Wait a minute and try again.")
            return view(*args, **kwargs)
        return wrapper
    return decorator
