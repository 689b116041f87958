"""A room's tallies are spaced by its size (``LIVE_BROADCAST_SEND_BUDGET``), and a close is not.

With a budget of 20 sends a second, a room of 12 phones may be sent a tally every
max(0.2 s, 12 / 20 s) = 0.6 s: these tests drive the broadcaster by hand to check that the
sockets it counts are the ones it sends to, and that the close's final tally still goes at once.
"""
from __future__ import annotations

import pytest

from engage import create_app

from live_support import (  # noqa: F401  (clock and running_session are fixtures)
    clock, control, join, received, resident, running_session, vote,
)

MC = 0


@pytest.fixture
def app(database_url):
    app = create_app({"DATABASE_URL": database_url, "LIVE_BROADCAST_LOOP": False, "LIVE_BROADCAST_SEND_BUDGET": 20})
    yield app
    app.extensions["engage.db"].engine.dispose()


def _hall(app, running_session, clock, phones: int):
    control(running_session, "open", MC)
    control(running_session, "reveal", MC)
    crowd = [resident(app) for _ in range(phones)]
    for phone in crowd:
        join(phone, running_session["code"])
    app.extensions["engage.live"].tick(now=clock.advance(1))
    for phone in crowd:
        received(phone, "/live")
    return crowd


def test_a_room_is_sent_no_more_often_than_its_sockets_allow(app, running_session, clock):
    phones = _hall(app, running_session, clock, 12)
    broadcaster = app.extensions["engage.live"]
    question = running_session["questions"][MC]
    vote(phones[0], question, "Lighting")
    broadcaster.tick(now=clock.advance(0))  # the first change after a quiet spell: at once
    assert [len(received(p, "/live", "tally")) for p in phones] == [1] * 12
    vote(phones[1], question, "Benches")
    broadcaster.tick(now=clock.advance(0.2))  # a room of 200 sockets would get it now
    broadcaster.tick(now=clock.advance(0.35))
    assert all(received(p, "/live", "tally") == [] for p in phones)
    broadcaster.tick(now=clock.advance(0.05))  # 0.6 s after the last tally
    tallies = [received(p, "/live", "tally") for p in phones]
    assert all(len(t) == 1 and t[0]["total"] == 2 for t in tallies)


def test_a_smaller_room_is_sent_to_every_interval(app, running_session, clock):
    phones = _hall(app, running_session, clock, 3)  # 3 / 20 = 0.15 s: the interval decides
    broadcaster = app.extensions["engage.live"]
    question = running_session["questions"][MC]
    vote(phones[0], question, "Lighting")
    broadcaster.tick(now=clock.advance(0))
    vote(phones[1], question, "Benches")
    broadcaster.tick(now=clock.advance(0.2))
    tallies = [received(p, "/live", "tally") for p in phones]
    assert all([t["total"] for t in ts] == [1, 2] for ts in tallies)


def test_a_close_sends_the_exact_final_tally_at_once_however_big_the_room(app, running_session, clock):
    phones = _hall(app, running_session, clock, 12)
    broadcaster = app.extensions["engage.live"]
    question = running_session["questions"][MC]
    vote(phones[0], question, "Lighting")
    broadcaster.tick(now=clock.advance(0))
    for phone, value in zip(phones[1:], ["Benches", "Lighting", "Playground"]):
        vote(phone, question, value)
    control(running_session, "close", MC)  # 0 s after the last tally, well within the room's gap
    for phone in phones:
        assert received(phone, "/live", "tally")[-1]["counts"] == {"Playground": 1, "Lighting": 2, "Benches": 1}
