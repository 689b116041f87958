"""SQLAlchemy plumbing shared by every domain module.

Plain SQLAlchemy 2 (not Flask-SQLAlchemy) so the domain runs the same under Flask, in a
scheduled job, in a CLI command or in a unit test with no app at all.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import JSON, MetaData, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dict[str, Any]: JSON, list[str]: JSON}


def utcnow() -> datetime:
    """Naive UTC, microsecond precision: the form both SQLite and PostgreSQL round-trip exactly,
    which the evidence hash chain relies on."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def _sqlite_connect(dbapi_connection, _record) -> None:
    # WAL lets residents' reads carry on while one writer commits; foreign keys are off by
    # default in SQLite; busy_timeout turns momentary write contention into a short wait.
    # isolation_level=None hands BEGIN to ``_sqlite_begin`` below.
    dbapi_connection.isolation_level = None
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def _sqlite_begin(conn) -> None:
    # A write transaction that reads first (the evidence head, an existing vote) must hold the
    # write lock from its first statement: a deferred one could read a snapshot that another
    # writer then changes, and SQLite would refuse its write outright instead of waiting.
    immediate = conn.get_execution_options().get("engage_write")
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_engine(url: str, **kwargs) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 10, "check_same_thread": False}, **kwargs)
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


def make_session_factory(engine: Engine, write: bool = False) -> sessionmaker[Session]:
    """Sessions that keep loaded objects usable after commit and publish domain events only
    once their transaction has committed (see ``events``).

    ``write=True`` is for units of work that change data; on SQLite they take the write lock at
    BEGIN. Read-only work should use the default so readers never queue behind writers.
    """
    from . import events

    bind = engine.execution_options(engage_write=True) if write else engine
    factory = sessionmaker(bind, expire_on_commit=False)
    events.attach(factory)
    return factory
