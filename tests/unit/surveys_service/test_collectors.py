"""surveys.collectors: community researchers' codes (hashed only), pseudonymous labels, recording
responses and observations, withdrawing, per-collector counts and what closing records."""
from __future__ import annotations

import hashlib
import io
import re

import pytest
from PIL import Image
from sqlalchemy import select

from commissioning_steps import evidence, progression
from commissioning_steps.commissions import Commission
from commissioning_steps.errors import Conflict, Invalid, NotFound
from commissioning_steps.evidence import EvidenceEntry
from commissioning_steps.staff import StaffUser
from surveys import collectors, lifecycle, responses
from surveys.models import CollectorObservation, SurveyCollector, SurveyResponse

SECRET = b"unit-test-secret"
QUESTIONS = [{"id": "easy", "type": "yes_no_maybe", "text": "Is it easy to get around?", "required": True}]


@pytest.fixture
def open_survey(session, team):
    c = session.get(Commission, team["mine"].id)
    alice = session.get(StaffUser, team["alice"].id)
    survey = lifecycle.create_survey(session, c, alice, lifecycle.SurveyInput(
        title="Street survey", step="initiate", items=QUESTIONS))
    lifecycle.open_survey(session, survey)
    return survey


def _png(size=(40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(out, "PNG")
    return out.getvalue()


def test_an_invitation_hands_out_a_code_once_and_stores_only_its_hash(session, open_survey, team):
    invitation = collectors.invite(session, open_survey, None, "  Researcher A ")
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", invitation.code)
    stored = session.get(SurveyCollector, invitation.collector.id)
    assert stored.label == "Researcher A"
    assert stored.secret_hash == hashlib.sha256(f"collector:{invitation.code}".encode()).hexdigest()
    assert invitation.code not in repr(stored.__dict__)
    # The code as people type it finds the collector; another does not.
    assert collectors.by_code(session, invitation.code.lower().replace("-", " ")).id == stored.id
    with pytest.raises(NotFound):
        collectors.by_code(session, responses.new_receipt())
    with pytest.raises(NotFound):
        collectors.by_code(session, "not a code")


@pytest.mark.parametrize("label, words", [
    ("maria@example.org", "not an email address"), ("07700 900123", "not an email address or a phone number"),
    ("", "Enter a label"), ("\u200b", "Enter a label"), ("x" * 61, "60 characters or fewer"), (None, "Enter a label"),
])
def test_labels_must_be_pseudonyms(session, open_survey, label, words):
    with pytest.raises(Invalid) as refused:
        collectors.invite(session, open_survey, None, label)
    assert words in refused.value.fields["label"]
    assert session.scalar(select(SurveyCollector.id)) is None


def test_the_same_label_adds_the_collector_to_another_survey_with_the_same_code(session, open_survey, team):
    first = collectors.invite(session, open_survey, None, "Researcher A")
    other = lifecycle.create_survey(session, session.get(Commission, team["mine"].id), session.get(StaffUser, team["alice"].id), lifecycle.SurveyInput(
        title="Walkabout", step="initiate", items=QUESTIONS))
    again = collectors.invite(session, other, None, "researcher a")
    assert again.code is None and again.collector.id == first.collector.id
    assert [s.id for s in collectors.surveys_of(session, first.collector)] == [other.id, open_survey.id]
    with pytest.raises(Invalid) as refused:
        collectors.invite(session, other, None, "Researcher A")
    assert refused.value.fields["label"] == "Researcher A already collects for this survey"


def test_a_collector_records_responses_marked_as_theirs(session, open_survey):
    invitation = collectors.invite(session, open_survey, None, "Researcher A")
    response, receipt, created = collectors.record_response(
        session, invitation.collector.id, open_survey.id, {"easy": "no"}, secret=SECRET)
    assert created and receipt
    assert session.get(SurveyResponse, response.id).collector_id == invitation.collector.id
    # A resident's own response is not marked.
    own, _, _ = responses.submit(session, open_survey, {"easy": "yes"}, secret=SECRET)
    assert own.collector_id is None
    # Bad answers are refused as any resident's are.
    with pytest.raises(Invalid):
        collectors.record_response(session, invitation.collector.id, open_survey.id, {}, secret=SECRET)


def test_a_collector_cannot_record_for_a_survey_they_were_not_invited_to(session, open_survey, team):
    invitation = collectors.invite(session, open_survey, None, "Researcher A")
    other = lifecycle.create_survey(session, session.get(Commission, team["mine"].id), session.get(StaffUser, team["alice"].id), lifecycle.SurveyInput(
        title="Other", step="initiate", items=QUESTIONS))
    lifecycle.open_survey(session, other)
    with pytest.raises(NotFound):
        collectors.record_response(session, invitation.collector.id, other.id, {"easy": "no"}, secret=SECRET)


def test_withdrawing_stops_the_code_at_once_and_keeps_what_was_collected(session, open_survey):
    invitation = collectors.invite(session, open_survey, None, "Researcher A")
    cid = invitation.collector.id
    collectors.record_response(session, cid, open_survey.id, {"easy": "no"}, secret=SECRET)
    collectors.withdraw(session, invitation.collector)
    with pytest.raises(collectors.Withdrawn):
        collectors.by_code(session, invitation.code)
    with pytest.raises(collectors.Withdrawn):
        collectors.record_response(session, cid, open_survey.id, {"easy": "yes"}, secret=SECRET)
    with pytest.raises(collectors.Withdrawn):
        collectors.record_observation(session, cid, open_survey.id, "A broken bench")
    with pytest.raises(Conflict):
        collectors.withdraw(session, invitation.collector)
    counts = collectors.counts(session, open_survey)
    assert counts == [{**counts[0], "label": "Researcher A", "withdrawn": True, "responses": 1, "observations": 0}]
    # A withdrawn label cannot be handed to someone new.
    with pytest.raises(Invalid) as refused:
        collectors.invite(session, open_survey, None, "Researcher A")
    assert "was withdrawn" in refused.value.fields["label"]


def test_observations_need_words_and_keep_a_checked_photo(session, open_survey):
    cid = collectors.invite(session, open_survey, None, "Researcher A").collector.id
    with pytest.raises(Invalid) as refused:
        collectors.record_observation(session, cid, open_survey.id, "  ", b"not an image at all")
    assert set(refused.value.fields) == {"text", "photo"}  # every problem at once
    assert session.scalar(select(CollectorObservation.id)) is None
    seen = collectors.record_observation(session, cid, open_survey.id, "No dropped kerb at the crossing", _png())
    assert seen.photo_type == "image/png" and seen.photo_size == len(seen.photo)
    assert Image.open(io.BytesIO(seen.photo)).size == (40, 30)
    plain = collectors.record_observation(session, cid, open_survey.id, "Bus shelter has no seat")
    assert plain.photo is None
    assert [o.id for o, _ in collectors.observations(session, open_survey)] == [plain.id, seen.id]


def test_counts_per_collector_and_the_closing_evidence_hold_counts_only(session, open_survey, team):
    a = collectors.invite(session, open_survey, None, "Researcher A").collector.id
    b = collectors.invite(session, open_survey, None, "Researcher B").collector.id
    collectors.invite(session, open_survey, None, "Researcher C")  # invited, collected nothing
    for answer in ("yes", "no", "maybe"):
        collectors.record_response(session, a, open_survey.id, {"easy": answer}, secret=SECRET)
    collectors.record_response(session, b, open_survey.id, {"easy": "no"}, secret=SECRET)
    collectors.record_observation(session, b, open_survey.id, "Pavement blocked by bins")
    responses.submit(session, open_survey, {"easy": "yes"}, secret=SECRET)  # a resident on their own
    assert [(r["label"], r["responses"], r["observations"]) for r in collectors.counts(session, open_survey)] == [
        ("Researcher A", 3, 0), ("Researcher B", 1, 1), ("Researcher C", 0, 0)]
    assert collectors.totals(session, open_survey) == {"collectors": 2, "people_reached": 4, "observations": 1}

    lifecycle.close_survey(session, open_survey)
    entry = session.scalar(select(EvidenceEntry).where(EvidenceEntry.kind == "resident_data"))
    assert entry.step == "initiate" and entry.source == "automatic"
    assert entry.payload == {"survey_id": open_survey.id, "collectors": 2, "people_reached": 4, "observations": 1}
    assert "Researcher" not in entry.summary and "Researcher" not in str(entry.payload)
    assert entry.summary.startswith("2 residents collected data")


def test_closing_a_survey_nobody_collected_for_records_no_resident_data(session, open_survey):
    collectors.invite(session, open_survey, None, "Researcher A")
    lifecycle.close_survey(session, open_survey)
    assert session.scalar(select(EvidenceEntry.id).where(EvidenceEntry.kind == "resident_data")) is None


def test_nothing_is_recorded_once_the_survey_closes(session, open_survey):
    cid = collectors.invite(session, open_survey, None, "Researcher A").collector.id
    lifecycle.close_survey(session, open_survey)
    with pytest.raises(Conflict, match="closed"):
        collectors.record_response(session, cid, open_survey.id, {"easy": "no"}, secret=SECRET)
    with pytest.raises(Conflict, match="closed"):
        collectors.invite(session, open_survey, None, "Researcher B")


def test_the_retention_period_erases_observations_and_their_photos_and_keeps_the_counts(session, open_survey):
    from datetime import datetime

    from surveys import retention

    cid = collectors.invite(session, open_survey, None, "Researcher A").collector.id
    old = collectors.record_observation(session, cid, open_survey.id, "Broken lift at number 12", _png())
    recent = collectors.record_observation(session, cid, open_survey.id, "Bench by the shop", _png())
    old.recorded_at = datetime(2020, 1, 1)
    session.commit()
    commission = session.get(Commission, open_survey.commission_id)
    done = retention.erase_commission(session, commission, datetime(2021, 1, 1))
    assert done.observations == 1
    session.expire_all()
    erased = session.get(CollectorObservation, old.id)
    assert (erased.text, erased.photo, erased.photo_type, erased.photo_size) == (retention.ERASED, None, None, None)
    kept = session.get(CollectorObservation, recent.id)
    assert kept.text == "Bench by the shop" and kept.photo is not None
    assert collectors.totals(session, open_survey)["observations"] == 2  # the count stays
    assert retention.erase_commission(session, commission, datetime(2021, 1, 1)).total == 0  # idempotent
