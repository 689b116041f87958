"""Matching an about-you question's answers to the commission's population groups (issue 8
point 12): the mapping is stored on the question, checked against the commission's groups,
suggested when names are alike, warned about when a group has no answer, and the results, the
public report's group counts and the input inbox all count through the one function that maps
an answer to a group."""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy import select

from commissioning_steps import inputs
from commissioning_steps.commissions import Commission
from commissioning_steps.errors import Conflict, Invalid
from commissioning_steps.staff import StaffUser
from surveys import builder, input_index, lifecycle, responses, results, you_said_we_did
from surveys.branching import flatten
from surveys.models import Survey
from surveys.templates import get_template

DEMO_GROUPS = ["Adults with learning disabilities", "Family carers", "Support staff", "Community organisations"]
#: The templates' respondent-group options, which name none of the groups word for word.
TEMPLATE_OPTIONS = ["Resident", "Carer", "Member of staff", "Community leader", "Other"]


def test_suggestions_match_alike_names_and_leave_the_rest():
    assert builder.suggest_groups(TEMPLATE_OPTIONS, DEMO_GROUPS) == {
        "Carer": "Family carers", "Member of staff": "Support staff", "Community leader": "Community organisations"}
    assert builder.suggest_groups(["carers", "Residents"], ["Carers", "Residents"]) == {
        "carers": "Carers", "Residents": "Residents"}
    # a word shared with two groups is no suggestion at all
    assert builder.suggest_groups(["Older people"], ["Older residents", "Older carers"]) == {}


def test_group_of_reads_the_mapping_or_without_one_the_groups_name():
    mapped = {"id": "who", "type": "about_you", "options": ["Carer", "Other"], "groups": {"Carer": "Family carers"}}
    assert results.group_of(mapped, "Carer", DEMO_GROUPS) == "Family carers"
    assert results.group_of(mapped, "Other", DEMO_GROUPS) is None
    assert results.group_of(mapped, "Family carers", DEMO_GROUPS) is None  # the mapping decides
    plain = {"id": "who", "type": "about_you", "options": ["family carers", "Other"]}
    assert results.group_of(plain, "family carers", DEMO_GROUPS) == "Family carers"
    assert results.group_of(plain, None, DEMO_GROUPS) is None
    stale = {**mapped, "groups": {"Carer": "Carers who left"}}
    assert results.group_of(stale, "Carer", DEMO_GROUPS) is None


@pytest.fixture
def plan(session, team):
    """The "Our first plan" template in the team's commission (groups Carers 30%, Residents 60%)."""
    owner = session.get(StaffUser, team["alice"].id)
    commission = session.get(Commission, team["mine"].id)
    return lifecycle.create_survey(session, commission, owner, lifecycle.SurveyInput(
        template="incubate_plan_check", step="initiate", material_text="We will open the centre on Saturdays."))


def _question(store, survey_id, qid):
    with store.session() as fresh:
        return next(q for q in flatten(fresh.get(Survey, survey_id).definition) if q["id"] == qid)


def test_without_a_mapping_the_templates_options_count_nobody_towards_a_group(plan):
    questions = flatten(plan.definition)
    assert results.representation_question(questions, ["Carers", "Residents"]) is None


def test_set_the_mapping_and_representativeness_counts_through_it(store, session, team, plan):
    stored = builder.set_group_mapping(session, plan, "respondent_group",
                                       {"Carer": "Carers", "Resident": "Residents", "Other": None})
    assert stored["groups"] == {"Resident": "Residents", "Carer": "Carers"}  # in the options' order
    assert _question(store, plan.id, "respondent_group")["groups"] == stored["groups"]
    lifecycle.open_survey(session, plan)
    for answers in ({"fits_needs": 4, "agree_with_plan": "yes", "respondent_group": "Carer"},
                    {"fits_needs": 2, "agree_with_plan": "no", "respondent_group": "Resident"},
                    {"fits_needs": 3, "agree_with_plan": "yes", "respondent_group": "Other"}):
        responses.submit(session, plan, answers, secret=b"s")
    commission = session.get(Commission, plan.commission_id)
    rows = list(session.scalars(select(results_model()).where(results_model().survey_id == plan.id)))
    rep = results.survey_results(plan, rows, commission.population_groups)["representativeness"]
    by_group = {r["group"]: r["respondents"] for r in rep["rows"]}
    assert by_group == {"Carers": 1, "Residents": 1, "Other": 1}
    assert rep["question_id"] == "respondent_group"


def results_model():
    from surveys.models import SurveyResponse
    return SurveyResponse


def test_results_report_and_inbox_agree_on_each_respondents_group(store, session, team, plan):
    builder.set_group_mapping(session, plan, "respondent_group", {"Carer": "Carers", "Resident": "Residents"})
    lifecycle.open_survey(session, plan)
    answers = ({"fits_needs": 4, "agree_with_plan": "no", "what_to_change": "More buses", "respondent_group": "Carer"},
               {"fits_needs": 2, "agree_with_plan": "maybe", "what_to_change": "Later hours",
                "respondent_group": "Resident"},
               {"fits_needs": 5, "agree_with_plan": "no", "what_to_change": "Nothing much"})
    for a in answers:
        responses.submit(session, plan, a, secret=b"s")
    commission = session.get(Commission, plan.commission_id)
    rows = list(session.scalars(select(results_model()).where(results_model().survey_id == plan.id)))
    rep = results.survey_results(plan, rows, commission.population_groups)["representativeness"]
    from_results = {r["group"]: r["respondents"] for r in rep["rows"] if r["respondents"]}
    from_report = you_said_we_did.group_counts(session, commission)
    assert from_results == from_report == {"Carers": 1, "Residents": 1, "Not answered": 1}
    inbox = {item.text: item.respondent_group for item in session.scalars(
        select(inputs.InputItem).where(inputs.InputItem.commission_id == commission.id))}
    assert inbox == {"More buses": "Carers", "Later hours": "Residents", "Nothing much": None}
    names = [g.name for g in commission.population_groups]
    assert [i.respondent_group for r in rows for i in input_index.response_items(plan, r, names)] == [
        "Carers", "Residents", None]


def test_the_mapping_names_only_the_commissions_groups_and_the_questions_answers(store, session, plan):
    with pytest.raises(Invalid) as exc:
        builder.set_group_mapping(session, plan, "respondent_group", {"Carer": "Family carers", "Nobody": "Carers"})
    assert exc.value.fields == {
        "groups.Carer": "“Family carers” is not one of the commission's population groups",
        "groups.Nobody": "“Nobody” is not an answer to ‘Which of these best describes you?’"}
    with pytest.raises(Invalid) as exc:
        builder.set_group_mapping(session, plan, "fits_needs", {"1": "Carers"})
    assert list(exc.value.fields) == ["groups"]
    assert "groups" not in _question(store, plan.id, "respondent_group")


def test_api_definitions_are_checked_against_the_commissions_groups_too(session, team):
    owner = session.get(StaffUser, team["alice"].id)
    commission = session.get(Commission, team["mine"].id)
    who = {"id": "who", "type": "about_you", "category": "respondent_group", "text": "Who?", "why": "To check",
           "options": ["Carer", "Other"], "groups": {"Carer": "Family carers"}}
    with pytest.raises(Invalid) as exc:
        lifecycle.create_survey(session, commission, owner, lifecycle.SurveyInput(
            title="Mapped", step="initiate", items=[who]))
    assert exc.value.fields == {"questions.0.groups": (
        "“Carer” is matched to “Family carers”, which is not one of the commission's population groups")}
    survey = lifecycle.create_survey(session, commission, owner, lifecycle.SurveyInput(
        title="Mapped", step="initiate", items=[{**who, "groups": {"Carer": "Carers"}}]))
    assert flatten(survey.definition)[0]["groups"] == {"Carer": "Carers"}


def test_the_builder_warns_of_groups_no_answer_stands_for(session, team, plan):
    question = next(q for q in flatten(plan.definition) if q["id"] == "respondent_group")
    view = builder.group_mapping_view(question, ["Carers", "Residents", "Young people"])
    assert view["stored"] is False
    assert view["matches"]["Carer"] == "Carers" and view["matches"]["Resident"] == "Residents"
    assert view["unmatched_groups"] == ["Young people"]
    stored = builder.set_group_mapping(session, plan, "respondent_group", {"Carer": "Carers"})
    view = builder.group_mapping_view(stored, ["Carers", "Residents"])
    assert view["stored"] is True and view["matches"]["Resident"] is None
    assert view["unmatched_groups"] == ["Residents"]
    assert builder.group_mapping_view(stored, ["Residents"])["stale"] == {"Carer": "Carers"}


def test_the_mapping_may_change_while_open_but_not_once_closed(store, session, plan):
    lifecycle.open_survey(session, plan)
    builder.set_group_mapping(session, plan, "respondent_group", {"Carer": "Carers"})
    assert _question(store, plan.id, "respondent_group")["groups"] == {"Carer": "Carers"}
    lifecycle.close_survey(session, plan)
    with pytest.raises(Conflict):
        builder.set_group_mapping(session, plan, "respondent_group", {"Carer": "Residents"})
    assert _question(store, plan.id, "respondent_group")["groups"] == {"Carer": "Carers"}


def test_an_unmapped_survey_still_counts_options_that_are_group_names():
    survey = SimpleNamespace(id=1, title="T", status="open", version=1, definition=[
        {"id": "who", "type": "about_you", "text": "Who?", "category": "respondent_group", "why": "x",
         "options": ["carers", "Residents", "Other"], "required": False}])
    rows = [SimpleNamespace(answers={"who": "carers"}), SimpleNamespace(answers={"who": "Other"})]
    rep = results.survey_results(survey, rows, [SimpleNamespace(name="Carers", target_share=50.0)])["representativeness"]
    assert {r["group"]: r["respondents"] for r in rep["rows"]} == {"Carers": 1, "Other": 1}
