"""Issue 8 point 1: a follow-up question on the same page as the question it depends on.

With JavaScript it is revealed in place under the option that brings it (GOV.UK conditional
reveal); without, it is asked on the next page, before anything later. Nothing a resident is
due to answer can be skipped: "Check your answers" (and sending) wait until it is answered or
put to them. The "Our first plan" template is the reported case."""
from __future__ import annotations

import re

import pytest

from commissioning_steps import staff


def _html(response) -> str:
    return response.get_data(as_text=True)


def _path(location: str) -> str:
    return re.sub(r"^https?://[^/]+", "", location)


@pytest.fixture
def plan(app, world, team):
    """The "Our first plan" template, opened (its step made active) with the plan attached."""
    token = world.token("alice@example.org")
    client = app.test_client()
    created = client.post(f"/api/v1/commissions/{team['mine'].id}/surveys", headers=token,
                          json={"template": "incubate_plan_check", "step": "initiate",
                                "material_text": "We plan a café in the library."})
    assert created.status_code == 201, created.json
    assert client.post(f"/api/v1/surveys/{created.json['id']}/open", headers=token).status_code == 200, \
        client.post(f"/api/v1/surveys/{created.json['id']}/open", headers=token).json
    return {"id": created.json["id"], "slug": created.json["links"]["public"].rsplit("/", 1)[1], "token": token}


@pytest.fixture
def resident(app):
    return app.test_client()


def _first_page(resident, slug):
    assert _path(resident.post(f"/s/{slug}/start").location) == f"/s/{slug}/page/1"
    return _html(resident.get(f"/s/{slug}/page/1"))


def test_the_follow_up_is_drawn_under_each_option_that_reveals_it(resident, plan):
    html = _first_page(resident, plan["slug"])
    # Under No and under Maybe (GOV.UK conditional reveal), each copy under its own name ...
    for n, value in ((1, "no"), (2, "maybe")):
        radio = re.search(rf'<input[^>]*name="agree_with_plan"[^>]*value="{value}"[^>]*>', html).group(0)
        target = re.search(r'data-aria-controls="([^"]+)"', radio).group(1)
        block = html[html.index(f'id="{target}"'):]
        block = block[:block.index("</textarea>")]
        assert "engage-in-place" in block and f'name="what_to_change.agree_with_plan-{n}"' in block
        assert "What would you change?" in block
    # ... never under Yes, and never as a question of its own on the page.
    yes = re.search(r'<input[^>]*name="agree_with_plan"[^>]*value="yes"[^>]*>', html).group(0)
    assert "data-aria-controls" not in yes
    assert 'name="what_to_change"' not in html
    # The radios are not inline: GOV.UK's conditional reveal does not go with inline radios.
    assert "govuk-radios--inline" not in html.split('name="agree_with_plan"')[0].rsplit("govuk-radios", 2)[-1]


def test_without_javascript_the_follow_up_is_asked_on_the_next_page(resident, plan, app):
    slug = plan["slug"]
    _first_page(resident, slug)
    # No JavaScript: the marker stays empty and the hidden copies are posted empty.
    r = resident.post(f"/s/{slug}/page/1", data={"fits_needs": "2", "agree_with_plan": "no", "in_place": "",
                                                 "what_to_change.agree_with_plan-1": "",
                                                 "what_to_change.agree_with_plan-2": "", "missing": ""})
    assert r.status_code == 302 and _path(r.location) == f"/s/{slug}/page/1/more"
    more = _html(resident.get(f"/s/{slug}/page/1/more"))
    # One question: it is the page's heading (one thing per page).
    assert re.search(r'<h1 class="govuk-label-wrapper">\s*<label class="govuk-label govuk-label--l" for="what_to_change">'
                     r'\s*What would you change\?', more)
    assert f'href="/s/{slug}/page/1"' in more  # its back link is the page it follows up
    # "Check your answers" cannot be reached before it is asked, nor can the answers be sent.
    assert _path(resident.get(f"/s/{slug}/check").location) == f"/s/{slug}/page/1/more"
    assert _path(resident.post(f"/s/{slug}/submit", data={"submission_id": "x"}).location) == f"/s/{slug}/page/1/more"
    r = resident.post(f"/s/{slug}/page/1/more", data={"what_to_change": "Open on Sundays"})
    assert _path(r.location) == f"/s/{slug}/page/2"
    r = resident.post(f"/s/{slug}/page/2", data={})
    assert _path(r.location) == f"/s/{slug}/check"
    check = _html(resident.get(f"/s/{slug}/check"))
    assert "What would you change?" in check and "Open on Sundays" in check
    assert f'href="/s/{slug}/page/1/more?change=1"' in check
    submission = re.search(r'name="submission_id" value="([^"]+)"', check).group(1)
    assert _path(resident.post(f"/s/{slug}/submit", data={"submission_id": submission}).location) == f"/s/{slug}/done"
    results = resident.get(f"/api/v1/surveys/{plan['id']}/results", headers=plan["token"]).json
    assert next(q for q in results["questions"] if q["id"] == "what_to_change")["answered"] == 1


def test_with_javascript_the_follow_up_is_answered_in_place(resident, plan):
    slug = plan["slug"]
    _first_page(resident, slug)
    r = resident.post(f"/s/{slug}/page/1", data={
        "fits_needs": "3", "agree_with_plan": "maybe", "in_place": "yes",
        "what_to_change.agree_with_plan-1": "", "what_to_change.agree_with_plan-2": "Longer hours",
        "missing": ""})
    assert _path(r.location) == f"/s/{slug}/page/2"  # no separate page for it
    resident.post(f"/s/{slug}/page/2", data={})
    check = _html(resident.get(f"/s/{slug}/check"))
    assert "Longer hours" in check


def test_a_follow_up_skipped_in_place_is_not_asked_again(resident, plan):
    slug = plan["slug"]
    _first_page(resident, slug)
    r = resident.post(f"/s/{slug}/page/1", data={"fits_needs": "3", "agree_with_plan": "no", "in_place": "yes"})
    assert _path(r.location) == f"/s/{slug}/page/2"
    resident.post(f"/s/{slug}/page/2", data={})
    assert resident.get(f"/s/{slug}/check").status_code == 200


def test_a_required_follow_up_in_place_is_required_only_when_it_was_revealed(app, world, team, resident):
    token = world.token("alice@example.org")
    created = resident.post(f"/api/v1/commissions/{team['mine'].id}/surveys", headers=token, json={
        "title": "Visits", "step": "initiate", "sections": [{"title": "Visits", "questions": [
            {"id": "go", "type": "yes_no_maybe", "text": "Do you go?", "required": True},
            {"id": "often", "type": "number", "text": "How many times a month?", "required": True,
             "show_if": {"question": "go", "equals": "yes"}}]}]}).json
    resident.post(f"/api/v1/surveys/{created['id']}/open", headers=token)
    slug = created["links"]["public"].rsplit("/", 1)[1]
    _first_page(resident, slug)
    r = resident.post(f"/s/{slug}/page/1", data={"go": "yes", "in_place": "yes", "often.go-1": ""})
    assert r.status_code == 422
    html = _html(r)
    assert 'href="#often.go-1"' in html and "Enter a number" in html
    r = resident.post(f"/s/{slug}/page/1", data={"go": "yes", "in_place": "", "often.go-1": ""})
    assert _path(r.location) == f"/s/{slug}/page/1/more"
    r = resident.post(f"/s/{slug}/page/1/more", data={"often": ""})
    assert r.status_code == 422 and 'href="#often"' in _html(r)
    assert _path(resident.post(f"/s/{slug}/page/1/more", data={"often": "4"}).location) == f"/s/{slug}/check"


def test_going_back_without_javascript_keeps_the_follow_up_answer(resident, plan):
    slug = plan["slug"]
    _first_page(resident, slug)
    resident.post(f"/s/{slug}/page/1", data={"fits_needs": "2", "agree_with_plan": "no"})
    resident.post(f"/s/{slug}/page/1/more", data={"what_to_change": "Open on Sundays"})
    # The page is shown again with the answer kept in its (hidden) copies ...
    page = _html(resident.get(f"/s/{slug}/page/1"))
    assert page.count(">Open on Sundays</textarea>") == 2
    # ... so posting it again (as a browser without JavaScript does) keeps the answer.
    resident.post(f"/s/{slug}/page/1", data={"fits_needs": "2", "agree_with_plan": "no",
                                             "what_to_change.agree_with_plan-1": "Open on Sundays",
                                             "what_to_change.agree_with_plan-2": "Open on Sundays"})
    resident.post(f"/s/{slug}/page/2", data={})
    assert "Open on Sundays" in _html(resident.get(f"/s/{slug}/check"))


def test_a_follow_up_hidden_then_shown_again_is_asked_again(resident, plan):
    slug = plan["slug"]
    _first_page(resident, slug)
    resident.post(f"/s/{slug}/page/1", data={"fits_needs": "2", "agree_with_plan": "no"})
    resident.post(f"/s/{slug}/page/1/more", data={"what_to_change": "Sundays"})
    resident.post(f"/s/{slug}/page/2", data={})
    # Changed to Yes from the check page: the follow-up and its answer go ...
    r = resident.post(f"/s/{slug}/page/1?change=1", data={"fits_needs": "2", "agree_with_plan": "yes"})
    assert _path(r.location) == f"/s/{slug}/check"
    assert "Sundays" not in _html(resident.get(f"/s/{slug}/check"))
    # ... and back to No, without JavaScript, it is asked again before the check page.
    r = resident.post(f"/s/{slug}/page/1?change=1", data={"fits_needs": "2", "agree_with_plan": "no"})
    assert _path(r.location) == f"/s/{slug}/page/1/more"


def test_a_follow_up_step_that_does_not_apply_goes_to_its_page(resident, plan):
    slug = plan["slug"]
    _first_page(resident, slug)
    assert _path(resident.get(f"/s/{slug}/page/1/more").location) == f"/s/{slug}/page/1"


def test_checkboxes_reveal_under_the_one_option_that_brings_the_follow_up(app, world, team, resident):
    token = world.token("alice@example.org")
    created = resident.post(f"/api/v1/commissions/{team['mine'].id}/surveys", headers=token, json={
        "title": "Say", "step": "initiate", "sections": [{"title": "Your say", "questions": [
            {"id": "how", "type": "multiple_choice", "text": "How did you have your say?",
             "options": ["Survey", "Meeting", "I did not"]},
            {"id": "why_not", "type": "free_text", "text": "What stopped you?",
             "show_if": {"question": "how", "includes": "I did not"}}]}]}).json
    resident.post(f"/api/v1/surveys/{created['id']}/open", headers=token)
    slug = created["links"]["public"].rsplit("/", 1)[1]
    html = _first_page(resident, slug)
    assert html.count('name="why_not.how-1"') == 1
    box = re.search(r'<input[^>]*name="how"[^>]*value="I did not"[^>]*>', html).group(0)
    assert "data-aria-controls" in box
    r = resident.post(f"/s/{slug}/page/1", data={"how": ["Meeting", "I did not"], "in_place": "yes",
                                                 "why_not.how-1": "Too far"})
    assert _path(r.location) == f"/s/{slug}/check"
    assert "Too far" in _html(resident.get(f"/s/{slug}/check"))
