"""Serve Engage for ``make run``: one process, websockets included, scheduler on.

Gunicorn with threads is what Flask-SocketIO's threading mode supports for production; a
single worker keeps Socket.IO's in-memory rooms consistent. Past one process, see README.
"""
from __future__ import annotations

import os

from gunicorn import glogging
from gunicorn.app.base import BaseApplication

from . import create_app, jobs
from .common import log_privacy


class PrivateLogger(glogging.Logger):
    """Gunicorn's logger with Engage's filter: no client address or receipt code is written
    (gunicorn's own "Invalid request from ip=…" line included)."""

    def setup(self, cfg):
        super().setup(cfg)
        log_privacy.install(self.error_log, self.access_log)


class _Server(BaseApplication):
    def __init__(self, app, options):
        self.application = app
        self.options = options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        return self.application


def main() -> None:
    app = create_app()
    if app.config["SCHEDULER_ENABLED"]:
        jobs.start(app)
    host = os.environ.get("HOST", "127.0.0.1")
    port = int(os.environ.get("PORT", "5000"))
    print(f"Engage is running on http://{host}:{port}/  (press Ctrl+C to stop)", flush=True)
    _Server(app, {
        "bind": f"{host}:{port}",
        "workers": 1,
        # Each connected phone holds a thread (a WebSocket while open, a long-poll while it
        # waits), so the default allows a full hall; idle threads cost memory, not CPU.
        "threads": int(os.environ.get("THREADS", "512")),
        "worker_class": "gthread",
        "timeout": 0,  # long-polling and websockets hold requests open
        "accesslog": os.environ.get("ACCESS_LOG"),
        # No remote-address field: the access log never names the client's address.
        "access_log_format": '"%(r)s" %(s)s %(b)s %(M)sms',
        "logger_class": PrivateLogger,
    }).run()


if __name__ == "__main__":
    main()
