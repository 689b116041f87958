"""Fixtures for the live-poll services: a commission at its first step with a commissioner, a
write session on a migrated SQLite copy, and a recorder of the events the bus dispatches."""
from __future__ import annotations

import pytest

from commissioning_steps import staff
from commissioning_steps.commissions import Commission
from surveys.live import sessions
from surveys.live.events import (
    QUESTION_EVENTS, RESULT_EVENTS, SESSION_END_EVENTS, LiveQuestionAdded, LiveSessionArchived, LiveSessionCreated,
    LiveSessionUnarchived, PresenterWatching,
)

from live_data import ALL_TYPES

@pytest.fixture
def db(store):
    s = store.session(write=True)
    yield s
    s.close()


@pytest.fixture
def owner(world):
    return world.user("casey@example.org", staff.COMMISSIONER, "Casey")


@pytest.fixture
def commission(world, owner, db):
    c = world.commission(owner, "Rosehill Park")
    return db.get(Commission, c.id)


@pytest.fixture
def live(db, commission, owner):
    created = sessions.create_session(db, commission, owner, title="Park: what next?", step="initiate",
                                      questions=ALL_TYPES)
    db.commit()
    return created


@pytest.fixture
def published(store):
    """Live events in the order subscribers received them (that is, after commit)."""
    seen = []
    names = [e.name for e in (*QUESTION_EVENTS, *RESULT_EVENTS, *SESSION_END_EVENTS, LiveSessionCreated,
                              LiveQuestionAdded, LiveSessionArchived, LiveSessionUnarchived, PresenterWatching)]
    for name in names:
        store.bus.subscribe(name, seen.append)
    yield seen
    for name in names:
        store.bus.unsubscribe(name, seen.append)
