"""A property-based fuzz of every Socket.IO event (issue 12, point 14): whatever a phone or a
presenter screen sends, the answer is an acknowledgement (never a crash or silence), and a
refused event changes nothing stored."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from live_support import app, control, join, presenter, resident, running_session  # noqa: F401
from test_api_fuzz import VALUES, _fingerprint

FIELDS = ["code", "participant", "question_id", "value", "client_vote_id", "text", "entry_id", "session_id",
          "action", "id"]
PAYLOADS = st.one_of(st.dictionaries(st.sampled_from(FIELDS), VALUES, max_size=5), VALUES)
LIVE_EVENTS = ["join", "vote", "ask", "upvote", "nonsense"]
PRESENTER_EVENTS = ["watch", "control", "moderate", "nonsense"]


@pytest.fixture
def sockets(app, world, running_session):  # noqa: F811
    control(running_session, "open", 0)
    phone = resident(app)
    joined = join(phone, running_session["code"])
    assert joined["ok"]
    screen = presenter(app, world)
    return {"phone": phone, "screen": screen, "engine": app.extensions["engage.db"].engine,
            "question_ids": running_session["questions"], "session_id": running_session["id"],
            "code": running_session["code"]}


@settings(max_examples=150, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_every_event_is_acknowledged_and_a_refusal_changes_nothing(sockets, data):
    to_presenter = data.draw(st.booleans(), label="presenter")
    name = data.draw(st.sampled_from(PRESENTER_EVENTS if to_presenter else LIVE_EVENTS), label="event")
    payload = data.draw(PAYLOADS, label="payload")
    if isinstance(payload, dict) and data.draw(st.booleans(), label="real ids"):
        payload = {**payload, "question_id": data.draw(st.sampled_from(sockets["question_ids"])),
                   "session_id": sockets["session_id"], "code": sockets["code"]}
    client, namespace = (sockets["screen"], "/presenter") if to_presenter else (sockets["phone"], "/live")
    before = _fingerprint(sockets["engine"])
    ack = client.emit(name, payload, namespace=namespace, callback=True)
    assert isinstance(ack, dict) and "ok" in ack, (name, payload, ack)
    if not ack["ok"]:
        assert ack["error"]["code"] != "server_error", (name, payload, ack)
        assert _fingerprint(sockets["engine"]) == before, (name, payload, ack)
