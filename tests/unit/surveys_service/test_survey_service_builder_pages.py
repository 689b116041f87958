"""surveys.builder, the rest of the builder (issue 8 point 10): a question goes on the page the
commissioner chose; pages are created, renamed, moved and removed; questions move one place at a
time (across pages too) and are duplicated; what other questions depend on is named in words
(issue 8 point 11), never by id; nothing changes once the survey is open."""
from __future__ import annotations

import pytest

from commissioning_steps.commissions import Commission
from commissioning_steps.errors import Conflict, Invalid, NotFound
from commissioning_steps.staff import StaffUser
from surveys import builder, lifecycle
from surveys.branching import flatten
from surveys.models import Survey
from surveys.templates import get_template

USES = {"id": "uses", "type": "yes_no_maybe", "text": "Do you go now?"}
WHY = {"id": "why", "type": "free_text", "text": "Why?", "show_if": {"question": "uses", "equals": "yes"}}
RATE = {"id": "rate", "type": "rating", "text": "How good is it?"}


@pytest.fixture
def events(store):
    seen = []
    store.bus.subscribe("*", seen.append)
    yield seen
    store.bus.unsubscribe("*", seen.append)


def _survey(session, team, items):
    owner = session.get(StaffUser, team["alice"].id)
    commission = session.get(Commission, team["mine"].id)
    return lifecycle.create_survey(session, commission, owner, lifecycle.SurveyInput(
        title="Builder", step="initiate", items=items))


def _stored(store, survey_id):
    with store.session() as fresh:
        return fresh.get(Survey, survey_id)


def _layout(store, survey_id):
    """Pages and their question ids, as stored (committed)."""
    definition = _stored(store, survey_id).definition
    if definition and "questions" in definition[0]:
        return [(s["title"], [q["id"] for q in s["questions"]]) for s in definition]
    return [q["id"] for q in definition]


def _plan(session, team):
    """The "Our first plan" template: The plan, then About you."""
    return _survey(session, team, get_template("incubate_plan_check")["sections"])


# -- a new question goes where the commissioner says ------------------------------------------------


def test_a_new_question_goes_on_the_chosen_page_not_on_about_you(store, session, team):
    survey = _plan(session, team)
    builder.add_question(session, survey, {"type": "free_text", "text": "Anything else?"}, section_id="the_plan")
    pages = dict(_layout(store, survey.id))
    assert pages["The plan"][-1] == "q1"
    assert "q1" not in pages["About you"]
    builder.add_question(session, survey, {"type": "free_text", "text": "First of all?"}, section_id="the_plan",
                         position=0)
    assert dict(_layout(store, survey.id))["The plan"][0] == "q2"


def test_a_page_that_does_not_exist_is_named_as_the_pages_field(session, team):
    survey = _plan(session, team)
    with pytest.raises(Invalid) as exc:
        builder.add_question(session, survey, {"type": "free_text", "text": "?"}, section_id="nowhere")
    assert exc.value.fields == {"section": "Choose one of the survey's pages"}


# -- pages ---------------------------------------------------------------------------------------


def test_the_first_page_of_a_survey_without_pages_holds_its_questions_and_later_ones_start_empty(
        store, session, team, events):
    survey = _survey(session, team, [USES, WHY])
    first = builder.add_section(session, survey, "Your visits", "About the day centre.")
    assert first["title"] == "Your visits" and first["description"] == "About the day centre."
    assert _layout(store, survey.id) == [("Your visits", ["uses", "why"])]
    assert events[-1].name == "survey.section_added" and events[-1].sections == 1
    second = builder.add_section(session, survey, "More")
    assert _layout(store, survey.id) == [("Your visits", ["uses", "why"]), ("More", [])]
    assert second["id"] != first["id"]
    builder.add_question(session, survey, dict(RATE), section_id=second["id"])
    assert _layout(store, survey.id)[1] == ("More", ["rate"])


def test_an_empty_page_is_kept_in_a_draft_but_stops_the_survey_opening(session, team):
    survey = _survey(session, team, [USES])
    builder.add_section(session, survey, "One")
    builder.add_section(session, survey, "Waiting for questions")
    commission = session.get(Commission, survey.commission_id)
    message, _ = lifecycle.open_problem(commission, survey)
    assert message == ("The page ‘Waiting for questions’ has no questions: add a question to it or remove it")
    with pytest.raises(Conflict) as exc:
        lifecycle.open_survey(session, survey)
    assert exc.value.message == message


def test_rename_a_page_keeping_its_questions(store, session, team, events):
    survey = _plan(session, team)
    builder.edit_section(session, survey, "the_plan", "Our plan", "Read it first.")
    stored = _stored(store, survey.id).definition[0]
    assert (stored["title"], stored["description"]) == ("Our plan", "Read it first.")
    assert [q["id"] for q in stored["questions"]][:2] == ["fits_needs", "agree_with_plan"]
    assert events[-1].name == "survey.section_changed"
    with pytest.raises(Invalid) as exc:
        builder.edit_section(session, survey, "the_plan", "  ")
    assert exc.value.fields == {"title": "Enter a title for this section"}
    with pytest.raises(NotFound):
        builder.edit_section(session, survey, "gone", "X")


def test_move_pages_up_and_down(store, session, team, events):
    survey = _survey(session, team, [{"id": "a", "title": "A", "questions": [RATE]},
                                     {"id": "b", "title": "B", "questions": [USES]}])
    builder.shift_section(session, survey, "b", builder.UP)
    assert [t for t, _ in _layout(store, survey.id)] == ["B", "A"]
    assert events[-1].name == "survey.section_moved"
    with pytest.raises(Conflict) as exc:
        builder.shift_section(session, survey, "b", builder.UP)
    assert exc.value.message == "‘B’ is already the first page"
    builder.shift_section(session, survey, "b", builder.DOWN)
    assert [t for t, _ in _layout(store, survey.id)] == ["A", "B"]


def test_a_page_moves_only_where_its_conditions_still_look_back(session, team):
    survey = _survey(session, team, [{"id": "a", "title": "A", "questions": [USES]},
                                     {"id": "b", "title": "B", "questions": [WHY]}])
    with pytest.raises(Invalid) as exc:
        builder.shift_section(session, survey, "b", builder.UP)
    assert list(exc.value.fields.values()) == [
        "The question ‘Why?’ is shown only if ‘Do you go now?’ is Yes, so it must come after that question"]


def test_a_page_with_questions_is_not_removed(store, session, team, events):
    survey = _plan(session, team)
    with pytest.raises(Conflict) as exc:
        builder.remove_section(session, survey, "about_you")
    assert exc.value.message == "‘About you’ still has 2 questions: move or remove them first"
    assert [t for t, _ in _layout(store, survey.id)] == ["The plan", "About you"]
    empty = builder.add_section(session, survey, "Spare")
    builder.remove_section(session, survey, empty["id"])
    assert [t for t, _ in _layout(store, survey.id)] == ["The plan", "About you"]
    assert events[-1].name == "survey.section_removed"


def test_page_ids_stay_unique_after_pages_come_and_go(store, session, team):
    survey = _survey(session, team, [{"title": "One", "questions": [USES]}, {"title": "Two", "questions": [RATE]}])
    ids = [s["id"] for s in _stored(store, survey.id).definition]
    builder.remove_question(session, survey, "uses")
    builder.remove_section(session, survey, ids[0])
    added = builder.add_section(session, survey, "Three")
    assert added["id"] not in {s["id"] for s in _stored(store, survey.id).definition if s is not added} - {added["id"]}
    assert len({s["id"] for s in _stored(store, survey.id).definition}) == 2


# -- moving and duplicating questions ------------------------------------------------------------


def test_move_a_question_up_and_down_in_a_survey_without_pages(store, session, team, events):
    survey = _survey(session, team, [USES, RATE, {"id": "last", "type": "free_text", "text": "Last?"}])
    builder.shift_question(session, survey, "last", builder.UP)
    assert _layout(store, survey.id) == ["uses", "last", "rate"]
    assert events[-1].name == "survey.question_moved" and events[-1].question_id == "last"
    builder.shift_question(session, survey, "uses", builder.DOWN)
    assert _layout(store, survey.id) == ["last", "uses", "rate"]
    with pytest.raises(Conflict) as exc:
        builder.shift_question(session, survey, "rate", builder.DOWN)
    assert exc.value.message == "‘How good is it?’ is already the last question"
    with pytest.raises(Invalid):
        builder.shift_question(session, survey, "rate", 2)


def test_moving_past_the_top_or_bottom_of_a_page_goes_on_to_the_next_page(store, session, team):
    survey = _survey(session, team, [{"id": "a", "title": "A", "questions": [USES, RATE]},
                                     {"id": "b", "title": "B", "questions": [{"id": "c", "type": "free_text",
                                                                               "text": "C?"}]}])
    builder.shift_question(session, survey, "rate", builder.DOWN)
    assert _layout(store, survey.id) == [("A", ["uses"]), ("B", ["rate", "c"])]
    builder.shift_question(session, survey, "rate", builder.UP)
    assert _layout(store, survey.id) == [("A", ["uses", "rate"]), ("B", ["c"])]
    with pytest.raises(Conflict):
        builder.shift_question(session, survey, "uses", builder.UP)


def test_a_question_does_not_move_above_what_it_depends_on_and_says_why_in_words(store, session, team):
    survey = _survey(session, team, [USES, WHY])
    with pytest.raises(Invalid) as exc:
        builder.shift_question(session, survey, "why", builder.UP)
    [message] = exc.value.fields.values()
    assert message == "The question ‘Why?’ is shown only if ‘Do you go now?’ is Yes, so it must come after that question"
    assert _layout(store, survey.id) == ["uses", "why"]


def test_move_a_question_to_another_page(store, session, team):
    survey = _plan(session, team)
    builder.move_question(session, survey, "missing", 0, section_id="about_you")
    assert dict(_layout(store, survey.id))["About you"] == ["missing", "respondent_group", "age_band"]
    with pytest.raises(Invalid) as exc:
        builder.move_question(session, survey, "missing", 9, section_id="the_plan")
    assert exc.value.fields == {"position": "Choose a position from 1 to 4"}


def test_duplicate_a_question_after_itself_with_a_new_id(store, session, team, events):
    survey = _survey(session, team, [USES, WHY, RATE])
    copy = builder.duplicate_question(session, survey, "why")
    assert copy["id"] == "why_copy" and copy["text"] == "Why?"
    assert copy["show_if"] == {"question": "uses", "equals": "yes"}
    assert _layout(store, survey.id) == ["uses", "why", "why_copy", "rate"]
    assert events[-1].name == "survey.question_added" and events[-1].question_id == "why_copy"
    assert builder.duplicate_question(session, survey, "why")["id"] == "why_copy3"


# -- what depends on what, in words --------------------------------------------------------------


def test_removing_what_another_question_depends_on_says_which_in_words(store, session, team):
    survey = _survey(session, team, [USES, WHY])
    with pytest.raises(Invalid) as exc:
        builder.remove_question(session, survey, "uses")
    [message] = exc.value.fields.values()
    assert message == "The question ‘Why?’ is shown only if ‘Do you go now?’ is Yes: change or remove that condition first"
    assert '"' not in message and "uses" not in message


def test_an_edit_that_breaks_a_later_condition_names_it_in_words(session, team):
    survey = _survey(session, team, [{"id": "agree_with_plan", "type": "yes_no_maybe", "text": "Do you agree?"},
                                     {"id": "what_to_change", "type": "free_text", "text": "What would you change?",
                                      "show_if": {"question": "agree_with_plan", "in": ["no", "maybe"]}}])
    with pytest.raises(Invalid) as exc:
        builder.edit_question(session, survey, "agree_with_plan", {"type": "rating", "text": "How much?"})
    [message] = exc.value.fields.values()
    assert message == ("The question ‘What would you change?’ is shown only if ‘Do you agree?’ is No or Maybe, "
                       "which would no longer be possible: change or remove that condition first")


def test_the_new_questions_own_condition_is_explained_in_words(session, team):
    survey = _survey(session, team, [USES])
    with pytest.raises(Invalid) as exc:
        builder.add_question(session, survey, {"type": "free_text", "text": "Why?",
                                               "show_if": {"question": "uses", "equals": "sometimes"}})
    assert exc.value.fields == {"show_if.equals": "“sometimes” is not an answer to ‘Do you go now?’: use Yes, No or Maybe"}
    with pytest.raises(Invalid) as exc:
        builder.add_question(session, survey, {"type": "free_text", "text": "Why?",
                                               "show_if": {"question": "uses", "gte": 2}})
    assert exc.value.fields == {"show_if.gte": (
        "“is at least” does not work with ‘Do you go now?’, which is a yes, no or maybe question: "
        "choose “is”, “is not”, “is one of” or “is answered (any answer)”")}


def test_editing_keeps_a_templates_metric_and_the_groups_of_the_options_left(store, session, team):
    survey = _survey(session, team, [
        {"id": "ed_cost", "type": "yes_no_maybe", "text": "Cost?", "metric": "economic_drivers"},
        {"id": "who", "type": "about_you", "category": "respondent_group", "text": "Who?", "why": "To check",
         "options": ["Carer", "Resident", "Other"], "groups": {"Carer": "Carers", "Resident": "Residents"}}])
    builder.edit_question(session, survey, "ed_cost", {"type": "yes_no_maybe", "text": "Lower costs?"})
    builder.edit_question(session, survey, "who", {"type": "about_you", "category": "respondent_group",
                                                   "text": "Who are you?", "why": "To check",
                                                   "options": ["Carer", "Someone else"]})
    cost, who = flatten(_stored(store, survey.id).definition)
    assert cost["metric"] == "economic_drivers" and cost["text"] == "Lower costs?"
    assert who["groups"] == {"Carer": "Carers"}


@pytest.mark.parametrize("change", [
    lambda s, survey: builder.add_section(s, survey, "Late page"),
    lambda s, survey: builder.edit_section(s, survey, "a", "Renamed"),
    lambda s, survey: builder.shift_section(s, survey, "a", builder.DOWN),
    lambda s, survey: builder.remove_section(s, survey, "a"),
    lambda s, survey: builder.shift_question(s, survey, "rate", builder.UP),
    lambda s, survey: builder.duplicate_question(s, survey, "rate"),
    lambda s, survey: builder.move_question(s, survey, "rate", 0, section_id="a"),
])
def test_pages_and_order_are_fixed_once_the_survey_is_open(store, session, team, change):
    survey = _survey(session, team, [{"id": "a", "title": "A", "questions": [USES]},
                                     {"id": "b", "title": "B", "questions": [RATE]}])
    lifecycle.open_survey(session, survey)
    with pytest.raises(Conflict) as exc:
        change(session, survey)
    assert exc.value.message == "Questions and step can only be changed while the survey is a draft"
    assert _stored(store, survey.id).version == 1
