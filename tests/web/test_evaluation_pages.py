"""The evaluation's pages: the workspace (read by commissioners, rated and challenged by
evaluators), answering on the page, sign-off, open challenges on the commission page, "after
sign-off" marks, the benefits page and the owner's reminders on the dashboard."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from commissioning_steps import benefits, journey, staff


def _status(response, code):
    assert response.status_code == code, (response.status_code, response.get_data(as_text=True)[:800])
    return response


@pytest.fixture
def done(client, world, team):
    alice = world.token("alice@example.org")
    cid = team["mine"].id
    for step in journey.STEPS:
        client.post(f"/api/v1/commissions/{cid}/evidence", headers=alice,
                    json={"step": step.key, "kind": "workshop", "summary": f"{step.name} workshop",
                          "payload": {"attendance": 10}})
        _status(client.post(f"/api/v1/commissions/{cid}/steps/{step.key}/complete", json={}, headers=alice), 200)
    return cid


def test_the_workspace_shows_every_step_word_for_word(client, world, done):
    world.sign_in(client, "eve@example.org")
    page = _status(client.get(f"/commissions/{done}/evaluation/workspace"), 200).get_data(as_text=True)
    for step in journey.STEPS:
        assert f'id="step-{step.key}"' in page
        assert step.practice_question.replace("'", "&#39;") in page
        assert step.principle.replace("'", "&#39;") in page
        assert f"/commissions/{done}/evaluation/steps/{step.key}/rating" in page
    for stage in journey.STAGE_NAMES:
        assert f">{stage}</h2>" in page
    assert "Residents who took part" in page and "Survey responses, live-poll participants" in page
    assert "Draft, not signed off" in page
    # each step's rating field has its own id, so eight forms can share a page
    ids = re.findall(r'id="(rate-[a-z]+-rating)"', page)
    assert len(ids) == len(set(ids)) == 8


def test_commissioners_read_the_workspace_but_cannot_rate_or_sign_off(client, world, done):
    world.sign_in(client, "alice@example.org")
    page = _status(client.get(f"/commissions/{done}/evaluation/workspace"), 200).get_data(as_text=True)
    assert "/evaluation/steps/initiate/rating" not in page and "Sign off the evaluation" not in page
    _status(client.post(f"/commissions/{done}/evaluation/steps/initiate/rating",
                        data={"rate-initiate-rating": "fully_evidenced"}), 403)
    _status(client.post(f"/commissions/{done}/evaluation/sign-off"), 403)
    _status(client.post(f"/commissions/{done}/evaluation/steps/initiate/challenges",
                        data={"challenge-initiate-text": "Why?"}), 403)


def test_outsiders_and_strangers(client, world, done):
    world.sign_in(client, "bob@example.org")
    for url in ("/evaluation/workspace", "/evaluation", "/evaluation.json", "/evaluation.csv", "/benefits"):
        _status(client.get(f"/commissions/{done}{url}"), 404)
    anonymous = client.application.test_client()
    response = anonymous.get(f"/commissions/{done}/evaluation/workspace")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    assert anonymous.get(f"/commissions/{done}/evaluation").status_code == 302
    _status(anonymous.get(f"/commissions/{done}/evaluation.json", headers={"Authorization": "Bearer nonsense"}), 401)


def test_rating_on_the_page_shows_every_error_then_records(client, world, done):
    world.sign_in(client, "eve@example.org")
    response = _status(client.post(f"/commissions/{done}/evaluation/steps/investigate/rating",
                                   data={"rate-investigate-rating": "partly_evidenced"}), 422)
    page = response.get_data(as_text=True)
    assert "govuk-error-summary" in page and "#rate-investigate-commentary" in page
    assert "say what is missing" in page
    response = client.post(f"/commissions/{done}/evaluation/steps/investigate/rating",
                           data={"rate-investigate-rating": "partly_evidenced",
                                 "rate-investigate-commentary": "The analysis rests on one workshop"})
    assert response.status_code == 302 and response.headers["Location"].endswith("#step-investigate")
    page = client.get(f"/commissions/{done}/evaluation/workspace").get_data(as_text=True)
    assert "Partly evidenced" in page and "The analysis rests on one workshop" in page


def test_challenge_answer_and_sign_off_on_the_pages(client, world, done):
    evaluator = client
    world.sign_in(evaluator, "eve@example.org")
    for step in journey.STEPS:
        _status(evaluator.post(f"/commissions/{done}/evaluation/steps/{step.key}/rating",
                               data={f"rate-{step.key}-rating": "fully_evidenced"}), 302)
    _status(evaluator.post(f"/commissions/{done}/evaluation/steps/activate/challenges",
                           data={"challenge-activate-text": ""}), 422)
    _status(evaluator.post(f"/commissions/{done}/evaluation/steps/activate/challenges",
                           data={"challenge-activate-entry": "", "challenge-activate-text": "Which facet is residents'?"}),
            302)
    page = evaluator.get(f"/commissions/{done}/evaluation/workspace").get_data(as_text=True)
    assert "Sign off the evaluation" not in page and "1 challenge is still open" in page
    _status(evaluator.post(f"/commissions/{done}/evaluation/sign-off"), 409)

    commissioner = client.application.test_client()
    world.sign_in(commissioner, "alice@example.org")
    commission_page = commissioner.get(f"/commissions/{done}").get_data(as_text=True)
    assert 'id="open-challenges"' in commission_page and "Which facet is residents&#39;?" in commission_page
    [challenge_id] = re.findall(r'/evaluation/challenges/(\d+)/answers', commissioner.get(
        f"/commissions/{done}/evaluation/workspace").get_data(as_text=True))
    _status(commissioner.post(f"/commissions/{done}/evaluation/challenges/{challenge_id}/answers",
                              data={f"answer-{challenge_id}-text": ""}), 422)
    _status(commissioner.post(f"/commissions/{done}/evaluation/challenges/{challenge_id}/answers",
                              data={f"answer-{challenge_id}-text": "The door-to-door transport facet"}), 302)
    _status(evaluator.post(f"/commissions/{done}/evaluation/challenges/{challenge_id}/answers",
                           data={f"answer-{challenge_id}-text": "Me"}), 403)
    assert 'id="open-challenges"' not in commissioner.get(f"/commissions/{done}").get_data(as_text=True)

    response = _status(evaluator.post(f"/commissions/{done}/evaluation/sign-off"), 302)
    assert response.headers["Location"].endswith(f"/commissions/{done}/evaluation")
    report = evaluator.get(f"/commissions/{done}/evaluation").get_data(as_text=True)
    assert "Evaluation report, version 1" in report and "Draft, not signed off" not in report

    # Evidence after the sign-off is marked on every page that lists it.
    alice = world.token("alice@example.org")
    client.post(f"/api/v1/commissions/{done}/evidence", headers=alice,
                json={"step": "evaluate", "kind": "note", "summary": "A late note"})
    for url in (f"/commissions/{done}/evidence", f"/commissions/{done}/steps/evaluate",
                f"/commissions/{done}/evaluation/workspace"):
        page = commissioner.get(url).get_data(as_text=True)
        assert page.count("After sign-off</strong>") == 1, url
    assert "1 entry has been added to the log since the latest sign-off" in evaluator.get(
        f"/commissions/{done}/evaluation").get_data(as_text=True)


def test_the_workspace_filters_evidence_by_kind_and_source(client, world, done):
    world.sign_in(client, "eve@example.org")
    page = client.get(f"/commissions/{done}/evaluation/workspace?kind=workshop").get_data(as_text=True)
    assert page.count("Workshop record</h5>") == 8 and "Initiate workshop" in page
    page = client.get(f"/commissions/{done}/evaluation/workspace?source=automatic").get_data(as_text=True)
    assert "Workshop record</h5>" not in page and "matching the filter" in page
    page = client.get(f"/commissions/{done}/evaluation/workspace?kind=bogus").get_data(as_text=True)
    assert page.count("Workshop record</h5>") == 8  # an unknown kind filters nothing


def test_the_benefits_page_and_the_owners_reminders(client, world, done, team, store):
    today = date.today()
    alice = world.token("alice@example.org")
    made = _status(client.post(f"/api/v1/commissions/{done}/benefits", headers=alice, json={
        "title": "Carers' time back", "description": "Less time arranging transport", "stakeholders": ["Carers"],
        "measure": "Hours a week", "unit": "hours", "method": "Diaries", "owner_role": "Head of day services",
        "owner_id": team["alice"].id, "baseline_value": 6, "baseline_date": "2026-01-01", "target_value": 2,
        "target_date": "2027-06-01", "outputs": ["Transport contract"], "outcome": "Reliable pick-ups",
        "objectives": ["Carers stay in work"],
        "measurement_dates": [(today - timedelta(days=3)).isoformat()]}), 201).json
    client.post(f"/api/v1/commissions/{done}/benefits/{made['id']}/measurements", headers=alice,
                json={"measured_on": (today - timedelta(days=60)).isoformat(), "value": 4, "source": "Diaries, May"})
    world.sign_in(client, "eve@example.org")
    page = _status(client.get(f"/commissions/{done}/benefits"), 200).get_data(as_text=True)
    assert 'role="img"' in page and "Benefits map" in page and 'id="benefits-map-list"' in page
    assert "Transport contract leads to Reliable pick-ups" in page
    assert "<svg" in page and "actual values against baseline and target" in page
    assert "Diaries, May" in page  # the chart's table
    with store.session(write=True) as s:
        assert benefits.issue_reminders(s) == 1
    owner = client.application.test_client()
    world.sign_in(owner, "alice@example.org")
    dashboard = owner.get("/commissions").get_data(as_text=True)
    assert 'id="benefit-reminders"' in dashboard and "Carers&#39; time back" in dashboard and "Overdue" in dashboard
    assert 'id="benefit-reminders"' not in client.get("/commissions").get_data(as_text=True)  # the evaluator


def test_the_reminder_job_issues_reminders_once(app, client, world, done, team):
    """The scheduled job (``engage.jobs``) runs the realisation plan's reminders, idempotently."""
    from engage import jobs

    alice = world.token("alice@example.org")
    _status(client.post(f"/api/v1/commissions/{done}/benefits", headers=alice, json={
        "title": "Fewer missed days", "description": "d", "stakeholders": ["Residents"], "measure": "Days a month",
        "method": "Attendance records", "owner_role": "Day services manager", "owner_id": team["alice"].id,
        "review_dates": [date.today().isoformat()]}), 201)
    jobs._app = app
    try:
        assert jobs.issue_benefit_reminders() == 1
        assert jobs.issue_benefit_reminders() == 0
    finally:
        jobs._app = None
