"""surveys.results: segmentation by an about-you question, which question stands for the
population groups, and the evidence payload (counts only, never residents' words)."""
from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from commissioning_steps.commissions import Commission
from commissioning_steps.staff import StaffUser
from surveys import lifecycle, responses, results
from surveys.branching import normalise_survey

WHO = {"id": "who", "type": "about_you", "text": "Which describes you?", "category": "respondent_group",
       "why": "To check", "options": ["Carers", "Residents", "Other"]}
AGE = {"id": "age", "type": "about_you", "text": "How old are you?", "category": "age_band", "why": "To check"}
QUESTIONS = normalise_survey([
    {"id": "park", "type": "single_choice", "text": "Which park?", "options": ["Rosehill", "Meadow"]},
    {"id": "score", "type": "rating", "text": "How good?", "min": 1, "max": 5},
    {"id": "words", "type": "free_text", "text": "Tell us more"},
    AGE,
    WHO,
])
PRIVATE = "Mrs Jones at 4 Elm Road cannot get out"


def _responses(*answer_sets):
    return [SimpleNamespace(answers=a) for a in answer_sets]


ROWS = _responses(
    {"park": "Rosehill", "score": 5, "who": "Carers", "words": PRIVATE},
    {"park": "Meadow", "score": 2, "who": "Residents"},
    {"park": "Meadow", "score": 4, "who": "Residents", "age": "25 to 34"},
    {"park": "Rosehill"},
)


# -- segment -------------------------------------------------------------------------------------------


def test_segment_counts_each_group():
    who = QUESTIONS[4]
    assert who["id"] == "who"
    rows = results.segment(QUESTIONS[0], who, ROWS)
    by = {r["segment"]: r for r in rows}
    assert list(by) == ["Carers", "Residents", "Other", "Not answered"]
    assert by["Carers"] == {"segment": "Carers", "respondents": 1, "answered": 1,
                            "counts": {"Rosehill": 1, "Meadow": 0}, "percentages": {"Rosehill": 100.0, "Meadow": 0.0},
                            "mean": None}
    assert by["Residents"]["counts"] == {"Rosehill": 0, "Meadow": 2}
    assert by["Other"]["respondents"] == 0 and by["Other"]["counts"] == {"Rosehill": 0, "Meadow": 0}
    assert by["Not answered"]["respondents"] == 1 and by["Not answered"]["counts"] == {"Rosehill": 1, "Meadow": 0}


def test_segment_of_a_rating_gives_means_and_counts_who_skipped():
    by = {r["segment"]: r for r in results.segment(QUESTIONS[1], QUESTIONS[4], ROWS)}
    assert by["Residents"]["mean"] == 3.0
    assert by["Carers"]["mean"] == 5.0
    assert by["Not answered"]["respondents"] == 1 and by["Not answered"]["answered"] == 0


def test_survey_results_segments_only_when_asked_by_an_about_you_question():
    survey = SimpleNamespace(id=1, title="T", status="open", version=1, definition=QUESTIONS)
    plain = results.survey_results(survey, ROWS)
    assert plain["segmented_by"] is None and all("segments" not in q for q in plain["questions"])
    assert plain["segment_options"] == ["age", "who"]
    by_who = results.survey_results(survey, ROWS, by="who")
    figures = {q["id"]: q for q in by_who["questions"]}
    assert by_who["segmented_by"] == "who"
    assert "segments" in figures["park"] and "segments" in figures["age"]
    assert "segments" not in figures["who"] and "segments" not in figures["words"]
    assert results.survey_results(survey, ROWS, by="park")["segmented_by"] is None


# -- representation_question -------------------------------------------------------------------------------


def test_representation_question_is_the_about_you_question_naming_the_groups():
    assert results.representation_question(QUESTIONS, ["Carers", "Residents"])["id"] == "who"
    assert results.representation_question(QUESTIONS, [" carers "])["id"] == "who"  # case and spaces
    assert results.representation_question(QUESTIONS, ["25 to 34"])["id"] == "age"


def test_representation_question_none_without_a_match():
    assert results.representation_question(QUESTIONS, ["Pilots"]) is None
    assert results.representation_question(QUESTIONS, []) is None
    # a single choice question naming the groups does not count: only about-you questions do
    only_choice = normalise_survey([{"id": "c", "type": "single_choice", "text": "?", "options": ["Carers", "X"]}])
    assert results.representation_question(only_choice, ["Carers"]) is None


def test_representation_question_first_match_wins():
    two = normalise_survey([WHO, {**WHO, "id": "who2", "text": "Again?"}])
    assert results.representation_question(two, ["Carers"])["id"] == "who"


def test_representativeness_uses_the_population_groups():
    survey = SimpleNamespace(id=1, title="T", status="open", version=1, definition=QUESTIONS)
    groups = [SimpleNamespace(name="Carers", target_share=30.0), SimpleNamespace(name="Residents", target_share=60.0)]
    rep = results.survey_results(survey, ROWS, groups)["representativeness"]
    rows = {r["group"]: r for r in rep["rows"]}
    assert rows["Carers"]["actual_share"] == 0.25 and rows["Carers"]["under_represented"] is False
    assert rows["Residents"]["actual_share"] == 0.5 and rows["Residents"]["under_represented"] is False
    assert rows["Not answered"]["respondents"] == 1
    fewer = results.survey_results(survey, ROWS + _responses({"who": "Residents"}, {"who": "Residents"}),
                                   groups)["representativeness"]
    assert {r["group"]: r["under_represented"] for r in fewer["rows"]}["Carers"] is True  # 1 of 6 < 24%


# -- evidence_payload ---------------------------------------------------------------------------------------


def test_evidence_payload_holds_counts_but_no_texts():
    survey = SimpleNamespace(id=9, title="Parks", status="closed", version=3, definition=QUESTIONS)
    figures = results.survey_results(survey, ROWS, [SimpleNamespace(name="Carers", target_share=30.0)], search=None)
    assert any(q.get("texts") == [PRIVATE] for q in figures["questions"])  # the page does show them
    payload = results.evidence_payload(survey, figures)
    assert payload["survey_id"] == 9 and payload["survey_version"] == 3 and payload["responses"] == 4
    assert PRIVATE not in json.dumps(payload)
    for q in payload["questions"]:
        assert set(q) <= {"id", "text", "type", "answered", "measure", "counts", "percentages", "mean",
                          "first_choice", "leading", "listed"}
    words = next(q for q in payload["questions"] if q["id"] == "words")
    assert words["answered"] == 1 and words["counts"] == {} and words["listed"] is True and "leading" not in words
    park = next(q for q in payload["questions"] if q["id"] == "park")
    assert park["counts"] == {"Rosehill": 2, "Meadow": 2}
    assert payload["representativeness"]["rows"][0]["group"] == "Carers"


def test_evidence_payload_of_a_stored_survey(session, team):
    owner = session.get(StaffUser, team["alice"].id)
    commission = session.get(Commission, team["mine"].id)
    survey = lifecycle.create_survey(session, commission, owner, lifecycle.SurveyInput(
        title="Stored", step="initiate", items=[
            {"id": "park", "type": "single_choice", "text": "Which park?", "options": ["Rosehill", "Meadow"]},
            {"id": "words", "type": "free_text", "text": "Tell us more"}, WHO]))
    lifecycle.open_survey(session, survey)
    for answers in ({"park": "Meadow", "words": PRIVATE, "who": "Carers"}, {"park": "Meadow", "who": "Residents"}):
        responses.submit(session, survey, answers, secret=b"s")
    session.commit()
    entry = lifecycle.close_survey(session, survey)
    session.commit()
    assert entry.kind == "survey_result" and entry.step == "initiate"
    assert entry.payload["responses"] == 2
    assert PRIVATE not in json.dumps(entry.payload)
    assert {q["id"]: q["counts"] for q in entry.payload["questions"]}["park"] == {"Rosehill": 0, "Meadow": 2}
    rows = {r["group"]: r for r in entry.payload["representativeness"]["rows"]}
    assert rows["Carers"]["actual_share"] == pytest.approx(0.5)
