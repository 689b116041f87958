import pytest

from surveys.errors import AnswerError, DefinitionError


def test_errors_are_value_errors_with_fields():
    err = DefinitionError({"questions.2.options": "Give at least two options"})
    assert isinstance(err, ValueError)
    assert err.fields == {"questions.2.options": "Give at least two options"}
    assert str(err) == "questions.2.options: Give at least two options"


def test_summary_counts_several_problems():
    err = AnswerError({"q1": "Choose an answer", "q3": "Choose no more than 2 options"})
    assert str(err) == "2 problems: q1: Choose an answer; q3: Choose no more than 2 options"


def test_prefixed_reroots_paths_and_keeps_the_class():
    err = DefinitionError({"options": "Give at least two options", "": "Whole question"}).prefixed(
        "questions.2"
    )
    assert isinstance(err, DefinitionError)
    assert err.fields == {
        "questions.2.options": "Give at least two options",
        "questions.2": "Whole question",
    }


def test_a_plain_message_is_accepted():
    assert AnswerError("Something is wrong").fields == {"": "Something is wrong"}
    assert str(AnswerError("Something is wrong")) == "Something is wrong"


def test_an_error_needs_at_least_one_message():
    with pytest.raises(TypeError):
        DefinitionError({})
