"""Residents' influence: the receipt page and ``GET /api/v1/responses/{receipt}/influence`` for a
survey, ``GET /api/v1/live/influence`` with a phone's participant token, and the phone's "What
happened to our ideas?" page. Each shows the resident's own words, the themes they are part of
(with how many others said the same), the decisions those shaped or why not, and never anyone
else's words or anything that names anyone."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from commissioning_steps import decisions, progression, themes
from commissioning_steps.commissions import Commission
from commissioning_steps.inputs import InputItem
from commissioning_steps.staff import StaffUser
from engage.common import participant_tokens
from surveys import lifecycle, responses, you_said_we_did
from surveys.live import running, sessions, voting

OTHERS = ("Weekend opening would let me work", "Cheaper lunches in the café", "A bus that waits for wheelchairs")


def html(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def story(app, team, session):
    """Four residents answered a survey; a live poll took two phrases. Themes, a decision and a
    theme not taken up; the resident we follow wrote "Open the centre at weekends"."""
    commission = session.get(Commission, team["mine"].id)
    alice = session.get(StaffUser, team["alice"].id)
    survey = lifecycle.create_survey(session, commission, alice, lifecycle.SurveyInput(
        title="Spring survey", step="initiate", items=[
            {"id": "ideas", "type": "free_text", "text": "What would you change?"},
            {"id": "more", "type": "free_text", "text": "Anything else?"},
            {"id": "group", "type": "about_you", "category": "respondent_group", "text": "Which are you?",
             "why": "To check we hear from everyone", "options": ["Carers", "Residents"]}]))
    lifecycle.open_survey(session, survey)
    secret = app.config["SECRET_KEY"].encode()
    _, mine, _ = responses.submit(session, survey, {"ideas": "Open the centre at weekends",
                                                    "more": "Lunches cost too much", "group": "Carers"}, secret=secret)
    for text in OTHERS:
        responses.submit(session, survey, {"ideas": text, "group": "Residents"}, secret=secret)
    _, silent, _ = responses.submit(session, survey, {"group": "Residents"}, secret=secret)
    live = sessions.create_session(session, commission, alice, title="Market day poll", step="initiate",
                                   questions=[{"type": "word_cloud", "text": "One word for the centre"}])
    question = live.questions[0]
    running.open_question(session, live, question.id, alice)
    with app.app_context():
        token, phone = participant_tokens.issue(live.id)
        other_token, other_phone = participant_tokens.issue(live.id)
    voting.cast_vote(session, live, phone, question.id, "Weekends", "v-1")
    voting.cast_vote(session, live, other_phone, question.id, "Parking", "v-2")
    running.close_question(session, live, question.id, alice)
    for step in ("initiate", "investigate"):
        progression.complete_step(session, commission, step, alice, override_reason="Evidence is kept on paper here")
    ids = {text: i for text, i in session.execute(select(InputItem.text, InputItem.id))}
    weekends = themes.create_theme(session, commission, alice, name="Weekend opening")
    themes.tag(session, weekends, [ids["Open the centre at weekends"], ids["Weekend opening would let me work"],
                                   ids["Weekends"]], alice)
    themes.pick_quote(session, weekends, ids["Weekend opening would let me work"], alice)
    lunches = themes.create_theme(session, commission, alice, name="Lunch prices")
    themes.tag(session, lunches, [ids["Lunches cost too much"], ids["Cheaper lunches in the café"]], alice)
    decisions.record_decision(session, commission, alice, decisions.DecisionInput(
        title="Saturday opening", description="The centre opens on Saturdays", kind="plan_item", step="collaborate",
        decided_by="Adult social care board", decided_on="2026-11-20", takes_effect_on="2027-04-01",
        status="agreed"), themes=[weekends.id])
    decisions.respond_to_theme(session, lunches, alice, not_taken_up="The café is run by a charity, not the council")
    made = {"id": commission.id, "mine": mine, "silent": silent, "token": token, "other_token": other_token,
            "code": live.code, "survey": survey.id}
    session.rollback()
    return made


def _receipt_page(app, receipt):
    browser = app.test_client()
    form = html(browser.get("/your-answers"))
    key = form.split('name="form_key" value="')[1].split('"')[0]
    shown = browser.post("/your-answers", data={"receipt": receipt, "form_key": key})
    assert shown.status_code == 200
    return html(shown)


def test_the_receipt_page_shows_where_the_residents_words_went(app, story):
    page = _receipt_page(app, story["mine"])
    section = page[page.index('id="what-happened"'):]
    assert "You said: “Open the centre at weekends”" in section
    assert "Theme: Weekend opening" in section and "2 other people said the same" in section
    assert "Saturday opening" in section and "agreed" in section and "1 April 2027" in section
    assert "Adult social care board" in section
    assert "Theme: Lunch prices" in section and "1 other person said the same" in section
    assert "Not taken up: The café is run by a charity, not the council" in section
    assert "has not published what was done yet" in section
    for words in OTHERS + ("Weekends", "Parking"):
        assert words not in section, words  # not even the picked quote: this page is about the resident
    assert "alice" not in section.lower()


def test_the_receipt_page_links_to_the_public_page_once_published(app, store, story):
    with store.session(write=True) as s:
        alice = s.scalar(select(StaffUser).where(StaffUser.email == "alice@example.org"))
        you_said_we_did.publish(s, s.get(Commission, story["id"]), alice)
        s.commit()
    page = _receipt_page(app, story["mine"])
    assert f'href="/commissions/{story["id"]}/you-said-we-did"' in page
    silent = _receipt_page(app, story["silent"])
    assert "You did not write anything in your own words" in silent


def test_the_done_page_says_plainly_what_happens_next(app, store, story):
    browser = app.test_client()
    with store.session() as s:
        slug = s.get(lifecycle.Survey, story["survey"]).slug
    with browser.session_transaction() as s:
        s["answers_sent"] = {"slug": slug, "receipt": story["mine"]}  # as the submit leaves it
    page = html(browser.get(f"/s/{slug}/done"))
    assert "Nothing has been published yet" in page and "/your-answers" in page
    assert "you will be told what was done" not in page


def test_the_survey_influence_api(client, story):
    body = client.get(f"/api/v1/responses/{story['mine']}/influence").json
    assert [a["text"] for a in body["answers"]] == ["Open the centre at weekends", "Lunches cost too much"]
    first = body["answers"][0]
    assert first["question"] == "What would you change?" and first["activity"] == "Spring survey"
    [theme] = first["themes"]
    assert (theme["theme"], theme["others"]) == ("Weekend opening", 2)
    assert theme["decisions"][0]["title"] == "Saturday opening" and theme["decisions"][0]["status"] == "agreed"
    assert body["answers"][1]["themes"][0]["not_taken_up"] == "The café is run by a charity, not the council"
    assert body["published"] is None
    text = client.get(f"/api/v1/responses/{story['mine']}/influence").get_data(as_text=True)
    for private in OTHERS + ("survey-response:", "survey-answer:", "alice", "respondent_key"):
        assert private not in text, private


def test_an_unknown_receipt_is_not_found(client, story):
    response = client.get("/api/v1/responses/ABCD-EFGH-JKMN/influence")
    assert response.status_code == 404 and response.json["error"]["code"] == "not_found"


def test_the_live_influence_api_answers_the_phone_with_the_token(client, story):
    response = client.get("/api/v1/live/influence", headers={"Participant-Token": story["token"]})
    assert response.status_code == 200
    [answer] = response.json["answers"]
    assert answer["text"] == "Weekends" and answer["activity"] == "Market day poll"
    assert answer["themes"][0]["theme"] == "Weekend opening" and answer["themes"][0]["others"] == 2
    text = response.get_data(as_text=True)
    for private in OTHERS + ("Parking", "Open the centre at weekends", "live:", "live-vote:"):
        assert private not in text, private
    theirs = client.get("/api/v1/live/influence", headers={"Participant-Token": story["other_token"]}).json
    assert [a["text"] for a in theirs["answers"]] == ["Parking"] and theirs["answers"][0]["themes"] == []


def test_the_live_influence_api_needs_a_genuine_token(client, story):
    for headers in ({}, {"Participant-Token": "forged"}, {"Participant-Token": story["token"][:-2] + "xx"}):
        response = client.get("/api/v1/live/influence", headers=headers)
        assert response.status_code == 401
        assert response.json["error"]["code"] == "invalid_participant_token"


def test_the_phones_what_happened_page(client, story):
    page = client.get(f"/join/{story['code']}/what-happened")
    assert page.status_code == 200
    body = html(page)
    assert "What happened to our ideas?" in body and 'data-api="/api/v1/live/influence"' in body
    assert "js/live-influence.mjs" in body and "<script>" not in body
    assert client.get("/join/ZZZZZZ/what-happened").status_code == 404
    joined = html(client.get(f"/join/{story['code']}"))
    assert f'data-ideas="/join/{story["code"]}/what-happened"' in joined
