"""surveys.wording: conditions and answers as a commissioner reads them (issue 8 point 11):
questions by their text, stored values as the form shows them, operators in words."""
from __future__ import annotations

import pytest

from surveys import wording
from surveys.branching import normalise_survey

QUESTIONS = wording.by_id(normalise_survey([
    {"id": "agree_with_plan", "type": "yes_no_maybe", "text": "Do you agree with the plan?"},
    {"id": "score", "type": "rating", "text": "How good?", "min": 1, "max": 5, "max_label": "Very good"},
    {"id": "likes", "type": "multiple_choice", "text": "What do you like?", "options": ["Art", "Music"]},
    {"id": "age", "type": "number", "text": "How old are you?"},
]))


@pytest.mark.parametrize("condition, words", [
    ({"question": "agree_with_plan", "in": ["no", "maybe"]}, "‘Do you agree with the plan?’ is No or Maybe"),
    ({"question": "agree_with_plan", "equals": "yes"}, "‘Do you agree with the plan?’ is Yes"),
    ({"question": "agree_with_plan", "not_equals": "no"}, "‘Do you agree with the plan?’ is not No"),
    ({"question": "score", "gte": 5}, "‘How good?’ is at least 5 (Very good)"),
    ({"question": "age", "lte": 17}, "‘How old are you?’ is at most 17"),
    ({"question": "likes", "includes": "Art"}, "‘What do you like?’ includes Art"),
    ({"question": "likes", "answered": True}, "‘What do you like?’ is answered"),
    ({"question": "likes", "answered": False}, "‘What do you like?’ is not answered"),
    ({"question": "gone", "equals": "x"}, "an earlier question is x"),
])
def test_conditions_in_words(condition, words):
    assert wording.condition_words(condition, QUESTIONS) == words
    assert "agree_with_plan" not in words and "[" not in words


def test_shown_if_words_only_for_conditional_items():
    assert wording.shown_if_words({"show_if": {"question": "agree_with_plan", "in": ["no", "maybe"]}}, QUESTIONS) == (
        "shown only if ‘Do you agree with the plan?’ is No or Maybe")
    assert wording.shown_if_words({"text": "Always"}, QUESTIONS) is None


def test_either_joins_like_a_sentence():
    assert wording.either([]) == "" and wording.either(["A"]) == "A"
    assert wording.either(["A", "B"]) == "A or B" and wording.either(["A", "B", "C"], "and") == "A, B and C"


def test_problems_name_the_answers_that_would_work():
    assert wording.value_problem("sometimes", QUESTIONS["agree_with_plan"]) == (
        "“sometimes” is not an answer to ‘Do you agree with the plan?’: use Yes, No or Maybe")
    assert wording.value_problem(["yes", "often"], QUESTIONS["agree_with_plan"], "in").startswith("“often”")
    assert wording.value_problem("Drama", QUESTIONS["likes"], "includes") == (
        "“Drama” is not an answer to ‘What do you like?’: use Art or Music")
    assert wording.value_problem("lots", QUESTIONS["age"]) == "“lots” is not a possible answer to ‘How old are you?’"
    assert wording.operator_problem("equals", QUESTIONS["likes"]) == (
        "“is” does not work with ‘What do you like?’, which is a multiple choice question that allows several answers: "
        "choose “includes” or “is answered (any answer)”")
