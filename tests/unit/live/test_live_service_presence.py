"""surveys.live.presence: participants counted once across server processes; a process that
stops refreshing its rows stops counting. Plus the two small helper additions it relies on."""
from __future__ import annotations

from datetime import timedelta

from commissioning_steps.db import utcnow
from surveys.live import presence

A, B, C = "a" * 24, "b" * 24, "c" * 24


def test_a_participant_on_two_processes_counts_once(db, live):
    presence.sync(db, "proc-1", {live.id: {A, B}})
    presence.sync(db, "proc-2", {live.id: {B, C}})
    db.commit()
    assert presence.count(db, live.id) == 3


def test_sync_reports_the_sessions_whose_rows_changed_and_removes_the_departed(db, live, commission, owner):
    from surveys.live import sessions

    other = sessions.create_session(db, commission, owner, title="Other", step="initiate")
    db.commit()
    assert presence.sync(db, "proc-1", {live.id: {A}, other.id: {B}}) == {live.id, other.id}
    assert presence.sync(db, "proc-1", {live.id: {A}, other.id: {B}}) == set()
    assert presence.sync(db, "proc-1", {live.id: {A, C}}) == {live.id, other.id}
    db.commit()
    assert presence.counts(db, [live.id, other.id]) == {live.id: 2, other.id: 0}


def test_rows_of_a_process_that_stopped_refreshing_stop_counting_and_are_purged(db, live):
    now = utcnow()
    presence.sync(db, "dead", {live.id: {A, B}}, now=now - presence.STALE_AFTER - timedelta(seconds=1))
    presence.sync(db, "alive", {live.id: {C}}, now=now)
    db.commit()
    assert presence.count(db, live.id, now=now) == 1
    presence.sync(db, "alive", {live.id: {C}}, now=now + presence.PURGE_AFTER + timedelta(seconds=5))
    db.commit()
    assert presence.count(db, live.id, now=now - timedelta(hours=1)) == 1  # the dead rows are gone


def test_a_heartbeat_keeps_rows_fresh(db, live):
    start = utcnow()
    presence.sync(db, "proc-1", {live.id: {A}}, now=start)
    later = start + presence.STALE_AFTER + timedelta(seconds=5)
    presence.sync(db, "proc-1", {live.id: {A}}, now=later)
    db.commit()
    assert presence.count(db, live.id, now=later) == 1


def test_a_clean_shutdown_removes_the_process_rows_at_once(db, live):
    presence.sync(db, "proc-1", {live.id: {A, B}})
    presence.forget_process(db, "proc-1")
    db.commit()
    assert presence.count(db, live.id) == 0
