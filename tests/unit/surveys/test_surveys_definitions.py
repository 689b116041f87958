"""Question definitions: every type's normalisation and the messages a commissioner sees."""

import pytest

from surveys.errors import DefinitionError
from surveys.question_types import POLL, SURVEY, TYPES, get_type, normalise_question, types_for
from surveys.question_types.about_you import DEFAULT_OPTIONS
from surveys.question_types.agreement import OPTIONS as AGREEMENT


def fields(raw, context=None):
    with pytest.raises(DefinitionError) as exc:
        normalise_question(raw, context)
    return exc.value.fields


# -- registry ---------------------------------------------------------------------------------


def test_registry_lists_every_type_once():
    assert set(TYPES) == {
        "single_choice",
        "multiple_choice",
        "rating",
        "agreement",
        "yes_no_maybe",
        "number",
        "free_text",
        "ranking",
        "about_you",
        "word_cloud",
        "open_text",
        "qa",
    }
    for name, qtype in TYPES.items():
        assert qtype.name == name and qtype.label


def test_registry_is_read_only():
    with pytest.raises(TypeError):
        TYPES["new"] = object()  # type: ignore[index]


def test_unknown_and_missing_types_are_definition_errors():
    with pytest.raises(DefinitionError) as exc:
        get_type("slider")
    assert exc.value.fields == {"type": '"slider" is not a question type'}
    assert fields({"text": "Hi"}) == {"type": "Choose a question type"}


def test_contexts_split_survey_and_poll_types():
    assert {t.name for t in types_for(POLL)} == {
        "multiple_choice",
        "rating",
        "ranking",
        "word_cloud",
        "open_text",
        "qa",
    }
    assert "word_cloud" not in {t.name for t in types_for(SURVEY)}
    assert fields({"type": "word_cloud", "text": "One word?"}, SURVEY) == {
        "type": "Word cloud questions can only be used in live polls"
    }
    assert fields({"type": "agreement", "text": "Agree?"}, POLL) == {
        "type": "Agreement questions can only be used in surveys"
    }
    normalise_question({"type": "multiple_choice", "text": "Pick", "options": ["A", "B"]}, POLL)


# -- common keys ------------------------------------------------------------------------------


def test_common_keys_are_normalised():
    q = normalise_question(
        {
            "id": "q1",
            "type": "free_text",
            "text": "  Why?  ",
            "help": " Say more ",
            "required": True,
            "metric": "m1",
        }
    )
    assert q == {
        "id": "q1",
        "type": "free_text",
        "text": "Why?",
        "help": "Say more",
        "required": True,
        "metric": "m1",
        "max_length": 2000,
    }


def test_text_is_required_and_limited():
    assert fields({"type": "free_text"}) == {"text": "Enter the question text"}
    assert fields({"type": "free_text", "text": "   "}) == {"text": "Enter the question text"}
    assert fields({"type": "free_text", "text": "x" * 501}) == {
        "text": "Question text must be 500 characters or fewer"
    }
    assert normalise_question({"type": "free_text", "text": "x" * 500})["text"] == "x" * 500


def test_unknown_keys_are_refused_by_name():
    assert fields({"type": "free_text", "text": "Why?", "colour": "red"}) == {
        "colour": '"colour" is not a setting of a free text question'
    }
    # A setting of another type is still unknown here.
    assert "options" in fields({"type": "free_text", "text": "Why?", "options": ["a", "b"]})


def test_required_must_be_a_boolean_and_ids_must_be_tidy():
    assert fields({"type": "free_text", "text": "Why?", "required": "yes"}) == {
        "required": "Say whether the question is required with true or false"
    }
    assert "id" in fields({"type": "free_text", "text": "Why?", "id": "has space"})
    assert "id" in fields({"type": "free_text", "text": "Why?", "id": 3})


def test_several_problems_are_reported_together():
    got = fields({"type": "single_choice", "text": "", "options": ["A", "a", ""], "other": "yes"})
    assert got == {
        "text": "Enter the question text",
        "options.1": "This option is the same as option 1",
        "options.2": "Enter the text of this option",
        "other": 'Set "other" to true or false',
    }


def test_normalising_twice_changes_nothing():
    raws = [
        {"type": "single_choice", "text": "Pick", "options": [" A ", "B"], "other": True},
        {"type": "multiple_choice", "text": "Pick", "options": ["A", "B", "C"], "max": 2},
        {"type": "rating", "text": "Rate", "min": 0, "max": 10, "min_label": "Bad"},
        {"type": "agreement", "text": "Agree?"},
        {"type": "yes_no_maybe", "text": "Yes?"},
        {"type": "number", "text": "How many?", "min": 0},
        {"type": "free_text", "text": "Why?"},
        {"type": "ranking", "text": "Order", "options": ["A", "B"]},
        {"type": "about_you", "text": "Age", "category": "age_band", "why": "To check"},
        {"type": "word_cloud", "text": "One word"},
        {"type": "open_text", "text": "Say"},
        {"type": "qa", "text": "Ask us"},
    ]
    for raw in raws:
        once = normalise_question(raw)
        assert normalise_question(once) == once


# -- options ----------------------------------------------------------------------------------


@pytest.mark.parametrize("qtype", ["single_choice", "multiple_choice", "ranking"])
def test_options_rules(qtype):
    base = {"type": qtype, "text": "Pick"}
    assert fields({**base, "options": ["Only one"]}) == {"options": "Give at least two options"}
    assert fields(base) == {"options": "Give at least two options"}
    assert fields({**base, "options": "A, B"}) == {"options": "Give the options as a list"}
    assert fields({**base, "options": [f"O{i}" for i in range(51)]}) == {
        "options": "Give no more than 50 options"
    }
    assert fields({**base, "options": ["A", "x" * 201]}) == {
        "options.1": "Option must be 200 characters or fewer"
    }
    assert fields({**base, "options": ["Yes", " yes "]}) == {
        "options.1": "This option is the same as option 1"
    }
    assert fields({**base, "options": ["A", 2]}) == {"options.1": "Enter the text of this option"}
    assert normalise_question({**base, "options": ["  A ", "B"]})["options"] == ["A", "B"]
    assert (
        len(normalise_question({**base, "options": [f"O{i}" for i in range(50)]})["options"]) == 50
    )


# -- per type ---------------------------------------------------------------------------------


def test_single_choice_other_cannot_double_up_with_an_other_option():
    assert (
        normalise_question({"type": "single_choice", "text": "P", "options": ["A", "B"]})["other"]
        is False
    )
    assert fields(
        {"type": "single_choice", "text": "P", "options": ["A", "Other"], "other": True}
    ) == {
        "options": 'Remove the "Other" option: "other" already adds one where people can say more'
    }


def test_multiple_choice_settings():
    q = normalise_question({"type": "multiple_choice", "text": "P", "options": ["A", "B", "C"]})
    assert q["multiple"] is True and "max" not in q
    base = {"type": "multiple_choice", "text": "P", "options": ["A", "B", "C"]}
    assert fields({**base, "max": 4}) == {
        "max": "The most choices allowed cannot be more than the 3 options"
    }
    assert fields({**base, "max": 0}) == {
        "max": "Enter the most choices allowed as a whole number, 1 or more"
    }
    assert fields({**base, "max": True}) == {
        "max": "Enter the most choices allowed as a whole number, 1 or more"
    }
    assert fields({**base, "multiple": False, "max": 1}) == {
        "max": "Only set a most number of choices when people can choose more than one"
    }
    assert fields({**base, "multiple": "no"}) == {"multiple": 'Set "multiple" to true or false'}


def test_rating_scale():
    q = normalise_question({"type": "rating", "text": "Rate"})
    assert (q["min"], q["max"]) == (1, 5)
    q = normalise_question({"type": "rating", "text": "Rate", "min": 0, "max": 10.0})
    assert (q["min"], q["max"]) == (0, 10) and isinstance(q["max"], int)
    assert fields({"type": "rating", "text": "R", "min": 5, "max": 5}) == {
        "max": "The highest point must be more than the lowest"
    }
    assert fields({"type": "rating", "text": "R", "max": 11}) == {
        "max": "The highest point must be from 0 to 10"
    }
    assert fields({"type": "rating", "text": "R", "min": -1}) == {
        "min": "The lowest point must be from 0 to 10"
    }
    assert fields({"type": "rating", "text": "R", "min": True}) == {"min": "Enter a number for min"}
    assert fields({"type": "rating", "text": "R", "max": 4.5}) == {
        "max": "Enter a whole number for max"
    }
    assert fields({"type": "rating", "text": "R", "max": float("nan")}) == {
        "max": "Enter a number for max"
    }
    assert "min_label" in fields({"type": "rating", "text": "R", "min_label": "x" * 101})


def test_agreement_options_are_fixed():
    q = normalise_question({"type": "agreement", "text": "Agree?"})
    assert q["options"] == list(AGREEMENT)
    assert fields({"type": "agreement", "text": "Agree?", "options": ["Yes", "No"]}) == {
        "options": "Agreement questions always use the five standard answers"
    }


def test_number_bounds():
    assert normalise_question({"type": "number", "text": "N"}) == {
        "type": "number",
        "text": "N",
        "required": False,
    }
    q = normalise_question({"type": "number", "text": "N", "min": 0.5, "max": 10})
    assert (q["min"], q["max"]) == (0.5, 10)
    assert fields({"type": "number", "text": "N", "min": 10, "max": 1}) == {
        "max": "The highest number allowed must be more than the lowest"
    }
    assert fields({"type": "number", "text": "N", "min": float("inf")}) == {
        "min": "Enter a number for min"
    }
    assert fields({"type": "number", "text": "N", "max": False}) == {
        "max": "Enter a number for max"
    }
    assert fields({"type": "number", "text": "N", "max": "10"}) == {"max": "Enter a number for max"}


def test_free_and_open_text_limits():
    assert normalise_question({"type": "free_text", "text": "W"})["max_length"] == 2000
    assert (
        normalise_question({"type": "free_text", "text": "W", "max_length": 10000})["max_length"]
        == 10000
    )
    assert fields({"type": "free_text", "text": "W", "max_length": 10001}) == {
        "max_length": "Enter a whole number of characters from 1 to 10000"
    }
    assert normalise_question({"type": "open_text", "text": "W"})["max_length"] == 280
    assert "max_length" in fields({"type": "open_text", "text": "W", "max_length": 0})


def test_about_you_defaults_reason_and_always_optional():
    q = normalise_question(
        {
            "type": "about_you",
            "text": "Which best describes you?",
            "category": "respondent_group",
            "why": "To check we hear from everyone",
            "required": True,
        }
    )
    assert q["required"] is False
    assert q["options"] == ["Resident", "Carer", "Member of staff", "Community leader", "Other"]
    age = normalise_question(
        {"type": "about_you", "text": "Age", "category": "age_band", "why": "Reach"}
    )
    assert age["options"] == DEFAULT_OPTIONS["age_band"]
    assert age["options"][-1] == "Prefer not to say" and len(age["options"]) == 9
    custom = normalise_question(
        {
            "type": "about_you",
            "text": "Area",
            "category": "area",
            "why": "Reach",
            "options": ["North", "South"],
        }
    )
    assert custom["options"] == ["North", "South"]
    assert fields({"type": "about_you", "text": "Area", "category": "area", "why": "Reach"}) == {
        "options": "Give the areas people can choose from"
    }
    assert fields(
        {"type": "about_you", "text": "Area", "category": "area", "why": "Reach", "options": []}
    ) == {"options": "Give at least two options"}
    assert fields({"type": "about_you", "text": "Age", "category": "age_band"}) == {
        "why": "Say why you are asking this, so people can decide whether to answer"
    }
    assert fields({"type": "about_you", "text": "Faith", "category": "religion", "why": "x"}) == {
        "category": "Choose what this asks about: area, respondent_group or age_band"
    }


def test_qa_and_word_cloud_definitions():
    assert (
        normalise_question({"type": "qa", "text": "Ask us", "required": True})["required"] is False
    )
    assert normalise_question({"type": "word_cloud", "text": "One word"}) == {
        "type": "word_cloud",
        "text": "One word",
        "required": False,
        "max_words": 3,
    }
    assert normalise_question({"type": "word_cloud", "text": "Words", "max_words": 1})["max_words"] == 1
    for bad in (0, 11, 2.5, True, "3"):
        assert fields({"type": "word_cloud", "text": "Words", "max_words": bad}) == {
            "max_words": "Enter how many words each person may send as a whole number from 1 to 10"}


def test_show_if_shape_is_checked_per_question():
    base = {"type": "free_text", "text": "Why?"}
    assert fields({**base, "show_if": "q1 == yes"}) == {
        "show_if": 'Give the condition as {"question": ..., "equals": ...}'
    }
    assert fields({**base, "show_if": {"equals": "yes"}}) == {
        "show_if.question": "Say which earlier question this depends on"
    }
    assert fields({**base, "show_if": {"question": "q1"}}) == {
        "show_if": "Give exactly one condition, for example equals or includes"
    }
    assert fields({**base, "show_if": {"question": "q1", "equals": "a", "in": ["b"]}}) == {
        "show_if": "Give exactly one condition, for example equals or includes"
    }
    assert fields({**base, "show_if": {"question": "q1", "matches": "a"}})["show_if"].startswith(
        '"matches" is not a condition'
    )
    assert fields({**base, "show_if": {"question": "q1", "in": []}}) == {
        "show_if.in": "Give a list of at least one answer"
    }
    assert fields({**base, "show_if": {"question": "q1", "gte": "lots"}}) == {
        "show_if.gte": "Compare with a number"
    }
    assert fields({**base, "show_if": {"question": "q1", "answered": "yes"}}) == {
        "show_if.answered": 'Set "answered" to true or false'
    }
