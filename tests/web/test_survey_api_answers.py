"""Residents' answers on the API: value formats, every kind of bad input (and that nothing is
stored then), idempotency, receipts, and the rate limit on the public calls."""
from __future__ import annotations

import json

import pytest

from commissioning_steps.commissions import Commission
from commissioning_steps.staff import StaffUser
from engage import create_app, rate_limits
from surveys import lifecycle
from surveys.models import SurveyResponse

QUESTIONS = [
    {"id": "park", "type": "single_choice", "text": "Which park?", "options": ["Rosehill", "Meadow"],
     "required": True},
    {"id": "travel", "type": "multiple_choice", "text": "How do you get there?",
     "options": ["Bus", "Car", "Walk", "Bike"], "max": 2},
    {"id": "score", "type": "rating", "text": "How good is it?", "min": 1, "max": 5},
    {"id": "safe", "type": "agreement", "text": "The park feels safe."},
    {"id": "again", "type": "yes_no_maybe", "text": "Would you go again?"},
    {"id": "why_not", "type": "free_text", "text": "Why not?", "max_length": 40,
     "show_if": {"question": "again", "equals": "no"}},
    {"id": "visits", "type": "number", "text": "Visits a month?", "min": 0, "max": 60},
    {"id": "comments", "type": "free_text", "text": "Anything else?", "max_length": 100},
    {"id": "rank", "type": "ranking", "text": "Rank these", "options": ["Toilets", "Benches", "Lights"]},
    {"id": "who", "type": "about_you", "text": "Which describes you?", "category": "respondent_group",
     "why": "To check we hear from everyone", "options": ["Carers", "Residents", "Other"]},
]
FULL = {
    "park": "Meadow", "travel": ["Walk", "Bus"], "score": 4, "safe": "Agree", "again": "no",
    "why_not": "Too far", "visits": 2.5, "comments": "Lovely", "rank": ["Lights", "Toilets", "Benches"],
    "who": "Carers",
}


@pytest.fixture
def survey(client, alice, team):
    response = client.post(f"/api/v1/commissions/{team['mine'].id}/surveys", headers=alice,
                           json={"title": "Parks", "step": "initiate", "questions": QUESTIONS})
    assert response.status_code == 201, response.json
    sid = response.json["id"]
    assert client.post(f"/api/v1/surveys/{sid}/open", headers=alice).status_code == 200
    return sid


def _count(app) -> int:
    s = app.extensions["engage.db"].session()
    try:
        return s.query(SurveyResponse).count()
    finally:
        s.close()


def _submit(client, sid, answers, **headers):
    return client.post(f"/api/v1/surveys/{sid}/responses", json={"answers": answers}, headers=headers)


# -- value formats ------------------------------------------------------------------------------


def test_every_value_format_is_stored_and_returned(client, survey, app):
    response = _submit(client, survey, FULL)
    assert response.status_code == 201, response.json
    body = response.json
    assert set(body) == {"receipt", "survey_id", "survey_version"}
    assert body["survey_id"] == survey and body["survey_version"] == 1
    got = client.get(f"/api/v1/responses/{body['receipt']}")
    assert got.status_code == 200
    stored = got.json["answers"]
    # multiple choice is stored in the options' order; everything else exactly as sent
    assert stored == {**FULL, "travel": ["Bus", "Walk"]}
    assert got.json["can_change"] is True and got.json["survey_status"] == "open"
    assert _count(app) == 1


def test_answers_are_tidied_to_their_stored_form(client, survey):
    response = _submit(client, survey, {"park": " Rosehill ", "score": "5", "safe": "strongly AGREE",
                                        "again": "Maybe", "visits": "12", "travel": "Car"})
    assert response.status_code == 201, response.json
    stored = client.get(f"/api/v1/responses/{response.json['receipt']}").json["answers"]
    assert stored == {"park": "Rosehill", "score": 5, "safe": "Strongly agree", "again": "maybe",
                      "visits": 12, "travel": ["Car"]}


def test_blank_answers_count_as_not_answered(client, survey):
    response = _submit(client, survey, {"park": "Rosehill", "comments": "   ", "travel": [], "score": None})
    assert response.status_code == 201, response.json
    assert client.get(f"/api/v1/responses/{response.json['receipt']}").json["answers"] == {"park": "Rosehill"}


BAD_ANSWERS = {
    "unknown question ids": [
        ({"park": "Rosehill", "nonsense": "x"}, "nonsense"),
        ({"park": "Rosehill", "q1": "Rosehill"}, "q1"),
    ],
    "wrong types": [
        ({"park": "Rosehill", "score": "five"}, "score"),
        ({"park": "Rosehill", "score": 3.5}, "score"),
        ({"park": "Rosehill", "visits": "lots"}, "visits"),
        ({"park": "Rosehill", "travel": 7}, "travel"),
        ({"park": "Rosehill", "rank": "Toilets"}, "rank"),
        ({"park": "Rosehill", "comments": 42}, "comments"),
        ({"park": "Rosehill", "again": True}, "again"),
        ({"park": ["Rosehill"]}, "park"),
    ],
    "values out of range or not offered": [
        ({"park": "Rosehill", "score": 6}, "score"),
        ({"park": "Rosehill", "score": 0}, "score"),
        ({"park": "Rosehill", "visits": 61}, "visits"),
        ({"park": "Rosehill", "visits": -1}, "visits"),
        ({"park": "Narnia"}, "park"),
        ({"park": "Rosehill", "safe": "Quite agree"}, "safe"),
        ({"park": "Rosehill", "again": "perhaps"}, "again"),
        ({"park": "Rosehill", "who": "Astronauts"}, "who"),
        ({"park": "Rosehill", "travel": ["Tram"]}, "travel"),
    ],
    "too many or repeated choices": [
        ({"park": "Rosehill", "travel": ["Bus", "Car", "Walk"]}, "travel"),
        ({"park": "Rosehill", "travel": ["Bus", "Bus"]}, "travel"),
        ({"park": "Rosehill", "rank": ["Toilets", "Benches"]}, "rank"),
        ({"park": "Rosehill", "rank": ["Toilets", "Toilets", "Lights"]}, "rank"),
    ],
    "text over the limit": [
        ({"park": "Rosehill", "comments": "x" * 101}, "comments"),
        ({"park": "Rosehill", "again": "no", "why_not": "y" * 41}, "why_not"),
    ],
    "answers to questions hidden by branching": [
        ({"park": "Rosehill", "again": "yes", "why_not": "Hidden"}, "why_not"),
        ({"park": "Rosehill", "why_not": "Never asked"}, "why_not"),
    ],
    "missing required answers": [
        ({"score": 3}, "park"),
        ({"park": "   "}, "park"),
        ({}, "park"),
    ],
}


@pytest.mark.parametrize("kind", list(BAD_ANSWERS))
def test_bad_answers_are_refused_naming_the_field(client, survey, app, kind):
    problems = []
    for answers, qid in BAD_ANSWERS[kind]:
        response = _submit(client, survey, answers)
        if response.status_code != 422:
            problems.append((answers, response.status_code))
            continue
        error = response.json["error"]
        if error["code"] != "invalid" or not error["fields"].get(f"answers.{qid}"):
            problems.append((answers, error))
    assert problems == []
    assert _count(app) == 0


def test_every_problem_is_reported_at_once(client, survey, app):
    response = _submit(client, survey, {"score": 9, "travel": ["Tram"], "extra": 1})
    fields = response.json["error"]["fields"]
    assert {"answers.park", "answers.score", "answers.travel", "answers.extra"} <= set(fields)
    assert _count(app) == 0


@pytest.mark.parametrize("body", [{}, {"answers": "all good"}, {"answers": ["Rosehill"]}, {"answers": None},
                                  {"answers": {"park": "Rosehill"}, "name": "Pat"}])
def test_body_without_an_answers_object_is_refused(client, survey, app, body):
    response = client.post(f"/api/v1/surveys/{survey}/responses", json=body)
    assert response.status_code == 422, response.json
    assert response.json["error"]["fields"]
    assert _count(app) == 0


def test_malformed_json_is_400(client, survey, app):
    response = client.post(f"/api/v1/surveys/{survey}/responses", data='{"answers": {"park": ',
                           content_type="application/json")
    assert response.status_code == 400
    assert response.json["error"]["code"] == "malformed_json"
    assert _count(app) == 0


def test_body_over_the_size_limit_is_413_json(client, survey, app):
    assert app.config["MAX_CONTENT_LENGTH"] == 256 * 1024
    body = json.dumps({"answers": {"park": "Rosehill", "comments": "x" * (257 * 1024)}})
    response = client.post(f"/api/v1/surveys/{survey}/responses", data=body, content_type="application/json")
    assert response.status_code == 413
    assert response.is_json
    assert set(response.json["error"]) == {"code", "message", "fields"}
    assert _count(app) == 0


def test_unknown_survey_is_404(client, survey, app):
    response = _submit(client, 9999, {"park": "Rosehill"})
    assert response.status_code == 404 and response.is_json
    assert _count(app) == 0


def test_draft_and_closed_surveys_take_no_answers(client, alice, team, survey, app):
    draft = client.post(f"/api/v1/commissions/{team['mine'].id}/surveys", headers=alice,
                        json={"title": "Later", "step": "initiate", "questions": QUESTIONS}).json["id"]
    response = _submit(client, draft, {"park": "Rosehill"})
    assert response.status_code == 409 and response.json["error"]["code"] == "conflict"
    client.post(f"/api/v1/surveys/{survey}/close", headers=alice)
    response = _submit(client, survey, {"park": "Rosehill"})
    assert response.status_code == 409 and response.json["error"]["code"] == "conflict"
    assert _count(app) == 0


def test_html_is_stored_exactly_as_given(client, survey):
    text = '<script>alert("hi")</script> & <b>bold</b>'
    response = _submit(client, survey, {"park": "Rosehill", "comments": text})
    assert response.status_code == 201
    assert client.get(f"/api/v1/responses/{response.json['receipt']}").json["answers"]["comments"] == text


# -- idempotency ----------------------------------------------------------------------------------


def test_same_idempotency_key_stores_one_response_with_one_receipt(client, survey, app):
    first = _submit(client, survey, {"park": "Rosehill"}, **{"Idempotency-Key": "tablet-1-attempt-1"})
    second = _submit(client, survey, {"park": "Rosehill"}, **{"Idempotency-Key": "tablet-1-attempt-1"})
    assert first.status_code == 201 and second.status_code == 200
    assert first.json["receipt"] == second.json["receipt"]
    assert _count(app) == 1


def test_a_used_key_with_a_different_body_is_refused_and_reveals_nothing(client, survey, app):
    """Security audit, point 1: a reused key used to hand back the first resident's receipt, so a
    second client could read and delete the first resident's answers."""
    first = _submit(client, survey, {"park": "Rosehill"}, **{"Idempotency-Key": "k1"})
    reuse = _submit(client, survey, {"park": "Meadow"}, **{"Idempotency-Key": "k1"})
    assert reuse.status_code == 422
    assert first.json["receipt"] not in reuse.get_data(as_text=True)
    assert "receipt" not in reuse.json
    assert reuse.json["error"]["fields"] == {"Idempotency-Key": reuse.json["error"]["fields"]["Idempotency-Key"]}
    assert client.get(f"/api/v1/responses/{first.json['receipt']}").json["answers"] == {"park": "Rosehill"}
    assert _count(app) == 1


def test_different_keys_store_different_responses(client, survey, app):
    a = _submit(client, survey, {"park": "Rosehill"}, **{"Idempotency-Key": "key-a"})
    b = _submit(client, survey, {"park": "Rosehill"}, **{"Idempotency-Key": "key-b"})
    assert a.status_code == b.status_code == 201
    assert a.json["receipt"] != b.json["receipt"]
    assert _count(app) == 2


def test_no_key_means_separate_responses_from_one_device(client, survey, app):
    receipts = set()
    for _ in range(4):  # a family tablet: several residents, the same answers, one address
        response = _submit(client, survey, {"park": "Rosehill"})
        assert response.status_code == 201
        receipts.add(response.json["receipt"])
    assert len(receipts) == 4
    assert _count(app) == 4


def test_a_bad_submission_does_not_use_up_the_key(client, survey, app):
    bad = _submit(client, survey, {"park": "Narnia"}, **{"Idempotency-Key": "k2"})
    assert bad.status_code == 422
    good = _submit(client, survey, {"park": "Meadow"}, **{"Idempotency-Key": "k2"})
    assert good.status_code == 201
    assert _count(app) == 1


def test_overlong_idempotency_key_is_refused(client, survey, app):
    response = _submit(client, survey, {"park": "Rosehill"}, **{"Idempotency-Key": "k" * 201})
    assert response.status_code == 422
    assert "Idempotency-Key" in response.json["error"]["fields"]
    assert _count(app) == 0


# -- receipts -------------------------------------------------------------------------------------


def test_receipt_is_found_however_it_is_typed(client, survey):
    receipt = _submit(client, survey, {"park": "Meadow"}).json["receipt"]
    assert len(receipt) == 14 and receipt.count("-") == 2
    for typed in (receipt, receipt.lower(), receipt.replace("-", " "), receipt.replace("-", "").lower(),
                  " " + receipt.replace("-", " ").lower() + " "):
        response = client.get(f"/api/v1/responses/{typed}")
        assert response.status_code == 200, typed
        assert response.json["answers"] == {"park": "Meadow"}


@pytest.mark.parametrize("receipt", ["AAAA-AAAA-AAAA", "nonsense", "ABCD-EFGH"])
def test_unknown_receipt_is_404_json(client, survey, receipt):
    _submit(client, survey, {"park": "Meadow"})
    for response in (client.get(f"/api/v1/responses/{receipt}"),
                     client.put(f"/api/v1/responses/{receipt}", json={"answers": {"park": "Meadow"}}),
                     client.delete(f"/api/v1/responses/{receipt}")):
        assert response.status_code == 404
        assert response.is_json and response.json["error"]["code"] == "not_found"


def test_change_by_receipt_while_open(client, survey, app, alice):
    receipt = _submit(client, survey, {"park": "Meadow", "score": 2}).json["receipt"]
    response = client.put(f"/api/v1/responses/{receipt.lower()}", json={"answers": {"park": "Rosehill"}})
    assert response.status_code == 200, response.json
    assert response.json["answers"] == {"park": "Rosehill"}
    assert client.get(f"/api/v1/responses/{receipt}").json["answers"] == {"park": "Rosehill"}
    results = client.get(f"/api/v1/surveys/{survey}/results", headers=alice).json
    park = next(q for q in results["questions"] if q["id"] == "park")
    assert park["counts"] == {"Rosehill": 1, "Meadow": 0}
    assert _count(app) == 1


def test_a_change_is_checked_like_a_submission(client, survey):
    receipt = _submit(client, survey, {"park": "Meadow"}).json["receipt"]
    response = client.put(f"/api/v1/responses/{receipt}", json={"answers": {"park": "Meadow", "score": 11}})
    assert response.status_code == 422
    assert "answers.score" in response.json["error"]["fields"]
    assert client.get(f"/api/v1/responses/{receipt}").json["answers"] == {"park": "Meadow"}


def test_after_closing_answers_cannot_change_but_can_be_deleted(client, survey, app, alice):
    keep = _submit(client, survey, {"park": "Meadow"}).json["receipt"]
    gone = _submit(client, survey, {"park": "Rosehill"}).json["receipt"]
    client.post(f"/api/v1/surveys/{survey}/close", headers=alice)
    response = client.put(f"/api/v1/responses/{gone}", json={"answers": {"park": "Meadow"}})
    assert response.status_code == 409
    assert client.get(f"/api/v1/responses/{gone}").json["answers"] == {"park": "Rosehill"}
    assert client.get(f"/api/v1/responses/{gone}").json["can_change"] is False
    assert client.get(f"/api/v1/surveys/{survey}/results", headers=alice).json["responses"] == 2
    deleted = client.delete(f"/api/v1/responses/{gone}")
    assert deleted.status_code == 204 and deleted.get_data() == b""
    assert client.get(f"/api/v1/responses/{gone}").status_code == 404
    assert client.delete(f"/api/v1/responses/{gone}").status_code == 404
    results = client.get(f"/api/v1/surveys/{survey}/results", headers=alice).json
    assert results["responses"] == 1
    assert next(q for q in results["questions"] if q["id"] == "park")["counts"] == {"Rosehill": 0, "Meadow": 1}
    assert client.get(f"/api/v1/responses/{keep}").status_code == 200
    assert _count(app) == 1


def test_delete_while_open(client, survey, app):
    receipt = _submit(client, survey, {"park": "Meadow"}).json["receipt"]
    assert client.delete(f"/api/v1/responses/{receipt.lower()}").status_code == 204
    assert _count(app) == 0


def test_public_survey_description(client, survey, alice):
    slug = client.get(f"/api/v1/surveys/{survey}", headers=alice).json["links"]["public"].rsplit("/", 1)[1]
    response = client.get(f"/api/v1/public/surveys/{slug}")
    assert response.status_code == 200
    assert [q["id"] for q in response.json["questions"]] == [q["id"] for q in QUESTIONS]
    client.post(f"/api/v1/surveys/{survey}/close", headers=alice)
    assert client.get(f"/api/v1/public/surveys/{slug}").status_code == 409


# -- rate limit -----------------------------------------------------------------------------------


@pytest.fixture
def limited_app(database_url):
    # as in production, with the submit budget made small so the test reaches it quickly
    app = create_app({"DATABASE_URL": database_url, "RATE_LIMITS_ENABLED": True, "RATE_LIMITS": {"submit": "30/minute"}})
    yield app
    app.extensions["engage.db"].engine.dispose()


ADDRESS = "198.51.100.23"  # documentation range


def test_rate_limit_answers_429_json_when_enabled(limited_app, team):
    s = limited_app.extensions["engage.db"].session(write=True)
    try:
        owner = s.get(StaffUser, team["alice"].id)
        commission = s.get(Commission, team["mine"].id)
        survey = lifecycle.create_survey(s, commission, owner, lifecycle.SurveyInput(
            title="Limited", step="initiate", items=[{"type": "yes_no_maybe", "text": "Yes?"}]))
        lifecycle.open_survey(s, survey)
        s.commit()
        sid = survey.id
    finally:
        s.close()
    client = limited_app.test_client()
    statuses = []
    for _ in range(60):
        response = client.post(f"/api/v1/surveys/{sid}/responses", json={"answers": {"q1": "yes"}},
                               environ_base={"REMOTE_ADDR": ADDRESS})
        statuses.append(response.status_code)
        if response.status_code == 429:
            break
    assert statuses[0] == 201
    assert statuses[-1] == 429, statuses
    assert response.is_json
    assert response.json["error"]["code"] == "rate_limited"
    assert response.json["error"]["message"]
    # another address is not affected
    other = client.post(f"/api/v1/surveys/{sid}/responses", json={"answers": {"q1": "no"}},
                        environ_base={"REMOTE_ADDR": "198.51.100.99"})
    assert other.status_code == 201


def test_two_apps_never_share_a_rate_limit_budget(database_url):
    """Budgets hang on the app, not on the process: a second app starts with a full one."""
    first, second = (create_app({"DATABASE_URL": database_url, "RATE_LIMITS_ENABLED": True}) for _ in range(2))
    try:
        with first.test_request_context(environ_base={"REMOTE_ADDR": ADDRESS}):
            while rate_limits.allowed("submit", 6):
                pass
            assert not rate_limits.allowed("submit", 6)
        with second.test_request_context(environ_base={"REMOTE_ADDR": ADDRESS}):
            assert rate_limits.allowed("submit", 6)
    finally:
        for app in (first, second):
            app.extensions["engage.db"].engine.dispose()


def test_the_limits_are_sized_for_a_hall_on_one_wi_fi(database_url):
    """Security audit, point 5: 20 residents at a drop-in session on one address could not all
    submit (10 at once, 30 a minute). Hundreds now can, and a script still meets a limit."""
    app = create_app({"DATABASE_URL": database_url, "RATE_LIMITS_ENABLED": True})
    try:
        with app.test_request_context(environ_base={"REMOTE_ADDR": ADDRESS}):
            admitted = 0
            while rate_limits.allowed("submit") and admitted < 5000:
                admitted += 1
        assert 200 <= admitted < 5000
        assert rate_limits.LIMITS["receipt"] == "300/minute"
    finally:
        app.extensions["engage.db"].engine.dispose()


def test_rate_limits_share_redis_when_the_deployment_has_it(database_url):
    from engage.rate_limits import storage_url as _storage

    app = create_app({"DATABASE_URL": database_url, "SOCKETIO_MESSAGE_QUEUE": None})
    try:
        assert _storage(app) == "engage-memory://"  # limits' memory storage, tidied once a second
        app.config.update(SOCKETIO_MESSAGE_QUEUE="redis://127.0.0.1:6379/0")
        assert _storage(app) == "redis://127.0.0.1:6379/0"
        app.config.update(RATELIMIT_STORAGE_URL="redis://127.0.0.1:6379/3")
        assert _storage(app) == "redis://127.0.0.1:6379/3"
    finally:
        app.extensions["engage.db"].engine.dispose()
