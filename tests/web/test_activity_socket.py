"""The ``/activity`` namespace: a commission's feed for its own team only, checked on connect and
on every ``follow`` (so a member removed while connected is refused and hears no more); items
arrive after a service call, through a nudge and a follow with the cursor; a reconnecting
client catches up from its cursor."""
from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete

from commissioning_steps.staff import Membership, StaffUser
from engage.extensions import socketio_of
from surveys import lifecycle, responses
from surveys.models import Survey

from live_support import app, received  # noqa: F401  (app is a fixture)
from test_api_fuzz import VALUES, _fingerprint

NS = "/activity"
QUESTION = {"id": "park", "type": "single_choice", "text": "Which park?", "options": ["Rosehill", "Meadow"]}


def _staff_socket(app, world, email):
    http = app.test_client()
    world.sign_in(http, email)
    return socketio_of(app).test_client(app, namespace=NS, flask_test_client=http)


def _follow(client, commission_id, after=None):
    payload = {"commission_id": commission_id} if after is None else {"commission_id": commission_id, "after": after}
    return client.emit("follow", payload, namespace=NS, callback=True)


def _open_survey(app, team, title="Getting to day centres"):
    with app.extensions["engage.db"].session(write=True) as db:
        survey = lifecycle.create_survey(db, db.merge(team["mine"]), db.get(StaffUser, team["alice"].id),
                                         lifecycle.SurveyInput(title=title, step="initiate", items=[QUESTION]))
        lifecycle.open_survey(db, survey)
        return survey.id


def _respond(app, survey_id, times=1):
    with app.extensions["engage.db"].session(write=True) as db:
        for _ in range(times):
            responses.submit(db, db.get(Survey, survey_id), {"park": "Meadow"}, secret=b"s")


_later = itertools.count(10**6, 60)


def _nudged(app, client, commission_id):
    app.extensions["engage.activity"].tick(now=next(_later))  # a minute on each time: what is marked is due
    return [m for m in received(client, NS, "activity") if m == {"commission_id": commission_id}]


def test_only_signed_in_staff_can_connect(app, world, team):
    assert not socketio_of(app).test_client(app, namespace=NS).is_connected(NS)  # a resident: no account
    assert _staff_socket(app, world, "alice@example.org").is_connected(NS)
    assert _staff_socket(app, world, "eve@example.org").is_connected(NS)  # evaluators read it too


def test_another_commissions_staff_are_refused_as_if_it_did_not_exist(app, world, team):
    bob = _staff_socket(app, world, "bob@example.org")
    ack = _follow(bob, team["mine"].id)
    assert ack["ok"] is False and ack["error"]["code"] == "not_found"
    assert _follow(bob, 999999)["error"] == ack["error"]  # the same answer: nothing is leaked
    _respond(app, _open_survey(app, team))
    assert _nudged(app, bob, team["mine"].id) == []  # never joined the room
    assert _follow(bob, team["theirs"].id)["ok"] is True


def test_bad_follow_payloads_are_refused(app, world, team):
    alice = _staff_socket(app, world, "alice@example.org")
    for payload in ({}, {"commission_id": "1"}, {"commission_id": True}, {"commission_id": 1, "after": -1},
                    {"commission_id": 1, "extra": 1}, "1"):
        ack = alice.emit("follow", payload, namespace=NS, callback=True)
        assert ack["ok"] is False and ack["error"]["code"] == "bad_request", payload
    assert alice.emit("shout", {}, namespace=NS, callback=True)["error"]["code"] == "bad_request"


def test_items_arrive_after_a_service_call_counted_and_without_answers(app, world, team):
    eve = _staff_socket(app, world, "eve@example.org")
    first = _follow(eve, team["mine"].id)
    assert first["ok"] is True and first["zone"] == "UK time"
    survey_id = _open_survey(app, team)
    assert _nudged(app, eve, team["mine"].id) == [{"commission_id": team["mine"].id}]
    _respond(app, survey_id, times=3)
    assert len(_nudged(app, eve, team["mine"].id)) == 1  # three responses, one nudge
    ack = _follow(eve, team["mine"].id, after=first["cursor"])
    texts = [i["text"] for i in ack["items"]]
    assert texts == ["3 new responses to “Getting to day centres”", "“Getting to day centres” opened for answers"]
    item = ack["items"][0]
    assert item["href"] == f"/commissions/{team['mine'].id}/surveys/{survey_id}/results"
    assert item["when"].endswith(("am", "pm", "midday", "midnight"))
    assert "Meadow" not in str(ack)


def test_a_reconnecting_client_catches_up_from_its_cursor(app, world, team):
    alice = _staff_socket(app, world, "alice@example.org")
    survey_id = _open_survey(app, team)
    _respond(app, survey_id, times=2)
    seen = _follow(alice, team["mine"].id)
    counted = seen["items"][0]
    assert counted["text"] == "2 new responses to “Getting to day centres”"
    alice.disconnect(namespace=NS)
    _respond(app, survey_id, times=1)  # while it was away
    again = _staff_socket(app, world, "alice@example.org")
    ack = _follow(again, team["mine"].id, after=seen["cursor"])
    assert [(i["key"], i["text"]) for i in ack["items"]] == [(counted["key"], "3 new responses to “Getting to day centres”")]
    assert ack["cursor"] > seen["cursor"]
    assert _follow(again, team["mine"].id, after=ack["cursor"])["items"] == []


def test_a_member_removed_while_connected_is_refused_and_hears_no_more(app, world, team):
    eve = _staff_socket(app, world, "eve@example.org")
    assert _follow(eve, team["mine"].id)["ok"] is True
    db = app.extensions["engage.db"].session(write=True)
    db.execute(delete(Membership).where(Membership.user_id == team["eve"].id))
    db.commit()
    db.close()
    survey_id = _open_survey(app, team)
    assert len(_nudged(app, eve, team["mine"].id)) == 1  # still in the room: the nudge names only the commission
    ack = _follow(eve, team["mine"].id)
    assert ack["ok"] is False and ack["error"]["code"] == "not_found"
    assert "items" not in ack
    _respond(app, survey_id)
    assert _nudged(app, eve, team["mine"].id) == []  # refused, so out of the room


def test_a_deactivated_account_is_refused_on_its_next_event(app, world, team):
    alice = _staff_socket(app, world, "alice@example.org")
    assert _follow(alice, team["mine"].id)["ok"] is True
    with app.extensions["engage.db"].session(write=True) as db:
        db.get(StaffUser, team["alice"].id).active = False
        db.commit()
    ack = _follow(alice, team["mine"].id)
    assert ack["ok"] is False and ack["error"]["code"] == "forbidden"


FIELDS = ["commission_id", "after", "session_id", "text"]


@pytest.fixture
def feed_socket(app, world, team):
    return {"client": _staff_socket(app, world, "alice@example.org"), "engine": app.extensions["engage.db"].engine,
            "ids": [team["mine"].id, team["theirs"].id]}


@settings(max_examples=80, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_whatever_is_sent_is_acknowledged_and_stores_nothing(feed_socket, data):
    payload = data.draw(st.one_of(st.dictionaries(st.sampled_from(FIELDS), VALUES, max_size=3), VALUES), label="payload")
    if isinstance(payload, dict) and data.draw(st.booleans(), label="real id"):
        payload = {**payload, "commission_id": data.draw(st.sampled_from(feed_socket["ids"]))}
    name = data.draw(st.sampled_from(["follow", "nonsense"]), label="event")
    before = _fingerprint(feed_socket["engine"])
    ack = feed_socket["client"].emit(name, payload, namespace=NS, callback=True)
    assert isinstance(ack, dict) and "ok" in ack, (payload, ack)
    if not ack["ok"]:
        assert ack["error"]["code"] in ("bad_request", "not_found", "payload_too_large"), (payload, ack)
    assert _fingerprint(feed_socket["engine"]) == before
