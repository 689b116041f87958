"""Conditional questions: rule validation, visibility and whole-submission checks."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from surveys.branching import (
    clean_submission,
    flatten,
    normalise_survey,
    submission_rules,
    validate_rules,
    visible_questions,
)
from surveys.errors import AnswerError, DefinitionError

SURVEY = [
    {"id": "use", "type": "yes_no_maybe", "text": "Do you use the day centre?", "required": True},
    {
        "id": "why_not",
        "type": "free_text",
        "text": "Why not?",
        "required": True,
        "show_if": {"question": "use", "in": ["No", "maybe"]},
    },
    {
        "id": "activities",
        "type": "multiple_choice",
        "text": "What do you do there?",
        "options": ["Art", "Cooking", "Sport"],
        "max": 2,
        "show_if": {"question": "use", "equals": "yes"},
    },
    {
        "id": "cooking_rating",
        "type": "rating",
        "text": "How good is cooking?",
        "required": True,
        "show_if": {"question": "activities", "includes": "Cooking"},
    },
    {
        "id": "cooking_why",
        "type": "free_text",
        "text": "What would make it better?",
        "show_if": {"question": "cooking_rating", "lte": 2},
    },
    {"id": "hours", "type": "number", "text": "Hours a week?", "min": 0, "max": 80},
    {
        "id": "long_days",
        "type": "yes_no_maybe",
        "text": "Are the days too long?",
        "show_if": {"question": "hours", "gte": 30},
    },
]


def definition_errors(items):
    with pytest.raises(DefinitionError) as exc:
        validate_rules(items)
    return exc.value.fields


def answer_errors(items, answers, partial=False):
    with pytest.raises(AnswerError) as exc:
        clean_submission(items, answers, partial=partial)
    return exc.value.fields


# -- rules ------------------------------------------------------------------------------------


def test_a_valid_survey_passes_and_condition_values_are_stored_cleanly():
    validate_rules(SURVEY)
    survey = normalise_survey(SURVEY)
    assert survey[1]["show_if"] == {"question": "use", "in": ["no", "maybe"]}
    assert survey[4]["show_if"] == {"question": "cooking_rating", "lte": 2}
    assert normalise_survey(survey) == survey


def test_rules_must_point_backwards():
    got = definition_errors(
        [
            {
                "id": "a",
                "type": "yes_no_maybe",
                "text": "A?",
                "show_if": {"question": "b", "equals": "yes"},
            },
            {
                "id": "b",
                "type": "yes_no_maybe",
                "text": "B?",
                "show_if": {"question": "b", "equals": "yes"},
            },
            {
                "id": "c",
                "type": "yes_no_maybe",
                "text": "C?",
                "show_if": {"question": "zzz", "answered": True},
            },
        ]
    )
    assert got == {
        "questions.0.show_if.question": "A question can only depend on a question that comes before it",
        "questions.1.show_if.question": "A question cannot depend on its own answer",
        "questions.2.show_if.question": 'There is no question with the id "zzz"',
    }


def test_operators_must_suit_the_referenced_type():
    base = [
        {"id": "r", "type": "rating", "text": "R"},
        {"id": "m", "type": "multiple_choice", "text": "M", "options": ["A", "B"]},
        {"id": "t", "type": "free_text", "text": "T"},
    ]
    got = definition_errors(
        base
        + [
            {
                "id": "x1",
                "type": "free_text",
                "text": "X",
                "show_if": {"question": "r", "includes": "A"},
            },
            {
                "id": "x2",
                "type": "free_text",
                "text": "X",
                "show_if": {"question": "m", "equals": "A"},
            },
            {
                "id": "x3",
                "type": "free_text",
                "text": "X",
                "show_if": {"question": "t", "equals": "hi"},
            },
        ]
    )
    assert got["questions.3.show_if.includes"].startswith(
        '"includes" cannot be used with a rating question'
    )
    assert got["questions.4.show_if.equals"].startswith(
        '"equals" cannot be used with a multiple choice question that allows several answers'
    )
    assert (
        got["questions.5.show_if.equals"]
        == '"equals" cannot be used with a free text question (use: answered)'
    )
    # With multiple: false, equality is fine.
    validate_rules(
        [
            {
                "id": "m",
                "type": "multiple_choice",
                "text": "M",
                "options": ["A", "B"],
                "multiple": False,
            },
            {
                "id": "x",
                "type": "free_text",
                "text": "X",
                "show_if": {"question": "m", "equals": "A"},
            },
        ]
    )


def test_compared_values_must_be_possible_answers():
    got = definition_errors(
        [
            {"id": "s", "type": "single_choice", "text": "S", "options": ["Bus", "Train"]},
            {"id": "m", "type": "multiple_choice", "text": "M", "options": ["A", "B"]},
            {"id": "r", "type": "rating", "text": "R"},
            {
                "id": "x1",
                "type": "free_text",
                "text": "X",
                "show_if": {"question": "s", "equals": "Car"},
            },
            {
                "id": "x2",
                "type": "free_text",
                "text": "X",
                "show_if": {"question": "m", "includes": "C"},
            },
            {"id": "x3", "type": "free_text", "text": "X", "show_if": {"question": "r", "gte": 6}},
            {
                "id": "x4",
                "type": "free_text",
                "text": "X",
                "show_if": {"question": "s", "in": ["Bus", "Car"]},
            },
        ]
    )
    assert got == {
        "questions.3.show_if.equals": '"Car" is not a possible answer to question "s"',
        "questions.4.show_if.includes": '"C" is not one of the options of question "m"',
        "questions.5.show_if.gte": '"6" is not a possible answer to question "r"',
        "questions.6.show_if.in": '"Car" is not a possible answer to question "s"',
    }


def test_questions_need_unique_ids_and_errors_come_in_page_order():
    got = definition_errors(
        [
            {"type": "free_text", "text": "No id"},
            {"id": "a", "type": "free_text", "text": "A"},
            {"id": "a", "type": "free_text", "text": "A again"},
            *[{"id": f"q{i}", "type": "free_text", "text": "Q"} for i in range(8)],
            {"id": "bad", "type": "single_choice", "text": "Pick", "options": ["Only"]},
        ]
    )
    assert list(got) == ["questions.0.id", "questions.2.id", "questions.11.options"]
    assert got["questions.2.id"] == 'Another question already uses the id "a"'
    assert got["questions.11.options"] == "Give at least two options"


def test_qa_cannot_be_branched_on():
    got = definition_errors(
        [
            {"id": "ask", "type": "qa", "text": "Ask"},
            {
                "id": "x",
                "type": "free_text",
                "text": "X",
                "show_if": {"question": "ask", "answered": True},
            },
        ]
    )
    assert got["questions.1.show_if.answered"].startswith(
        '"answered" cannot be used with a Q&A question'
    )


def test_sections_and_their_conditions():
    sections = [
        {
            "title": "You",
            "questions": [{"id": "carer", "type": "yes_no_maybe", "text": "Are you a carer?"}],
        },
        {
            "title": "Caring",
            "show_if": {"question": "carer", "equals": "yes"},
            "questions": [
                {"id": "hours", "type": "number", "text": "Hours?"},
                {"id": "support", "type": "free_text", "text": "Support?"},
            ],
        },
    ]
    survey = normalise_survey(sections)
    assert [q["id"] for q in flatten(survey)] == ["carer", "hours", "support"]
    assert [q["id"] for q in visible_questions(sections, {"carer": "no"})] == ["carer"]
    assert [q["id"] for q in visible_questions(sections, {"carer": "yes"})] == [
        "carer",
        "hours",
        "support",
    ]
    assert answer_errors(sections, {"carer": "no", "support": "More help"}) == {
        "support": "This question does not apply given your earlier answers"
    }


def test_section_rules_cannot_look_inside_or_ahead():
    got = definition_errors(
        [
            {
                "title": "One",
                "show_if": {"question": "a", "answered": True},
                "questions": [{"id": "a", "type": "free_text", "text": "A"}],
            },
            {"title": "", "colour": "red", "questions": []},
            {"id": "q", "type": "free_text", "text": "Loose"},
        ]
    )
    assert got == {
        "sections.0.show_if.question": "A section can only depend on a question that comes before it",
        "sections.1.colour": '"colour" is not a setting of a section',
        "sections.1.questions": "Add at least one question to this section",
        "sections.1.title": "Enter a title for this section",
        "sections.2": "Put this question inside a section",
    }


def test_a_survey_must_be_a_list():
    with pytest.raises(DefinitionError):
        validate_rules({"questions": []})


# -- visibility -------------------------------------------------------------------------------


def ids(questions):
    return [q["id"] for q in questions]


def test_visibility_follows_answers_and_cascades():
    assert ids(visible_questions(SURVEY, {})) == ["use", "hours"]
    assert ids(visible_questions(SURVEY, {"use": "no"})) == ["use", "why_not", "hours"]
    assert ids(
        visible_questions(SURVEY, {"use": "yes", "activities": ["Cooking"], "cooking_rating": 1})
    ) == ["use", "activities", "cooking_rating", "cooking_why", "hours"]
    # Changing the first answer hides the whole chain below it, even with stale answers present.
    assert ids(
        visible_questions(SURVEY, {"use": "no", "activities": ["Cooking"], "cooking_rating": 1})
    ) == ["use", "why_not", "hours"]
    assert "long_days" in ids(visible_questions(SURVEY, {"hours": "35"}))
    assert "long_days" not in ids(visible_questions(SURVEY, {"hours": 10}))


def test_invalid_answers_count_as_unanswered_when_drawing_a_form():
    assert ids(visible_questions(SURVEY, {"use": "sometimes"})) == ["use", "hours"]


def test_not_equals_and_answered_false():
    items = [
        {"id": "a", "type": "yes_no_maybe", "text": "A?"},
        {
            "id": "b",
            "type": "free_text",
            "text": "B",
            "show_if": {"question": "a", "not_equals": "yes"},
        },
        {
            "id": "c",
            "type": "free_text",
            "text": "C",
            "show_if": {"question": "a", "answered": False},
        },
    ]
    assert ids(visible_questions(items, {})) == ["a", "c"]
    assert ids(visible_questions(items, {"a": "no"})) == ["a", "b"]
    assert ids(visible_questions(items, {"a": "yes"})) == ["a"]


# -- submissions ------------------------------------------------------------------------------


def test_a_good_submission_is_cleaned():
    got = clean_submission(
        SURVEY,
        {
            "use": "Yes",
            "activities": ["Cooking", "Art"],
            "cooking_rating": "2",
            "cooking_why": "Fresh food",
            "hours": "12.5",
            "why_not": "",
        },
    )
    assert got == {
        "use": "yes",
        "activities": ["Art", "Cooking"],
        "cooking_rating": 2,
        "cooking_why": "Fresh food",
        "hours": 12.5,
    }


def test_every_problem_is_reported_at_once():
    got = answer_errors(
        SURVEY,
        {
            "use": "yes",
            "why_not": "Too far",
            "activities": ["Art", "Cooking", "Sport"],
            "hours": 100,
            "colour": "blue",
        },
    )
    assert got == {
        "why_not": "This question does not apply given your earlier answers",
        "activities": "Choose no more than 2 options",
        "hours": "Enter a number between 0 and 80",
        "colour": "Unknown question",
    }


def test_required_questions_among_visible_ones():
    assert answer_errors(SURVEY, {}) == {"use": "Choose an answer"}
    assert answer_errors(SURVEY, {"use": "no", "why_not": "   "}) == {
        "why_not": "Enter your answer"
    }
    assert answer_errors(SURVEY, {"use": "yes", "activities": ["Cooking"]}) == {
        "cooking_rating": "Choose a number from 1 to 5"
    }
    # Hidden required questions are not required.
    assert clean_submission(SURVEY, {"use": "yes"}) == {"use": "yes"}


def test_partial_submissions_skip_required_but_keep_other_checks():
    assert clean_submission(SURVEY, {}, partial=True) == {}
    assert clean_submission(SURVEY, {"use": "no"}, partial=True) == {"use": "no"}
    assert answer_errors(SURVEY, {"use": "yes", "why_not": "x"}, partial=True) == {
        "why_not": "This question does not apply given your earlier answers"
    }


def test_empty_values_count_as_unanswered():
    assert clean_submission(SURVEY, {"use": "yes", "activities": [], "hours": None}) == {
        "use": "yes"
    }


def test_a_wrong_earlier_answer_does_not_cascade_into_misleading_errors():
    got = answer_errors(SURVEY, {"use": "often", "why_not": "Too far", "hours": 5})
    # whether why_not applies depends on a wrong answer: only the real mistake is reported
    assert got == {"use": "Choose yes, no or maybe"}
    got = answer_errors(SURVEY, {"use": "often", "why_not": 42})
    assert got == {"use": "Choose yes, no or maybe", "why_not": "Enter your answer as text"}


def test_answers_must_be_a_mapping():
    with pytest.raises(AnswerError):
        clean_submission(SURVEY, [("use", "yes")])


#: Answers of every shape a client could send to SURVEY, right and wrong, and to no question.
SUBMISSIONS = st.dictionaries(
    st.sampled_from([q["id"] for q in SURVEY] + ["other"]),
    st.one_of(
        st.none(),
        st.sampled_from(["yes", "no", "maybe", "Cooking", "", "x"]),
        st.integers(0, 90),
        st.lists(st.sampled_from(["Art", "Cooking", "Sport"]), unique=True, max_size=3),
    ),
)


@settings(max_examples=40, deadline=None)
@given(SUBMISSIONS)
def test_accepted_submissions_only_answer_visible_questions(answers):
    try:
        cleaned = clean_submission(SURVEY, answers, partial=True)
    except AnswerError as exc:
        assert exc.fields and all(exc.fields.values())
        return
    visible = set(ids(visible_questions(SURVEY, cleaned)))
    assert set(cleaned) <= visible
    # Cleaning is stable: the stored answers pass again unchanged.
    assert clean_submission(SURVEY, cleaned, partial=True) == cleaned


def test_a_badly_shaped_section_condition_gets_one_message():
    got = definition_errors(
        [
            {"title": "A", "questions": [{"id": "x", "type": "yes_no_maybe", "text": "X?"}]},
            {
                "title": "B",
                "show_if": {"question": "x", "in": "yes"},
                "questions": [{"id": "y", "type": "free_text", "text": "Y"}],
            },
        ]
    )
    assert got == {"sections.1.show_if.in": "Give a list of at least one answer"}


def test_a_condition_on_a_wrong_question_reports_only_the_question():
    got = definition_errors(
        [
            {"id": "a", "type": "single_choice", "text": "A", "options": ["Only one"]},
            {
                "id": "b",
                "type": "free_text",
                "text": "B",
                "show_if": {"question": "a", "equals": "Only one"},
            },
        ]
    )
    assert got == {"questions.0.options": "Give at least two options"}


#: One set of rules, prepared once and used for every example below, as the submission
#: endpoint keeps them for many residents' submissions.
PREPARED = submission_rules(SURVEY)


def _outcome(check):
    try:
        return "cleaned", check()
    except AnswerError as exc:
        return "refused", exc.fields


@settings(max_examples=60, deadline=None)
@given(SUBMISSIONS, st.booleans())
def test_rules_prepared_once_decide_every_submission_as_checking_afresh_does(answers, partial):
    assert _outcome(lambda: PREPARED.clean(answers, partial)) == \
        _outcome(lambda: clean_submission(SURVEY, answers, partial))


def test_prepared_rules_are_not_changed_by_what_they_check():
    before = [dict(entry.question) for entry in PREPARED.entries]
    answers = {"use": "yes", "activities": ["Cooking"], "cooking_rating": 4}
    assert PREPARED.clean(answers) == PREPARED.clean(dict(answers))
    assert [dict(entry.question) for entry in PREPARED.entries] == before
    with pytest.raises(AnswerError) as refused:
        PREPARED.clean(["not", "a", "mapping"])
    assert refused.value.fields == {"answers": "Send the answers as a set of question ids and answers"}
