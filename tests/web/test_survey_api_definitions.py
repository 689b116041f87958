"""Survey API for staff: create (questions, sections, templates), read, change, open, close,
who may do which, branching rules checked when a survey is saved, and schedule validation."""
from __future__ import annotations

from datetime import timedelta

import pytest

from commissioning_steps.db import utcnow
from surveys.branching import flatten
from surveys.models import Survey
from surveys.templates import TEMPLATES

ALL_TYPES = [
    {"type": "single_choice", "text": "Which park do you use most?", "options": ["Rosehill", "Meadow"],
     "required": True},
    {"type": "multiple_choice", "text": "How do you get there?", "options": ["Bus", "Car", "Walk"], "max": 2},
    {"type": "rating", "text": "How good is it?", "min": 1, "max": 5},
    {"type": "agreement", "text": "The park feels safe."},
    {"type": "yes_no_maybe", "text": "Would you volunteer?"},
    {"type": "number", "text": "How many visits a month?", "min": 0, "max": 60},
    {"type": "free_text", "text": "Anything else?"},
    {"type": "ranking", "text": "Rank these", "options": ["Toilets", "Benches", "Lights"]},
    {"type": "about_you", "text": "Which describes you?", "category": "respondent_group",
     "why": "To check we hear from everyone", "options": ["Carers", "Residents", "Other"]},
]


def _create(client, headers, commission_id, **body):
    body.setdefault("title", "Parks survey")
    body.setdefault("step", "initiate")
    return client.post(f"/api/v1/commissions/{commission_id}/surveys", json=body, headers=headers)


def _fields(response, status=422):
    assert response.status_code == status, response.get_data(as_text=True)[:800]
    assert response.is_json
    return response.get_json()["error"]["fields"]


def _survey_count(app) -> int:
    s = app.extensions["engage.db"].session()
    try:
        return s.query(Survey).count()
    finally:
        s.close()


# -- creating ---------------------------------------------------------------------------------


def test_create_with_every_question_type_lists_questions_with_ids(client, alice, team):
    response = _create(client, alice, team["mine"].id, questions=ALL_TYPES)
    assert response.status_code == 201, response.json
    body = response.json
    assert body["status"] == "draft" and body["version"] == 1 and body["responses"] == 0
    assert body["step"] == "initiate" and body["commission_id"] == team["mine"].id
    assert response.headers["Location"].endswith(f"/api/v1/surveys/{body['id']}")
    assert [q["type"] for q in body["questions"]] == [q["type"] for q in ALL_TYPES]
    ids = [q["id"] for q in body["questions"]]
    assert all(isinstance(i, str) and i for i in ids) and len(set(ids)) == len(ids)
    assert ids == [f"q{i}" for i in range(1, len(ALL_TYPES) + 1)]
    assert body["questions"][0]["required"] is True
    assert body["questions"][1]["max"] == 2
    # about-you questions are optional whatever is sent
    assert body["questions"][-1]["required"] is False
    assert body["sections"] is None
    got = client.get(f"/api/v1/surveys/{body['id']}", headers=alice)
    assert got.status_code == 200 and got.json["questions"] == body["questions"]


def test_given_ids_are_kept_and_others_fill_the_gaps(client, alice, team):
    response = _create(client, alice, team["mine"].id, questions=[
        {"id": "q2", "type": "yes_no_maybe", "text": "First"},
        {"type": "yes_no_maybe", "text": "Second"},
        {"type": "yes_no_maybe", "text": "Third"},
    ])
    assert response.status_code == 201
    assert [q["id"] for q in response.json["questions"]] == ["q2", "q1", "q3"]


def test_create_with_sections(client, alice, team):
    response = _create(client, alice, team["mine"].id, sections=[
        {"title": "Your visit", "questions": [ALL_TYPES[0], ALL_TYPES[1]]},
        {"title": "About you", "questions": [ALL_TYPES[-1]]},
    ])
    assert response.status_code == 201, response.json
    body = response.json
    assert [s["title"] for s in body["sections"]] == ["Your visit", "About you"]
    assert [s["id"] for s in body["sections"]] == ["s1", "s2"]
    assert [len(s["questions"]) for s in body["sections"]] == [2, 1]
    assert [q["id"] for q in body["questions"]] == ["q1", "q2", "q3"]


@pytest.mark.parametrize("key", sorted(TEMPLATES))
def test_create_from_each_template(client, alice, team, key):
    response = client.post(f"/api/v1/commissions/{team['mine'].id}/surveys", json={"template": key}, headers=alice)
    assert response.status_code == 201, response.json
    body = response.json
    template = TEMPLATES[key]
    assert body["template"] == key
    assert body["title"] == template["title"]
    assert body["step"] == template["step"]
    assert [q["id"] for q in body["questions"]] == [q["id"] for q in flatten(template["sections"])]
    assert [q["text"] for q in body["questions"]] == [q["text"] for q in flatten(template["sections"])]


def test_template_title_and_step_can_be_overridden(client, alice, team):
    response = client.post(f"/api/v1/commissions/{team['mine'].id}/surveys", headers=alice,
                           json={"template": "negotiate_influence", "title": "Our own title", "step": "initiate"})
    assert response.status_code == 201
    assert response.json["title"] == "Our own title" and response.json["step"] == "initiate"


def test_collaborative_appetite_questions_carry_their_metrics(client, alice, team):
    response = client.post(f"/api/v1/commissions/{team['mine'].id}/surveys", headers=alice,
                           json={"template": "collaborative_appetite"})
    assert response.status_code == 201
    by_metric: dict[str, list[str]] = {}
    for q in response.json["questions"]:
        if q.get("metric"):
            assert q["type"] == "yes_no_maybe"
            by_metric.setdefault(q["metric"], []).append(q["id"])
    assert {k: len(v) for k, v in by_metric.items()} == {
        "economic_drivers": 3, "strategic_intent": 4, "imperative_to_improve": 4, "openness": 1}


@pytest.mark.parametrize("body, field", [
    ({"title": "", "step": "initiate"}, "title"),
    ({"title": "x" * 201, "step": "initiate"}, "title"),
    ({"title": "No step"}, "step"),
    ({"title": "Bad step", "step": "dream"}, "step"),
    ({"template": "no_such_template"}, "template"),
    ({"title": "T", "step": "initiate", "questions": [{"type": "telepathy", "text": "?"}]}, "questions.0.type"),
    ({"title": "T", "step": "initiate", "questions": [{"type": "single_choice", "text": "One option",
                                                       "options": ["Only"]}]}, "questions.0.options"),
    ({"title": "T", "step": "initiate", "questions": [{"type": "rating", "text": "?", "min": 3, "max": 2}]},
     "questions.0.max"),
    ({"title": "T", "step": "initiate", "questions": [{"type": "yes_no_maybe", "text": ""}]}, "questions.0.text"),
    ({"title": "T", "step": "initiate", "questions": [{"type": "about_you", "text": "Area?",
                                                       "category": "area"}]}, "questions.0.why"),
    ({"title": "T", "step": "initiate", "questions": "not a list"}, "questions"),
])
def test_bad_definitions_are_refused_naming_the_field(client, alice, team, app, body, field):
    before = _survey_count(app)
    response = client.post(f"/api/v1/commissions/{team['mine'].id}/surveys", json=body, headers=alice)
    fields = _fields(response)
    assert field in fields, fields
    assert _survey_count(app) == before


# -- branching is checked when the survey is saved -----------------------------------------------


YNM = {"type": "yes_no_maybe", "text": "Do you use the park?"}
CHOICE = {"type": "single_choice", "text": "Which park?", "options": ["Rosehill", "Meadow"]}


@pytest.mark.parametrize("questions, field, words", [
    # refers to a later question
    ([{**YNM, "show_if": {"question": "q2", "equals": "yes"}}, {**YNM, "text": "Later"}],
     "questions.0.show_if.question", "before"),
    # refers to a missing question
    ([YNM, {**YNM, "text": "Second", "show_if": {"question": "q9", "equals": "yes"}}],
     "questions.1.show_if.question", "no question"),
    # refers to itself
    ([YNM, {**YNM, "id": "me", "text": "Self", "show_if": {"question": "me", "equals": "yes"}}],
     "questions.1.show_if.question", "own answer"),
    # an operator that does not suit the type
    ([CHOICE, {**YNM, "show_if": {"question": "q1", "gte": 3}}], "questions.1.show_if.gte", "cannot be used"),
    ([{"type": "multiple_choice", "text": "Travel?", "options": ["Bus", "Car"]},
      {**YNM, "show_if": {"question": "q1", "equals": "Bus"}}], "questions.1.show_if.equals", "cannot be used"),
    # equals an option that does not exist
    ([CHOICE, {**YNM, "show_if": {"question": "q1", "equals": "Narnia"}}], "questions.1.show_if.equals",
     "not a possible answer"),
    ([{"type": "multiple_choice", "text": "Travel?", "options": ["Bus", "Car"]},
      {**YNM, "show_if": {"question": "q1", "includes": "Tram"}}], "questions.1.show_if.includes", "not one of"),
    # an unknown operator
    ([CHOICE, {**YNM, "show_if": {"question": "q1", "resembles": "Meadow"}}], "questions.1.show_if", "not a condition"),
])
def test_branching_rules_checked_on_save(client, alice, team, app, questions, field, words):
    response = _create(client, alice, team["mine"].id, questions=questions)
    fields = _fields(response)
    assert field in fields, fields
    assert words in fields[field].lower()
    assert _survey_count(app) == 0


def test_branching_rules_checked_in_sections_too(client, alice, team):
    response = _create(client, alice, team["mine"].id, sections=[
        {"title": "One", "show_if": {"question": "q2", "equals": "yes"}, "questions": [YNM]},
        {"title": "Two", "questions": [{**YNM, "text": "Two"}]},
    ])
    fields = _fields(response)
    assert "sections.0.show_if.question" in fields


def test_valid_branching_is_stored_in_clean_form(client, alice, team):
    response = _create(client, alice, team["mine"].id, questions=[
        YNM, {**CHOICE, "show_if": {"question": "q1", "equals": "Yes"}},
        {**YNM, "text": "Third", "show_if": {"question": "q2", "in": ["Meadow"]}},
    ])
    assert response.status_code == 201, response.json
    assert response.json["questions"][1]["show_if"] == {"question": "q1", "equals": "yes"}
    assert response.json["questions"][2]["show_if"] == {"question": "q2", "in": ["Meadow"]}


# -- changing ---------------------------------------------------------------------------------


def test_patch_in_draft_changes_questions_and_bumps_version(client, alice, team):
    sid = _create(client, alice, team["mine"].id, questions=[YNM]).json["id"]
    response = client.patch(f"/api/v1/surveys/{sid}", headers=alice,
                            json={"title": "Renamed", "questions": [YNM, CHOICE]})
    assert response.status_code == 200, response.json
    assert response.json["title"] == "Renamed"
    assert response.json["version"] == 2
    assert len(response.json["questions"]) == 2
    # the same questions again is no change: the version stays
    same = client.patch(f"/api/v1/surveys/{sid}", headers=alice, json={"questions": response.json["questions"]})
    assert same.json["version"] == 2


def test_patch_with_bad_branching_is_refused_and_nothing_changes(client, alice, team):
    sid = _create(client, alice, team["mine"].id, questions=[YNM]).json["id"]
    response = client.patch(f"/api/v1/surveys/{sid}", headers=alice, json={"questions": [
        {**YNM, "show_if": {"question": "q1", "equals": "yes"}}]})
    assert "questions.0.show_if.question" in _fields(response)
    got = client.get(f"/api/v1/surveys/{sid}", headers=alice).json
    assert got["version"] == 1 and "show_if" not in got["questions"][0]


def test_patch_questions_of_an_open_survey_is_a_conflict(client, alice, team):
    sid = _create(client, alice, team["mine"].id, questions=[YNM]).json["id"]
    assert client.post(f"/api/v1/surveys/{sid}/open", headers=alice).status_code == 200
    response = client.patch(f"/api/v1/surveys/{sid}", headers=alice, json={"questions": [YNM, CHOICE]})
    assert response.status_code == 409
    assert response.json["error"]["code"] == "conflict"
    assert client.patch(f"/api/v1/surveys/{sid}", headers=alice, json={"step": "investigate"}).status_code == 409
    # the title may still change while open
    renamed = client.patch(f"/api/v1/surveys/{sid}", headers=alice, json={"title": "Still open"})
    assert renamed.status_code == 200 and renamed.json["title"] == "Still open"
    got = client.get(f"/api/v1/surveys/{sid}", headers=alice).json
    assert len(got["questions"]) == 1 and got["version"] == 1 and got["step"] == "initiate"


def test_closed_survey_cannot_be_changed(client, alice, team):
    sid = _create(client, alice, team["mine"].id, questions=[YNM]).json["id"]
    client.post(f"/api/v1/surveys/{sid}/open", headers=alice)
    client.post(f"/api/v1/surveys/{sid}/close", headers=alice)
    assert client.patch(f"/api/v1/surveys/{sid}", headers=alice, json={"title": "Too late"}).status_code == 409


# -- opening and closing ------------------------------------------------------------------------


def test_open_and_close(client, alice, team):
    sid = _create(client, alice, team["mine"].id, questions=[YNM]).json["id"]
    opened = client.post(f"/api/v1/surveys/{sid}/open", headers=alice)
    assert opened.status_code == 200 and opened.json["status"] == "open" and opened.json["opened_at"]
    assert client.post(f"/api/v1/surveys/{sid}/open", headers=alice).status_code == 409
    closed = client.post(f"/api/v1/surveys/{sid}/close", headers=alice)
    assert closed.status_code == 200 and closed.json["status"] == "closed" and closed.json["closed_at"]
    assert closed.json["evidence_entry"]["seq"] == 1
    assert client.post(f"/api/v1/surveys/{sid}/close", headers=alice).status_code == 409
    assert client.post(f"/api/v1/surveys/{sid}/open", headers=alice).status_code == 409


def test_closing_a_draft_is_a_conflict(client, alice, team):
    sid = _create(client, alice, team["mine"].id, questions=[YNM]).json["id"]
    assert client.post(f"/api/v1/surveys/{sid}/close", headers=alice).status_code == 409


def test_opening_before_the_step_has_started_is_a_conflict(client, alice, team):
    sid = _create(client, alice, team["mine"].id, step="investigate", questions=[YNM]).json["id"]
    response = client.post(f"/api/v1/surveys/{sid}/open", headers=alice)
    assert response.status_code == 409
    assert response.json["error"]["code"] == "conflict"
    assert "step" in response.json["error"]["fields"]
    assert client.get(f"/api/v1/surveys/{sid}", headers=alice).json["status"] == "draft"


def test_opening_without_questions_is_a_conflict(client, alice, team):
    sid = _create(client, alice, team["mine"].id).json["id"]
    assert client.post(f"/api/v1/surveys/{sid}/open", headers=alice).status_code == 409


def test_unknown_survey_is_404(client, alice, team):
    for response in (client.get("/api/v1/surveys/9999", headers=alice),
                     client.patch("/api/v1/surveys/9999", json={"title": "x"}, headers=alice),
                     client.post("/api/v1/surveys/9999/open", headers=alice),
                     client.get("/api/v1/surveys/9999/results", headers=alice)):
        assert response.status_code == 404 and response.is_json


# -- access -------------------------------------------------------------------------------------


@pytest.fixture
def survey_id(client, alice, team):
    return _create(client, alice, team["mine"].id, questions=[YNM]).json["id"]


def test_commissioner_of_another_commission_gets_404(client, world, team, survey_id, alice):
    bob = world.token("bob@example.org")
    for response in (
        client.get(f"/api/v1/surveys/{survey_id}", headers=bob),
        client.patch(f"/api/v1/surveys/{survey_id}", json={"title": "Mine now"}, headers=bob),
        client.post(f"/api/v1/surveys/{survey_id}/open", headers=bob),
        client.post(f"/api/v1/surveys/{survey_id}/close", headers=bob),
        client.get(f"/api/v1/surveys/{survey_id}/results", headers=bob),
        client.get(f"/api/v1/surveys/{survey_id}/results?format=csv", headers=bob),
        client.get(f"/api/v1/commissions/{team['mine'].id}/surveys", headers=bob),
        client.post(f"/api/v1/commissions/{team['mine'].id}/surveys", json={"title": "x", "step": "initiate"},
                    headers=bob),
    ):
        assert response.status_code == 404, response.request.path
        assert response.is_json
    got = client.get(f"/api/v1/surveys/{survey_id}", headers=alice).json
    assert got["title"] == "Parks survey" and got["status"] == "draft"


def test_evaluator_reads_but_cannot_change(client, world, team, survey_id, alice, app):
    eve = world.token("eve@example.org")
    assert client.get(f"/api/v1/surveys/{survey_id}", headers=eve).status_code == 200
    assert client.get(f"/api/v1/commissions/{team['mine'].id}/surveys", headers=eve).status_code == 200
    assert client.get(f"/api/v1/surveys/{survey_id}/results", headers=eve).status_code == 200
    assert client.get(f"/api/v1/surveys/{survey_id}/results?format=csv", headers=eve).status_code == 200
    before = _survey_count(app)
    for response in (
        client.post(f"/api/v1/commissions/{team['mine'].id}/surveys", json={"title": "x", "step": "initiate"},
                    headers=eve),
        client.patch(f"/api/v1/surveys/{survey_id}", json={"title": "Eve's"}, headers=eve),
        client.post(f"/api/v1/surveys/{survey_id}/open", headers=eve),
    ):
        assert response.status_code == 403, response.request.path
        assert response.json["error"]["code"] == "forbidden"
    assert _survey_count(app) == before
    assert client.get(f"/api/v1/surveys/{survey_id}", headers=alice).json["status"] == "draft"
    client.post(f"/api/v1/surveys/{survey_id}/open", headers=alice)
    assert client.post(f"/api/v1/surveys/{survey_id}/close", headers=eve).status_code == 403
    assert client.get(f"/api/v1/surveys/{survey_id}", headers=alice).json["status"] == "open"


def test_staff_calls_need_a_token(client, team, survey_id):
    assert client.get(f"/api/v1/surveys/{survey_id}").status_code == 401
    assert client.post(f"/api/v1/surveys/{survey_id}/open").status_code == 401
    assert client.get(f"/api/v1/surveys/{survey_id}/results").status_code == 401


# -- schedules ----------------------------------------------------------------------------------


def _iso(moment):
    return moment.isoformat() + "Z"


def test_schedule_is_stored(client, alice, team):
    opens, closes = utcnow() + timedelta(days=1), utcnow() + timedelta(days=8)
    response = _create(client, alice, team["mine"].id, questions=[YNM], opens_at=_iso(opens), closes_at=_iso(closes))
    assert response.status_code == 201, response.json
    assert response.json["opens_at"] == _iso(opens) and response.json["closes_at"] == _iso(closes)


def test_schedule_with_a_time_zone_is_stored_as_utc(client, alice, team):
    response = _create(client, alice, team["mine"].id, questions=[YNM],
                       opens_at="2099-06-01T10:00:00+01:00", closes_at="2099-06-02T10:00:00+01:00")
    assert response.status_code == 201, response.json
    assert response.json["opens_at"] == "2099-06-01T09:00:00Z"
    assert response.json["closes_at"] == "2099-06-02T09:00:00Z"


def test_closing_before_opening_is_refused(client, alice, team, app):
    opens = utcnow() + timedelta(days=3)
    response = _create(client, alice, team["mine"].id, questions=[YNM], opens_at=_iso(opens),
                       closes_at=_iso(opens - timedelta(days=1)))
    assert "closes_at" in _fields(response)
    assert _survey_count(app) == 0


def test_closing_in_the_past_is_refused(client, alice, team, app):
    response = _create(client, alice, team["mine"].id, questions=[YNM],
                       closes_at=_iso(utcnow() - timedelta(minutes=5)))
    assert "closes_at" in _fields(response)
    assert _survey_count(app) == 0


def test_patch_schedule_is_validated(client, alice, team, survey_id):
    past = client.patch(f"/api/v1/surveys/{survey_id}", headers=alice,
                        json={"closes_at": _iso(utcnow() - timedelta(hours=1))})
    assert "closes_at" in _fields(past)
    opens = utcnow() + timedelta(days=2)
    backwards = client.patch(f"/api/v1/surveys/{survey_id}", headers=alice,
                             json={"opens_at": _iso(opens), "closes_at": _iso(opens - timedelta(hours=1))})
    assert "closes_at" in _fields(backwards)
    assert client.get(f"/api/v1/surveys/{survey_id}", headers=alice).json["opens_at"] is None
    assert "opens_at" in _fields(client.patch(f"/api/v1/surveys/{survey_id}", headers=alice,
                                              json={"opens_at": "next tuesday"}))


def test_patch_nulls_clear_the_schedule(client, alice, team, survey_id):
    opens, closes = utcnow() + timedelta(days=1), utcnow() + timedelta(days=2)
    client.patch(f"/api/v1/surveys/{survey_id}", headers=alice, json={"opens_at": _iso(opens), "closes_at": _iso(closes)})
    cleared = client.patch(f"/api/v1/surveys/{survey_id}", headers=alice, json={"opens_at": None, "closes_at": None})
    assert cleared.status_code == 200
    assert cleared.json["opens_at"] is None and cleared.json["closes_at"] is None


def test_patch_null_opens_at_cancels_the_scheduled_opening(client, alice, team, survey_id):
    """Sending ``"opens_at": null`` (keeping the closing time) must cancel the automatic opening;
    answering 200 while keeping the old time would open the survey when the commissioner
    believes it will not."""
    opens, closes = utcnow() + timedelta(days=1), utcnow() + timedelta(days=2)
    client.patch(f"/api/v1/surveys/{survey_id}", headers=alice, json={"opens_at": _iso(opens), "closes_at": _iso(closes)})
    response = client.patch(f"/api/v1/surveys/{survey_id}", headers=alice, json={"opens_at": None})
    assert response.status_code == 200
    assert response.json["opens_at"] is None
    assert response.json["closes_at"] == _iso(closes)
