"""Answer validation for every type: what is accepted, what it is stored as, and the messages."""

import pytest

from surveys.errors import AnswerError
from surveys.question_types import clean_answer, is_empty, normalise_question


def q(**raw):
    raw.setdefault("id", "q1")
    raw.setdefault("text", "Question?")
    return normalise_question(raw)


def rejects(definition, value):
    with pytest.raises(AnswerError) as exc:
        clean_answer(definition, value)
    ((key, message),) = exc.value.fields.items()
    assert key == definition.get("id", "answer")
    return message


def test_error_is_keyed_by_question_id_or_answer():
    d = normalise_question({"type": "yes_no_maybe", "text": "Q"})
    with pytest.raises(AnswerError) as exc:
        clean_answer(d, "perhaps")
    assert exc.value.fields == {"answer": "Choose yes, no or maybe"}


def test_single_choice():
    d = q(type="single_choice", options=["Bus", "Train"])
    assert clean_answer(d, "Bus") == "Bus"
    assert clean_answer(d, " Train ") == "Train"
    assert rejects(d, "Car") == "Choose one of the options"
    assert rejects(d, "bus") == "Choose one of the options"
    assert rejects(d, ["Bus"]) == "Choose one of the options"
    assert rejects(d, 1) == "Choose one of the options"


def test_single_choice_other_please_say():
    d = q(type="single_choice", options=["Bus", "Train"], other=True)
    assert clean_answer(d, "Bus") == "Bus"
    assert clean_answer(d, "  Community transport  ") == "Community transport"
    assert clean_answer(d, "x" * 200) == "x" * 200
    assert rejects(d, "x" * 201) == "Other answer must be 200 characters or fewer"
    assert rejects(d, 5) == "Choose one of the options"
    assert rejects(d, "a\x00b") == "Answer contains a character that cannot be saved"


def test_multiple_choice_many():
    d = q(type="multiple_choice", options=["A", "B", "C", "D"], max=2)
    assert clean_answer(d, ["C", "A"]) == ["A", "C"]  # stored in definition order
    assert clean_answer(d, ("B",)) == ["B"]
    assert clean_answer(d, "B") == ["B"]  # a form with one box ticked posts a single value
    assert rejects(d, ["A", "B", "C"]) == "Choose no more than 2 options"
    assert rejects(d, ["A", "A"]) == "Choose each option only once"
    assert rejects(d, ["A", " A"]) == "Choose each option only once"
    assert rejects(d, ["A", "E"]) == "Choose from the options given"
    assert rejects(d, {"A": True}) == "Choose from the options given"
    assert rejects(d, [1]) == "Choose from the options given"
    one = q(type="multiple_choice", options=["A", "B", "C"], max=1)
    assert rejects(one, ["A", "B"]) == "Choose no more than 1 option"


def test_multiple_choice_single_for_polls():
    d = q(type="multiple_choice", options=["A", "B"], multiple=False)
    assert clean_answer(d, "A") == "A"
    assert clean_answer(d, ["B"]) == "B"
    assert rejects(d, ["A", "B"]) == "Choose one option"
    assert rejects(d, []) == "Choose one option"
    assert rejects(d, "C") == "Choose one of the options"


def test_rating():
    d = q(type="rating")
    assert clean_answer(d, 1) == 1 and clean_answer(d, 5) == 5
    assert clean_answer(d, "4") == 4 and clean_answer(d, 3.0) == 3
    for bad in (0, 6, 2.5, True, False, "four", float("nan"), float("inf"), None, [3], "4.5"):
        assert rejects(d, bad) == "Enter a whole number between 1 and 5"
    ten = q(type="rating", min=0, max=10)
    assert clean_answer(ten, 0) == 0 and clean_answer(ten, " 10 ") == 10
    assert rejects(ten, 11) == "Enter a whole number between 0 and 10"


def test_agreement():
    d = q(type="agreement")
    assert clean_answer(d, "Strongly agree") == "Strongly agree"
    assert clean_answer(d, " neither agree nor disagree ") == "Neither agree nor disagree"
    assert rejects(d, "Somewhat agree") == "Choose how much you agree"
    assert rejects(d, 5) == "Choose how much you agree"


def test_yes_no_maybe():
    d = q(type="yes_no_maybe")
    assert [clean_answer(d, v) for v in ("yes", "No", " MAYBE ")] == ["yes", "no", "maybe"]
    for bad in ("y", True, 1, "don't know", ["yes"]):
        assert rejects(d, bad) == "Choose yes, no or maybe"


def test_number():
    free = q(type="number")
    assert clean_answer(free, -3) == -3
    assert clean_answer(free, 2.5) == 2.5
    assert clean_answer(free, " 7 ") == 7 and isinstance(clean_answer(free, "7"), int)
    assert clean_answer(free, "0.25") == 0.25
    for bad in (True, "seven", float("nan"), float("-inf"), "nan", "inf", [1], None, "1,000"):
        assert rejects(free, bad) == "Enter a number"
    assert rejects(free, 1e16) == "Enter a smaller number"
    ranged = q(type="number", min=1, max=100)
    assert rejects(ranged, 0) == "Enter a number between 1 and 100"
    assert rejects(ranged, 100.5) == "Enter a number between 1 and 100"
    assert rejects(q(type="number", min=0), -1) == "Enter a number that is 0 or more"
    assert rejects(q(type="number", max=2.5), 3) == "Enter a number that is 2.5 or less"


def test_free_text_is_kept_exactly():
    d = q(type="free_text")
    script = "<script>alert('hi')</script> & <b>bold</b>"
    assert clean_answer(d, script) == script
    assert clean_answer(d, "  spaced  \n") == "  spaced  \n"
    assert clean_answer(d, "x" * 2000) == "x" * 2000
    assert rejects(d, "x" * 2001) == "Answer must be 2000 characters or fewer"
    assert rejects(d, 12) == "Enter your answer as text"
    assert (
        rejects(q(type="free_text", max_length=10), "x" * 11)
        == "Answer must be 10 characters or fewer"
    )


def test_open_text():
    d = q(type="open_text")
    assert clean_answer(d, "x" * 280) == "x" * 280
    assert rejects(d, "x" * 281) == "Answer must be 280 characters or fewer"


def test_ranking_must_order_every_option():
    d = q(type="ranking", options=["A", "B", "C"])
    assert clean_answer(d, ["C", "A", "B"]) == ["C", "A", "B"]
    assert clean_answer(d, (" B", "A", "C")) == ["B", "A", "C"]
    assert rejects(d, ["A", "B"]) == "Put all 3 options in order"
    assert rejects(d, "A") == "Put all 3 options in order"
    assert rejects(d, ["A", "A", "B"]) == "Use each option only once"
    assert rejects(d, ["A", "B", "D"]) == "Put only the options given in order"


def test_about_you():
    d = q(type="about_you", category="age_band", why="To check we reach all ages")
    assert clean_answer(d, "25 to 34") == "25 to 34"
    assert clean_answer(d, "Prefer not to say") == "Prefer not to say"
    assert rejects(d, "30") == "Choose one of the options"


def test_word_cloud():
    d = q(type="word_cloud")
    assert clean_answer(d, "  More buses! ") == "More buses!"
    assert clean_answer(d, "x" * 40) == "x" * 40
    assert rejects(d, "x" * 41) == "Answer must be 40 characters or fewer"
    assert rejects(d, "?!...") == "Enter a word or short phrase"
    assert rejects(d, 3) == "Enter a word or short phrase"


def test_qa_takes_questions_not_votes():
    d = q(type="qa")
    message = rejects(d, "yes")
    assert message.startswith("Q&A takes questions, not votes")


def test_is_empty():
    for value in (None, "", "   ", [], ()):
        assert is_empty(value)
    for value in (0, False, "a", ["a"], 0.0):
        assert not is_empty(value)
