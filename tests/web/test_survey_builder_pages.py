"""The commissioner's side of issue 8 on the pages: the step is chosen (from a template too) and
changed while a draft, and Open is offered only when it works (point 9); the builder changes,
duplicates and reorders questions and builds pages, a new question going on the page chosen
(point 10); messages name things as the page does (point 11); about-you answers are matched to
population groups (point 12); drafts are deleted and closed surveys archived, on the pages and
the API (point 15); ranking results say points and first choices (point 16)."""
from __future__ import annotations

import html as html_module
import re

import pytest
from sqlalchemy import select

from surveys import lifecycle
from surveys.branching import flatten
from surveys.models import Survey


@pytest.fixture
def signed_in(app, world, team):
    browser = app.test_client()
    assert world.sign_in(browser, "alice@example.org").status_code == 302
    return browser


def _html(response) -> str:
    return html_module.unescape(response.get_data(as_text=True))


def _path(location: str) -> str:
    return re.sub(r"^https?://[^/]+", "", location)


PLAN = "We will open the centre on Saturdays and run a minibus on the two busiest routes."


def _survey(app, survey_id=None) -> Survey:
    s = app.extensions["engage.db"].session()
    try:
        survey = s.get(Survey, survey_id) if survey_id else s.scalars(select(Survey).order_by(Survey.id.desc())).first()
        s.expunge(survey)
        return survey
    finally:
        s.close()


def _visible_text(html: str) -> str:
    """The page without its attributes (ids in links and form fields are the page's business)."""
    return re.sub(r"<[^>]+>", " ", html)


def _create(signed_in, team, **data) -> str:
    response = signed_in.post(f"/commissions/{team['mine'].id}/surveys", data=data)
    assert response.status_code == 302, _html(response)
    return _path(response.location)


@pytest.fixture
def plan(signed_in, team, app):
    """"Our first plan" (a template made for Incubate), filed under Initiate, the active step,
    with the plan residents judge attached (it cannot open without)."""
    path = _create(signed_in, team, template="incubate_plan_check", title="", step="initiate")
    with app.extensions["engage.db"].session(write=True) as s:
        lifecycle.update_survey(s, s.get(Survey, _survey(app).id), lifecycle.SurveyInput(material_text=PLAN))
    return path


def _layout(app):
    return [(s["title"], [q["id"] for q in s["questions"]]) for s in _survey(app).definition]


# -- point 9: the step, and opening -------------------------------------------------------------------


def test_a_template_survey_takes_the_step_chosen_when_it_is_created(app, plan):
    assert _survey(app).step == "initiate" and _survey(app).template == "incubate_plan_check"


def test_open_is_offered_only_when_the_survey_can_open_and_the_step_can_change(app, signed_in, team):
    manage = _create(signed_in, team, template="incubate_plan_check", title="", step="")
    assert _survey(app).step == "incubate"
    page = _html(signed_in.get(manage))
    assert "Open the survey now" not in page
    assert "Incubate has not started yet: the survey can open once it is the active step" in page
    r = signed_in.post(f"{manage}/step", data={"step": "initiate"})
    assert r.status_code == 302
    survey = _survey(app)
    assert survey.step == "initiate" and survey.practice_question.startswith("How can local people help collect")
    page = _html(signed_in.get(manage))
    assert "Open the survey now" not in page and "Attach the plan residents are asked about" in page
    with app.extensions["engage.db"].session(write=True) as db:
        lifecycle.update_survey(db, db.get(Survey, survey.id), lifecycle.SurveyInput(material_text=PLAN))
    page = _html(signed_in.get(manage))
    assert "Open the survey now" in page and "has not started yet" not in page
    assert signed_in.post(f"{manage}/open").status_code == 302
    r = signed_in.post(f"{manage}/step", data={"step": "investigate"})
    assert r.status_code == 409 and "only be changed while the survey is a draft" in _html(r)
    assert _survey(app).step == "initiate"


def test_an_unknown_step_is_refused_on_the_steps_field(app, signed_in, plan):
    r = signed_in.post(f"{plan}/step", data={"step": "nowhere"})
    assert r.status_code == 422 and 'href="#step"' in _html(r)


# -- point 10: the builder ------------------------------------------------------------------------------


def test_a_new_question_goes_on_the_page_chosen_which_is_not_about_you_by_default(app, signed_in, plan):
    page = _html(signed_in.get(plan))
    assert re.search(r'value="the_plan" checked', page)
    assert not re.search(r'value="about_you" checked', page)
    r = signed_in.post(f"{plan}/questions", data={"section": "the_plan", "type": "free_text",
                                                  "text": "Anything else about the plan?"})
    assert r.status_code == 302
    assert dict(_layout(app))["The plan"][-1] == "q1"
    assert "q1" not in dict(_layout(app))["About you"]


def test_change_a_question_in_place(app, signed_in, plan):
    form = _html(signed_in.get(f"{plan}/questions/agree_with_plan"))
    assert 'value="Do you agree with the plan?"' in form
    assert re.search(r'<option value="yes_no_maybe" selected', form)
    r = signed_in.post(f"{plan}/questions/agree_with_plan", data={
        "type": "yes_no_maybe", "text": "Do you agree with our plan?", "required": "yes"})
    assert r.status_code == 302, _html(r)
    questions = flatten(_survey(app).definition)
    assert [q["id"] for q in questions][:3] == ["fits_needs", "agree_with_plan", "what_to_change"]
    assert questions[1]["text"] == "Do you agree with our plan?" and questions[1]["required"] is True


def test_change_keeps_a_condition_and_explains_a_bad_one(app, signed_in, plan):
    form = _html(signed_in.get(f"{plan}/questions/what_to_change"))
    assert re.search(r'<option value="agree_with_plan" selected', form) and 'value="no, maybe"' in form
    r = signed_in.post(f"{plan}/questions/what_to_change", data={
        "type": "free_text", "text": "What would you change?", "show_question": "agree_with_plan",
        "show_operator": "gte", "show_value": "2"})
    assert r.status_code == 422
    html = _html(r)
    assert 'href="#show_operator"' in html
    assert ("“is at least” does not work with ‘Do you agree with the plan?’, which is a yes, no or maybe question"
            in html)


def test_reorder_duplicate_and_remove_questions(app, signed_in, plan):
    assert signed_in.post(f"{plan}/questions/missing/move", data={"direction": "up"}).status_code == 302
    assert dict(_layout(app))["The plan"] == ["fits_needs", "agree_with_plan", "missing", "what_to_change"]
    assert signed_in.post(f"{plan}/questions/fits_needs/duplicate").status_code == 302
    assert dict(_layout(app))["The plan"][:2] == ["fits_needs", "fits_needs_copy"]
    assert signed_in.post(f"{plan}/questions/fits_needs_copy/delete").status_code == 302
    # moving down past the end of a page goes to the top of the next
    assert signed_in.post(f"{plan}/questions/what_to_change/move", data={"direction": "down"}).status_code == 302
    assert _layout(app)[1] == ("About you", ["what_to_change", "respondent_group", "age_band"])


def test_moving_a_follow_up_above_its_question_is_refused_in_words(app, signed_in, plan):
    # The plan: fits_needs, agree_with_plan, what_to_change (shown after agree_with_plan), missing
    r = signed_in.post(f"{plan}/questions/what_to_change/move", data={"direction": "up"})
    assert r.status_code == 422
    html = _html(r)
    assert 'href="#question-what_to_change"' in html
    assert ("The question ‘What would you change?’ is shown only if ‘Do you agree with the plan?’ is No or Maybe, "
            "so it must come after that question") in html


def test_pages_are_created_renamed_moved_and_removed(app, signed_in, team):
    manage = _create(signed_in, team, template="blank", title="Built by hand", step="initiate")
    for text in ("First?", "Second?"):
        signed_in.post(f"{manage}/questions", data={"type": "yes_no_maybe", "text": text})
    assert "Each question is on a page of its own" in _html(signed_in.get(manage))
    r = signed_in.post(f"{manage}/pages", data={"page_title": "Your visits", "page_description": ""})
    assert r.status_code == 302
    assert _layout(app) == [("Your visits", ["q1", "q2"])]
    signed_in.post(f"{manage}/pages", data={"page_title": "More"})
    more = _survey(app).definition[1]["id"]
    page = _html(signed_in.get(manage))
    assert "Page 2: More" in page and "No questions on this page yet" in page
    assert "The page ‘More’ has no questions" in page and "Open the survey now" not in page
    # move a question onto it from the question's Change page
    assert "Move to another page" in _html(signed_in.get(f"{manage}/questions/q2"))
    assert signed_in.post(f"{manage}/questions/q2/page", data={"section": more}).status_code == 302
    assert _layout(app) == [("Your visits", ["q1"]), ("More", ["q2"])]
    form = _html(signed_in.get(f"{manage}/pages/{more}"))
    assert 'value="More"' in form
    assert signed_in.post(f"{manage}/pages/{more}", data={"page_title": "Last things"}).status_code == 302
    assert signed_in.post(f"{manage}/pages/{more}/move", data={"direction": "up"}).status_code == 302
    assert [t for t, _ in _layout(app)] == ["Last things", "Your visits"]
    r = signed_in.post(f"{manage}/pages/{more}/delete")
    assert r.status_code == 409 and "‘Last things’ still has 1 question: move or remove it first" in _html(r)
    signed_in.post(f"{manage}/questions/q2/delete")
    assert signed_in.post(f"{manage}/pages/{more}/delete").status_code == 302
    assert _layout(app) == [("Your visits", ["q1"])]
    r = signed_in.post(f"{manage}/pages", data={"page_title": ""})
    assert r.status_code == 422 and 'href="#page_title"' in _html(r)


def test_an_open_survey_offers_no_changes_and_refuses_them_with_the_reason(app, signed_in, plan):
    assert signed_in.post(f"{plan}/open").status_code == 302
    page = _html(signed_in.get(plan))
    assert "Add a question" not in page and "Move up" not in page and "Create a page" not in page
    assert "so its questions and pages cannot change" in page
    for path, data in ((f"{plan}/questions", {"section": "the_plan", "type": "free_text", "text": "Late?"}),
                       (f"{plan}/questions/missing/move", {"direction": "up"}),
                       (f"{plan}/questions/missing/duplicate", {}),
                       (f"{plan}/pages", {"page_title": "Late"})):
        r = signed_in.post(path, data=data)
        assert r.status_code == 409, path
        assert "Questions and step can only be changed while the survey is a draft" in _html(r)
    assert _survey(app).version == 1


# -- point 11: messages in the page's words -------------------------------------------------------------------


def test_a_setting_the_type_does_not_use_is_named_by_its_label(app, signed_in, plan):
    r = signed_in.post(f"{plan}/questions", data={"section": "the_plan", "type": "free_text", "text": "Tell us",
                                                  "category": "area", "min": "abc"})
    assert r.status_code == 422
    html = _html(r)
    assert ("A free text question does not use “What an about-you question asks about”: leave it empty, "
            "or choose another type of question") in html
    text = _visible_text(html)
    assert "is not a setting" not in text and "category" not in text.replace("What an about-you", "")
    assert "Enter a number for “Lowest value”" not in text  # min is no setting of free text either
    assert "A free text question does not use “Lowest value”" in text
    assert 'href="#category"' in html and 'href="#min"' in html


def test_conditions_read_in_words_on_the_builder_and_the_preview(app, signed_in, plan):
    page = _visible_text(_html(signed_in.get(plan)))
    assert "shown only if ‘Do you agree with the plan?’ is No or Maybe" in page
    assert "agree_with_plan" not in page and "['no', 'maybe']" not in page
    preview = _visible_text(_html(signed_in.get(f"{plan}/preview")))
    assert "The next question is shown only if ‘Do you agree with the plan?’ is No or Maybe" in preview
    assert "agree_with_plan" not in preview


def test_removing_what_a_follow_up_depends_on_says_which_in_words(app, signed_in, plan):
    r = signed_in.post(f"{plan}/questions/agree_with_plan/delete")
    assert r.status_code == 422
    html = _html(r)
    assert ("The question ‘What would you change?’ is shown only if ‘Do you agree with the plan?’ is No or Maybe: "
            "change or remove that condition first") in html
    assert 'href="#question-agree_with_plan"' in html and "There is no question with the id" not in html


# -- point 12: answers matched to population groups -----------------------------------------------------------


def test_match_about_you_answers_to_the_commissions_groups(app, signed_in, client, plan, team):
    page = _html(signed_in.get(plan))
    assert "Representativeness counts this question's answers only once you say which population group" in page
    form = _html(signed_in.get(f"{plan}/questions/respondent_group/groups"))
    assert re.search(r'<option value="Carers" selected', form)  # suggested from "Carer"
    assert re.search(r'<option value="Residents" selected', form)  # from "Resident"
    options = flatten(_survey(app).definition)[-2]["options"]
    data = {f"group-{i}": {"Carer": "Carers", "Resident": "Residents"}.get(o, "") for i, o in enumerate(options)}
    assert signed_in.post(f"{plan}/questions/respondent_group/groups", data=data).status_code == 302
    assert flatten(_survey(app).definition)[-2]["groups"] == {"Resident": "Residents", "Carer": "Carers"}
    assert "Every population group has an answer that stands for it" in _html(signed_in.get(plan))
    r = signed_in.post(f"{plan}/questions/respondent_group/groups", data={"group-0": "Martians"})
    assert r.status_code == 422 and "“Martians” is not one of the commission's population groups" in _html(r)
    # the results count through the mapping
    survey = _survey(app)
    signed_in.post(f"{plan}/open")
    for group in ("Carer", "Resident", "Resident"):
        assert client.post(f"/api/v1/surveys/{survey.id}/responses", json={"answers": {
            "fits_needs": 3, "agree_with_plan": "yes", "respondent_group": group}}).status_code == 201
    html = _html(signed_in.get(f"{plan}/results"))
    assert "Respondents' shares by population group" in html
    assert re.search(r'Carers</th>\s*<td[^>]*>1</td>', html) and re.search(r'Residents</th>\s*<td[^>]*>2</td>', html)


def test_a_group_no_answer_stands_for_is_warned_about(app, signed_in, plan):
    options = flatten(_survey(app).definition)[-2]["options"]
    data = {f"group-{options.index('Carer')}": "Carers"}
    signed_in.post(f"{plan}/questions/respondent_group/groups", data=data)
    assert "No answer stands for Residents" in _html(signed_in.get(plan))


# -- point 15: delete, archive ---------------------------------------------------------------------------------


def test_delete_a_draft_after_confirming(app, signed_in, plan, team):
    page = _html(signed_in.get(plan))
    assert "Delete this draft" in page
    confirm = signed_in.get(f"{plan}/delete")
    assert confirm.status_code == 200 and "Delete this draft survey?" in _html(confirm)
    r = signed_in.post(f"{plan}/delete")
    assert r.status_code == 302 and _path(r.location) == f"/commissions/{team['mine'].id}/surveys"
    s = app.extensions["engage.db"].session()
    try:
        assert s.scalar(select(Survey.id)) is None
    finally:
        s.close()


def test_an_open_survey_is_closed_not_deleted_and_a_closed_one_archived(app, signed_in, plan, team):
    signed_in.post(f"{plan}/open")
    assert "Delete this draft" not in _html(signed_in.get(plan))
    r = signed_in.post(f"{plan}/delete")
    assert r.status_code == 409 and "Only a draft can be deleted" in _html(r)
    assert signed_in.post(f"{plan}/archive").status_code == 409
    signed_in.post(f"{plan}/close")
    assert "Archive this survey" in _html(signed_in.get(plan))
    assert signed_in.post(f"{plan}/archive").status_code == 302
    index = _html(signed_in.get(f"/commissions/{team['mine'].id}/surveys"))
    link = f'href="{plan}">Our first plan'
    assert link not in index and "Archived surveys (1)" in index
    archived = _html(signed_in.get(f"/commissions/{team['mine'].id}/surveys", query_string={"archived": "1"}))
    assert link in archived
    assert "Put back in the list of surveys" in _html(signed_in.get(plan))
    assert signed_in.post(f"{plan}/archive", data={"restore": "yes"}).status_code == 302
    assert _survey(app).archived_at is None


def test_the_api_deletes_drafts_archives_closed_surveys_and_lists_them_apart(app, client, alice, team):
    base = f"/api/v1/commissions/{team['mine'].id}/surveys"
    draft = client.post(base, headers=alice, json={"template": "collaborative_appetite"}).json["id"]
    other = client.post(base, headers=alice, json={"template": "collaborative_appetite"}).json["id"]
    assert client.delete(f"/api/v1/surveys/{draft}", headers=alice).status_code == 204
    assert client.get(f"/api/v1/surveys/{draft}", headers=alice).status_code == 404
    assert client.post(f"/api/v1/surveys/{other}/archive", headers=alice).status_code == 409
    client.post(f"/api/v1/surveys/{other}/open", headers=alice)
    r = client.delete(f"/api/v1/surveys/{other}", headers=alice)
    assert r.status_code == 409 and r.json["error"]["code"] == "conflict"
    client.post(f"/api/v1/surveys/{other}/close", headers=alice)
    r = client.post(f"/api/v1/surveys/{other}/archive", headers=alice)
    assert r.status_code == 200 and r.json["archived_at"]
    assert client.get(base, headers=alice).json["surveys"] == []
    assert [s["id"] for s in client.get(base, headers=alice, query_string={"archived": "only"}).json["surveys"]] == [other]
    assert client.get(base, headers=alice, query_string={"archived": "maybe"}).status_code == 422
    assert client.post(f"/api/v1/surveys/{other}/unarchive", headers=alice).json["archived_at"] is None


def test_an_evaluator_can_neither_delete_nor_archive(app, client, alice, world, team):
    base = f"/api/v1/commissions/{team['mine'].id}/surveys"
    sid = client.post(base, headers=alice, json={"template": "collaborative_appetite"}).json["id"]
    eve = world.token("eve@example.org")
    assert client.delete(f"/api/v1/surveys/{sid}", headers=eve).status_code == 403
    browser = app.test_client()
    world.sign_in(browser, "eve@example.org")
    page = _html(browser.get(f"/commissions/{team['mine'].id}/surveys/{sid}"))
    assert "Delete this draft" not in page
    assert browser.post(f"/commissions/{team['mine'].id}/surveys/{sid}/delete").status_code == 403


# -- point 16: ranking results are points -------------------------------------------------------------------------


def test_ranking_results_are_labelled_points_with_first_choices(app, signed_in, client, alice, team):
    r = client.post(f"/api/v1/commissions/{team['mine'].id}/surveys", headers=alice, json={
        "title": "Priorities", "step": "initiate",
        "questions": [{"id": "rank", "type": "ranking", "text": "What first?", "options": ["Toilets", "Benches", "Lights"]}]})
    sid = r.json["id"]
    client.post(f"/api/v1/surveys/{sid}/open", headers=alice)
    for order in (["Toilets", "Benches", "Lights"], ["Benches", "Toilets", "Lights"]):
        client.post(f"/api/v1/surveys/{sid}/responses", json={"answers": {"rank": order}})
    html = _html(signed_in.get(f"/commissions/{team['mine'].id}/surveys/{sid}/results"))
    table = html[html.index("Figures for “What first?”"):]
    table = table[:table.index("</table>")]
    headers = [re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<th scope=\"col\"[^>]*>(.*?)</th>", table)]
    assert headers == ["Answer", "Points", "Share of points", "Ranked first"]
    rows = [[re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
            for row in re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", table, re.S)][1:]
    assert rows == [["Toilets", "3", "50.0%", "1"], ["Benches", "3", "50.0%", "1"], ["Lights", "0", "0.0%", "0"]]
    assert "Points, not people" in html
    figures = client.get(f"/api/v1/surveys/{sid}/results", headers=alice).json["questions"][0]
    assert figures["measure"] == "points" and figures["measure_label"] == "Points"
    assert figures["first_choice"] == {"Toilets": 1, "Benches": 1, "Lights": 0}
    exported = signed_in.get(f"/commissions/{team['mine'].id}/surveys/{sid}/results.json").json
    assert exported["questions"][0]["measure"] == "points"
