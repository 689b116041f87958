"""The serving process's concurrency: gevent (a greenlet per connection) or threads.

``python -m engage.serve`` serves with gunicorn's gevent worker and Flask-SocketIO's
``async_mode="gevent"`` unless ``ENGAGE_SERVER=threads`` asks for the threaded worker (one OS
thread per connection, for debugging with ordinary tools). Under gevent a connected phone costs
a greenlet and a socket, a few tens of kilobytes, instead of a thread.

gevent replaces the blocking parts of the standard library (sockets, ``select``, ``time.sleep``,
``threading``, ``queue``, ``ssl``) with cooperative ones: "monkey-patching". It has to happen
before anything imports them, or modules keep the originals (a lock made with the real
``threading`` blocks every greenlet at once; ``ssl`` patched late can recurse). ``python -m
engage.serve`` imports the ``engage`` package before ``engage/serve.py`` runs, and the package
imports Flask, SQLAlchemy, redis, requests (and so ``ssl``) at once, so the package imports this
module first, and this module patches when, and only when, the process is that server. CLI
commands, tests and ``engage.wsgi`` under another server are never patched here (gunicorn's
gevent worker patches by itself before it loads ``engage.wsgi``).
"""
from __future__ import annotations

import os
import sys

GEVENT, THREADS = "gevent", "threads"


def requested() -> str:
    """``ENGAGE_SERVER``: ``gevent`` (the default) or ``threads``."""
    value = os.environ.get("ENGAGE_SERVER", GEVENT).strip().lower()
    return THREADS if value in ("threads", "thread", "threading", "gthread") else GEVENT


def _is_the_server_process() -> bool:
    argv = getattr(sys, "orig_argv", [])
    return any(arg == "-m" and argv[i + 1:i + 2] == ["engage.serve"] for i, arg in enumerate(argv))


def patched() -> bool:
    """Whether this process runs under gevent's monkey-patching (ours or gunicorn's worker's)."""
    monkey = sys.modules.get("gevent.monkey")
    return bool(monkey and monkey.is_module_patched("socket"))


def async_mode() -> str:
    """Flask-SocketIO's mode for this process: ``gevent`` once patched, ``threading`` otherwise."""
    return "gevent" if patched() else "threading"


if _is_the_server_process() and requested() == GEVENT and not patched():
    from gevent import monkey

    monkey.patch_all()
