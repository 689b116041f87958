"""The ``/live`` namespace with Flask-SocketIO's test client: joining, participant tokens,
voting, Q&A, bad input answered and never stored, rate limits, and what the broadcaster sends."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from commissioning_steps import evidence
from engage.common import participant_tokens as tokens
from surveys.live import voting
from surveys.live.models import LiveQuestion

from live_support import (  # noqa: F401  (app and clock are fixtures)
    app, clock, control, join, presenter, received, resident, running_session, stored_votes, vote,
)

MC, RATING, CLOUD, RANKING, OPEN_TEXT, QA = range(6)


def _error(ack: dict) -> str:
    assert ack["ok"] is False, ack
    assert ack["error"]["message"]
    return ack["error"]["code"]


# -- joining ------------------------------------------------------------------------------------


def test_joining_by_code_issues_a_participant_token(app, running_session):
    phone = resident(app)
    ack = join(phone, f" {running_session['code'][:3].lower()}-{running_session['code'][3:]} ")
    assert ack["ok"] is True
    assert ack["session"] == {"id": running_session["id"], "title": "Riverside park", "code": running_session["code"]}
    assert ack["question"] is None and ack["your_vote"] is None and ack["tally"] is None
    with app.test_request_context():
        assert tokens.participant_of(ack["participant"], running_session["id"]) is not None


def test_the_join_ack_carries_the_current_question_and_your_vote_after_a_reload(app, running_session):
    control(running_session, "open", MC)
    phone = resident(app)
    first = join(phone, running_session["code"])
    assert first["question"]["id"] == running_session["questions"][MC]
    assert first["question"]["state"] == "open" and first["question"]["options"] == ["Playground", "Lighting", "Benches"]
    assert vote(phone, running_session["questions"][MC], "Lighting") == {"ok": True, "your_vote": "Lighting"}
    phone.disconnect(namespace="/live")

    reloaded = resident(app)
    again = join(reloaded, running_session["code"], first["participant"])
    assert again["participant"] == first["participant"]
    assert again["your_vote"] == "Lighting"
    assert vote(reloaded, running_session["questions"][MC], "Benches") == {"ok": True, "your_vote": "Benches"}
    assert stored_votes(app, running_session["questions"][MC]) == 1  # replaced, not added


@pytest.mark.parametrize("token", ["garbage", "eyJzIjoxLCJwIjoiMDAwIn0.forged", "x" * 200, "truncated"])
def test_a_bad_or_foreign_token_silently_gets_a_new_participant(app, running_session, token):
    if token == "truncated":  # a genuine token cut short, as a bad copy or a full storage would
        token = join(resident(app), running_session["code"])["participant"][:-3]
    ack = join(resident(app), running_session["code"], token)
    assert ack["ok"] is True and ack["participant"] != token
    # What came back is a genuine token of its own: joining with it keeps that participant.
    again = join(resident(app), running_session["code"], ack["participant"])
    assert again["participant"] == ack["participant"]


def test_a_token_from_another_session_is_not_reused(app, world, team, running_session):
    other = running_session["http"].post(
        f"/api/v1/commissions/{team['mine'].id}/live-sessions", headers=running_session["headers"],
        json={"title": "Other", "step": "initiate", "questions": []}).json
    first = join(resident(app), running_session["code"])
    second = join(resident(app), other["code"], first["participant"])
    assert second["ok"] and second["participant"] != first["participant"]


@pytest.mark.parametrize("payload, code", [
    ({"code": "ZZZZZZ"}, "unknown_session"),
    ({"code": "O0I1L0"}, "unknown_session"),
    ({"code": 123456}, "bad_request"),
    ({}, "bad_request"),
    ({"code": "ABC234", "admin": True}, "bad_request"),
    ("ABC234", "bad_request"),
    (None, "bad_request"),
])
def test_bad_joins_get_a_clear_error(app, running_session, payload, code):
    phone = resident(app)
    assert _error(phone.emit("join", payload, namespace="/live", callback=True)) == code
    assert phone.is_connected(namespace="/live")


# Wrong join codes: tests/web/test_live_join_limits.py


# -- events before joining, unknown events, size ----------------------------------------------------


@pytest.mark.parametrize("event, payload", [
    ("vote", {"question_id": 1, "value": "x", "client_vote_id": "a"}),
    ("ask", {"text": "Hello?"}),
    ("upvote", {"entry_id": 1}),
])
def test_events_before_join_are_refused(app, running_session, event, payload):
    control(running_session, "open", MC)
    ack = resident(app).emit(event, payload, namespace="/live", callback=True)
    assert _error(ack) == "not_joined"
    assert stored_votes(app, running_session["questions"][MC]) == 0


def test_unknown_events_are_answered_not_ignored(app, running_session):
    phone = resident(app)
    join(phone, running_session["code"])
    assert _error(phone.emit("delete_everything", {}, namespace="/live", callback=True)) == "bad_request"


def test_a_payload_over_the_size_limit_is_refused_and_changes_nothing(app, running_session):
    control(running_session, "open", OPEN_TEXT)
    phone = resident(app)
    join(phone, running_session["code"])
    ack = vote(phone, running_session["questions"][OPEN_TEXT], "x" * (17 * 1024))
    assert _error(ack) == "payload_too_large"
    assert stored_votes(app, running_session["questions"][OPEN_TEXT]) == 0
    assert phone.is_connected(namespace="/live")


# -- voting -----------------------------------------------------------------------------------------


def test_a_vote_is_acknowledged_only_once_it_is_stored(app, running_session):
    control(running_session, "open", RATING)
    phone = resident(app)
    join(phone, running_session["code"])
    assert vote(phone, running_session["questions"][RATING], 4) == {"ok": True, "your_vote": 4}
    assert stored_votes(app, running_session["questions"][RATING]) == 1  # visible to another session at once


def test_a_retry_with_the_same_client_vote_id_counts_once(app, running_session):
    control(running_session, "open", MC)
    phone = resident(app)
    join(phone, running_session["code"])
    qid = running_session["questions"][MC]
    assert vote(phone, qid, "Lighting", "lost-ack") == {"ok": True, "your_vote": "Lighting"}
    assert vote(phone, qid, "Lighting", "lost-ack") == {"ok": True, "your_vote": "Lighting"}
    db = app.extensions["engage.db"].session()
    assert db.scalar(select(LiveQuestion.seq).where(LiveQuestion.id == qid)) == 1
    db.close()


@pytest.mark.parametrize("index, value, code", [
    (MC, "Swings", "invalid_value"),
    (MC, ["Lighting", "Benches"], "invalid_value"),
    (RATING, 9, "invalid_value"),
    (RATING, "four", "invalid_value"),
    (CLOUD, "w" * 41, "too_long"),
    (RANKING, ["A"], "invalid_value"),
    (OPEN_TEXT, "t" * 281, "too_long"),
    (QA, "a vote", "invalid_value"),
])
def test_values_that_do_not_fit_are_refused_with_the_reason(app, running_session, index, value, code):
    control(running_session, "open", index)
    phone = resident(app)
    join(phone, running_session["code"])
    ack = vote(phone, running_session["questions"][index], value)
    assert _error(ack) == code
    assert stored_votes(app, running_session["questions"][index]) == 0


@pytest.mark.parametrize("payload", [
    {"question_id": "1", "value": "x", "client_vote_id": "a"},
    {"question_id": True, "value": "x", "client_vote_id": "a"},
    {"question_id": 1, "client_vote_id": "a"},
    {"question_id": 1, "value": None, "client_vote_id": "a"},
    {"question_id": 1, "value": "x"},
    {"question_id": 1, "value": "x", "client_vote_id": "c" * 65},
    {"question_id": 1, "value": "x", "client_vote_id": "a", "weight": 100},
    ["not", "an", "object"],
])
def test_malformed_votes_are_bad_requests(app, running_session, payload):
    phone = resident(app)
    join(phone, running_session["code"])
    assert _error(phone.emit("vote", payload, namespace="/live", callback=True)) == "bad_request"


def test_votes_after_closing_are_refused_with_a_reason_the_phone_can_show(app, running_session):
    control(running_session, "open", MC)
    phone = resident(app)
    join(phone, running_session["code"])
    vote(phone, running_session["questions"][MC], "Lighting")
    control(running_session, "close", MC)
    ack = vote(phone, running_session["questions"][MC], "Benches")
    assert _error(ack) == "question_closed" and "closed" in ack["error"]["message"]
    control(running_session, "current", RATING)
    assert _error(vote(phone, running_session["questions"][MC], "Benches")) == "unknown_question"
    assert _error(vote(phone, 987654, "Benches")) == "unknown_question"


def test_a_flood_from_one_participant_is_rate_limited_without_storing_it(app, running_session, clock):
    control(running_session, "open", RATING)
    phone = resident(app)
    join(phone, running_session["code"])
    acks = [vote(phone, running_session["questions"][RATING], i % 5 + 1) for i in range(30)]
    assert [a["ok"] for a in acks] == [True] * 10 + [False] * 20  # a burst of 10, then 5 a second
    assert {a["error"]["code"] for a in acks[10:]} == {"rate_limited"}
    clock.advance(1)
    assert vote(phone, running_session["questions"][RATING], 3)["ok"] is True
    assert stored_votes(app, running_session["questions"][RATING]) == 1


def test_the_limit_follows_the_participant_across_sockets(app, running_session, clock):
    control(running_session, "open", RATING)
    first = resident(app)
    token = join(first, running_session["code"])["participant"]
    second = resident(app)
    join(second, running_session["code"], token)
    oks = [vote(phone, running_session["questions"][RATING], 3)["ok"] for _ in range(6) for phone in (first, second)]
    assert oks.count(True) == 10  # one bucket of 10 for the participant, whichever socket sends


def test_an_unexpected_failure_is_answered_and_the_socket_stays_up(app, running_session, monkeypatch):
    control(running_session, "open", MC)
    phone = resident(app)
    join(phone, running_session["code"])

    def broken(*args, **kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(voting, "cast_votes", broken)  # the batch service the vote writer calls
    ack = vote(phone, running_session["questions"][MC], "Lighting")
    assert _error(ack) == "server_error" and "fire" not in ack["error"]["message"]
    assert phone.is_connected(namespace="/live")


# -- Q&A -------------------------------------------------------------------------------------------


def test_residents_ask_and_upvote_each_others_questions(app, running_session, clock):
    control(running_session, "open", QA)
    control(running_session, "reveal", QA)
    alice, bob = resident(app), resident(app)
    join(alice, running_session["code"])
    bob_token = join(bob, running_session["code"])["participant"]
    asked = alice.emit("ask", {"text": "Will the path be lit?"}, namespace="/live", callback=True)
    assert asked["ok"] is True and isinstance(asked["entry_id"], int)
    assert bob.emit("upvote", {"entry_id": asked["entry_id"]}, namespace="/live", callback=True) == {"ok": True}
    assert bob.emit("upvote", {"entry_id": asked["entry_id"]}, namespace="/live", callback=True) == {"ok": True}
    assert _error(bob.emit("upvote", {"entry_id": 424242}, namespace="/live", callback=True)) == "unknown_entry"
    assert _error(alice.emit("ask", {"text": "q" * 281}, namespace="/live", callback=True)) == "too_long"
    assert _error(alice.emit("ask", {"text": ""}, namespace="/live", callback=True)) == "invalid_value"
    received(bob, "/live")
    app.extensions["engage.live"].tick(now=clock.advance(1))
    entries = received(bob, "/live", "entries")
    assert entries[-1]["entries"] == [{"id": asked["entry_id"], "text": "Will the path be lit?", "upvotes": 1,
                                       "answered": False}]
    again = join(resident(app), running_session["code"], bob_token)
    assert again["your_upvotes"] == [asked["entry_id"]]


# -- what the broadcaster sends ------------------------------------------------------------------------


def test_hidden_results_are_not_sent_to_phones_but_reach_presenters(app, world, running_session, clock):
    staff = presenter(app, world)
    assert staff.emit("watch", {"session_id": running_session["id"]}, namespace="/presenter", callback=True)["ok"]
    control(running_session, "open", MC)
    phone = resident(app)
    join(phone, running_session["code"])
    received(phone, "/live")
    received(staff, "/presenter")
    vote(phone, running_session["questions"][MC], "Lighting")
    app.extensions["engage.live"].tick(now=clock.advance(1))
    assert received(phone, "/live", "tally") == []
    staff_tallies = received(staff, "/presenter", "tally")
    assert staff_tallies[-1]["counts"] == {"Playground": 0, "Lighting": 1, "Benches": 0}

    control(running_session, "reveal", MC)
    messages = received(phone, "/live")
    assert any(m.get("question", {}) and m["question"]["revealed"] for m in messages)
    tallies = [m for m in messages if "counts" in m]
    assert tallies[-1]["counts"]["Lighting"] == 1 and [row["label"] for row in tallies[-1]["chart"]] == [
        "Playground", "Lighting", "Benches"]


def test_many_votes_make_one_tally_per_interval(app, running_session, clock):
    control(running_session, "open", RATING)
    control(running_session, "reveal", RATING)
    phones = [resident(app) for _ in range(12)]
    for phone in phones:
        join(phone, running_session["code"])
    broadcaster = app.extensions["engage.live"]
    broadcaster.tick(now=clock.advance(1))
    for phone in phones:
        received(phone, "/live")
    for i, phone in enumerate(phones[:8]):
        vote(phone, running_session["questions"][RATING], 1 + i % 5)
    broadcaster.tick(now=clock.advance(1))
    for phone in phones[8:]:
        vote(phone, running_session["questions"][RATING], 5)
    broadcaster.tick(now=clock.advance(0.05))  # within the interval: nothing new is sent yet
    broadcaster.tick(now=clock.advance(0.05))
    per_phone = [received(phone, "/live", "tally") for phone in phones]
    assert all(len(tallies) == 1 and tallies[0]["total"] == 8 for tallies in per_phone)
    broadcaster.tick(now=clock.advance(0.2))
    per_phone = [received(phone, "/live", "tally") for phone in phones]
    assert all(len(tallies) == 1 and tallies[0]["total"] == 12 for tallies in per_phone)
    assert per_phone[0][0]["counts"]["5"] == 1 + 4


def test_closing_sends_the_exact_final_tally_at_once(app, running_session, clock):
    control(running_session, "open", MC)
    control(running_session, "reveal", MC)
    phones = [resident(app) for _ in range(5)]
    for phone, value in zip(phones, ["Lighting", "Lighting", "Benches", "Playground", "Lighting"]):
        join(phone, running_session["code"])
        vote(phone, running_session["questions"][MC], value)
    for phone in phones:
        received(phone, "/live")
    control(running_session, "close", MC)  # no tick: the close itself sends the final tally
    for phone in phones:
        tallies = received(phone, "/live", "tally")
        assert tallies[-1]["counts"] == {"Playground": 1, "Lighting": 3, "Benches": 1}
        assert tallies[-1]["total"] == 5
    app.extensions["engage.live"].tick(now=clock.advance(1))
    assert all(received(phone, "/live", "tally") == [] for phone in phones)
    db = app.extensions["engage.db"].session()
    entries = [e for e in evidence.entries(db, running_session_commission(db, running_session)) if e.kind == "poll_result"]
    assert entries[-1].payload["counts"] == {"Playground": 1, "Lighting": 3, "Benches": 1}
    db.close()


def running_session_commission(db, s):
    from surveys.live.models import LiveSession

    return db.get(LiveSession, s["id"]).commission_id


def test_phones_follow_the_presenter_without_reloading(app, running_session):
    phone = resident(app)
    join(phone, running_session["code"])
    control(running_session, "current", RATING)
    control(running_session, "open", RATING)
    questions = [m["question"] for m in received(phone, "/live", "question")]
    assert [(q["id"], q["state"]) for q in questions][-2:] == [
        (running_session["questions"][RATING], "pending"), (running_session["questions"][RATING], "open")]
    assert questions[-1]["number"] == 2 and questions[-1]["of"] == 6 and questions[-1]["max"] == 5


def test_participants_count_people_not_sockets(app, world, running_session, clock):
    staff = presenter(app, world)
    staff.emit("watch", {"session_id": running_session["id"]}, namespace="/presenter", callback=True)
    first = resident(app)
    token = join(first, running_session["code"])["participant"]
    second_tab = resident(app)
    join(second_tab, running_session["code"], token)
    other = resident(app)
    join(other, running_session["code"])
    broadcaster = app.extensions["engage.live"]
    broadcaster.tick(now=clock.advance(1))
    assert received(staff, "/presenter", "participants")[-1] == {"count": 2}
    assert received(other, "/live", "participants")[-1] == {"count": 2}
    second_tab.disconnect(namespace="/live")
    broadcaster.tick(now=clock.advance(1))
    assert received(staff, "/presenter", "participants") == []  # still two people
    other.disconnect(namespace="/live")
    broadcaster.tick(now=clock.advance(1))
    assert received(staff, "/presenter", "participants")[-1] == {"count": 1}


def test_joining_another_session_leaves_the_first(app, team, running_session, clock):
    other = running_session["http"].post(
        f"/api/v1/commissions/{team['mine'].id}/live-sessions", headers=running_session["headers"],
        json={"title": "Other", "step": "initiate", "questions": [{"type": "rating", "text": "Other?"}]}).json
    phone = resident(app)
    join(phone, running_session["code"])
    join(phone, other["code"])
    received(phone, "/live")
    control(running_session, "open", MC)
    assert received(phone, "/live", "question") == []
