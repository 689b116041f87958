"""A survey's states past the builder (issue 8 points 9, 15 and 18): its step is chosen when it
is created (from a template too) and changes while it is a draft; it opens only when it can,
and the page is told why not in the same words; a draft is deleted, an open survey closed, a
closed one archived (and brought back) with its record kept; and the evidence entry written at
closing says what was found, not only how many answered."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from commissioning_steps import evidence
from commissioning_steps.commissions import Commission
from commissioning_steps.errors import Conflict
from commissioning_steps.staff import StaffUser
from surveys import lifecycle, responses, results
from surveys.models import Survey, SurveyResponse


@pytest.fixture
def events(store):
    seen = []
    store.bus.subscribe("*", seen.append)
    yield seen
    store.bus.unsubscribe("*", seen.append)


def _commission(session, team):
    return session.get(Commission, team["mine"].id)


def _create(session, team, **kw):
    owner = session.get(StaffUser, team["alice"].id)
    if kw.get("template") == "incubate_plan_check":  # residents judge a plan: it must be attached
        kw.setdefault("material_text", "We will open the centre on Saturdays.")
    return lifecycle.create_survey(session, _commission(session, team), owner, lifecycle.SurveyInput(**kw))


# -- the step ----------------------------------------------------------------------------------------


def test_a_template_survey_takes_the_step_chosen_and_moves_while_a_draft(store, session, team):
    survey = _create(session, team, template="incubate_plan_check", step="initiate")
    assert survey.step == "initiate"
    assert survey.practice_question.startswith("How can local people help collect")
    lifecycle.update_survey(session, survey, lifecycle.SurveyInput(step="investigate"))
    with store.session() as fresh:
        moved = fresh.get(Survey, survey.id)
        assert (moved.step, moved.practice_question) == ("investigate", "How have local people contributed to the analysis?")
    lifecycle.update_survey(session, survey, lifecycle.SurveyInput(step="initiate"))
    lifecycle.open_survey(session, survey)
    with pytest.raises(Conflict):
        lifecycle.update_survey(session, survey, lifecycle.SurveyInput(step="investigate"))


def test_open_problem_says_why_a_survey_cannot_open_in_the_words_the_page_shows(session, team):
    commission = _commission(session, team)
    later = _create(session, team, template="incubate_plan_check", step="investigate")
    assert lifecycle.open_problem(commission, later) == (
        "Investigate has not started yet: the survey can open once it is the active step",
        {"step": "Investigate has not started"})
    with pytest.raises(Conflict) as exc:
        lifecycle.open_survey(session, later)
    assert exc.value.message == "Investigate has not started yet: the survey can open once it is the active step"
    empty = _create(session, team, title="Nothing yet", step="initiate", items=[])
    assert lifecycle.open_problem(commission, empty)[0] == "Add at least one question before opening the survey"
    ready = _create(session, team, template="collaborative_appetite")
    assert lifecycle.open_problem(commission, ready) is None
    lifecycle.open_survey(session, ready)
    assert lifecycle.open_problem(commission, ready)[0] == "This survey is already open"


# -- delete, close, archive --------------------------------------------------------------------------


def test_a_draft_is_deleted(store, session, team, events):
    survey = _create(session, team, template="collaborative_appetite")
    survey_id = survey.id
    lifecycle.delete_survey(session, survey)
    with store.session() as fresh:
        assert fresh.get(Survey, survey_id) is None
    assert events[-1].name == "survey.deleted" and events[-1].survey_id == survey_id


def test_an_open_or_closed_survey_is_not_deleted(store, session, team):
    survey = _create(session, team, template="collaborative_appetite")
    lifecycle.open_survey(session, survey)
    with pytest.raises(Conflict) as exc:
        lifecycle.delete_survey(session, survey)
    assert exc.value.message.startswith("Only a draft can be deleted")
    lifecycle.close_survey(session, survey)
    with pytest.raises(Conflict):
        lifecycle.delete_survey(session, survey)
    with store.session() as fresh:
        assert fresh.get(Survey, survey.id).status == "closed"


def test_a_closed_survey_is_archived_out_of_the_list_with_its_record_kept(store, session, team, events):
    survey = _create(session, team, template="collaborative_appetite")
    other = _create(session, team, title="Still a draft", step="initiate", items=[])
    with pytest.raises(Conflict):
        lifecycle.archive_survey(session, survey)  # a draft is deleted, not archived
    lifecycle.open_survey(session, survey)
    with pytest.raises(Conflict):
        lifecycle.archive_survey(session, survey)  # an open one is closed first
    responses.submit(session, survey, {"ed_cost": "yes"}, secret=b"s")
    entry = lifecycle.close_survey(session, survey)
    lifecycle.archive_survey(session, survey)
    assert events[-1].name == "survey.archived" and events[-1].archived is True
    assert [s.id for s in lifecycle.for_commission(session, survey.commission_id)] == [other.id]
    assert [s.id for s in lifecycle.for_commission(session, survey.commission_id, archived=True)] == [survey.id]
    assert lifecycle.archived_count(session, survey.commission_id) == 1
    with store.session() as fresh:
        kept = fresh.get(Survey, survey.id)
        assert kept.archived_at is not None and kept.status == "closed"
        assert fresh.scalar(select(SurveyResponse.id).where(SurveyResponse.survey_id == survey.id)) is not None
        assert evidence.get_entry(fresh, survey.commission_id, entry.id).kind == "survey_result"
    lifecycle.archive_survey(session, survey, archived=False)
    assert {s.id for s in lifecycle.for_commission(session, survey.commission_id)} == {survey.id, other.id}


# -- the evidence entry says what was found ----------------------------------------------------------

PRIVATE = "Mrs Jones at 4 Elm Road cannot get out"


def test_the_closing_entry_summarises_each_questions_findings_and_who_was_heard(session, team):
    survey = _create(session, team, title="Parks", step="initiate", items=[
        {"id": "park", "type": "single_choice", "text": "Which park?", "options": ["Rosehill", "Meadow", "Oak"]},
        {"id": "score", "type": "rating", "text": "How good?", "min": 1, "max": 5},
        {"id": "rank", "type": "ranking", "text": "What first?", "options": ["Toilets", "Benches", "Lights"]},
        {"id": "words", "type": "free_text", "text": "Tell us more"},
        {"id": "who", "type": "about_you", "category": "respondent_group", "text": "Who?", "why": "To check",
         "options": ["Carers", "Residents"]},
    ])
    lifecycle.open_survey(session, survey)
    for answers in ({"park": "Meadow", "score": 4, "rank": ["Toilets", "Benches", "Lights"], "words": PRIVATE,
                     "who": "Residents"},
                    {"park": "Meadow", "score": 2, "rank": ["Benches", "Toilets", "Lights"], "who": "Residents"},
                    {"park": "Rosehill", "score": 3, "rank": ["Toilets", "Lights", "Benches"], "who": "Residents"}):
        responses.submit(session, survey, answers, secret=b"s")
    entry = lifecycle.close_survey(session, survey)
    assert entry.summary == (
        "Survey “Parks” closed with 3 responses."
        " Which park?: 3 answered, most chosen: Meadow (2, 66.7%); Rosehill (1, 33.3%)."
        " How good?: 3 answered, mean 3, most chosen: 2 (1, 33.3%); 3 (1, 33.3%); 4 (1, 33.3%)."
        " What first?: 3 answered, most points: Toilets (5 points, first for 2); Benches (3 points, first for 1);"
        " Lights (1 point, first for 0)."
        " Tell us more: 1 answered, answers in residents' own words (on the results page, not in the log)."
        " Who?: 3 answered, most chosen: Residents (3, 100%)."
        " Under-represented: Carers (0% of respondents against a target of 30%).")
    assert PRIVATE not in entry.summary and PRIVATE not in json.dumps(entry.payload)
    rank = next(q for q in entry.payload["questions"] if q["id"] == "rank")
    assert rank["measure"] == "points" and rank["first_choice"] == {"Toilets": 2, "Benches": 1, "Lights": 0}


def test_a_long_summary_stays_within_the_log_and_says_how_many_questions_it_left_out():
    payload = {"survey_title": "Long", "responses": 2, "representativeness": None, "questions": [
        {"id": f"q{i}", "text": "A question with a long text " * 4, "answered": 2, "measure": "count",
         "leading": [{"label": "Yes", "count": 2, "percent": 100.0}]} for i in range(40)]}
    summary = results.evidence_summary(payload)
    assert len(summary) <= 2000
    left = 40 - summary.count("answered, most chosen")
    assert left > 0 and summary.endswith(f"… and {left} more questions in the entry's figures.")


def test_entries_written_before_leading_answers_were_kept_still_read():
    old = {"id": "uses", "text": "Do you go?", "type": "yes_no_maybe", "answered": 3,
           "counts": {"yes": 2, "no": 1, "maybe": 0}, "percentages": {"yes": 66.7, "no": 33.3, "maybe": 0.0}}
    assert results.question_findings(old) == "3 answered, most chosen: yes (2, 66.7%); no (1, 33.3%)"
