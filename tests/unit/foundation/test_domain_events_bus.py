"""Domain events: stored in the transaction, dispatched only after it commits."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from commissioning_steps import commissions, db, evidence, events, progression, staff
from commissioning_steps.events import StoredEvent


@pytest.fixture
def bus(store):
    return store.bus


def _setup(world, session):
    user = world.user("ann@example.org", staff.COMMISSIONER)
    commission = commissions.create_commission(session, user, commissions.CommissionInput(title="Events"))
    return user, commission


def test_subscriber_called_only_after_commit(world, session, bus):
    received = []
    bus.subscribe("evidence.appended", received.append)
    try:
        user, commission = _setup(world, session)
        with db.transaction(session):
            entry = evidence.append(session, commission, step="initiate", kind="note",
                                    summary="Residents ran a stall at the market", author=user)
            session.flush()
            assert received == []  # inside the outer transaction, the inner service did not commit
        assert len(received) == 1
        evt = received[0]
        assert evt.name == "evidence.appended"
        assert evt.commission_id == commission.id
        assert (evt.entry_id, evt.seq, evt.step, evt.kind, evt.hash) == (entry.id, 1, "initiate", "note", entry.hash)
    finally:
        bus.unsubscribe("evidence.appended", received.append)


def test_rollback_publishes_nothing_and_stores_nothing(world, session, bus):
    received = []
    bus.subscribe("evidence.appended", received.append)
    try:
        user, commission = _setup(world, session)
        with pytest.raises(RuntimeError):
            with db.transaction(session):
                evidence.append(session, commission, step="initiate", kind="note", summary="Never happened",
                                author=user)
                session.flush()
                raise RuntimeError("the rest of the change failed")
        assert received == []
        # A later, unrelated commit must not release the rolled-back event either.
        session.add(StoredEvent(name="test.marker", commission_id=None, payload={}))
        session.commit()
        assert received == []
        names = session.scalars(select(StoredEvent.name)).all()
        assert "evidence.appended" not in names
        assert session.scalar(select(evidence.EvidenceEntry.id)) is None
    finally:
        bus.unsubscribe("evidence.appended", received.append)


def test_failing_subscriber_does_not_stop_others(world, session, bus):
    received = []

    def broken(_evt):
        raise RuntimeError("boom")

    bus.subscribe("commission.created", broken)
    bus.subscribe("commission.created", received.append)
    try:
        _setup(world, session)
        assert [e.name for e in received] == ["commission.created"]
    finally:
        bus.unsubscribe("commission.created", broken)
        bus.unsubscribe("commission.created", received.append)


def test_wildcard_subscriber_and_unsubscribe(world, session, bus):
    received = []
    bus.subscribe("*", received.append)
    try:
        user, commission = _setup(world, session)
        assert [e.name for e in received] == ["commission.created"]
    finally:
        bus.unsubscribe("*", received.append)
    evidence.append(session, commission, step="initiate", kind="note", summary="After unsubscribing", author=user)
    assert [e.name for e in received] == ["commission.created"]


def test_stored_events_for_the_main_changes(world, session):
    user, commission = _setup(world, session)
    evidence.append(session, commission, step="initiate", kind="note", summary="Street survey planned", author=user)
    progression.complete_step(session, commission, "initiate", user)
    rows = session.scalars(select(StoredEvent).where(StoredEvent.commission_id == commission.id)
                           .order_by(StoredEvent.id)).all()
    assert [r.name for r in rows] == ["commission.created", "evidence.appended", "step.completed", "step.activated"]
    payloads = {r.name: r.payload for r in rows}
    assert payloads["commission.created"] == {"title": "Events"}
    assert payloads["step.completed"] == {"step": "initiate", "overridden": False}
    assert payloads["step.activated"] == {"step": "investigate"}
    assert payloads["evidence.appended"]["seq"] == 1


def test_event_payload_excludes_commission_id():
    evt = events.StepActivated(7, "plan")
    assert evt.payload() == {"step": "plan"}
    assert evt.name == "step.activated"


def test_two_stores_never_hear_each_others_events(world, session, bus, database_url):
    other = db.Store(database_url)
    heard_here, heard_there = [], []
    bus.subscribe("*", heard_here.append)
    other.bus.subscribe("*", heard_there.append)
    try:
        _setup(world, session)
    finally:
        other.dispose()
    assert [e.name for e in heard_here] == ["commission.created"]
    assert heard_there == []


def test_a_failed_service_rolls_back_its_own_writes(world, session):
    user, commission = _setup(world, session)
    with pytest.raises(Exception):
        evidence.record_manual(session, commission, user, step="initiate", kind="note", summary="")
    assert session.scalar(select(evidence.EvidenceEntry.id)) is None


def test_a_released_savepoint_dispatches_nothing_until_the_outer_commit(world, session, bus):
    """SQLAlchemy calls ``after_commit`` when a SAVEPOINT is released too: events queued before
    one (a survey response stores itself inside one) used to be dispatched then, although the
    outer transaction rolled back afterwards."""
    received = []
    bus.subscribe("*", received.append)
    try:
        user, commission = _setup(world, session)
        received.clear()
        with pytest.raises(RuntimeError):
            with db.transaction(session):
                evidence.append(session, commission, step="initiate", kind="note", summary="Never happened",
                                author=user)
                with session.begin_nested():
                    session.add(StoredEvent(name="test.marker", commission_id=None, payload={}))
                assert received == []
                raise RuntimeError("the rest of the change failed")
        assert received == []
        with db.transaction(session):
            evidence.append(session, commission, step="initiate", kind="note", summary="Kept", author=user)
            with session.begin_nested():
                events.publish(session, events.StepActivated(commission.id, "investigate"))
            assert received == []
        assert [e.name for e in received] == ["evidence.appended", "step.activated"]
    finally:
        bus.unsubscribe("*", received.append)


def test_a_rolled_back_savepoint_drops_only_its_own_events(world, session, bus):
    received = []
    bus.subscribe("*", received.append)
    try:
        user, commission = _setup(world, session)
        received.clear()
        with db.transaction(session):
            evidence.append(session, commission, step="initiate", kind="note", summary="Kept", author=user)
            with pytest.raises(RuntimeError):
                with session.begin_nested():
                    events.publish(session, events.StepActivated(commission.id, "investigate"))
                    raise RuntimeError("only the savepoint fails")
            with session.begin_nested():
                with pytest.raises(RuntimeError):
                    with session.begin_nested():
                        events.publish(session, events.StepActivated(commission.id, "plan"))
                        raise RuntimeError("an inner savepoint fails")
                events.publish(session, events.StepCompleted(commission.id, "initiate", False))
        assert [e.name for e in received] == ["evidence.appended", "step.completed"]
        assert session.scalars(select(StoredEvent.name).where(StoredEvent.commission_id == commission.id)
                               .order_by(StoredEvent.id)).all() == ["commission.created", "evidence.appended",
                                                                   "step.completed"]
    finally:
        bus.unsubscribe("*", received.append)
