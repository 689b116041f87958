"""Security audit, point 5 (surveys): the page forms had no limits (the API had), nor did
starting drafts. The pages now count against the same `limits` budgets as the API, under
the same names, so a form and its API call share one budget per address; over it, a GOV.UK page
says so (429) and nothing is stored. Budgets are made small here so the tests reach them."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from engage import create_app
from surveys.drafts import ResponseDraft
from test_survey_resident_pages import (  # noqa: F401  (survey is a fixture)
    _answer_everything, _count, _form_key, _html, _submission_id, survey,
)

ADDRESS = "198.51.100.23"
ELSEWHERE = "203.0.113.9"


@pytest.fixture
def app(database_url):
    app = create_app({"DATABASE_URL": database_url, "RATE_LIMITS_ENABLED": True, "RATE_LIMITS": {
        "submit": "3/minute", "draft": "4/minute", "answer_page": "40/minute", "receipt": "3/minute"}})
    yield app
    app.extensions["engage.db"].engine.dispose()


def _resident(app, address=ADDRESS):
    http = app.test_client()
    http.environ_base["REMOTE_ADDR"] = address
    return http


def _drafts(app) -> int:
    s = app.extensions["engage.db"].session()
    try:
        return s.scalar(select(func.count()).select_from(ResponseDraft))
    finally:
        s.close()


def _too_many(response) -> None:
    assert response.status_code == 429
    assert "Too many tries from your connection" in _html(response)


def test_the_submit_form_and_the_api_share_one_budget(app, survey):
    api = _resident(app)
    assert api.post(f"/api/v1/surveys/{survey['id']}/responses",
                    json={"answers": {"park": "Meadow", "again": "yes"}}).status_code == 201
    for _ in range(2):
        person = _resident(app)
        check = _answer_everything(person, survey["slug"])
        assert person.post(f"/s/{survey['slug']}/submit",
                           data={"submission_id": _submission_id(_html(check))}).status_code == 302
    assert _count(app) == 3
    # the same address's fourth submission, by form or API, is refused and stores nothing
    person = _resident(app)
    check = _answer_everything(person, survey["slug"])
    _too_many(person.post(f"/s/{survey['slug']}/submit", data={"submission_id": _submission_id(_html(check))}))
    assert api.post(f"/api/v1/surveys/{survey['id']}/responses",
                    json={"answers": {"park": "Meadow", "again": "yes"}}).status_code == 429
    assert _count(app) == 3
    other = _resident(app, ELSEWHERE)
    check = _answer_everything(other, survey["slug"])
    assert other.post(f"/s/{survey['slug']}/submit", data={"submission_id": _submission_id(_html(check))}).status_code == 302


def test_starting_drafts_is_limited(app, survey):
    slug = survey["slug"]
    for _ in range(4):
        assert _resident(app).post(f"/s/{slug}/start").status_code == 302
    assert _drafts(app) == 4
    _too_many(_resident(app).post(f"/s/{slug}/start"))
    assert _drafts(app) == 4
    # continuing one's own draft starts nothing, so is not refused by it
    person = _resident(app, ELSEWHERE)
    assert person.post(f"/s/{slug}/start").status_code == 302
    for _ in range(6):
        assert person.post(f"/s/{slug}/start").status_code == 302
    assert _drafts(app) == 5


def test_saving_pages_is_limited(app, survey):
    slug = survey["slug"]
    person = _resident(app)
    person.post(f"/s/{slug}/start")
    statuses = [person.post(f"/s/{slug}/page/1", data={"park": "Meadow"}).status_code for _ in range(41)]
    assert set(statuses[:40]) == {302} and statuses[40] == 429


def test_the_receipt_form_and_the_api_share_one_budget(app, survey):
    person = _resident(app)
    assert person.get("/api/v1/responses/AAAA-AAAA-AAAA").status_code == 404
    for _ in range(2):
        key = _form_key(_html(person.get("/your-answers")))
        assert person.post("/your-answers", data={"receipt": "AAAA-AAAA-AAAA", "form_key": key}).status_code == 422
    key = _form_key(_html(person.get("/your-answers")))
    refused = person.post("/your-answers", data={"receipt": "AAAA-AAAA-AAAA", "form_key": key})
    assert refused.status_code == 429 and "Too many tries" in _html(refused)
    assert person.delete("/api/v1/responses/AAAA-AAAA-AAAA").status_code == 429
    assert re.search(r"govuk-error-summary", _html(refused))
