"""Shared set-up for the live-poll web tests (imported by tests/web/test_live_*.py).

The app's broadcaster loop is off here: tests call ``tick`` and ``sync_presence`` themselves,
with explicit times, so what each socket receives is decided by the test, never by a timer.
"""
from __future__ import annotations

import itertools

import pytest
from sqlalchemy import func, select

from engage import create_app
from engage.extensions import socketio_of
from surveys.live.models import LiveVote
from engage.common.token_bucket import TokenBucket

QUESTIONS = [
    {"type": "multiple_choice", "text": "Which should come first?", "options": ["Playground", "Lighting", "Benches"]},
    {"type": "rating", "text": "How safe do you feel at night?", "min": 1, "max": 5},
    {"type": "word_cloud", "text": "One word for the park"},
    {"type": "ranking", "text": "Rank these", "options": ["A", "B", "C"]},
    {"type": "open_text", "text": "Anything else?"},
    {"type": "qa", "text": "Questions for the panel"},
]
_cvid = itertools.count(1)


@pytest.fixture
def app(database_url):
    app = create_app({"DATABASE_URL": database_url, "LIVE_BROADCAST_LOOP": False})
    yield app
    app.extensions["engage.db"].engine.dispose()


class Clock:
    """Monotonic time the test moves by hand (for the broadcaster and the rate limiter)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> float:
        self.now += seconds
        return self.now


@pytest.fixture
def clock(app):
    """Hand-driven time for this app's broadcaster and rate limits."""
    c = Clock()
    broadcaster = app.extensions["engage.live"]
    broadcaster.clock = c
    resident_ns = socketio_of(app).server.namespace_handlers["/live"]
    resident_ns.events = TokenBucket(resident_ns.events.rate, resident_ns.events.burst, clock=c)
    return c


@pytest.fixture
def running_session(app, world, team):
    """A live session on Alice's commission with one question of every type; returns ids."""
    headers = world.token("alice@example.org")
    http = app.test_client()
    response = http.post(f"/api/v1/commissions/{team['mine'].id}/live-sessions", headers=headers,
                         json={"title": "Riverside park", "step": "initiate", "questions": QUESTIONS})
    assert response.status_code == 201, response.json
    body = response.json
    return {"id": body["id"], "code": body["code"], "questions": [q["id"] for q in body["questions"]],
            "headers": headers, "http": http}


def control(s: dict, action: str, index: int) -> dict:
    response = s["http"].post(f"/api/v1/live-sessions/{s['id']}/questions/{s['questions'][index]}/{action}",
                              headers=s["headers"])
    assert response.status_code == 200, response.json
    return response.json


def resident(app):
    return socketio_of(app).test_client(app, namespace="/live")


def join(client, code: str, token: str | None = None) -> dict:
    payload = {"code": code} if token is None else {"code": code, "participant": token}
    return client.emit("join", payload, namespace="/live", callback=True)


def vote(client, question_id: int, value, client_vote_id: str | None = None) -> dict:
    return client.emit("vote", {"question_id": question_id, "value": value,
                                "client_vote_id": client_vote_id or f"cv-{next(_cvid)}"},
                       namespace="/live", callback=True)


def presenter(app, world, email: str = "alice@example.org"):
    http = app.test_client()
    world.sign_in(http, email)
    return socketio_of(app).test_client(app, namespace="/presenter", flask_test_client=http)


def received(client, namespace: str, name: str | None = None) -> list:
    messages = client.get_received(namespace)
    return [m["args"][0] for m in messages if name is None or m["name"] == name]


def stored_votes(app, question_id: int) -> int:
    db = app.extensions["engage.db"].session()
    try:
        return db.scalar(select(func.count()).select_from(LiveVote).where(LiveVote.question_id == question_id))
    finally:
        db.close()
