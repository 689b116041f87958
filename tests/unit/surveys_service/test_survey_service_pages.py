"""surveys.pages: which pages a resident sees, dropping answers that branching hides, saving one
page at a time (required questions checked on their own page), and moving forwards and back."""
from __future__ import annotations

import pytest

from surveys import pages
from surveys.branching import normalise_survey
from surveys.errors import AnswerError

FLAT = normalise_survey([
    {"id": "uses", "type": "yes_no_maybe", "text": "Do you use the park?", "required": True},
    {"id": "which", "type": "single_choice", "text": "Which park?", "options": ["Rosehill", "Meadow"],
     "required": True, "show_if": {"question": "uses", "equals": "yes"}},
    {"id": "meadow_why", "type": "free_text", "text": "Why the Meadow?",
     "show_if": {"question": "which", "equals": "Meadow"}},
    {"id": "score", "type": "rating", "text": "How good are parks here?"},
])

SECTIONED = normalise_survey([
    {"title": "Start", "questions": [
        {"id": "uses", "type": "yes_no_maybe", "text": "Do you use the park?", "required": True},
        {"id": "travel", "type": "multiple_choice", "text": "How?", "options": ["Bus", "Walk"],
         "show_if": {"question": "uses", "not_equals": "no"}},
    ]},
    {"title": "Your visits", "show_if": {"question": "uses", "equals": "yes"}, "questions": [
        {"id": "visits", "type": "number", "text": "Visits a month?", "required": True},
        {"id": "bus_stop", "type": "yes_no_maybe", "text": "Is the bus stop close?",
         "show_if": {"question": "travel", "includes": "Bus"}},
    ]},
    {"title": "Finally", "questions": [
        {"id": "comments", "type": "free_text", "text": "Anything else?"},
    ]},
])


def _numbers(page_list):
    return [p.number for p in page_list]


# -- visible_pages ------------------------------------------------------------------------------


@pytest.mark.parametrize("answers, expected", [
    ({}, [1, 4]),
    ({"uses": "no"}, [1, 4]),
    ({"uses": "yes"}, [1, 2, 4]),
    ({"uses": "yes", "which": "Rosehill"}, [1, 2, 4]),
    ({"uses": "yes", "which": "Meadow"}, [1, 2, 3, 4]),
    ({"uses": "no", "which": "Meadow"}, [1, 4]),  # hiding cascades
])
def test_visible_pages_one_question_per_page(answers, expected):
    visible = pages.visible_pages(FLAT, answers)
    assert _numbers(visible) == expected
    assert all(len(p.questions) == 1 and p.title is None for p in visible)
    assert [p.questions[0]["id"] for p in visible] == [
        {1: "uses", 2: "which", 3: "meadow_why", 4: "score"}[n] for n in expected]


def test_visible_pages_one_section_per_page_with_only_its_visible_questions():
    assert _numbers(pages.visible_pages(SECTIONED, {})) == [1, 3]
    visible = pages.visible_pages(SECTIONED, {"uses": "yes", "travel": ["Walk"]})
    assert _numbers(visible) == [1, 2, 3]
    assert visible[1].title == "Your visits"
    assert visible[1].ids == {"visits"}  # the bus stop question is hidden
    visible = pages.visible_pages(SECTIONED, {"uses": "yes", "travel": ["Bus", "Walk"]})
    assert visible[1].ids == {"visits", "bus_stop"}
    assert pages.visible_pages(SECTIONED, {"uses": "no"})[0].ids == {"uses"}


def test_all_pages():
    assert _numbers(pages.all_pages(FLAT)) == [1, 2, 3, 4]
    assert [p.title for p in pages.all_pages(SECTIONED)] == ["Start", "Your visits", "Finally"]


# -- prune ----------------------------------------------------------------------------------------


def test_prune_drops_hidden_answers_in_cascade():
    answers = {"uses": "no", "which": "Meadow", "meadow_why": "Ducks", "score": 3}
    assert pages.prune(FLAT, answers) == {"uses": "no", "score": 3}


def test_prune_keeps_visible_answers_and_drops_empty_and_unknown_ones():
    answers = {"uses": "yes", "which": "Meadow", "meadow_why": "Ducks", "score": 3}
    assert pages.prune(FLAT, answers) == answers
    assert pages.prune(FLAT, {"uses": "yes", "which": "", "nope": "x", "score": None}) == {"uses": "yes"}


def test_prune_section_condition():
    answers = {"uses": "maybe", "travel": ["Bus"], "visits": 4, "bus_stop": "yes", "comments": "Hi"}
    assert pages.prune(SECTIONED, answers) == {"uses": "maybe", "travel": ["Bus"], "comments": "Hi"}


# -- save_page --------------------------------------------------------------------------------------


def _page(definition, number):
    return next(p for p in pages.all_pages(definition) if p.number == number)


def test_save_page_requires_only_this_pages_required_questions():
    # "uses" (page 1) is required but unanswered: saving page 4 is still fine
    assert pages.save_page(FLAT, _page(FLAT, 4), {}, {"score": "4"}) == {"score": 4}
    with pytest.raises(AnswerError) as exc:
        pages.save_page(FLAT, _page(FLAT, 1), {"score": 4}, {"uses": ""})
    assert set(exc.value.fields) == {"uses"}


def test_save_page_required_in_a_section_only_when_visible():
    start = _page(SECTIONED, 1)
    saved = pages.save_page(SECTIONED, start, {}, {"uses": "yes", "travel": ["Bus"]})
    assert saved == {"uses": "yes", "travel": ["Bus"]}
    visits_page = pages.visible_pages(SECTIONED, saved)[1]
    with pytest.raises(AnswerError) as exc:
        pages.save_page(SECTIONED, visits_page, saved, {"visits": "", "bus_stop": "no"})
    assert set(exc.value.fields) == {"visits"}
    assert pages.save_page(SECTIONED, visits_page, saved, {"visits": "3", "bus_stop": "no"}) == {
        "uses": "yes", "travel": ["Bus"], "visits": 3, "bus_stop": "no"}


def test_save_page_reports_wrong_answers_of_this_page():
    with pytest.raises(AnswerError) as exc:
        pages.save_page(FLAT, _page(FLAT, 2), {"uses": "yes"}, {"which": "Narnia"})
    assert set(exc.value.fields) == {"which"}


def test_save_page_cleans_replaces_and_prunes():
    so_far = {"uses": "yes", "which": "Meadow", "meadow_why": "Ducks", "score": 2}
    saved = pages.save_page(FLAT, _page(FLAT, 1), so_far, {"uses": "No"})
    assert saved == {"uses": "no", "score": 2}


def test_save_page_ignores_fields_of_other_pages():
    saved = pages.save_page(FLAT, _page(FLAT, 1), {"score": 2}, {"uses": "yes", "score": "5", "extra": "x"})
    assert saved == {"uses": "yes", "score": 2}


def test_clearing_an_optional_answer_removes_it():
    saved = pages.save_page(FLAT, _page(FLAT, 4), {"uses": "no", "score": 2}, {"score": ""})
    assert saved == {"uses": "no"}


# -- next and previous --------------------------------------------------------------------------------


def test_next_page_skips_hidden_pages():
    assert pages.next_page(FLAT, {}, None).number == 1
    assert pages.next_page(FLAT, {"uses": "no"}, 1).number == 4
    assert pages.next_page(FLAT, {"uses": "yes"}, 1).number == 2
    assert pages.next_page(FLAT, {"uses": "yes", "which": "Rosehill"}, 2).number == 4
    assert pages.next_page(FLAT, {"uses": "yes", "which": "Meadow"}, 2).number == 3
    assert pages.next_page(FLAT, {"uses": "yes"}, 4) is None


def test_previous_page_skips_hidden_pages():
    assert pages.previous_page(FLAT, {"uses": "no"}, 4).number == 1
    assert pages.previous_page(FLAT, {"uses": "yes", "which": "Meadow"}, 4).number == 3
    assert pages.previous_page(FLAT, {"uses": "yes", "which": "Rosehill"}, 4).number == 2
    assert pages.previous_page(FLAT, {}, 1) is None


def test_next_page_of_sections():
    assert pages.next_page(SECTIONED, {"uses": "no"}, 1).number == 3
    assert pages.next_page(SECTIONED, {"uses": "yes"}, 1).number == 2
    assert pages.next_page(SECTIONED, {"uses": "yes"}, 3) is None


# -- follow-ups on the same page (issue 8 point 1) -------------------------------------------------

PLAN = normalise_survey([
    {"title": "The plan", "questions": [
        {"id": "agree", "type": "yes_no_maybe", "text": "Do you agree?", "required": True},
        {"id": "change", "type": "free_text", "text": "What would you change?",
         "show_if": {"question": "agree", "in": ["no", "maybe"]}},
        {"id": "why", "type": "free_text", "text": "Why that?", "show_if": {"question": "change", "answered": True}},
        {"id": "missing", "type": "free_text", "text": "Anything missing?"},
    ]},
    {"title": "About you", "questions": [
        {"id": "age", "type": "number", "text": "Age?"},
        {"id": "older", "type": "free_text", "text": "Over 65s?", "show_if": {"question": "age", "gte": 65}},
    ]},
])


def _keys(step_list):
    return [(s.number, s.part) for s in step_list]


def test_a_follow_up_is_drawn_in_place_under_each_option_that_brings_it_and_asked_on_its_own_step():
    first = pages.steps(PLAN, {})[0]
    assert [q["id"] for q in first.questions] == ["agree", "missing"]
    assert [(r.controller, r.value, r.question["id"], r.copy_id) for r in first.reveals] == [
        ("agree", "no", "change", "change.agree-1"), ("agree", "maybe", "change", "change.agree-2")]
    assert first.ids == {"agree", "change", "missing"}
    assert _keys(pages.steps(PLAN, {})) == [(1, "main"), (2, "main")]
    # Once it applies, it is also a step of its own, right after its page.
    after = pages.steps(PLAN, {"agree": "no"})
    assert _keys(after) == [(1, "main"), (1, "more"), (2, "main")]
    assert [q["id"] for q in after[1].questions] == ["change"]
    # A follow-up of a follow-up is drawn in place under nothing (free text has no options) ...
    assert after[1].reveals == ()
    # ... and a follow-up of a number is asked only on its own step.
    assert pages.steps(PLAN, {"age": 70})[-1].part == "more"
    assert pages.steps(PLAN, {})[1].reveals == ()


def test_without_javascript_the_next_step_is_the_follow_up_and_with_it_the_next_page():
    shown_without = pages.steps(PLAN, {})[0].shown(in_place=False)
    assert shown_without == {"agree", "missing"}
    answers = {"agree": "maybe"}
    asked = pages.still_asked(PLAN, answers, shown_without)
    current = pages.steps(PLAN, {})[0]
    assert pages.next_step(PLAN, answers, asked, current).key == (1, 1)
    assert pages.first_due_step(PLAN, answers, asked).key == (1, 1)
    asked_in_place = pages.still_asked(PLAN, answers, current.shown(in_place=True))
    assert pages.next_step(PLAN, answers, asked_in_place, current).key == (2, 0)


def test_nothing_due_is_skipped_and_a_hidden_question_is_forgotten_as_asked():
    answers = {"agree": "no", "change": "Longer hours"}
    asked = pages.still_asked(PLAN, answers, {"agree", "change", "missing", "age"})
    # "why" now applies and was never put to the resident: it is due, before the check page.
    assert pages.first_due_step(PLAN, answers, asked).key == (1, 1)
    assert pages.next_step(PLAN, answers, asked, None, changing=True).key == (1, 1)
    # Hidden by a change, "change" is no longer asked: shown again, it is due again.
    assert pages.still_asked(PLAN, {"agree": "yes"}, asked) == ["age", "agree", "missing"]


def test_save_page_requires_a_follow_up_only_where_it_was_asked():
    definition = normalise_survey([{"title": "Visits", "questions": [
        {"id": "go", "type": "yes_no_maybe", "text": "Go?", "required": True},
        {"id": "often", "type": "number", "text": "How often?", "required": True,
         "show_if": {"question": "go", "equals": "yes"}}]}])
    step = pages.steps(definition, {})[0]
    assert pages.save_page(definition, step, {}, {"go": "yes", "often": ""}, asked=step.shown(False)) == {"go": "yes"}
    with pytest.raises(AnswerError) as exc:
        pages.save_page(definition, step, {}, {"go": "yes", "often": ""}, asked=step.shown(True))
    assert set(exc.value.fields) == {"often"}


def test_save_page_reports_form_problems_with_the_answers_own():
    definition = normalise_survey([{"title": "Park", "questions": [
        {"id": "visits", "type": "number", "text": "Visits?"},
        {"id": "rank", "type": "ranking", "text": "Rank", "options": ["A", "B"]}]}])
    page = pages.all_pages(definition)[0]
    with pytest.raises(AnswerError) as exc:
        pages.save_page(definition, page, {}, {"visits": "lots"}, form_errors={"rank": "Give each option a different position"})
    assert set(exc.value.fields) == {"visits", "rank"}
