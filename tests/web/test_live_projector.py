"""Issue 8 point 20: the projector view. Its page has no staff chrome and shows the question
with its options, the join address, code, QR and count; its socket joins as the room does
(``project``), so results reach it only once shown, and never interim results; opening it
is therefore not recorded as a viewing, while the moderation screen still is."""
from __future__ import annotations

import json
import re

from sqlalchemy import select

from surveys.live.models import ResultDisclosure

from live_support import (  # noqa: F401  (app and clock are fixtures)
    app, clock, control, join, presenter, received, resident, running_session, vote,
)

MC, RATING, CLOUD, RANKING, OPEN_TEXT, QA = range(6)


def _url(team, s) -> str:
    return f"/commissions/{team['mine'].id}/live-sessions/{s['id']}/projector"


def _snapshot(html: str) -> dict:
    found = re.search(r'<script type="application/json" id="projector-snapshot"[^>]*>(.*?)</script>', html, re.S)
    return json.loads(found.group(1))


def _disclosures(app) -> list[tuple[str, str | None]]:
    db = app.extensions["engage.db"].session()
    try:
        return [(d.action, d.question_state) for d in db.scalars(select(ResultDisclosure).order_by(ResultDisclosure.id))]
    finally:
        db.close()


def _project(client, s) -> dict:
    return client.emit("project", {"session_id": s["id"]}, namespace="/presenter", callback=True)


def test_the_projector_page_has_no_staff_chrome(client, world, team, running_session):
    world.sign_in(client, "alice@example.org")
    control(running_session, "open", MC)
    response = client.get(_url(team, running_session))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Signed in as" not in html and "govuk-breadcrumbs" not in html and "govuk-service-navigation" not in html
    assert "govuk-footer" not in html and 'id="main-content"' in html and "govuk-frontend.min.css" in html
    code = running_session["code"]
    assert f"{code[:3]} {code[3:]}" in html and "qr.svg" in html and "/join</strong>" in html
    assert 'id="projector-count"' in html and "Which should come first?" in html
    assert "Voting is open: answer on your phone" in html
    for key in ("N", "P", "O", "C", "R"):
        assert f"<kbd>{key}</kbd>" in html
    assert "js/live-projector.mjs" in html and 'id="timeout-warning"' in html  # still a staff page
    assert ' style="' not in html and "<style" not in html
    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag or "nonce=" in tag, tag


def test_the_options_are_on_the_projector_while_voting_but_not_the_counts(client, world, team, running_session):
    world.sign_in(client, "alice@example.org")
    control(running_session, "open", MC)
    phone = resident(client.application)
    join(phone, running_session["code"])
    vote(phone, running_session["questions"][MC], "Lighting")
    html = client.get(_url(team, running_session)).get_data(as_text=True)
    snapshot = _snapshot(html)
    assert [c["label"] for c in snapshot["question"]["choices"]] == ["Playground", "Lighting", "Benches"]
    assert snapshot["tally"] is None and snapshot["entries"] is None  # hidden results never reach the page
    assert '"counts"' not in html
    noscript = html.split("<noscript>")[1].split("</noscript>")[0]
    assert "Playground" in noscript and "Benches" in noscript
    assert _disclosures(client.application) == []  # nothing interim was shown, so nothing is recorded
    control(running_session, "reveal", MC)
    shown = _snapshot(client.get(_url(team, running_session)).get_data(as_text=True))
    assert shown["tally"]["counts"] == {"Playground": 0, "Lighting": 1, "Benches": 0}


def test_the_projector_needs_the_right_to_run_the_session(client, world, team, running_session):
    world.sign_in(client, "eve@example.org")  # the evaluator reads the commission, does not run it
    assert client.get(_url(team, running_session)).status_code == 403
    outsider = client.application.test_client()
    world.sign_in(outsider, "bob@example.org")
    assert outsider.get(_url(team, running_session)).status_code == 404  # not leaked
    signed_out = client.application.test_client().get(_url(team, running_session))
    assert signed_out.status_code == 302 and "/sign-in" in signed_out.headers["Location"]


def test_the_projector_socket_gets_what_the_room_gets(app, world, running_session, clock):
    screen = presenter(app, world)
    ack = _project(screen, running_session)
    assert ack["ok"] and ack["question"] is None and ack["tally"] is None and ack["participants"] == 0
    assert ack["session"] == {"id": running_session["id"], "title": "Riverside park",
                              "code": running_session["code"], "ended": False}
    staff = presenter(app, world)
    staff.emit("watch", {"session_id": running_session["id"]}, namespace="/presenter", callback=True)
    phone = resident(app)
    join(phone, running_session["code"])
    app.extensions["engage.live"].sync_presence(now=clock.advance(1))
    assert received(screen, "/presenter", "participants")[-1] == {"count": 1}

    control(running_session, "open", MC)
    [message] = received(screen, "/presenter", "question")
    assert message["question"]["state"] == "open" and "session" not in message  # not the staff message
    vote(phone, running_session["questions"][MC], "Benches")
    app.extensions["engage.live"].tick(now=clock.advance(1))
    assert received(screen, "/presenter", "tally") == []  # hidden: interim results never reach it
    assert received(staff, "/presenter", "tally")[-1]["counts"]["Benches"] == 1

    control(running_session, "reveal", MC)
    tallies = received(screen, "/presenter", "tally")
    assert tallies[-1]["counts"] == {"Playground": 0, "Lighting": 0, "Benches": 1}
    control(running_session, "hide", MC)
    received(screen, "/presenter")
    vote(phone, running_session["questions"][MC], "Lighting")
    app.extensions["engage.live"].tick(now=clock.advance(1))
    assert received(screen, "/presenter", "tally") == []
    # Only the staff screen's watch and the reveal and hide are recorded: the projector saw nothing early.
    assert _disclosures(app) == [("watched", None), ("revealed", "open"), ("hidden", "open")]


def test_hidden_open_text_answers_never_reach_the_projector(app, world, running_session, clock):
    screen = presenter(app, world)
    _project(screen, running_session)
    control(running_session, "open", OPEN_TEXT)
    control(running_session, "reveal", OPEN_TEXT)
    phone = resident(app)
    join(phone, running_session["code"])
    outcome = vote(phone, running_session["questions"][OPEN_TEXT], "Something rude")
    assert outcome["ok"]
    app.extensions["engage.live"].tick(now=clock.advance(1))
    entries = received(screen, "/presenter", "entries")
    assert [e["text"] for e in entries[-1]["entries"]] == ["Something rude"]
    entry_id = entries[-1]["entries"][0]["id"]
    assert "hidden" not in entries[-1]["entries"][0]  # the room's shape, not the staff one
    control_ack = running_session["http"].post(
        f"/api/v1/live-sessions/{running_session['id']}/questions/{running_session['questions'][OPEN_TEXT]}"
        f"/entries/{entry_id}/moderate", headers=running_session["headers"], json={"action": "hide"})
    assert control_ack.json["changed"]
    app.extensions["engage.live"].tick(now=clock.advance(1))
    assert received(screen, "/presenter", "entries")[-1]["entries"] == []


def test_the_projector_runs_the_session_with_its_keys_controls(app, world, running_session):
    """The keyboard shortcuts send the presenter's ``control`` events from the projector's socket."""
    screen = presenter(app, world)
    _project(screen, running_session)
    ack = screen.emit("control", {"session_id": running_session["id"], "action": "next", "question_id": None},
                      namespace="/presenter", callback=True)
    assert ack["ok"] and ack["question"]["id"] == running_session["questions"][MC]
    bob = presenter(app, world, "bob@example.org")
    assert _project(bob, running_session)["error"]["code"] == "unknown_session"


def test_the_projector_hears_the_end(app, world, running_session):
    screen = presenter(app, world)
    _project(screen, running_session)
    running_session["http"].post(f"/api/v1/live-sessions/{running_session['id']}/end",
                                 headers=running_session["headers"])
    assert received(screen, "/presenter", "session_ended") == [{"session_id": running_session["id"], "deleted": False}]
    again = _project(screen, running_session)
    assert again["ok"] and again["session"]["ended"] is True
