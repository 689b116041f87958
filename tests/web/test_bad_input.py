"""Bad input of the kinds an outside audit found giving 500s: each is a 4xx JSON error that names
what is wrong and stores nothing."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from commissioning_steps.commissions import Commission
from surveys import lifecycle
from surveys.models import SurveyResponse

LONE_SURROGATE = '"\\udc00"'  # JSON can spell an unpaired surrogate; UTF-8 cannot encode it


def _count(store, model) -> int:
    with store.session() as reader:  # a read session: a write one would hold SQLite's lock
        return reader.scalar(select(func.count()).select_from(model))


def test_a_lone_surrogate_in_a_commission_title_is_refused_naming_the_field(client, world, team, store):
    before = _count(store, Commission)
    body = '{"title": ' + LONE_SURROGATE + '}'
    response = client.post("/api/v1/commissions", data=body, content_type="application/json",
                           headers=world.token("alice@example.org"))
    assert response.status_code == 422
    assert "title" in response.json["error"]["fields"]
    assert _count(store, Commission) == before


def test_nul_in_a_title_is_refused(client, world, team):
    response = client.post("/api/v1/commissions", json={"title": "Day\x00care"},
                           headers=world.token("alice@example.org"))
    assert response.status_code == 422 and "title" in response.json["error"]["fields"]


@pytest.fixture
def open_survey(session, team):
    from commissioning_steps.staff import StaffUser

    survey = lifecycle.create_survey(session, session.get(Commission, team["mine"].id),
                                     session.get(StaffUser, team["alice"].id), lifecycle.SurveyInput(
                                         title="Open", step="initiate",
                                         items=[{"id": "q1", "type": "free_text", "text": "Anything?"}]))
    lifecycle.open_survey(session, survey)
    return survey


def test_a_lone_surrogate_in_an_answer_is_refused_and_results_stay_readable(client, world, open_survey, store):
    body = '{"answers": {"q1": ' + LONE_SURROGATE + '}}'
    response = client.post(f"/api/v1/surveys/{open_survey.id}/responses", data=body,
                           content_type="application/json")
    assert response.status_code == 422
    assert "answers.q1" in response.json["error"]["fields"]
    assert _count(store, SurveyResponse) == 0
    assert client.get(f"/api/v1/surveys/{open_survey.id}/results",
                      headers=world.token("alice@example.org")).status_code == 200


@pytest.mark.parametrize("depth", [40, 50_000])
def test_json_nested_absurdly_deep_is_a_400_not_a_crash(client, world, open_survey, depth):
    deep = "[" * depth + "]" * depth
    for path, headers in ((f"/api/v1/surveys/{open_survey.id}/responses", {}),
                          ("/api/v1/commissions", world.token("alice@example.org"))):
        body = '{"answers": {"q1": ' + deep + '}}' if "responses" in path else '{"title": ' + deep + '}'
        response = client.post(path, data=body, content_type="application/json", headers=headers)
        assert response.status_code == 400, (path, response.status_code)
        assert response.json["error"]["code"] == "malformed_json"


def test_json_of_ordinary_depth_still_works(client, world, team):
    body = json.dumps({"title": "Nested groups", "population_groups": [{"name": "Carers", "target_share": 20}]})
    response = client.post("/api/v1/commissions", data=body, content_type="application/json",
                           headers=world.token("alice@example.org"))
    assert response.status_code == 201


def test_text_stored_before_the_checks_cannot_break_a_page_or_an_export(client, world, open_survey, store, app):
    """Old data: an unpaired surrogate written straight to the database still renders."""
    from sqlalchemy import text as sql

    with store.session(write=True) as s:
        s.execute(sql("INSERT INTO survey_responses (survey_id, receipt_hash, answers, survey_version, "
                      "submitted_at, updated_at) VALUES (:s, :h, :a, 1, '2026-11-30 10:00:00', '2026-11-30 10:00:00')"),
                  {"s": open_survey.id, "h": "f" * 64, "a": '{"q1": "late \\udc00 bus"}'})
        s.commit()
    world.sign_in(client, "alice@example.org")
    base = f"/commissions/{open_survey.commission_id}/surveys/{open_survey.id}"
    for path in (f"{base}/results", f"{base}/results.csv", f"{base}/results.json",
                 f"/api/v1/surveys/{open_survey.id}/results"):
        response = client.get(path, headers=world.token("alice@example.org") if "/api/" in path else {})
        assert response.status_code == 200, (path, response.status_code)
        assert "late" in response.get_data(as_text=True)


@pytest.mark.parametrize("payload", [{"url": "javascript:alert(1)"}, {"url": " data:text/html,x"},
                                     {"links": [{"source_url": "vbscript:x"}]}, {"href": "file:///etc/passwd"}])
def test_links_in_any_evidence_payload_must_be_web_addresses(client, world, team, payload):
    response = client.post(f"/api/v1/commissions/{team['mine'].id}/evidence", headers=world.token("alice@example.org"),
                           json={"step": "initiate", "kind": "note", "summary": "Met the residents' forum",
                                 "payload": payload})
    assert response.status_code == 422
    assert any(key.startswith("payload.") for key in response.json["error"]["fields"])


def test_a_web_address_in_a_note_is_fine(client, world, team):
    response = client.post(f"/api/v1/commissions/{team['mine'].id}/evidence", headers=world.token("alice@example.org"),
                           json={"step": "initiate", "kind": "note", "summary": "Met the residents' forum",
                                 "payload": {"url": "https://example.org/minutes"}})
    assert response.status_code == 201


# -- point 15: pages show only the payload fields of the entry's kind --------------------------------


def _log_page(client, world, team) -> str:
    world.sign_in(client, "alice@example.org")
    response = client.get(f"/commissions/{team['mine'].id}/evidence")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_payload_field_of_another_kind_is_not_rendered(client, world, team):
    headers = world.token("alice@example.org")
    note = client.post(f"/api/v1/commissions/{team['mine'].id}/evidence", headers=headers,
                       json={"step": "initiate", "kind": "note", "summary": "Met the residents' forum",
                             "payload": {"url": "https://elsewhere.example/login", "attendance": 99999,
                                         "rating": "fully_evidenced"}})
    assert note.status_code == 201
    document = client.post(f"/api/v1/commissions/{team['mine'].id}/evidence", headers=headers,
                           json={"step": "initiate", "kind": "document", "summary": "The minutes",
                                 "payload": {"url": "https://example.org/minutes", "attendance": 77777}})
    assert document.status_code == 201
    html = _log_page(client, world, team)
    assert "https://elsewhere.example/login" not in html and "99999" not in html
    assert 'href="https://example.org/minutes"' in html and "77777" not in html
    assert "Fully evidenced" not in html
    # the stored payload is unchanged: exports keep everything the entry holds
    stored = client.get(f"/api/v1/commissions/{team['mine'].id}/evidence", headers=headers).json
    rows = stored["entries"] if isinstance(stored, dict) else stored
    assert any((row.get("payload") or {}).get("url") == "https://elsewhere.example/login" for row in rows)


def test_a_link_stored_before_the_checks_is_never_a_link(client, world, team, monkeypatch):
    from commissioning_steps import evidence
    monkeypatch.setattr(evidence, "_check_payload", lambda kind, payload: {})  # as stored before the checks
    response = client.post(f"/api/v1/commissions/{team['mine'].id}/evidence", headers=world.token("alice@example.org"),
                           json={"step": "initiate", "kind": "document", "summary": "Old entry",
                                 "payload": {"url": "javascript:alert(1)"}})
    assert response.status_code == 201
    assert "javascript:" not in _log_page(client, world, team)


@pytest.mark.parametrize("body", [
    {"title": "Parks", "step": "initiate", "items": ["Which park do you use?"]},
    {"title": "Parks", "step": "initiate", "sections": [{"title": "One", "questions": ["Which park?"]}]},
    {"title": "Parks", "step": "initiate", "sections": ["One"]},
    {"title": "Parks", "step": "initiate", "sections": ["One", {"title": "Two", "questions": [{"type": "yes_no_maybe", "text": "Yes?"}]}]},
    {"title": "Parks", "step": "initiate", "sections": [{"title": "One", "questions": "Which park?"}]},
])
def test_a_survey_question_sent_as_a_string_is_a_422_that_changes_nothing(client, world, team, store, body):
    """Security audit, point 14: a question sent as a string gave a 500."""
    from surveys.models import Survey
    before = _count(store, Survey)
    response = client.post(f"/api/v1/commissions/{team['mine'].id}/surveys", headers=world.token("alice@example.org"),
                           json=body)
    assert response.status_code == 422, response.status_code
    assert response.is_json and response.json["error"]["fields"]
    assert _count(store, Survey) == before
