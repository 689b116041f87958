"""The public journey: the API resource and the page, no sign-in needed."""
from __future__ import annotations

import html

from commissioning_steps import journey


def test_journey_api_without_sign_in(client):
    response = client.get("/api/v1/journey")
    assert response.status_code == 200
    assert response.is_json
    data = response.json
    assert data["version"] == journey.JOURNEY_VERSION
    assert [s["name"] for s in data["stages"]] == ["Analyse", "Plan", "Do", "Review"]
    flat = [step for stage in data["stages"] for step in stage["steps"]]
    assert [s["key"] for s in flat] == ["initiate", "investigate", "collaborate", "incubate",
                                        "negotiate", "activate", "consolidate", "evaluate"]
    for item, step in zip(flat, journey.STEPS):
        assert item["name"] == step.name
        assert item["principle"] == step.principle
        assert item["practice_question"] == step.practice_question
        assert item["tools"] == list(step.tools)
    assert flat[2]["tools"] == ["T&V1.03", "T&V1.03", "T&V3.08", "CLA5.01"]
    assert flat[6]["tools"] == ["CLA4.01", "CLA4.02", "CAL4.03"]


def test_journey_page_shows_every_question_and_principle(client):
    response = client.get("/journey")
    assert response.status_code == 200
    text = html.unescape(response.get_data(as_text=True))
    for step in journey.STEPS:
        assert step.practice_question in text, step.key
        assert step.principle in text, step.key
        assert step.name in text
    for stage in journey.STAGE_NAMES:
        assert stage in text


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}
