"""The ``/presenter`` namespace: staff only, checked on connect and on every event; controls
and moderation over the socket reach phones; two commissioners run one session together."""
from __future__ import annotations

import pytest
from sqlalchemy import delete, select

from commissioning_steps import evidence, staff
from commissioning_steps.staff import Membership, StaffUser
from engage.extensions import socketio_of
from surveys.live.models import LiveSession, ResultDisclosure

from live_support import (  # noqa: F401  (app and clock are fixtures)
    app, clock, control, join, presenter, received, resident, running_session, vote,
)

MC, RATING, CLOUD, RANKING, OPEN_TEXT, QA = range(6)


def _emit(client, event, payload):
    return client.emit(event, payload, namespace="/presenter", callback=True)


def _watch(client, s):
    return _emit(client, "watch", {"session_id": s["id"]})


def _control(client, s, action, index=None):
    qid = s["questions"][index] if index is not None else None
    return _emit(client, "control", {"session_id": s["id"], "action": action, "question_id": qid})


def test_only_signed_in_commissioners_can_connect(app, world, team):
    assert not socketio_of(app).test_client(app, namespace="/presenter").is_connected("/presenter")
    assert not presenter(app, world, "eve@example.org").is_connected("/presenter")  # an evaluator
    assert presenter(app, world, "alice@example.org").is_connected("/presenter")


def test_watching_needs_the_right_to_change_the_commission(app, world, team, running_session):
    bob = presenter(app, world, "bob@example.org")
    ack = _watch(bob, running_session)
    assert ack["ok"] is False and ack["error"]["code"] == "unknown_session"  # not leaked
    assert _emit(bob, "watch", {"session_id": 999999})["error"]["code"] == "unknown_session"
    alice = presenter(app, world)
    ack = _watch(alice, running_session)
    assert ack["ok"] is True and ack["session"]["code"] == running_session["code"]
    assert [q["id"] for q in ack["session"]["questions"]] == running_session["questions"]


def test_watching_is_recorded_because_staff_screens_see_interim_results(app, world, team, running_session):
    control(running_session, "open", MC)
    _watch(presenter(app, world), running_session)
    db = app.extensions["engage.db"].session()
    rows = db.scalars(select(ResultDisclosure)).all()
    assert [(r.action, r.staff_id, r.question_state) for r in rows] == [("watched", team["alice"].id, "open")]
    db.close()


def test_controls_run_the_session_and_phones_follow(app, world, team, running_session, clock):
    alice = presenter(app, world)
    _watch(alice, running_session)
    phone = resident(app)
    join(phone, running_session["code"])
    received(phone, "/live")

    ack = _control(alice, running_session, "next")
    assert ack["ok"] and ack["question"]["id"] == running_session["questions"][MC]
    assert ack["question"]["state"] == "pending"
    assert _control(alice, running_session, "open", MC)["question"]["state"] == "open"
    assert vote(phone, running_session["questions"][MC], "Benches") == {"ok": True, "your_vote": "Benches"}
    assert _control(alice, running_session, "reveal", MC)["question"]["revealed"] is True
    closed = _control(alice, running_session, "close", MC)
    assert closed["question"]["state"] == "closed"
    live_messages = received(phone, "/live")
    states = [m["question"]["state"] for m in live_messages if "question" in m and m["question"]]
    assert states[:2] == ["pending", "open"] and states[-1] == "closed"
    assert [m for m in live_messages if "counts" in m][-1]["counts"]["Benches"] == 1

    assert _control(alice, running_session, "next")["question"]["id"] == running_session["questions"][RATING]
    assert _control(alice, running_session, "previous")["question"]["id"] == running_session["questions"][MC]
    problem = _control(alice, running_session, "previous")
    assert problem["ok"] is False and problem["error"]["code"] == "conflict"
    db = app.extensions["engage.db"].session()
    results = [e for e in evidence.entries(db, team["mine"].id) if e.kind == "poll_result"]
    assert len(results) == 1 and results[0].payload["counts"]["Benches"] == 1
    db.close()


@pytest.mark.parametrize("payload, code", [
    ({"session_id": 1, "action": "explode"}, "bad_request"),
    ({"session_id": "1", "action": "open"}, "bad_request"),
    ({"action": "open"}, "bad_request"),
    ({"session_id": 1, "action": "open", "question_id": 1, "force": True}, "bad_request"),
])
def test_bad_control_payloads_are_refused(app, world, team, running_session, payload, code):
    ack = _emit(presenter(app, world), "control", payload)
    assert ack["ok"] is False and ack["error"]["code"] == code


def test_every_event_checks_access_again(app, world, team, running_session):
    alice = presenter(app, world)
    assert _watch(alice, running_session)["ok"]
    db = app.extensions["engage.db"].session(write=True)
    db.execute(delete(Membership).where(Membership.user_id == team["alice"].id))
    db.commit()
    ack = _control(alice, running_session, "open", MC)
    assert ack["ok"] is False and ack["error"]["code"] == "unknown_session"
    db.get(StaffUser, team["alice"].id).active = False
    db.commit()
    db.close()
    ack = _control(alice, running_session, "open", MC)
    assert ack["ok"] is False and ack["error"]["code"] == "forbidden"
    session = app.extensions["engage.db"].session()
    assert session.get(LiveSession, running_session["id"]).current_question_id is None
    session.close()


def test_two_commissioners_moderate_the_same_session(app, world, team, running_session, clock):
    world.user("cara@example.org", staff.COMMISSIONER, "Cara")
    world.add_member(team["mine"], "cara@example.org", staff.COMMISSIONER)
    alice, cara = presenter(app, world), presenter(app, world, "cara@example.org")
    _watch(alice, running_session)
    _watch(cara, running_session)
    assert _control(alice, running_session, "open", OPEN_TEXT)["ok"]
    assert _control(alice, running_session, "reveal", OPEN_TEXT)["ok"]
    phone, other = resident(app), resident(app)
    join(phone, running_session["code"])
    join(other, running_session["code"])
    vote(phone, running_session["questions"][OPEN_TEXT], "Something rude")
    vote(other, running_session["questions"][OPEN_TEXT], "More benches")
    app.extensions["engage.live"].tick(now=clock.advance(1))
    staff_entries = received(cara, "/presenter", "entries")[-1]["entries"]
    rude = next(e for e in staff_entries if e["text"] == "Something rude")
    received(alice, "/presenter")
    received(phone, "/live")

    ack = _emit(cara, "moderate", {"session_id": running_session["id"], "question_id": running_session["questions"][OPEN_TEXT],
                                   "entry_id": rude["id"], "action": "hide"})
    assert ack == {"ok": True}
    app.extensions["engage.live"].tick(now=clock.advance(1))
    seen_by_alice = received(alice, "/presenter", "entries")[-1]["entries"]
    assert {(e["text"], e["hidden"]) for e in seen_by_alice} == {("Something rude", True), ("More benches", False)}
    assert [e["text"] for e in received(phone, "/live", "entries")[-1]["entries"]] == ["More benches"]

    bad = _emit(cara, "moderate", {"session_id": running_session["id"], "question_id": running_session["questions"][OPEN_TEXT],
                                   "entry_id": rude["id"], "action": "answered"})
    assert bad["ok"] is False and bad["error"]["code"] == "invalid_value"
    assert _control(cara, running_session, "close", OPEN_TEXT)["question"]["state"] == "closed"
    assert [m["question"]["state"] for m in received(alice, "/presenter", "question")][-1] == "closed"


def test_signing_out_ends_the_rights_of_an_open_presenter_socket(app, world, team, running_session):
    """The socket keeps the cookie it connected with; signing out (on any device) moves the
    account's session epoch on, so the next event no longer counts as signed in."""
    http = app.test_client()
    world.sign_in(http, "alice@example.org")
    alice = socketio_of(app).test_client(app, namespace="/presenter", flask_test_client=http)
    assert _watch(alice, running_session)["ok"]
    other_device = app.test_client()
    world.sign_in(other_device, "alice@example.org")
    assert other_device.post("/sign-out").status_code == 302
    ack = _control(alice, running_session, "open", MC)
    assert ack["ok"] is False and ack["error"]["code"] == "forbidden"
    assert http.get("/commissions").status_code == 302  # the first device's pages ask to sign in
    session = app.extensions["engage.db"].session()
    assert session.get(LiveSession, running_session["id"]).current_question_id is None
    session.close()
