"""surveys.builder: adding, editing, moving and removing one question of a draft survey; each is
checked by the registry and the branching rules, bumps the version, commits on its own, refuses
once the survey is open and publishes one event (ids and counts, never answers)."""
from __future__ import annotations

import pytest

from commissioning_steps.commissions import Commission
from commissioning_steps.errors import Conflict, Invalid, NotFound
from commissioning_steps.staff import StaffUser
from surveys import builder, lifecycle
from surveys.branching import flatten
from surveys.models import Survey

QUESTIONS = [
    {"id": "uses", "type": "yes_no_maybe", "text": "Do you go now?"},
    {"id": "why", "type": "free_text", "text": "Why?", "show_if": {"question": "uses", "equals": "yes"}},
]


@pytest.fixture
def events(store):
    seen = []
    store.bus.subscribe("*", seen.append)
    yield seen
    store.bus.unsubscribe("*", seen.append)


def _survey(session, team, items=QUESTIONS):
    owner = session.get(StaffUser, team["alice"].id)
    commission = session.get(Commission, team["mine"].id)
    return lifecycle.create_survey(session, commission, owner, lifecycle.SurveyInput(
        title="Builder", step="initiate", items=items))


def _stored(store, survey_id):
    with store.session() as fresh:
        return fresh.get(Survey, survey_id)


def test_add_question_commits_a_new_version_and_publishes_its_event(store, session, team, events):
    survey = _survey(session, team)
    added = builder.add_question(session, survey, {"type": "rating", "text": "How good?"})
    assert added == {"id": "q1", "type": "rating", "text": "How good?", "required": False, "min": 1, "max": 5}
    stored = _stored(store, survey.id)  # committed: another session sees it
    assert [q["id"] for q in flatten(stored.definition)] == ["uses", "why", "q1"]
    assert stored.version == 2
    evt = events[-1]
    assert evt.name == "survey.question_added"
    assert evt.payload() == {"survey_id": survey.id, "question_id": "q1", "version": 2, "questions": 3}


def test_add_question_to_a_sectioned_survey_goes_to_the_last_section(store, session, team):
    survey = _survey(session, team, [{"title": "One", "questions": [QUESTIONS[0]]},
                                     {"title": "Two", "questions": [QUESTIONS[1]]}])
    builder.add_question(session, survey, {"id": "more", "type": "free_text", "text": "More?"})
    stored = _stored(store, survey.id)
    assert [q["id"] for q in stored.definition[1]["questions"]] == ["why", "more"]


def test_add_question_names_the_new_questions_own_fields_and_changes_nothing(store, session, team, events):
    survey = _survey(session, team)
    before = len(events)
    with pytest.raises(Invalid) as exc:
        builder.add_question(session, survey, {"type": "single_choice", "text": "", "options": ["Only one"]})
    assert set(exc.value.fields) == {"text", "options"}
    with pytest.raises(Invalid) as exc:
        builder.add_question(session, survey, {"type": "rating", "text": "Rate",
                                               "show_if": {"question": "nowhere", "equals": 1}})
    assert list(exc.value.fields) == ["show_if.question"]
    stored = _stored(store, survey.id)
    assert len(flatten(stored.definition)) == 2 and stored.version == 1
    assert len(events) == before


def test_edit_question_keeps_its_id_and_rechecks_conditions(store, session, team, events):
    survey = _survey(session, team)
    edited = builder.edit_question(session, survey, "uses", {"type": "yes_no_maybe", "text": "Do you go today?",
                                                             "required": True})
    assert edited["id"] == "uses" and edited["required"] is True
    assert _stored(store, survey.id).version == 2
    assert events[-1].name == "survey.question_changed" and events[-1].question_id == "uses"
    # A number cannot be compared with "equals yes": the later condition now points at nonsense.
    with pytest.raises(Invalid) as exc:
        builder.edit_question(session, survey, "uses", {"type": "number", "text": "How many times?"})
    assert any(key.startswith("questions.1.show_if") for key in exc.value.fields)
    assert _stored(store, survey.id).definition[0]["type"] == "yes_no_maybe"
    with pytest.raises(NotFound):
        builder.edit_question(session, survey, "nope", {"type": "rating", "text": "?"})


def test_move_question_refuses_to_put_a_condition_before_what_it_depends_on(store, session, team, events):
    survey = _survey(session, team, [*QUESTIONS, {"id": "last", "type": "rating", "text": "Rate"}])
    builder.move_question(session, survey, "last", 0)
    assert [q["id"] for q in _stored(store, survey.id).definition] == ["last", "uses", "why"]
    assert events[-1].name == "survey.question_moved"
    with pytest.raises(Invalid):
        builder.move_question(session, survey, "why", 0)
    with pytest.raises(Invalid) as exc:
        builder.move_question(session, survey, "why", 7)
    assert exc.value.fields == {"position": "Choose a position from 1 to 3"}
    assert [q["id"] for q in _stored(store, survey.id).definition] == ["last", "uses", "why"]


def test_remove_question_refused_while_another_depends_on_it(store, session, team, events):
    survey = _survey(session, team)
    with pytest.raises(Invalid):
        builder.remove_question(session, survey, "uses")
    builder.remove_question(session, survey, "why")
    builder.remove_question(session, survey, "uses")
    stored = _stored(store, survey.id)
    assert stored.definition == [] and stored.version == 3
    assert [e.name for e in events[-2:]] == ["survey.question_removed"] * 2
    assert events[-1].questions == 0


def test_removing_a_pages_last_question_keeps_the_page_until_it_is_removed(store, session, team):
    survey = _survey(session, team, [{"title": "One", "questions": [QUESTIONS[0]]},
                                     {"title": "Two", "questions": [{"id": "x", "type": "rating", "text": "?"}]}])
    builder.remove_question(session, survey, "x")
    stored = _stored(store, survey.id)
    assert [(s["title"], len(s["questions"])) for s in stored.definition] == [("One", 1), ("Two", 0)]
    builder.remove_section(session, survey, stored.definition[1]["id"])
    assert [s["title"] for s in _stored(store, survey.id).definition] == ["One"]


@pytest.mark.parametrize("change", [
    lambda s, survey: builder.add_question(s, survey, {"type": "rating", "text": "Late?"}),
    lambda s, survey: builder.edit_question(s, survey, "uses", {"type": "yes_no_maybe", "text": "Now?"}),
    lambda s, survey: builder.move_question(s, survey, "why", 0),
    lambda s, survey: builder.remove_question(s, survey, "why"),
])
def test_the_builder_refuses_once_the_survey_is_open(store, session, team, change):
    survey = _survey(session, team)
    lifecycle.open_survey(session, survey)
    with pytest.raises(Conflict) as exc:
        change(session, survey)
    assert exc.value.message == "Questions and step can only be changed while the survey is a draft"
    assert _stored(store, survey.id).version == 1
