"""The app's singletons, each bound to an app in ``create_app``.

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

from commissioning_steps.db import make_engine, make_session_factory

socketio = SocketIO()
login_manager = LoginManager()
csrf = CSRFProtect()

_READ_METHODS = ("GET", "HEAD", "OPTIONS")


class Database:
    def __init__(self, app: Flask) -> None:
        self.engine = make_engine(app.config["DATABASE_URL"])
        self.read_factory = make_session_factory(self.engine)
        self.write_factory = make_session_factory(self.engine, write=True)
        app.extensions["engage.db"] = self
        app.teardown_appcontext(_close_session)

    def session(self, write: bool = False) -> Session:
        return (self.write_factory if write else self.read_factory)()


def database() -> Database:
    return current_app.extensions["engage.db"]


def db_session(write: bool | None = None) -> Session:
    """The session for this request or event, opened on first use.

    ``write`` defaults to whether the request's method changes data.
    """
    if "db_session" not in g:
        if write is None:
            write = has_request_context() and request.method not in _READ_METHODS
        g.db_session = database().session(write=write)
    return g.db_session


def _close_session(_exc: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()
