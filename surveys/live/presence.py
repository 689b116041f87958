"""Stored presence: how many participants a live session has connected, across every server process.

Each process knows its own sockets (``engage.realtime.connected``, in memory) and mirrors them into
``live_presence``: one row per (process, session, participant), refreshed on a heartbeat.
The count of a session is its distinct participants in rows refreshed within
``STALE_AFTER``, so a participant connected to two processes counts once and a process that
died stops counting without anyone cleaning up after it.

This is operational state, like a connection table, not a domain change: it publishes no
event, and nothing here is evidence. The broadcaster broadcasts counts after a sync.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta

from sqlalchemy import delete, func, insert, select, tuple_, update
from sqlalchemy.orm import Session

from commissioning_steps.db import transactional, utcnow

from .models import LivePresence

#: A process refreshes its rows every ``HEARTBEAT``; rows older than ``STALE_AFTER`` belong to
#: a process that stopped, and rows older than ``PURGE_AFTER`` are deleted by any process.
HEARTBEAT = timedelta(seconds=10)
STALE_AFTER = timedelta(seconds=30)
PURGE_AFTER = timedelta(minutes=10)


@transactional
def sync(session: Session, process: str, present: Mapping[int, Iterable[str]],
         now: datetime | None = None) -> set[int]:
    """Make this process's rows equal ``present`` (session id -> participant ids) and refresh them.

    Returns the sessions whose rows changed. Stale rows of dead processes are purged on the way.
    """
    now = now or utcnow()
    wanted = {(sid, participant) for sid, participants in present.items() for participant in participants}
    stored = set(session.execute(select(LivePresence.session_id, LivePresence.participant)
                                 .where(LivePresence.process == process)).tuples())
    gone = stored - wanted
    new = wanted - stored
    if gone:
        for chunk in _chunks(sorted(gone)):
            session.execute(delete(LivePresence).where(
                LivePresence.process == process,
                tuple_(LivePresence.session_id, LivePresence.participant).in_(chunk)))
    if stored - gone:
        session.execute(update(LivePresence).where(LivePresence.process == process).values(seen_at=now))
    if new:  # one executemany, not an ORM object per phone (a hall joins hundreds a second)
        session.execute(insert(LivePresence.__table__), [
            {"process": process, "session_id": sid, "participant": participant, "seen_at": now}
            for sid, participant in sorted(new)])
    session.execute(delete(LivePresence).where(LivePresence.seen_at < now - PURGE_AFTER))
    session.flush()
    return {sid for sid, _ in gone | new}


@transactional
def forget_process(session: Session, process: str) -> None:
    """A process shutting down cleanly removes its rows at once rather than letting them go stale."""
    session.execute(delete(LivePresence).where(LivePresence.process == process))


def count(session: Session, session_id: int, now: datetime | None = None) -> int:
    return counts(session, [session_id], now).get(session_id, 0)


def counts(session: Session, session_ids: Iterable[int], now: datetime | None = None) -> dict[int, int]:
    ids = sorted(set(session_ids))
    if not ids:
        return {}
    now = now or utcnow()
    rows = session.execute(
        select(LivePresence.session_id, func.count(func.distinct(LivePresence.participant)))
        .where(LivePresence.session_id.in_(ids), LivePresence.seen_at >= now - STALE_AFTER)
        .group_by(LivePresence.session_id))
    found = dict(rows.tuples().all())
    return {sid: found.get(sid, 0) for sid in ids}


def _chunks(items: list, size: int = 200):
    for start in range(0, len(items), size):
        yield items[start:start + size]
