"""Live sessions on the REST API: create, run, read tallies; who may; bad input answered."""
from __future__ import annotations

import pytest

from commissioning_steps import evidence

from live_support import (  # noqa: F401  (app is a fixture)
    QUESTIONS, app, control, join, received, resident, running_session, vote,
)

MC, RATING, CLOUD, RANKING, OPEN_TEXT, QA = range(6)


def test_creating_a_session_returns_its_code_and_question_ids(app, world, team):
    headers = world.token("alice@example.org")
    response = app.test_client().post(f"/api/v1/commissions/{team['mine'].id}/live-sessions", headers=headers,
                                      json={"title": "Riverside park", "step": "initiate", "questions": QUESTIONS})
    assert response.status_code == 201
    body = response.json
    assert len(body["code"]) == 6 and body["step"] == "initiate" and body["title"] == "Riverside park"
    assert [q["type"] for q in body["questions"]] == [q["type"] for q in QUESTIONS]
    assert all(isinstance(q["id"], int) and q["state"] == "pending" for q in body["questions"])
    assert body["questions"][MC]["multiple"] is False
    assert body["join_url"].endswith(f"/join/{body['code']}")
    assert response.headers["Location"] == f"/api/v1/live-sessions/{body['id']}"


@pytest.mark.parametrize("body, field", [
    ({"step": "initiate"}, "title"),
    ({"title": "x"}, "step"),
    ({"title": "x", "step": "initiate", "questions": [{"type": "rating"}]}, "questions.0.text"),
    ({"title": "x", "step": "initiate", "questions": [{"type": "rating", "text": "?", "colour": "red"}]},
     "questions.0.colour"),
    ({"title": "x", "step": "initiate", "questions": [{"type": "multiple_choice", "text": "?", "options": ["a", "b"],
                                                       "multiple": "yes"}]}, "questions.0.multiple"),
    ({"title": "x", "step": "initiate", "questions": [{"type": "rating", "text": "?", "min": 1.5}]}, "questions.0.min"),
    ({"title": "x", "step": "initiate", "questions": [{"type": "word_cloud", "text": "?", "options": "a"}]},
     "questions.0.options"),
    ({"title": "x", "step": "evaluate"}, "step"),
    ({"title": "x", "step": "initiate", "questions": [{"type": "ranking", "text": "?", "options": ["a"]}]},
     "questions.0.options"),
    ({"title": "x", "step": "initiate", "extra": 1}, "extra"),
])
def test_bad_sessions_are_refused_naming_the_field(app, world, team, body, field):
    headers = world.token("alice@example.org")
    response = app.test_client().post(f"/api/v1/commissions/{team['mine'].id}/live-sessions", headers=headers,
                                      json=body)
    assert response.status_code == 422
    assert field in response.json["error"]["fields"], response.json


def test_who_may_create_and_run_sessions(app, world, team, running_session):
    http = app.test_client()
    url = f"/api/v1/commissions/{team['mine'].id}/live-sessions"
    body = {"title": "x", "step": "initiate"}
    assert http.post(url, json=body).status_code == 401
    assert http.post(url, json=body, headers=world.token("eve@example.org")).status_code == 403
    assert http.post(url, json=body, headers=world.token("bob@example.org")).status_code == 404
    run = f"/api/v1/live-sessions/{running_session['id']}/questions/{running_session['questions'][MC]}/open"
    assert http.post(run, headers=world.token("bob@example.org")).status_code == 404
    assert http.post(run, headers=world.token("eve@example.org")).status_code == 403
    assert http.get(f"/api/v1/live-sessions/{running_session['id']}",
                    headers=world.token("eve@example.org")).status_code == 200  # evaluators read


def test_the_controls_answer_with_the_question(app, running_session):
    opened = control(running_session, "open", RATING)
    assert opened["id"] == running_session["questions"][RATING] and opened["state"] == "open"
    assert opened["min"] == 1 and opened["max"] == 5 and opened["number"] == 2 and opened["of"] == 6
    assert control(running_session, "reveal", RATING)["revealed"] is True
    assert control(running_session, "hide", RATING)["revealed"] is False
    assert control(running_session, "close", RATING)["state"] == "closed"
    assert control(running_session, "current", MC)["state"] == "pending"


def test_control_errors_use_the_protocol_codes(app, running_session):
    http, headers, sid = running_session["http"], running_session["headers"], running_session["id"]
    close = http.post(f"/api/v1/live-sessions/{sid}/questions/{running_session['questions'][MC]}/close", headers=headers)
    assert close.status_code == 409 and close.json["error"]["code"] == "question_closed"
    missing = http.post(f"/api/v1/live-sessions/{sid}/questions/999999/open", headers=headers)
    assert missing.status_code == 404 and missing.json["error"]["code"] == "unknown_question"
    nosession = http.post("/api/v1/live-sessions/999999/questions/1/open", headers=headers)
    assert nosession.status_code == 404 and nosession.json["error"]["code"] == "unknown_session"


def test_tally_after_closing_equals_the_votes_and_the_evidence(app, team, running_session):
    control(running_session, "open", MC)
    for value in ("Lighting", "Benches", "Lighting"):
        phone = resident(app)
        join(phone, running_session["code"])
        assert vote(phone, running_session["questions"][MC], value) == {"ok": True, "your_vote": value}
    control(running_session, "close", MC)
    tally = running_session["http"].get(
        f"/api/v1/live-sessions/{running_session['id']}/questions/{running_session['questions'][MC]}/tally",
        headers=running_session["headers"]).json
    assert tally["counts"] == {"Playground": 0, "Lighting": 2, "Benches": 1} and tally["total"] == 3
    assert tally["question_id"] == running_session["questions"][MC] and tally["seq"] == 3
    assert [row["label"] for row in tally["chart"]] == ["Playground", "Lighting", "Benches"]
    db = app.extensions["engage.db"].session()
    entry = [e for e in evidence.entries(db, team["mine"].id) if e.kind == "poll_result"][-1]
    assert entry.payload["counts"] == tally["counts"] and entry.step == "initiate"
    db.close()


def test_reading_an_open_questions_tally_is_recorded_as_seeing_interim_results(app, running_session):
    http, headers, sid = running_session["http"], running_session["headers"], running_session["id"]
    qid = running_session["questions"][RATING]
    http.get(f"/api/v1/live-sessions/{sid}/questions/{qid}/tally", headers=headers)  # not open: no record
    control(running_session, "open", RATING)
    http.get(f"/api/v1/live-sessions/{sid}/questions/{qid}/tally", headers=headers)
    control(running_session, "reveal", RATING)
    rows = http.get(f"/api/v1/live-sessions/{sid}/disclosures", headers=headers).json["disclosures"]
    assert [(r["action"], r["question_state"]) for r in rows] == [("watched", "open"), ("revealed", "open")]
    assert rows[0]["staff"].startswith("staff#")


def test_adding_questions_and_listing_sessions(app, team, running_session):
    http, headers, sid = running_session["http"], running_session["headers"], running_session["id"]
    added = http.post(f"/api/v1/live-sessions/{sid}/questions", headers=headers,
                      json={"type": "rating", "text": "One more?", "min": 0, "max": 10})
    assert added.status_code == 201 and added.json["number"] == 7 and added.json["max"] == 10
    bad = http.post(f"/api/v1/live-sessions/{sid}/questions", headers=headers, json={"type": "rating", "text": ""})
    assert bad.status_code == 422 and "questions.7.text" in bad.json["error"]["fields"]
    listed = http.get(f"/api/v1/commissions/{team['mine'].id}/live-sessions", headers=headers).json
    assert [s["id"] for s in listed["live_sessions"]] == [sid]


def test_entries_and_moderation_on_the_api(app, running_session):
    control(running_session, "open", QA)
    phone = resident(app)
    join(phone, running_session["code"])
    entry_id = phone.emit("ask", {"text": "When?"}, namespace="/live", callback=True)["entry_id"]
    http, headers, sid = running_session["http"], running_session["headers"], running_session["id"]
    qid = running_session["questions"][QA]
    url = f"/api/v1/live-sessions/{sid}/questions/{qid}/entries/{entry_id}/moderate"
    assert http.post(url, headers=headers, json={"action": "answered"}).json == {"ok": True, "changed": True}
    assert http.post(url, headers=headers, json={"action": "answered"}).json == {"ok": True, "changed": False}
    assert http.post(url, headers=headers, json={"action": "shred"}).status_code == 422
    listed = http.get(f"/api/v1/live-sessions/{sid}/questions/{qid}/entries", headers=headers).json
    assert listed["entries"] == [{"id": entry_id, "text": "When?", "upvotes": 0, "answered": True, "hidden": False}]


def test_api_controls_reach_phones(app, running_session):
    phone = resident(app)
    join(phone, running_session["code"])
    control(running_session, "open", CLOUD)
    messages = received(phone, "/live", "question")
    assert messages[-1]["question"]["type"] == "word_cloud" and messages[-1]["question"]["state"] == "open"
