"""Serve Engage for ``make run``: one process, websockets included, scheduler on.

By default the server is gunicorn's gevent worker with Flask-SocketIO's ``gevent`` mode (what
Flask-SocketIO documents for production): a connected phone costs a greenlet and a socket, so
one process holds thousands (``WORKER_CONNECTIONS``, 10,000 by default). The standard library is
monkey-patched before anything else is imported, which has to happen in the ``engage`` package
itself, because ``python -m engage.serve`` imports the package first (``engage/green.py`` says
why and how). ``ENGAGE_SERVER=threads`` serves with the threaded worker instead (a thread per
connection, ``THREADS`` of them), for debugging with ordinary tools.

One worker per process keeps Socket.IO's rooms in one place; past one process, run several
behind nginx with sticky sessions and a Redis message queue (README, docs/performance.md).
"""
from __future__ import annotations

from . import green  # first, before anything else (the package has imported it already)

import gc
import logging
import os
import resource

from gunicorn import glogging
from gunicorn.app.base import BaseApplication

from . import create_app, jobs
from .common import log_privacy

log = logging.getLogger(__name__)


class PrivateLogger(glogging.Logger):
    """Gunicorn's logger with Engage's filter: no client address or receipt code is written
    (gunicorn's own "Invalid request from ip=…" line included)."""

    def setup(self, cfg):
        super().setup(cfg)
        log_privacy.install(self.error_log, self.access_log)


class _Server(BaseApplication):
    """Gunicorn with Engage made in its worker, after the fork: nothing the app starts (the
    scheduler, a rate-limit timer, database connections) is ever copied into another process,
    which under gevent would run a copy of every sleeping greenlet there too."""

    def __init__(self, options):
        self.options = options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        app = create_app()
        if app.config["SCHEDULER_ENABLED"]:
            jobs.start(app)
        settle_garbage_collector()
        return app


#: Container objects allocated (net) between two young collections (CPython's default is 700).
GC_YOUNG_THRESHOLD = 50_000


def settle_garbage_collector() -> None:
    """Keep CPython's cycle collector from stopping the server for a hall of phones.

    Measured (gc callbacks in Engage's worker, 500 phones joining and voting once): the collector
    took about as much CPU as the phones' joins and votes, most of it in a few full collections
    of 100-400 ms each, every greenlet stopped meanwhile, because each phone's connection adds
    long-lived objects and a full collection walks all of them, and the app's own (modules,
    the ORM's mappings, the question types: over 100,000) with them. So the objects the app
    made at start are frozen (never walked again: they live as long as the process), and the
    young generation is collected every ``GC_YOUNG_THRESHOLD`` allocations rather than 700:
    most of a socket event's objects are freed by reference counting anyway, and the rest waits
    a little longer. ``ENGAGE_GC_YOUNG_THRESHOLD`` overrides it (0 leaves CPython's settings)."""
    young = int(os.environ.get("ENGAGE_GC_YOUNG_THRESHOLD", GC_YOUNG_THRESHOLD))
    gc.collect()
    gc.freeze()
    if young > 0:
        _, middle, old = gc.get_threshold()
        gc.set_threshold(young, middle, old)


def raise_open_files_limit(wanted: int) -> int:
    """Every connected phone holds a file descriptor: lift the soft limit towards ``wanted``
    (as far as the hard limit allows, which only the system can raise) and return it."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        soft = target
    return soft


def options() -> dict:
    """Gunicorn's settings for this process: the gevent worker, or threads if asked for."""
    host = os.environ.get("HOST", "127.0.0.1")
    port = int(os.environ.get("PORT", "5000"))
    common = {
        "bind": f"{host}:{port}",
        "workers": 1,
        "timeout": 0,  # long-polling and websockets hold requests open
        "accesslog": os.environ.get("ACCESS_LOG"),
        # No remote-address field: the access log never names the client's address.
        "access_log_format": '"%(r)s" %(s)s %(b)s %(M)sms',
        "logger_class": PrivateLogger,
        "backlog": 4096,  # a hall of phones connecting in the same few seconds
    }
    if green.patched():
        connections = int(os.environ.get("WORKER_CONNECTIONS", "10000"))
        limit = raise_open_files_limit(connections + 256)
        if limit < connections + 64:
            log.warning("only %s open files allowed (ulimit -n): fewer than %s connections fit", limit, connections)
        return {**common, "worker_class": "gevent", "worker_connections": connections}
    # Each connected phone holds a thread (a WebSocket while open, a long-poll while it waits).
    threads = int(os.environ.get("THREADS", "512"))
    raise_open_files_limit(threads + 256)
    return {**common, "worker_class": "gthread", "threads": threads}


def main() -> None:
    if green.requested() == green.GEVENT and not green.patched():
        raise SystemExit("The gevent server must be started as `python -m engage.serve` (so the standard library is "
                         "patched before anything imports it), or set ENGAGE_SERVER=threads")
    settings = options()
    host, port = settings["bind"].rsplit(":", 1)
    mode = "gevent" if settings["worker_class"] == "gevent" else f"threads ({settings['threads']})"
    print(f"Engage is running on http://{host}:{port}/  ({mode}; press Ctrl+C to stop)", flush=True)
    _Server(settings).run()


if __name__ == "__main__":
    main()
