"""The bare durable view: the least a Flask server must do to accept a survey response for good.

    DATABASE_URL=sqlite:////tmp/bare.sqlite3 PORT=5056 python bench/bare_flask.py
    DATABASE_URL=postgresql://postgres:postgres@127.0.0.1:5432/bench PORT=5056 python bench/bare_flask.py

One Flask view, ``POST /api/v1/surveys/<id>/responses`` with ``{"answers": {...}}``: it parses
the JSON, inserts it with a random receipt into one table and commits before answering
``201 {"receipt"}``. Nothing else: no validation against a survey, no sessions, no rate limits,
no evidence. SQLite runs in WAL mode with ``synchronous=FULL`` (every commit is on disk before
the answer); PostgreSQL with its defaults (``synchronous_commit=on``). It is served by gunicorn,
one process as Engage is, but with a gthread worker of ``THREADS`` threads (the harness uses
64), no timeout: its best setting. Engage's ``python -m engage.serve`` runs gunicorn's gevent
worker, where a plain ``sqlite3`` commit like this one would stop every request for each
``fsync`` (Engage hands its commits to gevent's thread pool). ``GET /bench/count`` answers how many responses are stored.
"""
from __future__ import annotations

import json
import os
import secrets
import sqlite3
import threading
from datetime import datetime, timezone

from flask import Flask, jsonify, request

SQLITE_SCHEMA = ("CREATE TABLE IF NOT EXISTS responses (id INTEGER PRIMARY KEY, survey_id INTEGER NOT NULL, "
                 "receipt TEXT NOT NULL UNIQUE, answers TEXT NOT NULL, submitted_at TEXT NOT NULL)")
POSTGRES_SCHEMA = ("CREATE TABLE IF NOT EXISTS responses (id BIGSERIAL PRIMARY KEY, survey_id INTEGER NOT NULL, "
                   "receipt TEXT NOT NULL UNIQUE, answers JSONB NOT NULL, submitted_at TIMESTAMP NOT NULL)")


class Store:
    """One connection per server thread, as a connection pool would hand out."""

    def __init__(self, url: str) -> None:
        self.url = url.replace("postgresql+psycopg://", "postgresql://", 1)
        self.postgres = url.startswith("postgresql")
        self.local = threading.local()
        with self.connection() as conn:
            conn.execute(POSTGRES_SCHEMA if self.postgres else SQLITE_SCHEMA)
            conn.commit()

    def connection(self):
        conn = getattr(self.local, "conn", None)
        if conn is None:
            if self.postgres:
                import psycopg

                conn = psycopg.connect(self.url)
            else:
                conn = sqlite3.connect(self.url.removeprefix("sqlite:///"), timeout=10, check_same_thread=False)
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=FULL")
            self.local.conn = conn
        return _Borrowed(conn)

    def insert(self, survey_id: int, answers: dict) -> str:
        receipt = secrets.token_urlsafe(12)
        mark = "%s" if self.postgres else "?"
        with self.connection() as conn:
            conn.execute(f"INSERT INTO responses (survey_id, receipt, answers, submitted_at) "
                         f"VALUES ({mark}, {mark}, {mark}, {mark})",
                         (survey_id, receipt, json.dumps(answers), datetime.now(timezone.utc).replace(tzinfo=None)
                          if self.postgres else datetime.now(timezone.utc).isoformat()))
            conn.commit()
        return receipt

    def count(self) -> int:
        with self.connection() as conn:
            return conn.execute("SELECT count(*) FROM responses").fetchone()[0]


class _Borrowed:
    """``with store.connection() as conn``: rolls back what an exception left open, keeps it."""

    def __init__(self, conn) -> None:
        self.conn = conn

    def __enter__(self):
        return self.conn

    def __exit__(self, kind, value, tb):
        if kind is not None:
            self.conn.rollback()
        return False


def create_app(url: str) -> Flask:
    app = Flask(__name__)
    store = Store(url)

    @app.post("/api/v1/surveys/<int:survey_id>/responses")
    def submit(survey_id: int):
        data = request.get_json(silent=True)
        if not isinstance(data, dict) or not isinstance(data.get("answers"), dict):
            return jsonify(error={"code": "invalid", "message": "Send {\"answers\": {...}}"}), 422
        return jsonify(receipt=store.insert(survey_id, data["answers"]), survey_id=survey_id), 201

    @app.get("/healthz")
    def healthz():
        return jsonify(ok=True)

    @app.get("/bench/count")
    def count():
        return jsonify(count=store.count())

    return app


def main() -> None:
    from gunicorn.app.base import BaseApplication

    url = os.environ["DATABASE_URL"]
    options = {"bind": f"127.0.0.1:{int(os.environ.get('PORT', '5056'))}", "workers": 1,
               "threads": int(os.environ.get("THREADS", "512")), "worker_class": "gthread", "timeout": 0,
               "accesslog": None, "loglevel": "warning"}

    class Server(BaseApplication):
        def load_config(self):
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self):
            return create_app(url)

    print(f"bare Flask view on http://{options['bind']}/ ({url.split(':', 1)[0]})", flush=True)
    Server().run()


if __name__ == "__main__":
    main()
