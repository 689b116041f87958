"""Every indicator against figures worked out by hand, with empty steps and nothing to divide by."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from commissioning_steps import benefits, decisions, evidence, indicators, inputs, journey, staff, themes
from commissioning_steps.commissions import Commission
from commissioning_steps.decisions import DecisionInput
from surveys import evaluation_indicators as ei
from surveys.models import DRAFT
from surveys.templates import TEMPLATES, get_template

from evaluation_data import add_live_session, add_survey

GROUP_SURVEY = [{"id": "g", "type": "about_you", "category": "respondent_group", "text": "Which are you?",
                 "options": ["Carers", "Residents", "Prefer not to say"]}]


def by_key(items):
    return {i.key: i for i in items}


def note(db, c, who, step, kind, summary="x", **payload):
    return evidence.record_manual(db, c, who, step=step, kind=kind, summary=summary, payload=payload)


# -- throughout: participation and representativeness ----------------------------------------


@pytest.fixture
def heard(db, done, people):
    """At Investigate: a survey of 5 (1 carer, 3 residents, 1 not saying), a live session with 3
    distinct participants (p2 both voted and asked), a workshop of 12 and a meeting of 5 corrected
    to 6. Nothing at any other step."""
    add_survey(db, done, step="investigate", definition=GROUP_SURVEY, title="What matters",
               answers=[{"g": "Carers"}, {"g": "Residents"}, {"g": "Residents"}, {"g": "Residents"}, {}])
    add_live_session(db, done, step="investigate", voters=["p1", "p2"], askers=["p2", "p3"])
    note(db, done, people["casey"], "investigate", "workshop", "Workshop", attendance=12)
    meeting = note(db, done, people["casey"], "investigate", "meeting", "Meeting", attendance=5)
    evidence.record_manual(db, done, people["casey"], step="investigate", kind="meeting", summary="Meeting (corrected)",
                           payload={"attendance": 6}, supersedes=meeting.id)
    return done


def test_participation_per_step_and_in_all(db, heard):
    steps = ei.for_steps(db, heard)
    got = by_key(steps["investigate"])["participation"]
    assert got.value == 5 + 3 + 12 + 6
    assert sorted(r["value"] for r in got.rows) == [3, 5, 6, 12]
    assert {r["ref"].split(":")[0] for r in got.rows} == {"survey", "live-session", "evidence"}
    assert sum(bar["count"] for bar in got.chart) == 26
    empty = by_key(steps["initiate"])["participation"]
    assert (empty.value, empty.rows, empty.chart) == (0, [], None)
    assert "no activities" in empty.display
    overall = by_key(ei.overall(db, heard))["participation_all"]
    assert overall.value == 26


def test_representativeness_largest_shortfall_and_groups_under_represented(db, heard):
    got = by_key(ei.for_steps(db, heard)["investigate"])["representativeness"]
    # 5 respondents: carers 1 (20%, target 40%: 20 points short, under 80% of target), residents 3
    # (60%, on target), one who did not answer.
    assert got.value == 20.0
    assert "Largest shortfall 20 points (Carers)" in got.display and "under-represented: Carers" in got.display
    assert [r["label"] for r in got.rows][:2] == ["Carers", "Residents"]
    assert "under-represented" in got.rows[0]["value"] and "under-represented" not in got.rows[1]["value"]
    assert got.rows[-1] == {"ref": None, "label": "Under-represented groups", "value": "Carers"}
    assert by_key(ei.overall(db, heard))["representativeness_all"].value == 20.0


def test_representativeness_with_nobody_heard_or_no_targets(db, done, world, people):
    got = by_key(ei.for_steps(db, done)["initiate"])["representativeness"]
    assert got.value is None and "Nobody" in got.display
    db.commit()  # end the read, so the helper's own session can write
    bare = db.get(Commission, world.commission(people["casey"], "No groups").id)
    assert by_key(ei.overall(db, bare))["representativeness_all"].value is None
    assert "No target shares" in by_key(ei.overall(db, bare))["representativeness_all"].display


# -- Initiate and Consolidate ----------------------------------------------------------------


def test_data_collected_by_residents(db, done, people):
    casey = people["casey"]
    note(db, done, casey, "initiate", "resident_data", "Photo map", residents=8)
    note(db, done, casey, "initiate", "resident_data", "Footfall count", collectors=3)
    note(db, done, casey, "initiate", "resident_data", "Diary study")
    old = note(db, done, casey, "initiate", "resident_data", "Survey of neighbours", residents=5)
    evidence.record_manual(db, done, casey, step="initiate", kind="resident_data", summary="Survey of neighbours",
                           payload={"residents": 4}, supersedes=old.id)
    note(db, done, casey, "initiate", "note", "Not data")
    note(db, done, casey, "consolidate", "resident_data", "Exit interviews", residents=2)
    initiate = by_key(ei.for_steps(db, done)["initiate"])
    assert initiate["resident_data"].value == 4  # the superseded one is left out
    assert initiate["resident_data_collectors"].value == 8 + 3 + 0 + 4
    assert old.id not in [int(r.split(":")[1]) for r in initiate["resident_data"].ids]
    consolidate = by_key(ei.for_steps(db, done)["consolidate"])
    assert (consolidate["resident_data"].value, consolidate["resident_data_collectors"].value) == (1, 2)


def test_data_collected_by_residents_on_an_empty_step(db, fresh):
    got = by_key(indicators.resident_data(db, fresh, "initiate"))
    assert (got["resident_data"].value, got["resident_data_collectors"].value) == (0, 0)
    assert got["resident_data"].display == "0 entries"


def test_residents_who_collected_data_with_engage_are_counted_with_ids(db, done, people):
    """Two collectors at Initiate (A: 3 responses, B: 1 response and 2 observations), one invited
    who collected nothing, one at Consolidate; a resident's own response and a draft's collector
    are not counted. Closing the Initiate survey adds a resident-data entry the evidence counts."""
    from surveys import collectors, lifecycle

    q = [{"id": "easy", "type": "yes_no_maybe", "text": "Easy to get around?"}]
    casey = people["casey"]

    def survey(step, title):
        made = lifecycle.create_survey(db, done, casey, lifecycle.SurveyInput(title=title, step=step, items=q))
        lifecycle.open_survey(db, made)
        return made

    street, exits = survey("initiate", "Street survey"), survey("consolidate", "Exit interviews")
    draft = lifecycle.create_survey(db, done, casey, lifecycle.SurveyInput(title="Draft", step="initiate", items=q))
    a = collectors.invite(db, street, casey, "Researcher A").collector.id
    b = collectors.invite(db, street, casey, "Researcher B").collector.id
    collectors.invite(db, street, casey, "Researcher C")
    collectors.invite(db, draft, casey, "Researcher D")
    for _ in range(3):
        collectors.record_response(db, a, street.id, {"easy": "no"}, secret=b"s")
    collectors.record_response(db, b, street.id, {"easy": "yes"}, secret=b"s")
    collectors.record_observation(db, b, street.id, "Dark underpass")
    collectors.record_observation(db, b, street.id, "No dropped kerb")
    from surveys import responses
    responses.submit(db, street, {"easy": "yes"}, secret=b"s")
    e = collectors.invite(db, exits, casey, "Researcher E").collector.id
    collectors.record_response(db, e, exits.id, {"easy": "maybe"}, secret=b"s")

    initiate = by_key(ei.for_steps(db, done)["initiate"])
    assert initiate["resident_collectors"].value == 2
    assert initiate["resident_collectors"].display == "2 residents of 3 invited"  # D is on a draft
    assert initiate["people_reached_by_collectors"].value == 4
    assert initiate["people_reached_by_collectors"].display == "4 people reached; 2 observations recorded"
    assert initiate["resident_collectors"].ids == [f"survey:{street.id}"]
    assert initiate["resident_collectors"].rows[0]["value"] == "2 collectors, 4 people reached, 2 observations"
    consolidate = by_key(ei.for_steps(db, done)["consolidate"])
    assert (consolidate["resident_collectors"].value, consolidate["people_reached_by_collectors"].value) == (1, 1)

    # Withdrawing keeps what was collected counted; closing records it in the evidence log too.
    collectors.withdraw(db, db.get(collectors.SurveyCollector, a))
    lifecycle.close_survey(db, street, casey)
    initiate = by_key(ei.for_steps(db, done)["initiate"])
    assert initiate["resident_collectors"].value == 2
    assert initiate["resident_data"].value == 1
    assert initiate["resident_data_collectors"].value == 2  # the entry's "collectors" figure
    assert initiate["resident_data"].ids[0].startswith("evidence:")


def test_no_collectors_is_zero_with_no_rows(db, fresh):
    got = by_key(ei.collected_by_residents(db, fresh, "initiate"))
    assert (got["resident_collectors"].value, got["people_reached_by_collectors"].value) == (0, 0)
    assert got["resident_collectors"].rows == []


# -- Investigate -----------------------------------------------------------------------------


def test_resident_contributions_to_the_analysis(db, done, people):
    casey = people["casey"]
    made = inputs.index(db, done.id, [
        inputs.NewItem(ref=inputs.ref(inputs.SURVEY_ANSWER, i, "q1"), kind="free_text", activity_kind="survey",
                       activity_id=1, activity_title="Survey 1", step="investigate", text=text,
                       respondent_key=f"survey-response:{i}", created_at=datetime(2026, 11, 1))
        for i, text in enumerate(["Buses", "Weekend opening", "Cheaper lunches", "Unthemed"], start=1)])
    a = themes.create_theme(db, done, casey, name="Transport")
    b = themes.create_theme(db, done, casey, name="Opening hours")
    themes.tag(db, a, [made[0].id, made[1].id], casey)
    themes.tag(db, b, [made[1].id, made[2].id], casey)
    quote = themes.pick_quote(db, a, made[0].id, casey)
    note(db, done, casey, "investigate", "resident_quote", "“I need the bus at 9”")
    note(db, done, casey, "investigate", "resident_data", "Residents' traffic count", residents=2)
    note(db, done, casey, "initiate", "resident_quote", "Elsewhere")
    got = by_key(indicators.analysis_contributions(db, done))
    # the inbox also holds the two manual resident entries and the one at initiate
    assert got["themed_items"].value == 3
    assert got["themed_items"].display == "3 of 7 items"
    assert got["quotes_used"].value == 1 and got["quotes_used"].ids == [f"evidence:{quote.id}"]
    assert got["resident_origin_entries"].value == 3  # the picked quote, the quote and the data


def test_resident_contributions_when_there_are_none(db, fresh):
    got = by_key(indicators.analysis_contributions(db, fresh))
    assert [got[k].value for k in ("themed_items", "quotes_used", "resident_origin_entries")] == [0, 0, 0]
    assert got["themed_items"].display == "0 of 0 items"


# -- Collaborate and Activate ----------------------------------------------------------------


def decision(db, c, who, kind, step, title, **links):
    return decisions.record_decision(db, c, who, DecisionInput(
        title=title, description="What was decided", kind=kind, step=step, decided_by="Project board",
        decided_on="2026-11-20"), **links)


@pytest.fixture
def decided(db, done, people):
    casey = people["casey"]
    [item] = inputs.index(db, done.id, [inputs.NewItem(
        ref=inputs.ref(inputs.SURVEY_ANSWER, 1, "q1"), kind="free_text", activity_kind="survey", activity_id=1,
        activity_title="Survey 1", step="investigate", text="Buses", respondent_key="survey-response:1")])
    transport = themes.create_theme(db, done, casey, name="Transport")
    hours = themes.create_theme(db, done, casey, name="Opening hours")
    themes.tag(db, transport, [item.id], casey)
    decision(db, done, casey, "plan_item", "collaborate", "Minibus", themes=[transport.id])
    decision(db, done, casey, "plan_item", "incubate", "Saturday opening", items=[item.ref])
    decision(db, done, casey, "plan_item", "collaborate", "Budget cap", not_attributable_reason="Set by the council")
    decision(db, done, casey, "solution_facet", "activate", "Door-to-door transport", themes=[transport.id, hours.id])
    decision(db, done, casey, "solution_facet", "activate", "Provider's IT", not_attributable_reason="A contract term")
    return done


def test_plan_items_and_the_share_linked_to_residents(db, decided):
    got = by_key(indicators.plan_items(db, decided))
    assert got["plan_items"].value == 3
    assert got["plan_items_linked"].value == 66.7
    assert got["plan_items_linked"].display == "2 of 3: 66.7%"
    assert [r["value"] for r in got["plan_items_linked"].rows] == [
        "attributable to residents", "attributable to residents", "not attributable"]
    assert [bar["count"] for bar in got["plan_items_linked"].chart] == [2, 1]


def test_solution_facets_listed_with_the_themes_behind_each(db, decided):
    got = by_key(indicators.solution_facets(db, decided))
    assert (got["solution_facets"].value, got["facets_attributable"].value) == (2, 50.0)
    first, second = got["facets_attributable"].rows
    assert first["themes"] == ["Opening hours", "Transport"]
    assert "themes: Opening hours, Transport" in first["value"]
    assert second["themes"] == [] and second["reason"] == "A contract term"


def test_no_plan_items_or_facets_is_no_share_not_zero(db, fresh):
    plans = by_key(indicators.plan_items(db, fresh))
    facets = by_key(indicators.solution_facets(db, fresh))
    assert (plans["plan_items"].value, plans["plan_items_linked"].value, plans["plan_items_linked"].chart) == (0, None, None)
    assert facets["facets_attributable"].value is None
    assert "nothing to divide by" in facets["facets_attributable"].display


# -- Incubate, Negotiate, Evaluate: the template questions -----------------------------------


def test_the_template_questions_the_indicators_read_exist():
    for key, (template, question, positive) in ei.TEMPLATE_QUESTIONS.items():
        ids = {q["id"] for section in TEMPLATES[template]["sections"] for q in section.get("questions", [section])}
        assert question in ids, key
        assert ei.GROUP_QUESTION in ids


def test_agreement_with_the_plan_overall_and_by_group(db, done):
    add_survey(db, done, step="incubate", template="incubate_plan_check", answers=[
        {"agree_with_plan": "yes", "respondent_group": "Carers"},
        {"agree_with_plan": "no", "respondent_group": "Carers"},
        {"agree_with_plan": "yes", "respondent_group": "Residents"},
        {"agree_with_plan": "maybe"},
        {"fits_needs": 3},  # did not answer the agreement question
    ])
    # Neither a survey not made from the template nor a draft one counts.
    add_survey(db, done, step="incubate", definition=[{"id": "agree_with_plan", "type": "yes_no_maybe",
                                                       "text": "Agree?"}],
               answers=[{"agree_with_plan": "yes"}] * 2)
    add_survey(db, done, step="incubate", template="incubate_plan_check", status=DRAFT,
               answers=[{"agree_with_plan": "yes"}])
    got = by_key(ei.for_steps(db, done)["incubate"])["plan_agreement"]
    assert got.value == 50.0
    assert got.display == "2 of 4 respondents: 50%"
    groups = {r["label"]: r["value"] for r in got.rows if r["ref"].startswith("group:")}
    assert groups == {"Carers": "1 of 2: 50%", "Not said": "0 of 1: 0%", "Residents": "1 of 1: 100%"}
    [survey_row] = [r for r in got.rows if r["ref"].startswith("survey:")]
    assert survey_row["value"] == "4 answers"


def test_the_template_questions_with_no_answers(db, done):
    add_survey(db, done, step="incubate", template="incubate_plan_check", answers=[])
    steps = ei.for_steps(db, done)
    for step, key in (("incubate", "plan_agreement"), ("negotiate", "felt_influence"),
                      ("evaluate", "outcome_feedback")):
        got = by_key(steps[step])[key]
        assert (got.value, got.chart) == (None, None), key
        assert got.display == "No answers yet from the template's survey"
    assert by_key(steps["evaluate"])["process_feedback"].value == 0


def test_feeling_of_influence_and_meetings_with_residents(db, done, people):
    add_survey(db, done, step="negotiate", template="negotiate_influence", answers=[
        {"changed_plans": "yes", "listened_to": "Strongly agree"},
        {"changed_plans": "yes", "listened_to": "Disagree"},
        {"changed_plans": "no"},
    ])
    casey = people["casey"]
    note(db, done, casey, "negotiate", "meeting", "Provider day", attendance=10, residents=4)
    note(db, done, casey, "negotiate", "meeting", "Market test", attendance=6)
    note(db, done, casey, "negotiate", "meeting", "Clarification", attendance=5, residents=0)
    note(db, done, casey, "activate", "meeting", "Elsewhere", attendance=5, residents=3)
    got = by_key(ei.for_steps(db, done)["negotiate"])
    assert got["felt_influence"].value == 66.7
    assert got["felt_listened_to"].value == 50.0
    assert got["resident_meetings"].value == 1
    assert got["resident_meetings"].display == "1 of 3 meetings"
    assert [r["value"] for r in got["resident_meetings"].rows] == [4, 0, 0]


def test_feedback_on_the_process_and_outcomes_and_benefit_reviews(db, done, people):
    add_survey(db, done, step="evaluate", template="evaluate_process_and_outcomes", answers=[
        {"process_rating": 4, "service_better": "yes", "outcome_rating": 2},
        {"process_rating": 5, "service_better": "maybe", "outcome_rating": 4},
        {"process_rating": 3, "service_better": "no"},
    ])
    got = by_key(ei.for_steps(db, done)["evaluate"])
    assert (got["process_feedback"].value, got["process_feedback"].display) == (3, "3 residents, mean 4 out of 5")
    assert got["outcome_feedback"].value == 33.3
    assert (got["outcome_rating"].value, got["outcome_rating"].display) == (2, "2 residents, mean 3 out of 5")
    assert got["benefit_reviews"].value == 0
    assert got["benefit_reviews"].display == "No reviews held yet (0 benefits profiled)"

    casey = people["casey"]
    profile = dict(description="Less time spent arranging transport", stakeholders=["Carers"], measure="Hours a week",
                   method="Carers' diaries", owner_role="Head of day services")
    one = benefits.create_benefit(db, done, casey, benefits.BenefitInput(title="Carers' time", **profile))
    benefits.create_benefit(db, done, casey, benefits.BenefitInput(title="Fewer missed days", **profile))
    for day, extent in ((1, "not_realised"), (2, "partly_realised"), (3, "fully_realised")):
        benefits.record_review(db, one, casey, held_on=date(2026, 11, day), extent=extent, findings="Diaries read")
    got = by_key(indicators.benefit_reviews(db, done))["benefit_reviews"]
    assert got.value == 3
    assert got.display == "Yes: 3 reviews of 1 of 2 benefits"
    assert [r["value"] for r in got.rows] == ["not_realised", "partly_realised", "fully_realised"]


def test_every_step_has_participation_representativeness_and_its_own(db, fresh):
    steps = ei.for_steps(db, fresh)
    assert list(steps) == list(journey.STEP_KEYS)
    for key, items in steps.items():
        keys = [i.key for i in items]
        assert keys[:2] == ["participation", "representativeness"], key
        assert len(keys) > 2, key
        for item in items:
            data = item.as_dict()
            assert data["definition"] and data["label"] and isinstance(data["ids"], list)


def test_shares_never_divide_by_zero():
    assert indicators.share(3, 0) is None and indicators.share(0, 0) is None
    assert indicators.share(1, 3) == 33.3 and indicators.share(None, 4) == 0.0
