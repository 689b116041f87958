"""Commissioners' survey pages: create (blank or from a template), the question builder with
branching, removing questions, the schedule form, open and close buttons, and the results page
(charts with tables, segmentation, representativeness, free-text search). Sign-in and access."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from commissioning_steps.db import utcnow
from commissioning_steps.evidence import EvidenceEntry
from surveys.branching import flatten
from surveys.models import Survey
from surveys.templates import TEMPLATES

QUESTIONS = [
    {"id": "park", "type": "single_choice", "text": "Which park?", "options": ["Rosehill", "Meadow"], "required": True},
    {"id": "comments", "type": "free_text", "text": "Anything else?"},
    {"id": "who", "type": "about_you", "text": "Which describes you?", "category": "respondent_group",
     "why": "To check we hear from everyone", "options": ["Carers", "Residents", "Other"]},
]


@pytest.fixture
def signed_in(app, world, team):
    browser = app.test_client()
    assert world.sign_in(browser, "alice@example.org").status_code == 302
    return browser


def _path(location: str) -> str:
    return re.sub(r"^https?://[^/]+", "", location)


def _html(response) -> str:
    return response.get_data(as_text=True)


def _survey(app, survey_id) -> Survey:
    s = app.extensions["engage.db"].session()
    try:
        survey = s.get(Survey, survey_id)
        s.expunge(survey)
        return survey
    finally:
        s.close()


def _surveys(app) -> list[Survey]:
    s = app.extensions["engage.db"].session()
    try:
        rows = list(s.scalars(select(Survey).order_by(Survey.id)))
        for r in rows:
            s.expunge(r)
        return rows
    finally:
        s.close()


def _api_survey(client, headers, commission_id, questions=QUESTIONS, open_it=False):
    response = client.post(f"/api/v1/commissions/{commission_id}/surveys", headers=headers,
                           json={"title": "Parks", "step": "initiate", "questions": questions})
    assert response.status_code == 201, response.json
    sid = response.json["id"]
    if open_it:
        assert client.post(f"/api/v1/surveys/{sid}/open", headers=headers).status_code == 200
    return sid


# -- sign-in and access --------------------------------------------------------------------------------


def test_survey_pages_require_sign_in(app, client, alice, team):
    sid = _api_survey(client, alice, team["mine"].id)
    base = f"/commissions/{team['mine'].id}/surveys"
    anonymous = app.test_client()
    for method, path in (("get", base), ("post", base), ("get", f"{base}/{sid}"), ("get", f"{base}/{sid}/results"),
                         ("get", f"{base}/{sid}/preview"), ("get", f"{base}/{sid}/results.csv"),
                         ("post", f"{base}/{sid}/open"), ("post", f"{base}/{sid}/questions")):
        response = getattr(anonymous, method)(path)
        assert response.status_code == 302, path
        assert "/sign-in" in response.location
    assert _survey(app, sid).status == "draft"


def test_a_commissioner_of_another_commission_gets_404(app, client, alice, world, team):
    sid = _api_survey(client, alice, team["mine"].id)
    bob = app.test_client()
    world.sign_in(bob, "bob@example.org")
    base = f"/commissions/{team['mine'].id}/surveys"
    for method, path in (("get", base), ("get", f"{base}/{sid}"), ("get", f"{base}/{sid}/results"),
                         ("get", f"{base}/{sid}/results.csv"), ("post", f"{base}/{sid}/open"),
                         ("post", base)):
        assert getattr(bob, method)(path).status_code == 404, path
    # the survey cannot be reached through bob's own commission either
    assert bob.get(f"/commissions/{team['theirs'].id}/surveys/{sid}").status_code == 404
    assert _survey(app, sid).status == "draft"


def test_an_evaluator_sees_results_but_no_buttons(app, client, alice, world, team):
    sid = _api_survey(client, alice, team["mine"].id, open_it=True)
    eve = app.test_client()
    world.sign_in(eve, "eve@example.org")
    base = f"/commissions/{team['mine'].id}/surveys"
    assert eve.get(f"{base}/{sid}/results").status_code == 200
    manage = _html(eve.get(f"{base}/{sid}"))
    assert "Close the survey" not in manage and "Add a question" not in manage
    assert eve.post(f"{base}/{sid}/close").status_code == 403
    assert eve.post(base, data={"template": "blank", "title": "Eve's", "step": "initiate"}).status_code == 403
    assert _survey(app, sid).status == "open"


# -- creating --------------------------------------------------------------------------------------------


def test_create_a_blank_survey(app, signed_in, team):
    base = f"/commissions/{team['mine'].id}/surveys"
    index = signed_in.get(base)
    assert index.status_code == 200 and "Create a survey" in _html(index)
    response = signed_in.post(base, data={"template": "blank", "title": "Our own survey", "step": "initiate"})
    assert response.status_code == 302
    [survey] = _surveys(app)
    assert _path(response.location) == f"{base}/{survey.id}"
    assert survey.title == "Our own survey" and survey.step == "initiate" and survey.definition == []
    assert survey.status == "draft" and survey.template is None
    page = signed_in.get(response.location)
    assert page.status_code == 200 and "No questions yet" in _html(page)


@pytest.mark.parametrize("key", sorted(TEMPLATES))
def test_create_from_each_template(app, signed_in, team, key):
    response = signed_in.post(f"/commissions/{team['mine'].id}/surveys", data={"template": key, "title": "", "step": ""})
    assert response.status_code == 302
    [survey] = _surveys(app)
    assert survey.template == key
    assert survey.title == TEMPLATES[key]["title"] and survey.step == TEMPLATES[key]["step"]
    assert [q["id"] for q in flatten(survey.definition)] == [q["id"] for q in flatten(TEMPLATES[key]["sections"])]
    manage = _html(signed_in.get(response.location))
    assert flatten(TEMPLATES[key]["sections"])[0]["id"] in manage


def test_create_with_errors_shows_them(app, signed_in, team):
    response = signed_in.post(f"/commissions/{team['mine'].id}/surveys", data={"template": "blank", "title": "",
                                                                                 "step": ""})
    assert response.status_code == 422
    html = _html(response)
    assert "There is a problem" in html and 'href="#title"' in html and 'href="#step"' in html
    assert _surveys(app) == []


# -- the builder --------------------------------------------------------------------------------------------


@pytest.fixture
def blank(app, signed_in, team):
    base = f"/commissions/{team['mine'].id}/surveys"
    response = signed_in.post(base, data={"template": "blank", "title": "Built by hand", "step": "initiate"})
    return _path(response.location)


def test_builder_refuses_a_bad_question(app, signed_in, blank):
    response = signed_in.post(f"{blank}/questions", data={"type": "single_choice", "text": "Pick one",
                                                          "options": "Only one"})
    assert response.status_code == 422
    html = _html(response)
    assert "There is a problem" in html
    assert "Give at least two options" in html
    assert 'href="#options"' in html
    assert 'value="Pick one"' in html  # what was typed stays
    assert _surveys(app)[0].definition == []


def test_builder_adds_questions_with_a_condition(app, signed_in, blank):
    r = signed_in.post(f"{blank}/questions", data={"type": "yes_no_maybe", "text": "Would you go again?",
                                                   "required": "yes"})
    assert r.status_code == 302
    r = signed_in.post(f"{blank}/questions", data={"type": "free_text", "text": "Why not?", "show_question": "q1",
                                                   "show_operator": "equals", "show_value": "no"})
    assert r.status_code == 302, _html(r)[:2000]
    definition = _surveys(app)[0].definition
    assert [q["text"] for q in definition] == ["Would you go again?", "Why not?"]
    assert definition[0]["required"] is True
    assert definition[1]["show_if"] == {"question": "q1", "equals": "no"}
    page = _html(signed_in.get(blank))
    assert "Why not?" in page and "shown only if ‘Would you go again?’ is No" in page
    assert "q1" not in re.sub(r'(id|href|action|value|name)="[^"]*"', "", page)  # ids stay out of sight
    r = signed_in.post(f"{blank}/questions", data={"type": "single_choice", "text": "Which?",
                                                   "options": "Rosehill\nMeadow\n\n"})
    assert r.status_code == 302
    assert _surveys(app)[0].definition[2]["options"] == ["Rosehill", "Meadow"]


def test_builder_refuses_a_bad_condition(app, signed_in, blank):
    signed_in.post(f"{blank}/questions", data={"type": "yes_no_maybe", "text": "Would you go again?"})
    response = signed_in.post(f"{blank}/questions", data={"type": "free_text", "text": "Why?",
                                                          "show_question": "q1", "show_operator": "equals",
                                                          "show_value": "sometimes"})
    assert response.status_code == 422
    assert 'href="#show_value"' in _html(response)
    assert "“sometimes” is not an answer to ‘Would you go again?’: use Yes, No or Maybe" in _html(response)
    assert len(_surveys(app)[0].definition) == 1


def test_remove_a_question(app, signed_in, blank):
    signed_in.post(f"{blank}/questions", data={"type": "yes_no_maybe", "text": "First?"})
    signed_in.post(f"{blank}/questions", data={"type": "yes_no_maybe", "text": "Second?"})
    version = _surveys(app)[0].version
    r = signed_in.post(f"{blank}/questions/q1/delete")
    assert r.status_code == 302
    survey = _surveys(app)[0]
    assert [q["text"] for q in survey.definition] == ["Second?"]
    assert survey.version == version + 1
    assert "<strong>First?</strong>" not in _html(signed_in.get(blank))


def test_a_question_others_depend_on_is_not_removed(app, signed_in, blank):
    signed_in.post(f"{blank}/questions", data={"type": "yes_no_maybe", "text": "First?"})
    signed_in.post(f"{blank}/questions", data={"type": "free_text", "text": "Follow-up", "show_question": "q1",
                                               "show_operator": "equals", "show_value": "yes"})
    signed_in.post(f"{blank}/questions/q1/delete")
    assert len(_surveys(app)[0].definition) == 2


def _moment(name, day, month, year, at):
    return {f"{name}-day": str(day), f"{name}-month": str(month), f"{name}-year": str(year), f"{name}-time": at}


def test_schedule_form_takes_uk_dates_and_times_and_stores_utc(app, signed_in, blank):
    """Issue 8 point 14: the GOV.UK date input plus a time, in UK time (British Summer Time in
    July), stored as naive UTC and shown back the same way."""
    year = utcnow().year + 1
    r = signed_in.post(f"{blank}/schedule", data={**_moment("opens_at", 1, 7, year, "9:30am"),
                                                  **_moment("closes_at", 1, 12, year, "14:30")})
    assert r.status_code == 302, _html(r)
    survey = _surveys(app)[0]
    assert survey.opens_at == datetime(year, 7, 1, 8, 30)  # 9:30 BST
    assert survey.closes_at == datetime(year, 12, 1, 14, 30)  # GMT
    page = _html(signed_in.get(blank))
    assert f"Opens 1 July {year} at 9:30am" in page and f"Closes 1 December {year} at 2:30pm" in page
    assert 'name="opens_at-day" type="text" value="1"' in page and 'value="9:30"' in page
    assert 'type="datetime-local"' not in page
    # every problem at once, each linked to the field to fix
    r = signed_in.post(f"{blank}/schedule", data={**_moment("opens_at", 1, "", year, "9am"),
                                                  **_moment("closes_at", 1, 12, year, "half past")})
    assert r.status_code == 422
    html = _html(r)
    assert 'href="#opens_at-month"' in html and "The opening date must include a month" in html
    assert 'href="#closes_at-time"' in html and "Enter the closing time like 9am, 9:30am or 14:30" in html
    # closing before opening is refused by the service and shown on the closing date
    r = signed_in.post(f"{blank}/schedule", data={**_moment("opens_at", 2, 7, year, "9am"),
                                                  **_moment("closes_at", 1, 7, year, "9am")})
    assert r.status_code == 422 and 'href="#closes_at-day"' in _html(r)
    assert "The closing time must be after the opening time" in _html(r)
    # a time the clocks skip does not exist
    march = max(d for d in range(25, 32) if date(year, 3, d).weekday() == 6)
    r = signed_in.post(f"{blank}/schedule", data={**_moment("opens_at", march, 3, year, "1:30am")})
    assert r.status_code == 422 and "the clocks go forward" in _html(r)
    # every field empty clears it
    assert signed_in.post(f"{blank}/schedule", data={}).status_code == 302
    survey = _surveys(app)[0]
    assert survey.opens_at is None and survey.closes_at is None


# -- open and close -------------------------------------------------------------------------------------------


def test_open_and_close_buttons(app, signed_in, blank, client, alice, team):
    signed_in.post(f"{blank}/questions", data={"type": "yes_no_maybe", "text": "Would you go again?"})
    assert "Open the survey now" in _html(signed_in.get(blank))
    r = signed_in.post(f"{blank}/open")
    assert r.status_code == 302
    survey = _surveys(app)[0]
    assert survey.status == "open"
    page = _html(signed_in.get(blank))
    assert "Close the survey and record the results" in page and f"/s/{survey.slug}" in page
    client.post(f"/api/v1/surveys/{survey.id}/responses", json={"answers": {"q1": "yes"}})
    r = signed_in.post(f"{blank}/close")
    assert r.status_code == 302 and _path(r.location) == f"{blank}/results"
    assert _surveys(app)[0].status == "closed"
    s = app.extensions["engage.db"].session()
    try:
        entries = list(s.scalars(select(EvidenceEntry).where(EvidenceEntry.commission_id == team["mine"].id)))
    finally:
        s.close()
    assert [(e.kind, e.step, e.payload["responses"]) for e in entries] == [("survey_result", "initiate", 1)]
    assert entries[0].author_id == team["alice"].id
    results = _html(signed_in.get(r.location))
    assert "evidence entry 1" in results
    assert signed_in.post(f"{blank}/close").status_code == 409


def test_opening_before_the_step_starts_shows_why(app, signed_in, team):
    base = f"/commissions/{team['mine'].id}/surveys"
    manage = _path(signed_in.post(base, data={"template": "blank", "title": "Later", "step": "investigate"}).location)
    signed_in.post(f"{manage}/questions", data={"type": "yes_no_maybe", "text": "Yes?"})
    assert "has not started yet" in _html(signed_in.get(manage))
    r = signed_in.post(f"{manage}/open")
    assert r.status_code == 409 and "has not started" in _html(r)
    assert _surveys(app)[0].status == "draft"


# -- results ---------------------------------------------------------------------------------------------------


@pytest.fixture
def answered(client, alice, team):
    sid = _api_survey(client, alice, team["mine"].id, open_it=True)
    for answers in ({"park": "Rosehill", "who": "Carers", "comments": "<script>alert(1)</script> swings"},
                    {"park": "Meadow", "who": "Residents", "comments": "More benches please"},
                    {"park": "Meadow", "who": "Residents"},
                    {"park": "Rosehill", "who": "Residents", "comments": "The swings squeak"},
                    {"park": "Meadow", "who": "Other"}):
        assert client.post(f"/api/v1/surveys/{sid}/responses", json={"answers": answers}).status_code == 201
    return f"/commissions/{team['mine'].id}/surveys/{sid}"


def _table_rows(html: str, caption_words: str) -> list[list[str]]:
    start = html.index(caption_words)
    table = html[start:html.index("</table>", start)]
    rows = []
    for row in re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", table, re.S):
        cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        rows.append(cells)
    return rows


def test_results_page_shows_charts_as_tables(signed_in, answered):
    response = signed_in.get(f"{answered}/results")
    assert response.status_code == 200
    html = _html(response)
    assert re.search(r'id="response-count"><strong>5</strong> responses', html)
    assert "Per cent" in html and "<svg" in html
    rows = _table_rows(html, "Figures for “Which park?”")
    assert rows[1:] == [["Rosehill", "2", "40.0%"], ["Meadow", "3", "60.0%"]]
    # free text is listed, escaped
    assert "More benches please" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html


def test_results_page_representativeness_table(signed_in, answered):
    html = _html(signed_in.get(f"{answered}/results"))
    rows = _table_rows(html, "Respondents' shares by population group")
    by_group = {r[0]: r for r in rows[1:]}
    # Carers 1 of 5 = 20% against 30%: under-represented; Residents 3 of 5 = 60% against 60%
    assert by_group["Carers"][1:] == ["1", "20.0%", "30.0%", "Under-represented"]
    assert by_group["Residents"][1:] == ["3", "60.0%", "60.0%", "On target"]
    assert by_group["Other"][1:4] == ["1", "20.0%", "–"]


def test_results_page_segmentation(signed_in, answered):
    plain = _html(signed_in.get(f"{answered}/results"))
    assert "Which park?, by" not in plain
    html = _html(signed_in.get(f"{answered}/results", query_string={"by": "who"}))
    rows = _table_rows(html, "Which park?, by Which describes you?")
    assert rows[0] == ["Group", "Rosehill", "Meadow", "Answered"]
    by_group = {r[0]: r[1:] for r in rows[1:]}
    assert by_group["Carers"] == ["1 (100%)", "0 (0%)", "1"]
    assert by_group["Residents"] == ["1 (33%)", "2 (67%)", "3"]
    assert by_group["Other"] == ["0 (0%)", "1 (100%)", "1"]
    assert by_group["Not answered"] == ["0", "0", "0"]


def test_results_page_free_text_search(signed_in, answered):
    html = _html(signed_in.get(f"{answered}/results", query_string={"q": "swings"}))
    assert "2 answers contain" in html
    assert "The swings squeak" in html and "More benches please" not in html
    html = _html(signed_in.get(f"{answered}/results", query_string={"q": "nothing like this"}))
    assert "No answers match" in html and "The swings squeak" not in html


def test_results_downloads(signed_in, answered):
    csv_response = signed_in.get(f"{answered}/results.csv")
    assert csv_response.status_code == 200 and csv_response.mimetype == "text/csv"
    lines = csv_response.get_data(as_text=True).strip().splitlines()
    assert len(lines) == 1 + 5
    json_response = signed_in.get(f"{answered}/results.json")
    assert json_response.status_code == 200
    assert json_response.json["responses"] == 5 and len(json_response.json["answers"]) == 5


def test_details_form_changes_title_description_and_notice(app, signed_in, blank):
    client, base = signed_in, blank
    response = client.post(base + "/details", data={"title": "", "description": "x", "privacy_notice": ""})
    assert response.status_code == 422
    assert "Enter a title" in _html(response)
    response = client.post(base + "/details", data={"title": "Parks, renamed", "description": "Read this first.",
                                                    "privacy_notice": "Only totals are published."})
    assert response.status_code == 302
    survey = _survey(app, int(base.rsplit("/", 1)[1]))
    assert (survey.title, survey.description, survey.privacy_notice) == (
        "Parks, renamed", "Read this first.", "Only totals are published.")
