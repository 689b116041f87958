"""The collaborative appetite template end to end: created from the template, answered by
partners, and totalled per metric like the paper tool (``surveys.templates.appetite_totals``)."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from surveys.models import Survey, SurveyResponse
from surveys.templates import APPETITE_METRICS, TEMPLATES, appetite_totals

ED = ["ed_cost", "ed_scale", "ed_risk"]
SI = ["si_development", "si_consolidation", "si_cessation", "si_diversification"]
II = ["ii_performance", "ii_agility", "ii_resilience", "ii_barriers"]

ANSWERS = [
    {"ed_cost": "yes", "ed_scale": "yes", "ed_risk": "no", "si_development": "maybe", "si_consolidation": "yes",
     "ii_performance": "yes", "ii_agility": "yes", "ii_resilience": "yes", "ii_barriers": "no", "openness": "yes",
     "benefits": "Shared back office"},
    {"ed_cost": "no", "ed_scale": "maybe", "si_development": "no", "si_consolidation": "no", "si_cessation": "no",
     "si_diversification": "maybe", "ii_performance": "maybe", "openness": "no"},
    {"ed_cost": "yes", "ed_risk": "yes", "si_cessation": "yes", "ii_barriers": "maybe", "barriers": "Trust"},
]
EXPECTED = {
    "economic_drivers": {"yes": 4, "no": 2, "maybe": 1},
    "strategic_intent": {"yes": 2, "no": 3, "maybe": 2},
    "imperative_to_improve": {"yes": 3, "no": 1, "maybe": 2},
    "openness": {"yes": 1, "no": 1, "maybe": 0},
}


@pytest.fixture
def appetite(client, alice, team):
    response = client.post(f"/api/v1/commissions/{team['mine'].id}/surveys", headers=alice,
                           json={"template": "collaborative_appetite"})
    assert response.status_code == 201, response.json
    sid = response.json["id"]
    assert response.json["step"] == "initiate"  # the active step of a new commission: it can open
    assert client.post(f"/api/v1/surveys/{sid}/open", headers=alice).status_code == 200
    return {"id": sid, "slug": response.json["links"]["public"].rsplit("/", 1)[1], "json": response.json}


def test_yes_no_maybe_questions_with_the_three_metrics(appetite):
    questions = appetite["json"]["questions"]
    metric_of = {q["id"]: q.get("metric") for q in questions if q["type"] == "yes_no_maybe"}
    assert {qid for qid, m in metric_of.items() if m == "economic_drivers"} == set(ED)
    assert {qid for qid, m in metric_of.items() if m == "strategic_intent"} == set(SI)
    assert {qid for qid, m in metric_of.items() if m == "imperative_to_improve"} == set(II)
    assert [s["title"] for s in appetite["json"]["sections"]][:3] == [
        "Economic drivers", "Strategic intent", "Imperative to improve"]


def test_appetite_totals_over_submitted_responses(app, client, alice, appetite):
    for answers in ANSWERS:
        assert client.post(f"/api/v1/surveys/{appetite['id']}/responses", json={"answers": answers}).status_code == 201
    s = app.extensions["engage.db"].session()
    try:
        survey = s.get(Survey, appetite["id"])
        stored = [r.answers for r in s.scalars(select(SurveyResponse).where(SurveyResponse.survey_id == survey.id))]
        totals = appetite_totals(stored, survey.definition)
    finally:
        s.close()
    assert list(totals) == list(APPETITE_METRICS)
    assert totals == EXPECTED
    # the per-question results add up to the same totals
    results = {q["id"]: q["counts"] for q in
               client.get(f"/api/v1/surveys/{appetite['id']}/results", headers=alice).json["questions"]}
    for metric, ids in (("economic_drivers", ED), ("strategic_intent", SI), ("imperative_to_improve", II)):
        for answer in ("yes", "no", "maybe"):
            assert sum(results[qid][answer] for qid in ids) == EXPECTED[metric][answer], (metric, answer)
    # and the exported answers give the same totals as the stored rows
    export = client.get(f"/api/v1/surveys/{appetite['id']}/results?format=export", headers=alice).json
    assert appetite_totals([a["answers"] for a in export["answers"]], TEMPLATES["collaborative_appetite"]["sections"]) \
        == EXPECTED


def test_appetite_totals_with_no_responses_are_zero(appetite):
    assert appetite_totals([], TEMPLATES["collaborative_appetite"]["sections"]) == {
        m: {"yes": 0, "no": 0, "maybe": 0} for m in APPETITE_METRICS}


def test_appetite_survey_answered_on_the_pages(app, appetite):
    """One section per page: the three metrics, then openness and the free-text questions."""
    resident = app.test_client()
    slug = appetite["slug"]
    resident.post(f"/s/{slug}/start")
    pages = [
        {q: ANSWERS[0].get(q, "") for q in ED},
        {q: ANSWERS[0].get(q, "") for q in SI},
        {q: ANSWERS[0].get(q, "") for q in II},
        {"openness": "yes", "benefits": "Shared back office", "barriers": "", "journey": ""},
    ]
    for number, data in enumerate(pages, start=1):
        response = resident.post(f"/s/{slug}/page/{number}", data=data)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
    check = resident.get(f"/s/{slug}/check").get_data(as_text=True)
    assert "Is there a focus on cost reduction and/or greater efficiency?" in check
    submission_id = re.search(r'name="submission_id" value="([^"]+)"', check).group(1)
    assert resident.post(f"/s/{slug}/submit", data={"submission_id": submission_id}).status_code == 302
    s = app.extensions["engage.db"].session()
    try:
        [row] = list(s.scalars(select(SurveyResponse)))
        totals = appetite_totals([row.answers], s.get(Survey, appetite["id"]).definition)
    finally:
        s.close()
    assert totals["economic_drivers"] == {"yes": 2, "no": 1, "maybe": 0}
    assert totals["strategic_intent"] == {"yes": 1, "no": 0, "maybe": 1}
    assert totals["imperative_to_improve"] == {"yes": 3, "no": 1, "maybe": 0}
    assert totals["openness"] == {"yes": 1, "no": 0, "maybe": 0}
