"""Residents who collect data: community researchers a commissioner invites to a survey (a street
survey, a walkabout audit, interviews: each is a survey), who record responses on behalf of the
people they speak to, and observations with optional photos.

A collector has no account. They get a personal code (and a link carrying it) once, at the
invitation; only its SHA-256 is stored, next to a pseudonymous label the commissioner chose
("Researcher A"), refused when it holds an email address or a phone number because it is shown
on results. One collector may collect for several of a commission's surveys with the same code.
Withdrawing a collector stops their code at once; what they collected stays, marked as theirs.

Results and the evidence log hold counts only: per collector on staff pages, and at closing
only how many collectors took part and how many people they reached, never a label.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from commissioning_steps.commissions import Commission
from commissioning_steps.db import transactional, utcnow
from commissioning_steps.errors import Conflict, Invalid, NotFound
from commissioning_steps.events import publish
from commissioning_steps.evidence import personal_details_problem
from commissioning_steps.staff import StaffUser
from commissioning_steps.text import has_visible_text

from . import responses, uploads
from .events import CollectorInvited, CollectorWithdrawn, ObservationRecorded
from .models import CLOSED, OPEN, CollectorObservation, CollectorSurvey, ResponseDraft, Survey, SurveyCollector, \
    SurveyResponse

LABEL_MAX = 60
OBSERVATION_MAX = 2000
UNKNOWN_CODE = "That collector code does not work. Check it with the person who invited you."


class Withdrawn(Conflict):
    """The collector was withdrawn: their code no longer works."""

    def __init__(self) -> None:
        super().__init__("This collector link has been withdrawn, so it no longer works. The responses and "
                         "observations already recorded with it are kept.")


def _digest(code: str) -> str:
    return hashlib.sha256(f"collector:{code}".encode()).hexdigest()


def normalise_code(text: Any) -> str | None:
    """What people type (lower case, spaces, no dashes) to the printed form, or None."""
    return responses.normalise_receipt(text)


def check_label(label: Any) -> str:
    """The label as stored, or ``Invalid`` on the ``label`` field."""
    text = label.strip() if isinstance(label, str) else ""
    if not text or not has_visible_text(text):
        raise Invalid({"label": "Enter a label for the collector, like Researcher A"})
    if len(text) > LABEL_MAX:
        raise Invalid({"label": f"The label must be {LABEL_MAX} characters or fewer"})
    if personal_details_problem(text):
        raise Invalid({"label": "Use a label like Researcher A, not an email address or a phone number: labels are "
                                "shown on results"})
    return text


@dataclass
class Invitation:
    collector: SurveyCollector
    #: the code to hand over, shown once; None when an existing collector was added to the survey
    code: str | None


@transactional
def invite(session: Session, survey: Survey, actor: StaffUser | None, label: Any) -> Invitation:
    """Invite a collector to ``survey`` by label. A label the commission already has adds that
    collector to this survey (their code works for it at once) instead of making a second one."""
    text = check_label(label)
    if survey.status == CLOSED:
        raise Conflict("This survey is closed, so nobody more can collect for it", {"label": "The survey is closed"})
    existing = session.scalar(select(SurveyCollector).where(
        SurveyCollector.commission_id == survey.commission_id, func.lower(SurveyCollector.label) == text.lower()))
    if existing is not None:
        if existing.withdrawn_at is not None:
            raise Invalid({"label": f"{existing.label} was withdrawn: choose another label for a new collector"})
        if session.get(CollectorSurvey, (existing.id, survey.id)) is not None:
            raise Invalid({"label": f"{existing.label} already collects for this survey"})
        session.add(CollectorSurvey(collector_id=existing.id, survey_id=survey.id))
        session.flush()
        publish(session, CollectorInvited(survey.commission_id, survey.id, existing.id))
        return Invitation(existing, None)
    code = responses.new_receipt()
    collector = SurveyCollector(commission_id=survey.commission_id, label=text, secret_hash=_digest(code),
                                created_by_id=actor.id if actor else None)
    session.add(collector)
    session.flush()
    session.add(CollectorSurvey(collector_id=collector.id, survey_id=survey.id))
    session.flush()
    publish(session, CollectorInvited(survey.commission_id, survey.id, collector.id))
    return Invitation(collector, code)


@transactional
def withdraw(session: Session, collector: SurveyCollector) -> SurveyCollector:
    if collector.withdrawn_at is not None:
        raise Conflict(f"{collector.label} was already withdrawn")
    collector.withdrawn_at = utcnow()
    # A response they had started but not sent is theirs no longer to send.
    session.flush()
    publish(session, CollectorWithdrawn(collector.commission_id, collector.id))
    return collector


def by_code(session: Session, code: Any) -> SurveyCollector:
    """The collector holding ``code``: ``NotFound`` for no such code, ``Withdrawn`` for a withdrawn one."""
    canonical = normalise_code(code)
    collector = session.scalar(select(SurveyCollector).where(SurveyCollector.secret_hash == _digest(canonical))) \
        if canonical else None
    if collector is None:
        raise NotFound(UNKNOWN_CODE)
    if collector.withdrawn_at is not None:
        raise Withdrawn()
    return collector


def active(session: Session, collector_id: Any) -> SurveyCollector:
    """The collector a collector's browser session names, while they are not withdrawn."""
    collector = session.get(SurveyCollector, collector_id) if isinstance(collector_id, int) else None
    if collector is None:
        raise NotFound(UNKNOWN_CODE)
    if collector.withdrawn_at is not None:
        raise Withdrawn()
    return collector


def get(session: Session, commission: Commission, collector_id: int) -> SurveyCollector:
    collector = session.get(SurveyCollector, collector_id)
    if collector is None or collector.commission_id != commission.id:
        raise NotFound("No such collector on this commission")
    return collector


def surveys_of(session: Session, collector: SurveyCollector) -> list[Survey]:
    """The surveys a collector collects for, newest first."""
    return list(session.scalars(select(Survey).join(CollectorSurvey, CollectorSurvey.survey_id == Survey.id)
                                .where(CollectorSurvey.collector_id == collector.id)
                                .order_by(Survey.id.desc())))


def survey_for(session: Session, collector: SurveyCollector, survey_id: Any) -> Survey:
    """One of the collector's surveys (``NotFound`` for any other, so nothing else is revealed)."""
    survey = session.get(Survey, survey_id) if isinstance(survey_id, int) else None
    if survey is None or session.get(CollectorSurvey, (collector.id, survey.id)) is None:
        raise NotFound("You do not collect for that survey")
    return survey


def _require_open(survey: Survey) -> None:
    if survey.status != OPEN:
        state = "has not opened yet" if survey.status == "draft" else "is closed"
        raise Conflict(f"This survey {state}, so nothing can be recorded for it")


@transactional
def record_response(session: Session, collector_id: int, survey_id: int, answers: Any, *, secret: bytes,
                    submission_key: str | None = None) -> tuple[SurveyResponse, str, bool]:
    """Store a response a collector recorded for someone they spoke to; (response, receipt, created)."""
    collector = active(session, collector_id)
    survey = survey_for(session, collector, survey_id)
    _require_open(survey)
    return responses.submit(session, survey, answers, secret=secret, submission_key=submission_key,
                            collector_id=collector.id)


@transactional
def send_draft(session: Session, collector_id: int, draft: ResponseDraft, *, secret: bytes,
               submission_key: str | None = None) -> tuple[SurveyResponse, str | None]:
    """Send the page-by-page draft a collector filled in with someone, marked as theirs."""
    collector = active(session, collector_id)
    survey = survey_for(session, collector, draft.survey_id)
    _require_open(survey)
    return responses.send_draft(session, draft, secret=secret, submission_key=submission_key,
                                collector_id=collector.id)


@transactional
def record_observation(session: Session, collector_id: int, survey_id: int, text: Any,
                       photo: bytes | None = None) -> CollectorObservation:
    """An observation (and its photo, re-encoded without metadata), or ``Invalid`` naming every problem."""
    collector = active(session, collector_id)
    survey = survey_for(session, collector, survey_id)
    _require_open(survey)
    fields: dict[str, str] = {}
    words = text.strip() if isinstance(text, str) else ""
    if not words or not has_visible_text(words):
        fields["text"] = "Enter what you saw"
    elif len(words) > OBSERVATION_MAX:
        fields["text"] = f"What you saw must be {OBSERVATION_MAX} characters or fewer"
    checked = None
    if photo:
        try:
            checked = uploads.check_photo(photo)
        except Invalid as exc:
            fields.update(exc.fields)
    if fields:
        raise Invalid(fields, "The observation needs correcting")
    observation = CollectorObservation(survey_id=survey.id, collector_id=collector.id, text=words,
                                       photo=checked.data if checked else None,
                                       photo_type=checked.content_type if checked else None,
                                       photo_size=checked.size if checked else None)
    session.add(observation)
    session.flush()
    publish(session, ObservationRecorded(survey.commission_id, survey.id, observation.id, collector.id,
                                         checked is not None))
    return observation


def observation(session: Session, survey: Survey, observation_id: int) -> CollectorObservation:
    found = session.get(CollectorObservation, observation_id)
    if found is None or found.survey_id != survey.id:
        raise NotFound("No such observation on this survey")
    return found


def observations(session: Session, survey: Survey) -> list[tuple[CollectorObservation, SurveyCollector]]:
    """The survey's observations with who recorded them, newest first (photos stay unloaded)."""
    return list(session.execute(
        select(CollectorObservation, SurveyCollector)
        .join(SurveyCollector, SurveyCollector.id == CollectorObservation.collector_id)
        .where(CollectorObservation.survey_id == survey.id)
        .order_by(CollectorObservation.recorded_at.desc(), CollectorObservation.id.desc())).tuples())


def counts(session: Session, survey: Survey) -> list[dict[str, Any]]:
    """Per collector on the survey: label, whether withdrawn, responses and observations recorded
    (two GROUP BYs), in the order they were invited."""
    people = session.execute(
        select(SurveyCollector).join(CollectorSurvey, CollectorSurvey.collector_id == SurveyCollector.id)
        .where(CollectorSurvey.survey_id == survey.id).order_by(SurveyCollector.id)).scalars().all()
    answered = dict(session.execute(
        select(SurveyResponse.collector_id, func.count()).where(
            SurveyResponse.survey_id == survey.id, SurveyResponse.collector_id.is_not(None))
        .group_by(SurveyResponse.collector_id)).all())
    seen = dict(session.execute(
        select(CollectorObservation.collector_id, func.count()).where(CollectorObservation.survey_id == survey.id)
        .group_by(CollectorObservation.collector_id)).all())
    return [{"id": c.id, "label": c.label, "withdrawn": c.withdrawn_at is not None,
             "withdrawn_at": c.withdrawn_at, "created_at": c.created_at,
             "responses": int(answered.get(c.id, 0)), "observations": int(seen.get(c.id, 0))} for c in people]


def totals(session: Session, survey: Survey) -> dict[str, int]:
    """How many collectors recorded anything for the survey, how many people they reached (the
    responses they recorded) and how many observations: what closing puts in the evidence log."""
    rows = counts(session, survey)
    return {"collectors": sum(1 for r in rows if r["responses"] or r["observations"]),
            "people_reached": sum(r["responses"] for r in rows),
            "observations": sum(r["observations"] for r in rows)}


def evidence_entry(totals_: dict[str, int], survey: Survey) -> tuple[str, dict[str, Any]] | None:
    """The summary and payload of the resident-data entry closing records, or None when no
    collector recorded anything. Counts only: no label could identify a collector."""
    if not totals_["collectors"]:
        return None
    n, reached, seen = totals_["collectors"], totals_["people_reached"], totals_["observations"]
    summary = (f"{n} {'resident' if n == 1 else 'residents'} collected data for “{survey.title}”: they recorded "
               f"{reached} {'response' if reached == 1 else 'responses'} from the people they spoke to and "
               f"{seen} {'observation' if seen == 1 else 'observations'}.")
    return summary, {"survey_id": survey.id, "collectors": n, "people_reached": reached, "observations": seen}


__all__ = ["Invitation", "Withdrawn", "active", "by_code", "check_label", "counts", "evidence_entry", "invite",
           "normalise_code", "observation", "observations", "record_observation", "record_response", "send_draft",
           "survey_for", "surveys_of", "totals", "withdraw"]
