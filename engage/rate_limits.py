"""Rate limits for residents' unauthenticated calls, per client address, counted by ``limits``.

Sized for shared addresses: a library, a drop-in session or a venue's Wi-Fi puts hundreds of
residents behind one address within minutes, so a budget must let them all through while
stopping a script that sends thousands. The same limit guards a form and the API call that do
the same thing (``allowed`` for pages, ``limit_client`` for API views), under one name.

``limits`` is the library under Flask-Limiter; Engage uses it directly because every limit
here is counted by hand (a page's ``allowed``, an API view's ``limit_client``, a wrong join
code only once it is known to be wrong): Flask-Limiter's own ``before_request`` check, run on
every request for decorators Engage never uses, cost a survey submission more than the count.

Storage: in memory, per app, by default (each process then has its own budget); Redis when
``RATELIMIT_STORAGE_URL`` names it, or when ``SOCKETIO_MESSAGE_QUEUE`` does (a deployment that
already runs Redis to share sockets across processes shares budgets the same way). Addresses
are held for the length of a window at most, by the limiter's storage, never in the database
or the logs. Behind a proxy, pass the client address through (``ProxyFix``).
"""
from __future__ import annotations

import threading
import time
from functools import wraps

from flask import Flask, current_app, request
from limits import parse
from limits.storage import MemoryStorage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

from .common.errors import ApiError

#: Per minute, per client address. A resident's submission is one request; a hall of 300
#: people finishing within two minutes of each other stays inside 300.
LIMITS = {
    "submit": "300/minute",      # send a survey's answers (form or API)
    "draft": "600/minute",       # start or continue answering on the page-by-page form
    "receipt": "300/minute",     # see, change or delete one's answers with a receipt code
    "answer_page": "3000/minute",  # save one page of answers (ten pages each for a hall of 300)
    "wrong_join_code": "120/minute",  # live-poll codes that name no session (page and socket)
}
TOO_MANY = "Too many requests from your connection. Wait a minute and try again."
TOO_MANY_WRONG_CODES = ("Too many wrong codes have been tried from your connection. Check the code on the "
                        "screen and type it again: the right code still works.")


class _TidyMemoryStorage(MemoryStorage):
    """limits' in-memory storage, tidying expired entries once a second rather than every 10 ms,
    and touching only the addresses that have something to tidy: the parent's tidy-up takes a
    lock for every address it holds, making one for each (under gevent a lock is a Python object
    of some weight, made and thrown away 4,000 times a second with a hall's worth of residents),
    which took a third of the server's time during a burst of survey submissions. Counting is
    unchanged (windows are read from the entries' timestamps; the tidy-up only frees memory)."""

    STORAGE_SCHEME = ["engage-memory"]
    TIDY_EVERY = 1.0

    def _MemoryStorage__schedule_expiry(self) -> None:  # the parent's private hook, by its mangled name
        if not self.timer.is_alive():
            self.timer = threading.Timer(self.TIDY_EVERY, self._tidy)
            self.timer.daemon = True
            self.timer.start()

    def _tidy(self) -> None:
        now = time.time()
        for key in list(self.events.keys()):
            events = self.events.get(key)
            # Newest first (the parent keeps them so): nothing to do unless the oldest expired.
            if events and events[-1].expiry > now:
                continue
            with self.locks[key]:
                events = self.events.get(key)
                if events:
                    self.events[key] = [e for e in events if e.expiry > now]
                if not self.events.get(key):
                    self.events.pop(key, None)
                    self.locks.pop(key, None)
        for key in [k for k, at in list(self.expirations.items()) if at <= now]:
            self.storage.pop(key, None)
            self.expirations.pop(key, None)
            self.locks.pop(key, None)


MEMORY = "engage-memory://"


def storage_url(app: Flask) -> str:
    url = app.config.get("RATELIMIT_STORAGE_URL") or app.config.get("SOCKETIO_MESSAGE_QUEUE")
    return url if url and url.startswith(("redis://", "rediss://")) else MEMORY


def init_app(app: Flask) -> None:
    # Moving window: exact counts over the last minute (a budget is never briefly doubled at a
    # window's edge). In memory each app has a storage of its own, so two apps never share one.
    app.extensions["engage.rate_limits"] = MovingWindowRateLimiter(storage_from_string(storage_url(app)))


def _item(name: str, per_minute: int | None):
    sizes = {**LIMITS, **(current_app.config.get("RATE_LIMITS") or {})}
    return parse(f"{per_minute}/minute" if per_minute else sizes[name])


def allowed(name: str, per_minute: int | None = None) -> bool:
    """Count one call against the limit called ``name`` for this client; False when over it."""
    if not current_app.config["RATE_LIMITS_ENABLED"]:
        return True
    limiter: MovingWindowRateLimiter = current_app.extensions["engage.rate_limits"]
    return limiter.hit(_item(name, per_minute), "engage", name, request.remote_addr or "unknown")


def wrong_join_code() -> bool:
    """Count a live-poll code that named no session; False when this client has typed too many.

    Only wrong codes are counted, and only after the code was looked up, so a correct code is
    never refused by this limit: one phone typing wrong codes cannot lock a hall on the same
    Wi-Fi out of its session. The page (``/join``) and the socket's ``join`` share the budget."""
    return allowed("wrong_join_code")


def limit_client(name: str, per_minute: int | None = None):
    """An API view that counts against ``name``; over it, a 429 JSON error."""
    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not allowed(name, per_minute):
                raise ApiError(429, "rate_limited", TOO_MANY)
            return view(*args, **kwargs)
        wrapper.api_rate_limited = True  # documented as a possible 429
        return wrapper
    return decorator
