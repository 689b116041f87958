"""Decisions ("we did"): steps by kind, attribution to themes and items or a reason, status history,
evidence with the figures as they were; every theme answered; and one resident's influence."""
from __future__ import annotations

import pytest

from commissioning_steps import decisions, evidence, influence, progression, themes
from commissioning_steps.decisions import DecisionInput
from commissioning_steps.errors import Conflict, Invalid

from ysd_data import by_ref


def plan(**kw) -> DecisionInput:
    return DecisionInput(**{"title": "Saturday opening", "description": "The centre opens on Saturdays from April",
                            "kind": "plan_item", "step": "collaborate", "decided_by": "Adult social care board",
                            "decided_on": "2026-11-20", "takes_effect_on": "2027-04-01", **kw})


@pytest.fixture
def weekends(db, commission, owner, items):
    theme = themes.create_theme(db, commission, owner, name="Weekends")
    themes.tag(db, theme, by_ref(items, "survey-answer:3:q1", "survey-answer:4:q1", "live-vote:72"), owner)
    return theme


@pytest.fixture
def transport(db, commission, owner, items):
    theme = themes.create_theme(db, commission, owner, name="Transport")
    themes.tag(db, theme, by_ref(items, "survey-answer:1:q1", "survey-answer:1:q2", "survey-answer:2:q1",
                                 "live-vote:71"), owner)
    return theme


def test_a_decision_linked_to_two_themes_logs_the_figures_they_held(db, commission, owner, weekends, transport):
    decision = decisions.record_decision(db, commission, owner, plan(), themes=[weekends.id, transport.id])
    entry = db.get(evidence.EvidenceEntry, _last_entry_id(db, commission))
    assert (entry.kind, entry.step, entry.source, entry.author) == ("decision", "collaborate", "automatic",
                                                                   owner.reference)
    assert entry.payload["items"] == 7
    assert entry.payload["residents"] == 6  # respondents 1-4 and two live participants
    assert entry.payload["themes"] == sorted([weekends.id, transport.id])
    assert entry.practice_question == "Is collaboration with local people demonstrable in your plans?"
    assert decisions.links(db, [decision.id])[decision.id]["themes"] == sorted([weekends.id, transport.id])
    assert evidence.verify(db, commission).ok


def test_kinds_belong_to_their_steps(db, commission, owner, weekends):
    with pytest.raises(Invalid) as exc:
        decisions.record_decision(db, commission, owner, plan(kind="solution_facet"), themes=[weekends.id])
    assert exc.value.fields["step"] == "A solution facet belongs to Activate"
    with pytest.raises(Invalid) as exc:
        decisions.record_decision(db, commission, owner, plan(kind="plan_item", step="initiate"), themes=[weekends.id])
    assert "Collaborate or Incubate" in exc.value.fields["step"]
    with pytest.raises(Invalid) as exc:
        decisions.record_decision(db, commission, owner, plan(kind="decision", step="evaluate"), themes=[weekends.id])
    assert "has not started yet" in exc.value.fields["step"]
    made = decisions.record_decision(db, commission, owner, plan(kind="decision", step="initiate"), themes=[weekends.id])
    assert made.step == "initiate"


def test_a_decision_is_attributed_or_says_why_not(db, commission, owner, weekends, items):
    with pytest.raises(Invalid) as exc:
        decisions.record_decision(db, commission, owner, plan())
    assert "not attributable" in exc.value.fields["themes"]
    with pytest.raises(Invalid) as exc:
        decisions.record_decision(db, commission, owner, plan(), themes=[weekends.id],
                                  not_attributable_reason="The law requires this change anyway")
    assert "not_attributable_reason" in exc.value.fields
    with pytest.raises(Invalid):
        decisions.record_decision(db, commission, owner, plan(), not_attributable_reason="short")
    legal = decisions.record_decision(db, commission, owner, plan(title="Fire doors"),
                                      not_attributable_reason="A fire safety inspection requires it")
    assert legal.not_attributable_reason == "A fire safety inspection requires it"
    by_item = decisions.record_decision(db, commission, owner, plan(title="Café prices"), items=["survey-answer:5:q1"])
    assert decisions.links(db, [by_item.id])[by_item.id]["items"] == ["survey-answer:5:q1"]


def test_fields_are_checked_together(db, commission, owner):
    with pytest.raises(Invalid) as exc:
        decisions.record_decision(db, commission, owner, DecisionInput(
            title="", description="", kind="wish", step="initiate", decided_by="", decided_on="31/02/2027",
            takes_effect_on="soon", status="maybe"), themes="all")
    assert set(exc.value.fields) >= {"title", "description", "kind", "decided_by", "decided_on", "takes_effect_on",
                                     "status", "themes"}


def test_the_body_that_decided_must_not_carry_contact_details(db, commission, owner, weekends):
    with pytest.raises(Invalid) as exc:
        decisions.record_decision(db, commission, owner, plan(decided_by="Jo, jo@example.org"), themes=[weekends.id])
    assert "decided_by" in exc.value.fields


def test_status_changes_keep_a_history_and_are_logged(db, commission, owner, weekends):
    decision = decisions.record_decision(db, commission, owner, plan(), themes=[weekends.id])
    decisions.change_decision(db, decision, owner, status="agreed")
    decisions.change_decision(db, decision, owner, status="in_place")
    decisions.change_decision(db, decision, owner, status="in_place")  # no change, no entry
    history = decisions.links(db, [decision.id])[decision.id]["history"]
    assert [h.status for h in history] == ["proposed", "agreed", "in_place"]
    kinds = [e.kind for e in evidence.entries(db, commission.id)]
    assert kinds.count("decision_update") == 2
    with pytest.raises(Invalid):
        decisions.change_decision(db, decision, owner, status="finished")


def test_unlinking_every_theme_needs_a_reason(db, commission, owner, weekends):
    decision = decisions.record_decision(db, commission, owner, plan(), themes=[weekends.id])
    with pytest.raises(Invalid):
        decisions.change_decision(db, decision, owner, themes=[])
    decisions.change_decision(db, decision, owner, themes=[], not_attributable_reason="Residents were not asked about this")
    entry = evidence.entries(db, commission.id)[-1]
    assert entry.payload["changed"] == ["themes", "not_attributable_reason"] and entry.payload["items"] == 0


def test_every_theme_gets_an_answer(db, commission, owner, weekends, transport):
    decision = decisions.record_decision(db, commission, owner, plan(), themes=[weekends.id])
    themes.create_theme(db, commission, owner, name="Parking")
    decisions.respond_to_theme(db, transport, owner, decisions=[decision.id])
    answered = {s.theme.name: s.answered for s in themes.summaries(db, commission.id)}
    assert answered == {"Parking": False, "Transport": True, "Weekends": True}
    parking = [t for t in themes.themes_of(db, commission.id) if t.name == "Parking"][0]
    decisions.respond_to_theme(db, parking, owner, not_taken_up="The council does not run the car park")
    assert parking.not_taken_up_reason == "The council does not run the car park"
    entry = evidence.entries(db, commission.id)[-1]
    assert entry.kind == "theme_response" and entry.payload["not_taken_up"] == parking.not_taken_up_reason
    with pytest.raises(Conflict):
        decisions.respond_to_theme(db, transport, owner, not_taken_up="Changed our minds about transport")
    with pytest.raises(Invalid):
        decisions.respond_to_theme(db, parking, owner)
    with pytest.raises(Invalid):
        decisions.respond_to_theme(db, parking, owner, not_taken_up="no")


def test_solution_facets_at_activate(db, commission, owner, weekends):
    for step in ("collaborate", "incubate", "negotiate"):
        progression.complete_step(db, commission, step, owner, override_reason="Evidence is held on paper here")
    facet = decisions.record_decision(db, commission, owner, plan(kind="solution_facet", step="activate"),
                                      themes=[weekends.id])
    entry = evidence.entries(db, commission.id)[-1]
    assert entry.practice_question == "What facets of the eventual solution are directly attributable to local people?"
    assert facet.kind_label == "Solution facet"


def test_a_resident_sees_where_their_words_went_and_nothing_of_anyone_else(db, commission, owner, weekends, transport):
    decision = decisions.record_decision(db, commission, owner, plan(), themes=[weekends.id])
    decisions.change_decision(db, decision, owner, status="agreed")
    decisions.respond_to_theme(db, transport, owner, not_taken_up="The bus contract is the county council's")
    mine = influence.influence(db, ["survey-response:1"])
    assert [m["text"] for m in mine] == ["More transport to the day centre on Saturdays", "The minibus is always late"]
    first = mine[0]["themes"][0]
    assert first["theme"] == "Transport"
    assert first["others"] == 2  # respondent 2 and one live participant said the same
    assert first["decisions"] == [] and first["not_taken_up"] == "The bus contract is the county council's"
    theirs = influence.influence(db, ["survey-response:4"])
    assert theirs[0]["themes"][0]["decisions"][0]["title"] == "Saturday opening"
    assert theirs[0]["themes"][0]["decisions"][0]["status"] == "agreed"
    text = repr(mine)
    for other_words in ("wheelchairs", "Weekend opening", "07700", "Cheaper lunches"):
        assert other_words not in text
    assert influence.influence(db, ["survey-response:999"]) == []


def _last_entry_id(db, commission) -> int:
    return evidence.entries(db, commission.id)[-1].id


def test_a_decision_linked_to_the_residents_own_item_shows_with_it(db, commission, owner, items):
    decisions.record_decision(db, commission, owner, plan(title="Café prices", kind="decision", step="investigate"),
                              items=["survey-answer:5:q1"])
    mine = influence.influence(db, ["survey-response:5"])
    cafe = [m for m in mine if m["ref"] == "survey-answer:5:q1"][0]
    assert cafe["themes"] == []
    assert [d["title"] for d in cafe["decisions"]] == ["Café prices"]
    other = [m for m in mine if m["ref"] == "survey-answer:5:q2"][0]
    assert other["decisions"] == []
    assert influence.influence(db, ["survey-response:4"])[0]["decisions"] == []
