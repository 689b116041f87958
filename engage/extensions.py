"""What the app is built from: the login manager and CSRF (stateless singletons, bound in
``create_app``), and accessors for what each app keeps on itself (its ``Database`` and its
Socket.IO server, ``app.extensions["engage.db"]`` and ``app.extensions["socketio"]``), so two
apps in one process never share a server, a bus or a session.

The database is reached through ``db_session()``: one session per request (or socket event),
a write session (SQLite: BEGIN IMMEDIATE) for requests that change data, closed when the app
context ends.
"""
from __future__ import annotations

from flask import Flask, current_app, g, has_request_context, request
from flask_login import LoginManager
from flask_socketio import SocketIO
from flask_wtf import CSRFProtect
from sqlalchemy.orm import Session

from commissioning_steps.db import Store, is_write_session

from . import green
from commissioning_steps.events import EventBus

login_manager = LoginManager()
csrf = CSRFProtect()

_READ_METHODS = ("GET", "HEAD", "OPTIONS")


class Database(Store):
    """The app's ``Store``: its engine, session factories and event bus live on the app
    (``app.extensions["engage.db"]``), so two apps in one process share none of them."""

    def __init__(self, app: Flask) -> None:
        super().__init__(app.config["DATABASE_URL"], bus=EventBus(), synchronous=app.config.get("SQLITE_SYNCHRONOUS"),
                         commit_in=_thread_pool() if green.patched() else None,
                         pool_size=app.config.get("DATABASE_POOL_SIZE"),
                         max_overflow=app.config.get("DATABASE_MAX_OVERFLOW"))
        app.extensions["engage.db"] = self
        app.teardown_appcontext(_close_session)


def _thread_pool():
    """Under gevent: run a SQLite commit (its ``fsync``) in a native thread of gevent's pool, so
    the other greenlets carry on meanwhile (``commissioning_steps.db.make_engine``)."""
    import gevent

    def run(commit) -> None:
        gevent.get_hub().threadpool.apply(commit)

    return run


class ReadSessionOpen(RuntimeError):
    """A write session was asked for after this request had already opened a read session.

    Quietly handing back the read session would run the write without SQLite's write lock (and
    on a read-only replica, fail later); asking early, or from a request whose method writes,
    is the fix.
    """


def database() -> Database:
    return current_app.extensions["engage.db"]


def socketio_of(app: Flask | None = None) -> SocketIO:
    """The Socket.IO server of ``app`` (default: the current app); each app has its own."""
    return (app or current_app).extensions["socketio"]


def event_bus() -> EventBus:
    return database().bus


def db_session(write: bool | None = None) -> Session:
    """The session for this request or event, opened on first use.

    ``write`` defaults to whether the request's method changes data. Asking for a write session
    when a read session is already open is an error (``ReadSessionOpen``), never a silent read.
    """
    if "db_session" not in g:
        if write is None:
            write = has_request_context() and request.method not in _READ_METHODS
        g.db_session = database().session(write=write)
    elif write and not is_write_session(g.db_session):
        raise ReadSessionOpen("this request opened a read session before asking to write")
    return g.db_session


def release_session() -> None:
    """End this request's session now, handing its connection back to the pool: a request
    about to wait for another task's write (the submission writer) must not sit on a
    connection meanwhile, or a crowd of waiting requests holds every connection the writer
    needs. The next ``db_session()`` opens a new one."""
    _close_session(None)


def _close_session(_exc: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()
