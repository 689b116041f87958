"""Issue 8 point 15 over HTTP and Socket.IO: ending a session (phones hear it, the code stops
joining), archiving it, deleting one that never ran, changing and removing questions that
have not been opened; on pages (with confirmation), on the REST API and on the socket."""
from __future__ import annotations

import re

from sqlalchemy import select

from commissioning_steps import evidence
from surveys.live.models import LiveQuestion, LiveSession

from live_support import (  # noqa: F401  (app is a fixture)
    app, control, join, presenter, received, resident, running_session, vote,
)

MC, RATING, CLOUD, RANKING, OPEN_TEXT, QA = range(6)


def _base(team, s) -> str:
    return f"/commissions/{team['mine'].id}/live-sessions/{s['id']}"


def _api(s, method: str, path: str = "", **kw):
    return getattr(s["http"], method)(f"/api/v1/live-sessions/{s['id']}{path}", headers=s["headers"], **kw)


def _no_inline_code(html: str) -> None:
    assert ' style="' not in html and "<style" not in html
    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag or "nonce=" in tag, tag


# -- pages ------------------------------------------------------------------------------------------


def test_ending_on_a_page_asks_first_then_closes_the_open_question(client, world, team, running_session):
    world.sign_in(client, "alice@example.org")
    base = _base(team, running_session)
    control(running_session, "open", MC)
    phone = resident(client.application)
    join(phone, running_session["code"])
    vote(phone, running_session["questions"][MC], "Lighting")
    page = client.get(base).get_data(as_text=True)
    assert f'href="{base}/end"' in page and "End the session" in page
    confirm = client.get(base + "/end")
    html = confirm.get_data(as_text=True)
    assert confirm.status_code == 200 and "closes first and its result goes into the evidence log" in html
    assert "cannot be restarted" in html and 'govuk-button--warning' in html
    _no_inline_code(html)
    ended = client.post(base + "/end", follow_redirects=True).get_data(as_text=True)
    assert "Live session ended" in ended and "This live session has ended" in ended
    assert "Add a question" not in ended and "Archive this session" in ended
    db = client.application.extensions["engage.db"].session()
    assert [e.payload["total"] for e in evidence.entries(db, team["mine"].id) if e.kind == "poll_result"] == [1]
    db.close()
    again = client.post(base + "/end", follow_redirects=True).get_data(as_text=True)
    assert "ended already" in again


def test_phones_and_links_are_told_the_session_has_ended(client, world, team, running_session):
    code = running_session["code"]
    phone = resident(client.application)
    assert join(phone, code)["ok"]
    received(phone, "/live")
    assert _api(running_session, "post", "/end").status_code == 200
    assert {"session_id": running_session["id"], "deleted": False} in received(phone, "/live", "session_ended")
    refused = join(resident(client.application), code)
    assert refused["ok"] is False and refused["error"]["code"] == "session_ended"
    assert "has ended" in refused["error"]["message"]
    short_link = client.get(f"/join/{code}")
    assert short_link.status_code == 410 and b"This live session has ended" in short_link.data
    typed = client.get(f"/join?code={code}", follow_redirects=True)
    assert typed.status_code == 410 and b"Thank you for taking part" in typed.data


def test_archived_sessions_leave_the_list_and_stay_on_record(client, world, team, running_session):
    world.sign_in(client, "alice@example.org")
    base = _base(team, running_session)
    listing = f"/commissions/{team['mine'].id}/live-sessions"
    refused = client.post(base + "/archive", follow_redirects=True).get_data(as_text=True)
    assert "End the live session before archiving it" in refused
    client.post(base + "/end")
    archived = client.post(base + "/archive", follow_redirects=True).get_data(as_text=True)
    assert "“Riverside park” archived" in archived and "Archived sessions (1)" in archived
    assert f'href="{base}"' not in client.get(listing).get_data(as_text=True)
    kept = client.get(listing + "?show=archived").get_data(as_text=True)
    assert "Archived live sessions" in kept and f'href="{base}"' in kept and "Archived</strong>" in kept
    assert "Create a live session" not in kept
    assert client.get(base).status_code == 200  # still readable, with its record
    client.post(base + "/unarchive")
    assert f'href="{base}"' in client.get(listing).get_data(as_text=True)


def test_a_session_that_never_ran_is_deleted_after_confirming(client, world, team):
    world.sign_in(client, "alice@example.org")
    listing = f"/commissions/{team['mine'].id}/live-sessions"
    base = client.post(listing, data={"title": "Never used", "step": "initiate"}).headers["Location"]
    client.post(base + "/questions", data={"type": "rating", "text": "How safe?"})
    page = client.get(base).get_data(as_text=True)
    assert "Delete this session" in page
    confirm = client.get(base + "/delete").get_data(as_text=True)
    assert "none of its 1 questions has been opened" in confirm and "This cannot be undone" in confirm
    deleted = client.post(base + "/delete", follow_redirects=True).get_data(as_text=True)
    assert "“Never used” deleted" in deleted
    assert client.get(base).status_code == 404


def test_a_session_that_ran_cannot_be_deleted(client, world, team, running_session):
    world.sign_in(client, "alice@example.org")
    base = _base(team, running_session)
    control(running_session, "open", MC)
    assert "Delete this session" not in client.get(base).get_data(as_text=True)
    refused = client.get(base + "/delete", follow_redirects=True).get_data(as_text=True)
    assert "has been run, so it is kept with its results" in refused
    assert client.post(base + "/delete").status_code == 302
    assert client.get(base).status_code == 200


def test_changing_a_pending_question_on_its_page(client, world, team, running_session):
    world.sign_in(client, "alice@example.org")
    base = _base(team, running_session)
    qid = running_session["questions"][MC]
    page = client.get(base).get_data(as_text=True)
    assert f'{base}/questions/{qid}/edit' in page and "Change<span class=\"govuk-visually-hidden\"> question 1" in page
    form = client.get(f"{base}/questions/{qid}/edit").get_data(as_text=True)
    assert "Change question 1" in form and "Playground\nLighting\nBenches" in form  # prefilled
    _no_inline_code(form)
    bad = client.post(f"{base}/questions/{qid}/edit", data={"type": "multiple_choice", "text": "", "options": "One"})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "govuk-error-summary" in html
    assert "Enter the question text" in html and "Give at least two options" in html  # every error at once
    ok = client.post(f"{base}/questions/{qid}/edit", data={"type": "multiple_choice", "text": "What first?",
                                                          "options": "Swings\nSlides"}, follow_redirects=True)
    assert "Question changed" in ok.get_data(as_text=True) and "Swings · Slides" in ok.get_data(as_text=True)


def test_an_opened_question_offers_no_change_and_refuses_one(client, world, team, running_session):
    world.sign_in(client, "alice@example.org")
    base = _base(team, running_session)
    qid = running_session["questions"][MC]
    control(running_session, "open", MC)
    assert f"{base}/questions/{qid}/edit" not in client.get(base).get_data(as_text=True)
    refused = client.post(f"{base}/questions/{qid}/edit", data={"type": "rating", "text": "Sneaky"},
                          follow_redirects=True).get_data(as_text=True)
    assert "has been opened for voting, so it can no longer be changed" in refused
    assert "Only questions that have not been opened" in client.get(
        f"{base}/questions/{qid}/remove", follow_redirects=True).get_data(as_text=True)


def test_removing_a_pending_question_after_confirming(client, world, team, running_session):
    world.sign_in(client, "alice@example.org")
    base = _base(team, running_session)
    qid = running_session["questions"][RATING]
    confirm = client.get(f"{base}/questions/{qid}/remove").get_data(as_text=True)
    assert "Remove question 2?" in confirm and "How safe do you feel at night?" in confirm
    done = client.post(f"{base}/questions/{qid}/remove", follow_redirects=True).get_data(as_text=True)
    assert "Question 2 removed" in done and "How safe do you feel at night?" not in done


def test_evaluators_cannot_end_or_change(client, world, team, running_session):
    world.sign_in(client, "eve@example.org")
    base = _base(team, running_session)
    qid = running_session["questions"][MC]
    for method, url in (("post", "/end"), ("get", "/end"), ("post", "/archive"), ("post", "/delete"),
                        ("get", f"/questions/{qid}/edit"), ("post", f"/questions/{qid}/remove")):
        assert getattr(client, method)(base + url).status_code == 403, url
    assert "End the session" not in client.get(base).get_data(as_text=True)


# -- the REST API -----------------------------------------------------------------------------------


def test_ending_archiving_and_listing_on_the_api(app, team, running_session):
    control(running_session, "open", RATING)
    ended = _api(running_session, "post", "/end")
    assert ended.status_code == 200 and ended.json["status"] == "ended" and ended.json["ended_at"]
    assert [q["state"] for q in ended.json["questions"]][RATING] == "closed"
    again = _api(running_session, "post", "/end")
    assert again.status_code == 409 and again.json["error"]["code"] == "conflict"
    refused = _api(running_session, "post", "/questions/" + str(running_session["questions"][MC]) + "/open")
    assert refused.status_code == 409 and refused.json["error"]["code"] == "session_ended"
    archived = _api(running_session, "post", "/archive")
    assert archived.json["status"] == "archived" and archived.json["archived_at"]
    listing = f"/api/v1/commissions/{team['mine'].id}/live-sessions"
    http, headers = running_session["http"], running_session["headers"]
    assert http.get(listing, headers=headers).json["live_sessions"] == []
    assert [s["id"] for s in http.get(listing + "?archived=only", headers=headers).json["live_sessions"]] == [
        running_session["id"]]
    assert len(http.get(listing + "?archived=include", headers=headers).json["live_sessions"]) == 1
    bad = http.get(listing + "?archived=maybe", headers=headers)
    assert bad.status_code == 422 and "archived" in bad.json["error"]["fields"]
    assert _api(running_session, "post", "/unarchive").json["status"] == "ended"
    assert _api(running_session, "delete").status_code == 409  # it ran: kept


def test_deleting_a_session_that_never_ran_on_the_api(app, running_session):
    phone = resident(app)
    join(phone, running_session["code"])
    received(phone, "/live")
    assert _api(running_session, "delete").status_code == 204
    assert received(phone, "/live", "session_ended") == [{"session_id": running_session["id"], "deleted": True}]
    assert _api(running_session, "get").status_code == 404
    refused = join(resident(app), running_session["code"])
    assert refused["error"]["code"] == "unknown_session"


def test_changing_and_removing_questions_on_the_api(app, running_session):
    qid = running_session["questions"][CLOUD]
    changed = _api(running_session, "put", f"/questions/{qid}",
                   json={"type": "word_cloud", "text": "Words for the park", "max_words": 5})
    assert changed.status_code == 200
    assert changed.json["max_words"] == 5 and changed.json["max_answers"] == 5 and changed.json["adds_answers"]
    unknown = _api(running_session, "put", f"/questions/{qid}", json={"type": "rating", "text": "x", "colour": "red"})
    assert unknown.status_code == 422 and "colour" in unknown.json["error"]["fields"]
    control(running_session, "open", CLOUD)
    locked = _api(running_session, "put", f"/questions/{qid}", json={"type": "rating", "text": "Too late"})
    assert locked.status_code == 409 and locked.json["error"]["code"] == "question_locked"
    assert _api(running_session, "delete", f"/questions/{qid}").json["error"]["code"] == "question_locked"
    pending = running_session["questions"][QA]
    assert _api(running_session, "delete", f"/questions/{pending}").status_code == 204
    assert pending not in [q["id"] for q in _api(running_session, "get").json["questions"]]
    assert _api(running_session, "delete", "/questions/987654").status_code == 404


# -- the socket -------------------------------------------------------------------------------------


def test_phones_redraw_a_changed_question_and_wait_when_it_is_removed(app, running_session):
    control(running_session, "current", MC)
    phone = resident(app)
    join(phone, running_session["code"])
    received(phone, "/live")
    qid = running_session["questions"][MC]
    _api(running_session, "put", f"/questions/{qid}",
         json={"type": "multiple_choice", "text": "Which first, really?", "options": ["Paths", "Lights"]})
    [message] = received(phone, "/live", "question")
    assert message["question"]["text"] == "Which first, really?" and message["question"]["state"] == "pending"
    assert [c["value"] for c in message["question"]["choices"]] == ["Paths", "Lights"]
    _api(running_session, "delete", f"/questions/{qid}")
    assert received(phone, "/live", "question") == [{"question": None}]
    db = app.extensions["engage.db"].session()
    assert db.get(LiveSession, running_session["id"]).current_question_id is None
    assert db.scalar(select(LiveQuestion).where(LiveQuestion.id == qid)) is None
    db.close()


def test_staff_screens_hear_the_end_and_their_controls_are_refused(app, world, running_session):
    staff = presenter(app, world)
    assert staff.emit("watch", {"session_id": running_session["id"]}, namespace="/presenter", callback=True)["ok"]
    received(staff, "/presenter")
    _api(running_session, "post", "/end")
    assert received(staff, "/presenter", "session_ended") == [{"session_id": running_session["id"], "deleted": False}]
    ack = staff.emit("control", {"session_id": running_session["id"], "action": "next", "question_id": None},
                     namespace="/presenter", callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "session_ended"
