"""Benefits management: strategy, profiles, dependencies, the map, measurements and reviews as
evidence, and the realisation plan's reminders."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from commissioning_steps import benefits, decisions, evidence, progression
from commissioning_steps.benefits import BenefitInput
from commissioning_steps.db import utcnow
from commissioning_steps.decisions import DecisionInput
from commissioning_steps.errors import Conflict, Invalid


def profile(**kw) -> BenefitInput:
    return BenefitInput(**{
        "title": "Carers' time back", "description": "Carers spend less time arranging transport",
        "stakeholders": ["Family carers"], "attributes": ["Non-cashable", "Quantitative"],
        "outputs": ["Door-to-door transport contract"], "outcome": "Reliable pick-ups",
        "objectives": ["Carers can stay in work"], "measure": "Hours a week spent arranging transport",
        "unit": "hours", "method": "Carers' diaries, four weeks each quarter", "baseline_value": 6,
        "baseline_date": "2026-09-01", "target_value": 2, "target_date": "2027-09-01",
        "owner_role": "Head of day services", **kw})


def test_strategy_holds_the_approach_and_each_partners_wants(db, done, people):
    strategy = benefits.save_strategy(db, done, people["casey"], approach="Baseline early; review quarterly",
                                      partner_benefits=[{"partner": "sutton council", "benefits": "Cash savings"},
                                                        {"partner": "NHS South West London", "benefits": "Resilience"}])
    assert strategy.partner_benefits == [{"partner": "Sutton Council", "benefits": "Cash savings"},
                                         {"partner": "NHS South West London", "benefits": "Resilience"}]
    again = benefits.save_strategy(db, done, people["casey"], approach="Quarterly", partner_benefits=[])
    assert again.id == strategy.id and again.partner_benefits == []
    with pytest.raises(Invalid) as exc:
        benefits.save_strategy(db, done, people["casey"], approach="",
                               partner_benefits=[{"partner": "Someone else", "benefits": "x"},
                                                 {"partner": "Sutton Council", "benefits": ""}])
    assert set(exc.value.fields) == {"approach", "partner_benefits.0.partner", "partner_benefits.1.benefits"}


def test_a_profile_is_checked_field_by_field(db, done, people):
    with pytest.raises(Invalid) as exc:
        benefits.create_benefit(db, done, people["casey"], BenefitInput(
            kind="windfall", title="", description="", stakeholders=[], measure="", method="", owner_role="",
            baseline_value="lots", target_value=3, target_date="2020-01-01", baseline_date="2026-01-01",
            owner_id=people["eve"].id, review_dates=["not a date"]))
    assert set(exc.value.fields) >= {"kind", "title", "description", "stakeholders", "measure", "method",
                                     "owner_role", "baseline_value", "target_date", "owner_id", "review_dates"}
    with pytest.raises(Invalid) as exc:
        benefits.create_benefit(db, done, people["casey"], profile(target_date=None))
    assert "target_date" in exc.value.fields  # a target value needs its date


def test_profile_dependencies_decisions_and_the_map(db, done, people):
    casey = people["casey"]
    decision = decisions.record_decision(db, done, casey, DecisionInput(
        title="Commission door-to-door transport", description="Tender in spring", kind="decision", step="activate",
        decided_by="Project board", decided_on="2026-11-01"), not_attributable_reason="Statutory duty to provide it")
    time = benefits.create_benefit(db, done, casey, profile(), decisions=[decision.id])
    work = benefits.create_benefit(db, done, casey, profile(title="Carers stay in work", outputs=[], outcome="",
                                                            objectives=["Carers can stay in work", "Fewer crises"]),
                                   depends_on=[time.id])
    dis = benefits.create_benefit(db, done, casey, profile(kind="dis_benefit", title="Longer journeys", outputs=[
        "Door-to-door transport contract"], outcome="Reliable pick-ups", objectives=[]))
    with pytest.raises(Invalid) as exc:
        benefits.update_benefit(db, time, casey, depends_on=[work.id])
    assert "itself" in exc.value.fields["depends_on"]
    with pytest.raises(Invalid):
        benefits.update_benefit(db, time, casey, depends_on=[time.id])
    links = benefits.links_of(db, [time.id, work.id])
    assert links[time.id] == {"depends_on": [], "decisions": [decision.id]}
    assert links[work.id]["depends_on"] == [time.id]

    graph = benefits.benefits_map(db, done.id)
    columns = {c["key"]: [n["label"] for n in c["nodes"]] for c in graph["columns"]}
    assert columns == {
        "outputs": ["Door-to-door transport contract", "Decision: Commission door-to-door transport"],
        "outcomes": ["Reliable pick-ups"],
        "benefits": ["Carers' time back", "Carers stay in work", "Longer journeys"],
        "objectives": ["Carers can stay in work", "Fewer crises"],
    }
    edges = {(e["from"], e["to"], e["kind"]) for e in graph["edges"]}
    assert ("output:door-to-door transport contract", "outcome:reliable pick-ups", "leads_to") in edges
    assert (f"decision:{decision.id}", "outcome:reliable pick-ups", "leads_to") in edges
    assert ("outcome:reliable pick-ups", f"benefit:{time.id}", "leads_to") in edges
    assert ("outcome:reliable pick-ups", f"benefit:{dis.id}", "leads_to") in edges
    assert (f"benefit:{time.id}", f"benefit:{work.id}", "depends_on") in edges
    assert (f"benefit:{work.id}", "objective:fewer crises", "contributes_to") in edges
    assert benefits.benefits_for_decisions(db, [decision.id]) == {decision.id: [time.id]}

    changed = benefits.update_benefit(db, work, casey, title="Carers keep their jobs", decisions=[decision.id])
    assert changed.title == "Carers keep their jobs" and changed.measure == work.measure
    with pytest.raises(Invalid):
        benefits.update_benefit(db, work, casey, colour="red")


def test_measurements_and_reviews_are_evidence_under_evaluate(db, done, people):
    casey = people["casey"]
    benefit = benefits.create_benefit(db, done, casey, profile())
    m = benefits.record_measurement(db, benefit, casey, measured_on="2026-11-01", value="4.5",
                                    source="Carers' diaries, October")
    entry = evidence.get_entry(db, done.id, m.evidence_entry_id)
    assert (entry.kind, entry.step, entry.source) == ("benefit_measurement", "evaluate", evidence.AUTOMATIC)
    assert entry.payload["value"] == 4.5 and entry.payload["source"] == "Carers' diaries, October"
    r = benefits.record_review(db, benefit, casey, held_on="2026-11-02", extent="partly_realised",
                               findings="Half way there", new_target_value=1.5, new_target_date="2028-01-01")
    assert (benefit.target_value, benefit.target_date) == (1.5, date(2028, 1, 1))
    review_entry = evidence.get_entry(db, done.id, r.evidence_entry_id)
    assert review_entry.kind == "benefit_review"
    assert review_entry.payload["previous_target"] == {"value": 2.0, "date": "2027-09-01"}
    with pytest.raises(Invalid) as exc:
        benefits.record_measurement(db, benefit, casey, measured_on=(utcnow().date() + timedelta(days=2)).isoformat(),
                                    value=None, source="")
    assert set(exc.value.fields) == {"measured_on", "value", "source"}
    with pytest.raises(Invalid) as exc:
        benefits.record_review(db, benefit, casey, held_on="2026-11-03", extent="mostly", findings="",
                               new_target_value=3)
    assert set(exc.value.fields) == {"extent", "findings", "new_target_date"}


def test_measurements_go_under_consolidate_before_evaluate_and_not_before(db, fresh, people):
    casey = people["casey"]
    benefit = benefits.create_benefit(db, fresh, casey, profile())
    with pytest.raises(Conflict):
        benefits.record_measurement(db, benefit, casey, measured_on="2026-11-01", value=5, source="Diaries")
    for step in ("initiate", "investigate", "collaborate", "incubate", "negotiate", "activate"):
        progression.complete_step(db, fresh, step, casey, override_reason="Recorded on paper for this test")
    m = benefits.record_measurement(db, benefit, casey, measured_on="2026-11-01", value=5, source="Diaries")
    assert evidence.get_entry(db, fresh.id, m.evidence_entry_id).step == "consolidate"


def test_reminders_for_due_measurements_and_reviews(db, done, people):
    casey = people["casey"]
    today = date(2027, 3, 1)
    benefit = benefits.create_benefit(db, done, casey, profile(
        owner_id=casey.id, measurement_dates=["2027-02-20", "2027-03-05", "2027-06-01"], review_dates=["2027-03-08"]))
    unowned = benefits.create_benefit(db, done, casey, profile(title="Unowned", review_dates=["2027-02-01"]))
    assert benefits.issue_reminders(db, today) == 4  # two measurements and a review within 7 days, one unowned
    assert benefits.issue_reminders(db, today) == 0, "idempotent"
    due = benefits.reminders_for(db, casey)
    assert [(d.benefit.id, d.reminder.kind, d.reminder.due_on.isoformat()) for d in due] == [
        (unowned.id, "review", "2027-02-01"), (benefit.id, "measurement", "2027-02-20"),
        (benefit.id, "measurement", "2027-03-05"), (benefit.id, "review", "2027-03-08")]
    assert benefits.reminders_for(db, people["eve"]) == []  # evaluators own no benefits
    benefits.record_measurement(db, benefit, casey, measured_on="2026-12-01", value=4, source="Diaries")
    left = [(d.reminder.kind, d.reminder.due_on.isoformat()) for d in benefits.reminders_for(db, casey)
            if d.benefit.id == benefit.id]
    assert left == [("measurement", "2027-02-20"), ("measurement", "2027-03-05"), ("review", "2027-03-08")], \
        "a measurement taken months before does not count for a date still to come"


def test_a_measurement_closes_the_reminders_due_by_then(db, done, people):
    casey = people["casey"]
    past = utcnow().date() - timedelta(days=30)
    benefit = benefits.create_benefit(db, done, casey, profile(
        owner_id=casey.id, measurement_dates=[past.isoformat(), (past + timedelta(days=60)).isoformat()]))
    assert benefits.issue_reminders(db, past + timedelta(days=1)) == 1
    benefits.record_measurement(db, benefit, casey, measured_on=past + timedelta(days=2), value=4, source="Diaries")
    assert benefits.reminders_for(db, casey) == []
    # a later run does not bring back the reminder the measurement answered
    assert benefits.issue_reminders(db, past + timedelta(days=3)) == 0
