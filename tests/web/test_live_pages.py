"""Live poll pages: joining by code, the resident page, staff set-up pages, the presenter and
moderation screens (which also work as plain forms), access, and the strict CSP."""
from __future__ import annotations

import re

import pytest

from live_support import (  # noqa: F401  (app is a fixture)
    app, control, join, resident, running_session, vote,
)

MC, RATING, CLOUD, RANKING, OPEN_TEXT, QA = range(6)


def _no_inline_code(html: str) -> None:
    assert ' style="' not in html and "<style" not in html
    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag or "nonce=" in tag, tag


# -- residents --------------------------------------------------------------------------------------


def test_the_join_page_takes_a_code(client, running_session):
    page = client.get("/join")
    assert page.status_code == 200 and b"Join a live poll" in page.data
    code = running_session["code"]
    found = client.get(f"/join?code={code[:3].lower()}+{code[3:]}")
    assert found.status_code == 302 and found.headers["Location"].endswith(f"/join/{code}")
    unknown = client.get("/join?code=ZZZZZZ")
    assert unknown.status_code == 404 and b"No live session has that code" in unknown.data
    malformed = client.get("/join?code=hello")
    assert malformed.status_code == 422 and b"6-character code" in malformed.data
    assert b"govuk-error-summary" in malformed.data


def test_the_short_link_opens_the_live_page(client, running_session):
    code = running_session["code"]
    assert client.get(f"/join/{code.lower()}").headers["Location"].endswith(f"/join/{code}")
    page = client.get(f"/join/{code}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'role="status"' in html and 'aria-live="polite"' in html
    assert "js/live-resident.mjs" in html and f'data-code="{code}"' in html
    assert "one vote per device, not one vote per person" in html
    _no_inline_code(html)
    assert client.get("/join/ZZZZZZ").status_code == 404


def test_the_resident_script_and_socket_client_are_served(client):
    for url in ("/static/js/live-resident.mjs", "/static/js/live-presenter.mjs", "/static/js/live-render.mjs",
                "/vendor/socket.io/socket.io.esm.min.js"):
        response = client.get(url)
        assert response.status_code == 200 and "javascript" in response.content_type, url


# -- staff set-up -----------------------------------------------------------------------------------


def test_the_commission_page_links_to_its_live_polls(client, world, team):
    world.sign_in(client, "alice@example.org")
    page = client.get(f"/commissions/{team['mine'].id}").get_data(as_text=True)
    assert f"/commissions/{team['mine'].id}/live-sessions" in page


def test_creating_a_session_and_adding_questions_on_pages(client, world, team):
    world.sign_in(client, "alice@example.org")
    base = f"/commissions/{team['mine'].id}/live-sessions"
    listing = client.get(base)
    assert listing.status_code == 200 and b"Create a live session" in listing.data
    refused = client.post(base, data={"title": "", "step": "initiate"})
    assert refused.status_code == 422 and b"Enter a title for the live session" in refused.data
    created = client.post(base, data={"title": "Park evening", "step": "initiate"})
    assert created.status_code == 302
    manage_url = created.headers["Location"]
    bad = client.post(manage_url + "/questions", data={"type": "multiple_choice", "text": "Which?", "options": "Only one"})
    assert bad.status_code == 422 and b"Give at least two options" in bad.data
    ok = client.post(manage_url + "/questions", data={"type": "multiple_choice", "text": "Which?",
                                                      "options": "Swings\nSlides", "multiple": "yes"})
    assert ok.status_code == 302
    rating = client.post(manage_url + "/questions", data={"type": "rating", "text": "How safe?", "min": "0",
                                                          "max": "10", "max_label": "Very safe"})
    assert rating.status_code == 302
    page = client.get(manage_url).get_data(as_text=True)
    assert "Which?" in page and "Multiple choice, choose any" in page and "Rating from 0 to 10" in page
    assert "Open the projector view" in page and "Presenter screen" in page
    _no_inline_code(page)


def test_the_qr_code_opens_the_short_link(client, world, team, running_session):
    world.sign_in(client, "alice@example.org")
    svg = client.get(f"/commissions/{team['mine'].id}/live-sessions/{running_session['id']}/qr.svg")
    assert svg.status_code == 200 and svg.content_type.startswith("image/svg+xml")
    assert f"/join/{running_session['code']}".encode() in svg.data


def test_staff_pages_follow_commission_access(client, world, team, running_session):
    base = f"/commissions/{team['mine'].id}/live-sessions/{running_session['id']}"
    assert client.get(base).status_code == 302  # sign in first
    world.sign_in(client, "bob@example.org")
    assert client.get(base).status_code == 404
    assert client.get(base + "/present").status_code == 404
    client.post("/sign-out")
    world.sign_in(client, "eve@example.org")
    assert client.get(base).status_code == 200  # evaluators read the record
    assert client.get(base + "/present").status_code == 403
    assert client.post(base + "/control", data={"action": "next"}).status_code == 403


# -- presenter and moderation screens ------------------------------------------------------------------


def test_the_presenter_screen_shows_code_qr_count_and_controls(client, world, team, running_session):
    world.sign_in(client, "alice@example.org")
    control(running_session, "open", MC)
    url = f"/commissions/{team['mine'].id}/live-sessions/{running_session['id']}/present"
    html = client.get(url).get_data(as_text=True)
    code = running_session["code"]
    assert f"{code[:3]} {code[3:]}" in html and "qr.svg" in html and 'id="participants-count"' in html
    assert "Which should come first?" in html and "Voting open" in html
    assert "Results are hidden from the room" in html
    assert "js/live-presenter.mjs" in html
    _no_inline_code(html)


def test_the_moderation_screen_shows_results_and_hidden_answers(client, world, team, running_session):
    world.sign_in(client, "alice@example.org")
    control(running_session, "open", OPEN_TEXT)
    phone = resident(app=client.application)
    join(phone, running_session["code"])
    vote(phone, running_session["questions"][OPEN_TEXT], "<b>More benches</b>")
    base = f"/commissions/{team['mine'].id}/live-sessions/{running_session['id']}"
    html = client.get(base + "/moderate").get_data(as_text=True)
    assert "&lt;b&gt;More benches&lt;/b&gt;" in html  # residents' words are escaped
    assert "Only staff screens show these" in html and 'value="hide"' in html
    _no_inline_code(html)
    assert "Alice opened a staff screen showing question 5" in client.get(base).get_data(as_text=True)


def test_the_buttons_work_without_javascript(client, world, team, running_session):
    world.sign_in(client, "alice@example.org")
    base = f"/commissions/{team['mine'].id}/live-sessions/{running_session['id']}"
    assert client.post(base + "/control", data={"action": "next", "mode": "present"}).status_code == 302
    first = running_session["questions"][MC]
    response = client.post(base + "/control", data={"action": "open", "question_id": str(first)})
    assert response.status_code == 302 and response.headers["Location"].endswith("/present#controls")
    assert "Voting open" in client.get(base + "/present").get_data(as_text=True)
    client.post(base + "/control", data={"action": "close", "question_id": str(first), "mode": "moderate"})
    again = client.post(base + "/control", data={"action": "close", "question_id": str(first)}, follow_redirects=True)
    assert "Voting on this question is not open" in again.get_data(as_text=True)
    assert client.post(base + "/control", data={"action": "explode"}).status_code == 400
    page = client.get(base).get_data(as_text=True)
    assert "Voting closed" in page and "Figures for “Which should come first?”" in page


def test_moderation_works_without_javascript(client, world, team, running_session):
    world.sign_in(client, "alice@example.org")
    control(running_session, "open", QA)
    phone = resident(app=client.application)
    join(phone, running_session["code"])
    entry = phone.emit("ask", {"text": "Is the café staying?"}, namespace="/live", callback=True)["entry_id"]
    base = f"/commissions/{team['mine'].id}/live-sessions/{running_session['id']}"
    qid = str(running_session["questions"][QA])
    client.post(base + "/moderation", data={"question_id": qid, "entry_id": str(entry), "action": "hide", "mode": "moderate"})
    html = client.get(base + "/moderate").get_data(as_text=True)
    assert "Hidden from the room" in html and 'value="show"' in html
    page = client.get(base).get_data(as_text=True)
    assert "Is the café staying?" in page and "Hidden" in page  # kept as resident input


@pytest.mark.parametrize("action", ["reveal", "hide"])
def test_showing_results_on_a_page_is_recorded(client, world, team, running_session, action):
    world.sign_in(client, "alice@example.org")
    base = f"/commissions/{team['mine'].id}/live-sessions/{running_session['id']}"
    control(running_session, "open", RATING)
    client.post(base + "/control", data={"action": "reveal", "question_id": str(running_session["questions"][RATING])})
    if action == "hide":
        client.post(base + "/control", data={"action": "hide", "question_id": str(running_session["questions"][RATING])})
    page = client.get(base).get_data(as_text=True)
    assert "Alice showed the results of question 2 to the room" in page
    assert ("Alice hid the results of question 2" in page) is (action == "hide")


def test_a_word_cloud_question_says_how_many_words_each_may_send(client, world, team):
    world.sign_in(client, "alice@example.org")
    base = client.post(f"/commissions/{team['mine'].id}/live-sessions",
                       data={"title": "Words", "step": "initiate"}).headers["Location"]
    assert "Words or phrases each resident may send (word cloud)" in client.get(base).get_data(as_text=True)
    bad = client.post(base + "/questions", data={"type": "word_cloud", "text": "Words?", "max_words": "11"})
    assert bad.status_code == 422 and 'href="#max_words"' in bad.get_data(as_text=True)
    client.post(base + "/questions", data={"type": "word_cloud", "text": "Words?", "max_words": "2"})
    assert "Word cloud, up to 2 words each" in client.get(base).get_data(as_text=True)
