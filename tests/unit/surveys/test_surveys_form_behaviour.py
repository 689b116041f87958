"""What each question type declares for the survey side (its form field, reading the form back,
showing and exporting an answer, how results treat it), so nothing outside the registry needs
to branch on a type."""
from __future__ import annotations

from pathlib import Path

import pytest
from werkzeug.datastructures import MultiDict

from surveys.question_types import SURVEY, TYPES, normalise_question, types_for

RENDERERS = Path(__file__).resolve().parents[3] / "templates" / "surveys" / "renderers"


def q(**raw):
    return normalise_question({"id": "x", "text": "?", **raw})


@pytest.mark.parametrize("qtype", types_for(SURVEY), ids=lambda t: t.name)
def test_every_survey_type_names_a_renderer_that_exists(qtype):
    names = {qtype.field_renderer_for({"multiple": multiple}) for multiple in (True, False)}
    for name in names:
        assert name and (RENDERERS / f"{name}.html").is_file(), name


def test_results_flags():
    listed = {t.name for t in TYPES.values() if t.lists_answers}
    assert listed == {"free_text", "open_text"}
    assert {t.name for t in TYPES.values() if t.segments_respondents} == {"about_you"}
    assert {t.name for t in TYPES.values() if not t.takes_answers} == {"qa"}
    assert {t.name for t in TYPES.values() if t.totals_by_metric} == {"yes_no_maybe"}


def _read(definition, pairs):
    answers, errors = {}, {}
    TYPES[definition["type"]].read_form(definition, MultiDict(pairs), answers, errors)
    return answers, errors


def test_reading_the_form_back():
    ranking = q(type="ranking", options=["A", "B", "C"])
    assert _read(ranking, [("x-rank-0", "2"), ("x-rank-1", "3"), ("x-rank-2", "1")]) == ({"x": ["C", "A", "B"]}, {})
    assert _read(ranking, []) == ({}, {})
    # A wrong ranking is not an answer, but the positions chosen are kept to show them again.
    assert _read(ranking, [("x-rank-0", "1")]) == ({"x": {"positions": {"A": "1"}}}, {"x": "Give every option a position"})
    assert TYPES["ranking"].form_state(ranking, {"positions": {"A": "1"}})["positions"] == {"A": "1"}
    assert _read(ranking, [("x-rank-0", "1"), ("x-rank-1", "1"), ("x-rank-2", "2")])[1] == {
        "x": "Give each option a different position"}
    other = q(type="single_choice", options=["A", "B"], other=True)
    assert _read(other, [("x", "__other__"), ("x-other", " My own ")]) == ({"x": "My own"}, {})
    assert _read(other, [("x", "__other__")]) == ({"x": None}, {"x": "Say what your other answer is"})
    assert _read(other, [("x", "A")]) == ({"x": "A"}, {})
    many = q(type="multiple_choice", options=["A", "B"])
    assert _read(many, [("x", "A"), ("x", "B")]) == ({"x": ["A", "B"]}, {})
    assert _read(q(type="number"), []) == ({"x": ""}, {})


def test_form_state_redisplays_answers():
    other = q(type="single_choice", options=["A", "B"], other=True)
    assert TYPES["single_choice"].form_state(other, "Mine") == {"value": "__other__", "other": "Mine"}
    ranking = q(type="ranking", options=["A", "B"])
    assert TYPES["ranking"].form_state(ranking, ["B", "A"])["positions"] == {"B": "1", "A": "2"}
    assert TYPES["multiple_choice"].form_state(q(type="multiple_choice", options=["A", "B"]), "A")["values"] == ["A"]


def test_hints():
    assert TYPES["number"].field_hint(q(type="number")) == "Enter a number. Optional."
    assert TYPES["number"].field_hint(q(type="number", min=1, max=9, required=True)) == "Enter a number from 1 up to 9."
    assert TYPES["rating"].field_hint(q(type="rating", min=0, max=4, min_label="Bad", help="Be honest")) == \
        "Be honest 0 (Bad) to 4 Optional."
    about = q(type="about_you", category="age_band", why="To check")
    assert TYPES["about_you"].field_hint(about) == "Optional. To check"
    assert TYPES["multiple_choice"].field_hint(q(type="multiple_choice", options=["A", "B"], max=1, required=True)) \
        == "Choose up to 1."


def test_display_and_export():
    ranking = q(type="ranking", options=["A", "B"])
    ynm = q(type="yes_no_maybe")
    number = q(type="number")
    assert TYPES["ranking"].display_answer(ranking, ["B", "A"]) == "1. B; 2. A"
    assert TYPES["ranking"].export_cell(ranking, ["B", "A"]) == "1. B; 2. A"
    assert TYPES["yes_no_maybe"].display_answer(ynm, "maybe") == "Maybe"
    assert TYPES["yes_no_maybe"].export_cell(ynm, "maybe") == "Maybe"
    assert TYPES["number"].display_answer(number, None) == "Not answered"
    assert TYPES["number"].export_cell(number, None) == ""
    assert TYPES["number"].export_cell(number, 3.0) == "3"
    assert TYPES["rating"].choices(q(type="rating", min=1, max=3, max_label="Top")) == [
        ("1", "1"), ("2", "2"), ("3", "3 – Top")]
