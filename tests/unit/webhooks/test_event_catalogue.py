"""The event catalogue: every type is emitted by performing the change it reports (stored in
``domain_events`` and dispatched after commit), internal signals are dispatched but never stored,
a rolled-back transaction stores and dispatches nothing, and ``docs/events.md`` documents exactly
what the classes declare."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from commissioning_steps import (
    checkpoints, commissions, db, decisions, evaluation, evidence, journey, progression, staff, themes,
)
from commissioning_steps.checkpoint_signing import Signer, generate_private_key_pem, load_private_key
from commissioning_steps.commissions import Commission
from commissioning_steps.events import StoredEvent
from commissioning_steps.inputs import InputItem
from commissioning_steps.staff import StaffUser
from surveys import builder, catalogue, collectors, lifecycle, responses, you_said_we_did
from surveys.live import running, sessions, voting
from surveys.webhooks import delivery, subscriptions
from surveys.webhooks.addresses import Policy
from surveys.webhooks.transport import HttpSender

from webhook_receiver import start_receiver, stop_receiver

ROOT = Path(__file__).resolve().parents[3]
SECRET = b"x" * 32
P1, P2 = "a" * 24, "b" * 24
LOCAL = Policy(allow_private=True)
#: Catalogue events whose producer another change is building (it publishes them; add its step
#: to the scenario below when it lands: the last test here says when).
AWAITING_PRODUCER: dict[str, str] = {}


class Recorder:
    def __init__(self, store, session):
        self.store, self.session, self.heard, self.covered = store, session, [], set()

    def __call__(self, evt):
        self.heard.append(evt)

    def expect(self, names, change):
        """Perform ``change``; each of ``names`` must be dispatched during it, and stored exactly
        when it is a catalogue event."""
        before_heard = len(self.heard)
        with self.store.session() as fresh:
            last_id = fresh.scalar(select(StoredEvent.id).order_by(StoredEvent.id.desc()).limit(1)) or 0
        result = change()
        heard = {e.name for e in self.heard[before_heard:]}
        with self.store.session() as fresh:  # committed: another session sees the rows
            stored = set(fresh.scalars(select(StoredEvent.name).where(StoredEvent.id > last_id)))
        for name in ([names] if isinstance(names, str) else names):
            assert name in heard, f"{name} was not dispatched by the change that should emit it"
            if name in catalogue.CATALOGUE:
                assert name in stored, f"{name} was not stored"
            else:
                assert name not in stored, f"{name} is an internal signal but was stored"
            self.covered.add(name)
        assert not (stored - set(catalogue.CATALOGUE)), "only catalogue events are stored"
        return result


@pytest.fixture
def rec(store):
    session = store.session(write=True)
    recorder = Recorder(store, session)
    store.bus.subscribe("*", recorder)
    yield recorder
    store.bus.unsubscribe("*", recorder)
    session.close()


def test_every_catalogue_event_and_signal_is_emitted_by_its_change(world, rec):
    s = rec.session
    owner_id = world.user("casey@example.org", staff.COMMISSIONER, "Casey").id
    evaluator_id = world.user("eve@example.org", staff.EVALUATOR, "Eve").id
    owner, evaluator = s.get(StaffUser, owner_id), s.get(StaffUser, evaluator_id)

    c = rec.expect("commission.created", lambda: commissions.create_commission(
        s, owner, commissions.CommissionInput(title="Rosehill Park", population_groups=[("Carers", 40)])))
    c = s.get(Commission, c.id)
    rec.expect("commission.changed", lambda: commissions.update_commission(
        s, c, commissions.CommissionInput(title="Rosehill Park and gardens", population_groups=[("Carers", 40)])))
    rec.expect("commission.member_added", lambda: commissions.add_member(s, c, "eve@example.org", staff.EVALUATOR))
    rec.expect("evidence.appended", lambda: evidence.record_manual(
        s, c, owner, step="initiate", kind="note", summary="A stall at the market"))
    rec.expect(["step.completed", "step.activated"], lambda: progression.complete_step(
        s, c, "initiate", owner, override_reason="Recorded on paper for this test"))
    rec.expect(["assessment.recorded", "evidence.appended"], lambda: evaluation.rate_step(
        s, c, evaluator, step="initiate", rating="partly_evidenced", commentary="The stall reached few carers"))
    signer = Signer(load_private_key(generate_private_key_pem()))
    rec.expect("checkpoint.issued", lambda: checkpoints.issue(s, c, signer))

    # Surveys: the builder's changes to a draft, opening, responses, closing.
    survey = rec.expect("survey.created", lambda: lifecycle.create_survey(s, c, owner, lifecycle.SurveyInput(
        title="The park", step="investigate", items=[{"id": "uses", "type": "yes_no_maybe", "text": "Do you go?"}])))
    rec.expect("survey.question_added", lambda: builder.add_question(
        s, survey, {"id": "why", "type": "free_text", "text": "What would you change?"}))
    rec.expect("survey.question_changed", lambda: builder.edit_question(
        s, survey, "uses", {"type": "yes_no_maybe", "text": "Do you go to the park?"}))
    rec.expect("survey.question_added", lambda: builder.add_question(
        s, survey, {"id": "spare", "type": "free_text", "text": "Anything else?"}))
    rec.expect("survey.question_moved", lambda: builder.move_question(s, survey, "why", 1))
    rec.expect("survey.question_removed", lambda: builder.remove_question(s, survey, "spare"))
    first = rec.expect("survey.section_added", lambda: builder.add_section(s, survey, "About the park"))
    second = rec.expect("survey.section_added", lambda: builder.add_section(s, survey, "Extra page"))
    rec.expect("survey.section_changed", lambda: builder.edit_section(s, survey, second["id"], "More"))
    rec.expect("survey.section_moved", lambda: builder.shift_section(s, survey, second["id"], -1))
    rec.expect("survey.section_removed", lambda: builder.remove_section(s, survey, second["id"]))
    assert first["id"]
    draft = lifecycle.create_survey(s, c, owner, lifecycle.SurveyInput(
        title="Not needed", step="investigate", items=[{"type": "yes_no_maybe", "text": "Yes?"}]))
    rec.expect("survey.deleted", lambda: lifecycle.delete_survey(s, draft))
    rec.expect("survey.changed", lambda: lifecycle.update_survey(s, survey, lifecycle.SurveyInput(
        title="The park and its gardens")))
    rec.expect("survey.opened", lambda: lifecycle.open_survey(s, survey))
    response, _receipt, _ = rec.expect("survey.response_submitted", lambda: responses.submit(
        s, survey, {"uses": "yes", "why": "More benches by the pond"}, secret=SECRET))
    assert rec.heard[-1].responses == 1
    rec.expect("survey.response_submitted", lambda: responses.submit(
        s, survey, {"uses": "no", "why": "Lighting on the paths"}, secret=SECRET))
    assert rec.heard[-1].responses == 2
    rec.expect("survey.response_changed", lambda: responses.change(
        s, response, {"uses": "maybe", "why": "More benches by the pond, and shade"}))
    rec.expect("survey.response_deleted", lambda: responses.delete(s, response))
    # Residents who collect data: invited, recording a response and an observation, withdrawn.
    invitation = rec.expect("survey.collector_invited", lambda: collectors.invite(s, survey, owner, "Researcher A"))
    rec.expect("survey.response_submitted", lambda: collectors.record_response(
        s, invitation.collector.id, survey.id, {"uses": "yes"}, secret=SECRET))
    rec.expect("survey.observation_recorded", lambda: collectors.record_observation(
        s, invitation.collector.id, survey.id, "No bench by the gate"))
    rec.expect("survey.collector_withdrawn", lambda: collectors.withdraw(s, invitation.collector))
    rec.expect(["survey.closed", "evidence.appended"], lambda: lifecycle.close_survey(s, survey, owner))
    rec.expect("survey.archived", lambda: lifecycle.archive_survey(s, survey))
    rec.expect("survey.archived", lambda: lifecycle.archive_survey(s, survey, archived=False))

    # Themes and decisions, on what residents wrote (indexed into the inbox by the responses).
    items = list(s.scalars(select(InputItem.id).where(InputItem.commission_id == c.id)))
    assert items
    lighting = rec.expect("theme.created", lambda: themes.create_theme(s, c, owner, name="Lighting"))
    paths = rec.expect("theme.created", lambda: themes.create_theme(s, c, owner, name="Paths"))
    rec.expect("theme.changed", lambda: themes.update_theme(s, lighting, description="Lights on paths"))
    rec.expect("theme.changed", lambda: themes.tag(s, paths, items, owner))
    rec.expect("theme.merged", lambda: themes.merge(s, paths, lighting, owner))
    spare = rec.expect("theme.created", lambda: themes.create_theme(s, c, owner, name="Spare"))
    rec.expect("theme.deleted", lambda: themes.delete_theme(s, spare))
    decision = rec.expect(["decision.recorded", "evidence.appended"], lambda: decisions.record_decision(
        s, c, owner, decisions.DecisionInput(title="Path lighting", description="Lights along the pond path",
                                             kind="decision", step="investigate", decided_by="Parks board",
                                             decided_on="2026-11-20"), themes=[lighting.id]))
    rec.expect("decision.changed", lambda: decisions.change_decision(s, decision, owner, status="agreed"))
    rec.expect("you_said_we_did.published", lambda: you_said_we_did.publish(s, c, owner))

    # Live polls: the catalogue events, and the high-rate signals that are only dispatched.
    live = rec.expect("live.session_created", lambda: sessions.create_session(
        s, c, owner, title="Park night", step="investigate",
        questions=[{"type": "multiple_choice", "text": "Which first?", "options": ["Lights", "Benches"]}]))
    qa = rec.expect("live.question_added", lambda: sessions.add_question(
        s, live, owner, {"type": "qa", "text": "Questions for the panel"}))
    choice = live.questions[0]
    rec.expect("live.question_opened", lambda: running.open_question(s, live, choice.id, owner))
    rec.expect("vote.cast", lambda: voting.cast_vote(s, live, P1, choice.id, "Lights", "v1"))
    rec.expect("live.results_revealed", lambda: running.reveal_results(s, live, choice.id, owner))
    rec.expect("live.results_hidden", lambda: running.hide_results(s, live, choice.id, owner))
    rec.expect(["live.question_closed", "evidence.appended"], lambda: running.close_question(s, live, choice.id, owner))
    rec.expect("live.current_changed", lambda: running.go_to(s, live, qa.id, owner))
    rec.expect("live.question_opened", lambda: running.open_question(s, live, qa.id, owner))
    entry = rec.expect("live.entry_posted", lambda: voting.ask(s, live, P1, "Who pays for the lights?"))
    rec.expect("live.entry_upvoted", lambda: voting.upvote(s, live, P2, entry.id))
    rec.expect("live.entry_moderated", lambda: running.moderate(s, live, qa.id, entry.id, "hide", owner))
    rec.expect("live.presenter_watching", lambda: running.record_watch(s, live, owner))
    cloud = rec.expect("live.question_added", lambda: sessions.add_question(
        s, live, owner, {"type": "word_cloud", "text": "One word"}))
    rec.expect("live.question_changed", lambda: sessions.edit_question(
        s, live, cloud.id, owner, {"type": "word_cloud", "text": "One word for the park"}))
    rec.expect("live.current_changed", lambda: running.go_to(s, live, cloud.id, owner))
    rec.expect("live.question_opened", lambda: running.open_question(s, live, cloud.id, owner))
    rec.expect("vote.cast", lambda: voting.cast_vote(s, live, P1, cloud.id, "Lights", "v2"))
    rec.expect("vote.withdrawn", lambda: voting.withdraw(s, live, P1, cloud.id, "Lights", "v3"))
    spare = rec.expect("live.question_added", lambda: sessions.add_question(
        s, live, owner, {"type": "qa", "text": "Spare"}))
    rec.expect("live.question_removed", lambda: sessions.remove_question(s, live, spare.id, owner))
    rec.expect(["live.session_ended", "live.question_closed"], lambda: running.end_session(s, live, owner))
    rec.expect("live.session_archived", lambda: sessions.archive_session(s, live, owner))
    rec.expect("live.session_unarchived", lambda: sessions.unarchive_session(s, live, owner))
    never_run = sessions.create_session(s, c, owner, title="Not needed", step="investigate")
    rec.expect("live.session_deleted", lambda: sessions.delete_session(s, never_run, owner))

    # Webhooks' own signals: pausing, resuming, a failed attempt (the receiver answers 500).
    receiver = start_receiver()
    try:
        receiver.default = 500
        sub, _secret = subscriptions.create(s, c, owner, url=receiver.url, events=["commission.changed"],
                                            policy=LOCAL)
        rec.expect("webhook.status_changed", lambda: subscriptions.change(s, sub, status="paused", policy=LOCAL))
        rec.expect("webhook.status_changed", lambda: subscriptions.change(s, sub, status="active", policy=LOCAL))
        delivery.send_test(s, sub)
        rec.expect("webhook.delivery_failed", lambda: delivery.deliver_due(s, HttpSender(LOCAL)))
    finally:
        stop_receiver(receiver)

    # The evaluation signed off: every step complete and rated, no challenge open.
    for step in journey.STEP_KEYS:
        if c.step_status(step) != "complete":
            progression.complete_step(s, c, step, owner, override_reason="Recorded on paper for this test")
        evaluation.rate_step(s, c, evaluator, step=step, rating="fully_evidenced")
    rec.expect(["evaluation.signed_off", "evidence.appended"], lambda: evaluation.record_sign_off(
        s, c, evaluator, {"steps": []}))

    expected = (set(catalogue.CATALOGUE) | set(catalogue.SIGNALS)) - set(AWAITING_PRODUCER)
    assert rec.covered == expected, f"not emitted by this test: {sorted(expected - rec.covered)}"


def test_a_rolled_back_transaction_stores_and_dispatches_nothing(world, rec):
    s = rec.session
    made = world.user("casey@example.org", staff.COMMISSIONER, "Casey")
    commission_id = world.commission(made, "Rosehill Park").id
    owner, c = s.get(StaffUser, made.id), s.get(Commission, commission_id)
    before = s.scalar(select(StoredEvent.id).order_by(StoredEvent.id.desc()).limit(1))
    heard = len(rec.heard)
    with pytest.raises(RuntimeError):
        with db.transaction(s):
            commissions.update_commission(s, c, commissions.CommissionInput(title="Renamed"))
            evidence.record_manual(s, c, owner, step="initiate", kind="note", summary="Never happened")
            progression.complete_step(s, c, "initiate", owner, override_reason="Never happened either")
            survey = lifecycle.create_survey(s, c, owner, lifecycle.SurveyInput(
                title="Gone", step="initiate", items=[{"id": "well", "type": "yes_no_maybe", "text": "Well?"}]))
            lifecycle.open_survey(s, survey)
            responses.submit(s, survey, {"well": "yes"}, secret=SECRET)
            themes.create_theme(s, c, owner, name="Gone too")
            s.flush()
            raise RuntimeError("the rest of the change failed")
    assert rec.heard[heard:] == []
    with rec.store.session() as fresh:
        assert fresh.scalar(select(StoredEvent.id).order_by(StoredEvent.id.desc()).limit(1)) == before
    # A later, unrelated commit does not release the rolled-back events either.
    commissions.update_commission(s, s.get(Commission, c.id), commissions.CommissionInput(title="Really renamed"))
    assert [e.name for e in rec.heard[heard:]] == ["commission.changed"]


def test_catalogue_and_signals_are_the_registered_classes():
    assert set(catalogue.CATALOGUE).isdisjoint(catalogue.SIGNALS)
    assert {"vote.cast", "live.entry_upvoted", "live.entry_posted"} <= set(catalogue.SIGNALS)
    for name in ("commission.created", "commission.changed", "step.activated", "step.completed", "evidence.appended",
                 "survey.opened", "survey.closed", "survey.changed", "survey.response_submitted",
                 "live.question_opened", "live.question_closed", "live.results_revealed", "live.results_hidden",
                 "theme.created", "theme.merged", "decision.recorded", "decision.changed", "assessment.recorded",
                 "evaluation.signed_off", "checkpoint.issued"):
        assert name in catalogue.CATALOGUE
    for name, cls in catalogue.CATALOGUE.items():
        assert cls.name == name and catalogue.summary(cls), f"{name} needs a docstring saying what happened"
        for field, _type in catalogue.fields_of(name):
            assert field in catalogue.FIELD_NOTES, f"{name}.{field} has no entry in FIELD_NOTES"
        assert set(catalogue.example(name)["data"]) == {f for f, _ in catalogue.fields_of(name)}


def test_docs_events_md_documents_exactly_the_catalogue():
    doc = (ROOT / "docs" / "events.md").read_text(encoding="utf-8")
    assert catalogue.markdown() in doc, (
        "docs/events.md is out of date: replace its catalogue section with `python -m surveys.catalogue`")
    documented = set(re.findall(r"^### `([a-z_.]+)`$", doc, flags=re.MULTILINE))
    assert documented == set(catalogue.CATALOGUE)


def test_events_awaiting_their_producer_are_still_unpublished():
    """When the service that publishes one lands, this fails: add its step to the scenario above
    and remove it from ``AWAITING_PRODUCER``."""
    sources = "\n".join(p.read_text(encoding="utf-8") for package in ("commissioning_steps", "surveys")
                        for p in (ROOT / package).rglob("*.py") if p.name != "events.py")
    for name, constructor in AWAITING_PRODUCER.items():
        assert name in catalogue.CATALOGUE
        assert constructor not in sources, f"{name} is published now: cover it in the scenario"
