"""SQLAlchemy plumbing shared by every domain module.

Plain SQLAlchemy 2 (not Flask-SQLAlchemy) so the domain runs the same under Flask, in a
scheduled job, in a CLI command or in a unit test with no app at all.
"""
from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import JSON, MetaData, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

if TYPE_CHECKING:
    from .events import EventBus

F = TypeVar("F", bound=Callable[..., Any])
_DEPTH = "engage.transaction_depth"
WRITE_INFO = "engage.write"

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


#: SQLite's ``synchronous`` setting: FULL puts every commit on disk (the WAL is synced) before
#: the commit returns, so nothing acknowledged (a survey response, a vote) is lost to a power cut;
#: NORMAL (the tests' choice, for speed) survives a crash of the process but not of the machine.
SQLITE_SYNCHRONOUS = os.environ.get("SQLITE_SYNCHRONOUS", "FULL").strip().upper()


def _sqlite_connect_with(synchronous: str):
    if synchronous not in ("FULL", "NORMAL", "EXTRA"):
        raise ValueError("SQLITE_SYNCHRONOUS must be FULL, EXTRA or NORMAL")

    def on_connect(dbapi_connection, _record) -> None:
        # WAL lets residents' reads carry on while one writer commits; foreign keys are off by
        # default in SQLite; busy_timeout turns momentary write contention into a short wait.
        # isolation_level=None hands BEGIN to ``_sqlite_begin`` below.
        dbapi_connection.isolation_level = None
        cur = dbapi_connection.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=10000")
        cur.execute(f"PRAGMA synchronous={synchronous}")
        cur.close()
    return on_connect


#: How long a write transaction waits for the database (SQLite's busy_timeout, and the same for
#: the in-process gate below), in seconds.
WRITE_WAIT = 10.0


class _WriteGate:
    """SQLite has one writer at a time. Within a process, write transactions queue here, on a
    lock that waits the way the server waits (a greenlet under gevent, a thread otherwise),
    rather than inside SQLite's busy handler, which sleeps in C: under gevent that stalls every
    greenlet, including the one holding the lock, if it has yielded (a commit handed to the
    thread pool does), and the process stops for the whole busy timeout. Between processes
    SQLite's own busy timeout still arbitrates."""

    def __init__(self) -> None:
        import threading

        self._lock = threading.Lock()

    def enter(self, connection) -> None:
        if getattr(connection, "_engage_gate", None) is not None:
            return
        if not self._lock.acquire(timeout=WRITE_WAIT):
            import sqlite3

            raise sqlite3.OperationalError("database is locked (waited for this process's other writers)")
        connection._engage_gate = self

    @staticmethod
    def leave(connection) -> None:
        gate = getattr(connection, "_engage_gate", None)
        if gate is not None:
            connection._engage_gate = None
            gate._lock.release()


def _sqlite_connection_class(commit_in: Callable[[Callable[[], None]], None] | None):
    """``sqlite3.Connection`` that leaves the write gate when its transaction ends, and whose
    commit (where SQLite syncs the disk) is handed to ``commit_in`` when given: the gevent
    server runs it in a native thread, so one commit's ``fsync`` does not stop every other
    greenlet (the GIL is released while SQLite waits for the disk)."""
    import sqlite3

    class Connection(sqlite3.Connection):
        _engage_gate = None

        def commit(self) -> None:
            try:
                if commit_in is not None and self._engage_gate is not None:
                    commit_in(super().commit)
                else:
                    super().commit()
            finally:
                _WriteGate.leave(self)

        def rollback(self) -> None:
            try:
                super().rollback()
            finally:
                _WriteGate.leave(self)

        def close(self) -> None:
            try:
                super().close()
            finally:
                _WriteGate.leave(self)

    return Connection


def _sqlite_begin_with(gate: _WriteGate):
    def begin(conn) -> None:
        # A write transaction that reads first (the evidence head, an existing vote) must hold the
        # write lock from its first statement: a deferred one could read a snapshot that another
        # writer then changes, and SQLite would refuse its write outright instead of waiting.
        immediate = conn.get_execution_options().get("engage_write")
        if not immediate:
            conn.exec_driver_sql("BEGIN")
            return
        dbapi_connection = conn.connection.dbapi_connection
        gate.enter(dbapi_connection)
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            _WriteGate.leave(dbapi_connection)
            raise
    return begin


def _multi_row_statements_in(run: Callable[[Callable[[], None]], None]):
    """Hand SQLite's multi-row statements (an ``executemany``, or the multi-row ``INSERT``s that
    SQLAlchemy's insertmanyvalues sends for a list of rows) to ``run``, as commits are: a group
    of survey responses is one such statement, and SQLite spends its time in C there (the rows,
    their indexes, the answer-row and full-text triggers) with the GIL released, so in a native
    thread it runs beside the requests the gevent server is parsing. A one-row statement is
    not worth the hop to another thread."""
    from sqlalchemy.engine.interfaces import ExecuteStyle

    def do_execute(cursor, statement, parameters, context) -> bool | None:
        if context is None or context.execute_style is not ExecuteStyle.INSERTMANYVALUES:
            return None  # the usual path
        run(lambda: cursor.execute(statement, parameters))
        return True

    def do_executemany(cursor, statement, parameters, context) -> bool | None:
        run(lambda: cursor.executemany(statement, parameters))
        return True

    return do_execute, do_executemany


def _owner_only(path: str):
    """The SQLite file holds residents' answers: readable by the service's own user only (the
    WAL and shared-memory files SQLite creates beside it take the same permissions)."""
    def on_connect(_dbapi_connection, _record) -> None:
        try:
            if os.path.exists(path) and os.stat(path).st_mode & 0o077:
                os.chmod(path, 0o600)
        except OSError:
            pass
    return on_connect


def make_engine(url: str, *, synchronous: str | None = None,
                commit_in: Callable[[Callable[[], None]], None] | None = None, **kwargs) -> Engine:
    """The engine for ``url``. On SQLite: WAL, ``synchronous`` (default ``SQLITE_SYNCHRONOUS``),
    write transactions queued on the engine's write gate, and, with ``commit_in``, commits run by
    that function (the gevent server's thread pool)."""
    if url.startswith("sqlite:///") and ":memory:" not in url:
        path = url.removeprefix("sqlite:///")
        if not os.path.exists(path):
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))  # created private, never world-readable
    if url.startswith("sqlite"):
        connect_args: dict[str, Any] = {"timeout": WRITE_WAIT, "check_same_thread": False,
                                        "factory": _sqlite_connection_class(commit_in)}
        engine = create_engine(url, connect_args=connect_args, hide_parameters=True, **kwargs)
        event.listen(engine, "connect", _sqlite_connect_with(synchronous or SQLITE_SYNCHRONOUS))
        event.listen(engine, "begin", _sqlite_begin_with(_WriteGate()))
        if commit_in is not None:
            do_execute, do_executemany = _multi_row_statements_in(commit_in)
            event.listen(engine, "do_execute", do_execute)
            event.listen(engine, "do_executemany", do_executemany)
        if url.startswith("sqlite:///") and ":memory:" not in url:
            event.listen(engine, "connect", _owner_only(url.removeprefix("sqlite:///")))
        return engine
    return create_engine(url, pool_pre_ping=True, hide_parameters=True, **kwargs)


def make_session_factory(engine: Engine, write: bool = False, bus: EventBus | None = None) -> sessionmaker[Session]:
    """Sessions that keep loaded objects usable after commit and hand domain events to ``bus``
    only once their transaction has committed (see ``events``).

    ``write=True`` is for units of work that change data; on SQLite they take the write lock at
    BEGIN. Read-only work should use the default so readers never queue behind writers. The bus
    rides on each session's ``info``, so two stores in one process (two apps in a test run)
    never hear each other's events.
    """
    from . import events

    bind = engine.execution_options(engage_write=True) if write else engine
    factory = sessionmaker(bind, expire_on_commit=False, info={events.BUS_INFO: bus, WRITE_INFO: write})
    events.attach(factory)
    return factory


class Store:
    """One database: its engine, read and write session factories, and the bus its commits feed.

    The web adapter keeps one on the app; jobs, the CLI, benchmarks and the domain's unit tests
    make their own, with no Flask in sight.
    """

    def __init__(self, url: str, bus: EventBus | None = None, *, synchronous: str | None = None,
                 commit_in: Callable[[Callable[[], None]], None] | None = None,
                 pool_size: int | None = None, max_overflow: int | None = None) -> None:
        """``pool_size``/``max_overflow`` size a server database's connection pool (SQLAlchemy's
        5 + 10 when not given; SQLite keeps its own). Under gevent a greenlet holds its connection
        while it waits for the server, so hundreds of phones joining at once need more than 15 per
        process on PostgreSQL: with 15 the joins queued for a connection for 30 s and gave up
        (docs/performance.md, "Live polls across two processes")."""
        from .events import EventBus

        self.url = url
        self.bus = bus if bus is not None else EventBus()
        pool = {} if url.startswith("sqlite") else {
            k: v for k, v in (("pool_size", pool_size), ("max_overflow", max_overflow)) if v is not None}
        self.engine = make_engine(url, synchronous=synchronous, commit_in=commit_in, **pool)
        self.read_factory = make_session_factory(self.engine, bus=self.bus)
        self.write_factory = make_session_factory(self.engine, write=True, bus=self.bus)

    def session(self, write: bool = False, bus: EventBus | None = None) -> Session:
        """A new session; ``bus`` hands its committed events to another bus than the store's
        (a writer that commits in one thread and dispatches in another collects them so)."""
        factory = self.write_factory if write else self.read_factory
        if bus is None:
            return factory()
        from .events import BUS_INFO

        return factory(info={BUS_INFO: bus})

    def dispose(self) -> None:
        self.engine.dispose()


def is_write_session(session: Session) -> bool:
    return bool(session.info.get(WRITE_INFO))


@contextmanager
def transaction(session: Session) -> Iterator[Session]:
    """The unit of work of one change: commit when the outermost block ends, roll back on error.

    Service functions open it (usually through ``@transactional``), so a view, socket handler,
    job or test only calls the service and never commits. A service that calls another joins
    its transaction, and so does one called inside a SAVEPOINT its caller opened: only the
    outermost block commits, so a composite change is all or nothing.
    """
    depth = session.info.get(_DEPTH, 0)
    outermost = depth == 0 and not session.in_nested_transaction()
    session.info[_DEPTH] = depth + 1
    try:
        yield session
    except BaseException:
        if outermost:
            session.rollback()
        raise
    else:
        if outermost:
            try:
                session.commit()
            except BaseException:
                session.rollback()
                raise
    finally:
        session.info[_DEPTH] = depth


def transactional(fn: F) -> F:
    """Run a service function, whose first argument is the session, as one ``transaction``."""

    @functools.wraps(fn)
    def wrapper(session: Session, *args: Any, **kwargs: Any) -> Any:
        with transaction(session):
            return fn(session, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


ROOT = Path(__file__).resolve().parents[1]


def alembic_config(url: str):
    import logging

    logging.getLogger("alembic").setLevel(logging.WARNING)  # before import: it logs while loading
    from alembic.config import Config as AlembicConfig

    cfg = AlembicConfig(str(ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str) -> None:
    """Apply every Alembic migration to the database at ``url`` (creating a SQLite file's folder).

    Here rather than in the web adapter so the CLI, the tests and the benchmarks migrate the
    same way without building a Flask app.
    """
    from alembic import command

    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(url), "heads")
