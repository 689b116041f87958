"""Results counted in SQL (``survey_answers``, kept by triggers) equal counting every stored answer
by hand, row by row: per question, segmented by an about-you question, and representativeness;
and the answers table follows every change of a response (submit, change, delete, erasure)."""
from __future__ import annotations

import json
import random
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from commissioning_steps.commissions import Commission
from commissioning_steps.db import utcnow
from commissioning_steps.events import StoredEvent
from commissioning_steps.staff import StaffUser
from surveys import answer_counts, builder, lifecycle, responses, results, retention
from surveys.branching import flatten
from surveys.models import SurveyAnswer, SurveyResponse, SurveyResponseTotal
from surveys.question_types import tally

SECRET = b"unit-test-secret"
QUESTIONS = [
    {"id": "park", "type": "single_choice", "text": "Which park?", "options": ["Rosehill", "Meadow"], "other": True},
    {"id": "likes", "type": "multiple_choice", "text": "What do you like?", "options": ["Trees", "Cafe", "Play"]},
    {"id": "rank", "type": "ranking", "text": "Rank these", "options": ["Toilets", "Lights", "Benches"]},
    {"id": "visits", "type": "number", "text": "Visits a month?", "min": 0, "max": 40},
    {"id": "score", "type": "rating", "text": "How good?", "min": 1, "max": 5},
    {"id": "agree", "type": "agreement", "text": "The park feels safe."},
    {"id": "again", "type": "yes_no_maybe", "text": "Would you go again?"},
    {"id": "words", "type": "free_text", "text": "Tell us more"},
    {"id": "who", "type": "about_you", "text": "Which describes you?", "category": "respondent_group",
     "why": "To check", "options": ["Carer", "Resident", "Other"]},
    {"id": "age", "type": "about_you", "text": "How old are you?", "category": "age_band", "why": "To check"},
]


def _answers(rnd: random.Random) -> dict:
    a = {"park": rnd.choice(["Rosehill", "Meadow", "By the river", "By the river"]),
         "likes": rnd.sample(["Trees", "Cafe", "Play"], rnd.randint(1, 3)),
         "rank": rnd.sample(["Toilets", "Lights", "Benches"], 3),
         "visits": rnd.choice([0, 3, 3.5, 12, 40]), "score": rnd.randint(1, 5),
         "agree": rnd.choice(["Strongly agree", "Agree", "Disagree"]), "again": rnd.choice(["yes", "no", "maybe"]),
         "words": rnd.choice(["Café by the gate", "More bins", "=1+1 lights", "Benches, please\nand shade"]),
         "who": rnd.choice(["Carer", "Resident", "Other"]), "age": rnd.choice(["18 to 24", "65 to 74"])}
    return {k: v for k, v in a.items() if rnd.random() > 0.15}  # some skip each question


@pytest.fixture
def counted(store, session, team):
    owner = session.get(StaffUser, team["alice"].id)
    commission = session.get(Commission, team["mine"].id)  # groups: Carers 30, Residents 60
    survey = lifecycle.create_survey(session, commission, owner, lifecycle.SurveyInput(
        title="Counted", step="initiate", items=QUESTIONS))
    builder.set_group_mapping(session, survey, "who", {"Carer": "Carers", "Resident": "Residents"})
    lifecycle.open_survey(session, survey)
    rnd = random.Random(7)
    stored = [responses.submit(session, survey, _answers(rnd), secret=SECRET)[0] for _ in range(60)]
    responses.change(session, stored[4], {**stored[4].answers, "who": "Resident", "park": "Meadow"})
    responses.delete(session, stored[9])
    return session, survey, commission


def _rows(session, survey):
    return list(session.scalars(select(SurveyResponse).where(SurveyResponse.survey_id == survey.id)
                                .order_by(SurveyResponse.submitted_at, SurveyResponse.id)))


def test_each_question_counted_in_sql_equals_its_tally_over_every_stored_answer(counted):
    session, survey, commission = counted
    rows = _rows(session, survey)
    figures = results.stored_results(session, survey, commission.population_groups)
    assert figures["responses"] == len(rows) == 59
    by_id = {q["id"]: q for q in figures["questions"]}
    for q in flatten(survey.definition):
        by_hand = tally(q, [r.answers[q["id"]] for r in rows if q["id"] in r.answers])
        got = by_id[q["id"]]
        assert got["answered"] == sum(1 for r in rows if q["id"] in r.answers), q["id"]
        assert got["counts"] == by_hand["counts"], q["id"]
        for extra in ("mean", "median", "min", "max", "first_choice", "order", "agree_percent"):
            assert got.get(extra) == by_hand.get(extra), (q["id"], extra)
    # and one question counted by the plainest hand of all
    park = Counter(r.answers["park"] for r in rows if "park" in r.answers)
    assert by_id["park"]["counts"] == {"Rosehill": park["Rosehill"], "Meadow": park["Meadow"],
                                       "Other": park["By the river"]}
    assert sorted(by_id["park"]["other_texts"]) == ["By the river"] * park["By the river"]
    assert by_id["words"]["texts"] == [r.answers["words"] for r in rows if "words" in r.answers]


def test_segmentation_equals_counting_each_pair_by_hand(counted):
    session, survey, commission = counted
    rows = _rows(session, survey)
    figures = results.stored_results(session, survey, commission.population_groups, by="who")
    by_id = {q["id"]: q for q in figures["questions"]}
    assert "segments" not in by_id["who"] and "segments" not in by_id["words"]
    for option in ["Carer", "Resident", "Other", results.NOT_ANSWERED]:
        people = [r.answers for r in rows if r.answers.get("who", results.NOT_ANSWERED) == option]
        segment = {s["segment"]: s for s in by_id["again"]["segments"]}[option]
        assert segment["respondents"] == len(people), option
        assert segment["answered"] == sum(1 for a in people if "again" in a), option
        hand = Counter(a["again"] for a in people if "again" in a)
        assert segment["counts"] == {k: hand[k] for k in ("yes", "no", "maybe")}, option
        score = {s["segment"]: s for s in by_id["score"]["segments"]}[option]
        given = [a["score"] for a in people if "score" in a]
        assert score["mean"] == (round(sum(given) / len(given), 2) if given else None), option


def test_representativeness_counts_every_respondent_once(counted):
    session, survey, commission = counted
    rows = _rows(session, survey)
    rep = results.stored_results(session, survey, commission.population_groups)["representativeness"]
    got = {r["group"]: r["respondents"] for r in rep["rows"]}
    who = Counter(r.answers.get("who") for r in rows)
    assert got == {"Carers": who["Carer"], "Residents": who["Resident"], "Other": who["Other"],
                   results.NOT_ANSWERED: who[None]}
    assert rep["totals"]["respondents"] == len(rows)


def test_stored_and_in_memory_results_are_the_same(counted):
    session, survey, commission = counted
    rows = _rows(session, survey)
    for by in (None, "who", "age"):
        assert (results.stored_results(session, survey, commission.population_groups, by=by, search="bins")
                == results.survey_results(survey, rows, commission.population_groups, by=by, search="bins"))


def _answer_rows(session, survey) -> Counter:
    return Counter((qid, rid, json.dumps(json.loads(v))) for qid, rid, v in session.execute(
        select(SurveyAnswer.question_id, SurveyAnswer.response_id, SurveyAnswer.value)
        .where(SurveyAnswer.survey_id == survey.id)))


def _expected(session, survey) -> Counter:
    return Counter((qid, r.id, json.dumps(v)) for r in _rows(session, survey) for qid, v in r.answers.items())


def test_the_answers_table_follows_every_change_of_a_response(counted, team):
    session, survey, commission = counted
    assert _answer_rows(session, survey) == _expected(session, survey)  # after submits, a change and a delete
    commission.retention_days = 1
    session.commit()
    for r in _rows(session, survey)[:5]:
        r.submitted_at = utcnow() - timedelta(days=3)
    session.commit()
    erased = retention.erase_commission(session, commission, utcnow() - timedelta(days=1))
    assert erased.responses == 5
    assert _answer_rows(session, survey) == _expected(session, survey)
    words = {v for (qid, _, v) in _answer_rows(session, survey) if qid == "words"}
    assert json.dumps(retention.ERASED) in words
    total = session.scalar(select(func.count()).select_from(SurveyAnswer).where(SurveyAnswer.survey_id == survey.id))
    assert total == sum(len(r.answers) for r in _rows(session, survey))


def _as_counter(rows) -> Counter:
    key = (lambda v: "MISSING" if v is answer_counts.MISSING else json.dumps(v, sort_keys=True))
    return Counter({(key(s), key(v)): n for s, v, n in rows})


def _same_segmentation(stored, listed, by, question_ids):
    people, rows = stored.segmented(by, question_ids)
    want_people, want_rows = listed.segmented(by, question_ids)
    assert people == want_people  # the same groups, in the same order (first given first)
    assert sorted(rows) == sorted(want_rows)
    for qid in want_rows:
        assert _as_counter(rows[qid]) == _as_counter(want_rows[qid]), (by, qid)


def test_segmentation_in_sql_equals_the_python_reference_with_another_survey_interleaved(counted, team):
    """Responses of two surveys take turns in the id sequence, some are deleted, some skip the
    question segmented by: the SQL path reads the survey's own answers only, every one once."""
    session, survey, commission = counted
    owner = session.get(StaffUser, team["alice"].id)
    other = lifecycle.create_survey(session, commission, owner, lifecycle.SurveyInput(
        title="Interleaved", step="initiate", items=QUESTIONS))
    lifecycle.open_survey(session, other)
    rnd = random.Random(21)
    for i in range(80):
        target = survey if i % 3 else other
        stored = responses.submit(session, target, _answers(rnd), secret=SECRET)[0]
        if i % 11 == 0:
            responses.delete(session, stored)
    ids = [q["id"] for q in flatten(survey.definition)]
    for s in (survey, other):
        stored, listed = answer_counts.StoredAnswers(session, s.id), answer_counts.ListedAnswers(_rows(session, s))
        for by in ("who", "age", "park", "visits"):
            _same_segmentation(stored, listed, by, [q for q in ids if q != by])
        _same_segmentation(stored, listed, "who", [])


def test_segmentation_by_a_question_with_hundreds_of_answers(counted):
    """More than 255 segments: the lookup of each respondent's segment outgrows a byte."""
    session, survey, commission = counted
    rnd = random.Random(5)
    for i in range(300):
        responses.submit(session, survey, {**_answers(rnd), "words": f"answer number {i}"}, secret=SECRET)
    stored = answer_counts.StoredAnswers(session, survey.id)
    listed = answer_counts.ListedAnswers(_rows(session, survey))
    _same_segmentation(stored, listed, "words", ["park", "likes", "rank", "visits", "score"])


def _total(session, survey) -> int | None:
    return session.scalar(select(SurveyResponseTotal.responses).where(SurveyResponseTotal.survey_id == survey.id))


def _counted_by_hand(session, survey) -> int:
    return session.scalar(select(func.count()).select_from(SurveyResponse).where(SurveyResponse.survey_id == survey.id))


def test_a_surveys_total_follows_every_response_stored_and_deleted(counted, team):
    """The totals kept by triggers (migration 0020) equal counting the rows, whichever way the
    responses came and went: one at a time, in a group with a replay, deleted by the resident."""
    session, survey, commission = counted
    assert _total(session, survey) == _counted_by_hand(session, survey) == 59  # 60 submitted, 1 deleted
    group = [responses.Submission(survey.id, {"again": "yes"}, submission_key="k-1"),
             responses.Submission(survey.id, {"again": "yes"}, submission_key="k-1"),  # a retry: counted once
             responses.Submission(survey.id, {"again": "no"}),
             responses.Submission(survey.id, {"park": "Nowhere at all" * 40})]       # refused: not counted
    results = responses.submit_many(session, group, secret=SECRET)
    assert [type(r).__name__ for r in results] == ["Submitted", "Submitted", "Submitted", "Invalid"]
    assert _total(session, survey) == _counted_by_hand(session, survey) == 61
    for stored in _rows(session, survey)[:3]:
        responses.delete(session, stored)
    assert _total(session, survey) == _counted_by_hand(session, survey) == 58
    # the running count the submission event carries is the same figure
    events = [e.payload for e in session.scalars(select(StoredEvent).where(StoredEvent.name == "survey.response_submitted")
                                                 .order_by(StoredEvent.id))]
    assert events[-1] == {"survey_id": survey.id, "responses": 61, "received": 2}
