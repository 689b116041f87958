"""A survey's life: drafted, opened (by hand or on schedule), closed with its evidence.

Closing is the moment the survey answers its step's practice question: the results as they
stand then (response count, per-question figures, representativeness) go into the evidence
log, and later changes or deletions by residents do not rewrite that record.
"""
from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from commissioning_steps import evidence, journey
from commissioning_steps.commissions import NOT_STARTED, Commission
from commissioning_steps.db import utcnow
from commissioning_steps.errors import Conflict, DomainError, Invalid, NotFound
from commissioning_steps.events import publish
from commissioning_steps.staff import StaffUser

from . import branching, results, templates
from .errors import DefinitionError
from .events import SurveyClosed, SurveyOpened
from .codes import ALPHABET
from .models import CLOSED, DRAFT, OPEN, Survey, SurveyResponse

log = logging.getLogger(__name__)
SLUG_LENGTH = 8
MAX_QUESTIONS = 200


@dataclass
class SurveyInput:
    title: str | None = None
    step: str | None = None
    description: str | None = None
    privacy_notice: str | None = None
    items: Sequence[dict[str, Any]] | None = None  # questions, or sections with questions
    template: str | None = None
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    clear_opens_at: bool = False
    clear_closes_at: bool = False


DEFAULT_PRIVACY_NOTICE = (
    "Your answers are anonymous. We do not ask for your name and we do not store your IP address "
    "or anything else that identifies your device. You get a receipt code when you send your "
    "answers: with it you can see, change or delete them. Only the commissioning team and the "
    "evaluators of this commission see individual answers; published results are totals."
)


def _new_slug(session: Session) -> str:
    while True:
        slug = "".join(secrets.choice(ALPHABET) for _ in range(SLUG_LENGTH))
        if session.scalar(select(Survey.id).where(Survey.slug == slug)) is None:
            return slug


def _assign_ids(items: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Give every question (and section) an id if it has none, without reusing a given one."""
    items = [dict(i) for i in items]
    sectioned = any(isinstance(i, dict) and "questions" in i for i in items)
    questions = [q for s in items for q in s.get("questions", [])] if sectioned else items
    taken = {q.get("id") for q in questions if isinstance(q, dict)}
    n = 0
    for s_index, section in enumerate(items if sectioned else []):
        section.setdefault("id", f"s{s_index + 1}")
        section["questions"] = [dict(q) if isinstance(q, dict) else q for q in section.get("questions", [])]
    if sectioned:
        questions = [q for s in items for q in s["questions"]]
    for q in questions:
        if isinstance(q, dict) and not q.get("id"):
            n += 1
            while f"q{n}" in taken:
                n += 1
            q["id"] = f"q{n}"
            taken.add(q["id"])
    return items


def normalise_items(items: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Questions (or sections) ready to store; a draft may have none yet (checked on opening)."""
    if not isinstance(items, (list, tuple)):
        raise Invalid({"questions": "Give the questions as a list"})
    if not items:
        return []
    try:
        normalised = branching.normalise_survey(_assign_ids(items), context="survey")
    except DefinitionError as exc:
        raise Invalid(exc.fields) from exc
    if len(branching.flatten(normalised)) > MAX_QUESTIONS:
        raise Invalid({"questions": f"A survey can have at most {MAX_QUESTIONS} questions"})
    return normalised


def _check_text(fields: dict, name: str, value: str | None, limit: int, required: bool = False) -> None:
    if value is None:
        if required:
            fields[name] = f"Enter a {name.replace('_', ' ')}"
        return
    if not isinstance(value, str):
        fields[name] = f"{name.replace('_', ' ').capitalize()} must be text"
    elif required and not value.strip():
        fields[name] = f"Enter a {name.replace('_', ' ')}"
    elif len(value) > limit:
        fields[name] = f"{name.replace('_', ' ').capitalize()} must be {limit} characters or fewer"


def _check_schedule(opens_at: datetime | None, closes_at: datetime | None, now: datetime) -> dict[str, str]:
    fields = {}
    if closes_at and closes_at <= now:
        fields["closes_at"] = "The closing time must be in the future"
    if opens_at and closes_at and closes_at <= opens_at:
        fields["closes_at"] = "The closing time must be after the opening time"
    return fields


def create_survey(session: Session, commission: Commission, actor: StaffUser, data: SurveyInput) -> Survey:
    """A new survey, in draft, for one step of the journey (optionally from a template)."""
    fields: dict[str, str] = {}
    template = None
    if data.template:
        if data.template not in templates.TEMPLATES:
            fields["template"] = f"Template must be one of: {', '.join(templates.TEMPLATES)}"
        else:
            template = templates.get_template(data.template)
    title = data.title if data.title is not None else (template or {}).get("title")
    step_key = data.step or (template or {}).get("step")
    _check_text(fields, "title", title, 200, required=True)
    _check_text(fields, "description", data.description, 5000)
    _check_text(fields, "privacy_notice", data.privacy_notice, 5000)
    step = journey.get_step(step_key) if isinstance(step_key, str) else None
    if step is None:
        fields["step"] = f"Step must be one of: {', '.join(journey.STEP_KEYS)}"
    items = data.items if data.items is not None else (template or {}).get("sections")
    if not fields.get("template"):
        try:
            items = normalise_items(items or [])
        except Invalid as exc:
            fields.update(exc.fields)
    fields.update(_check_schedule(data.opens_at, data.closes_at, utcnow()))
    if fields:
        raise Invalid(fields)
    survey = Survey(
        commission_id=commission.id, step=step.key, practice_question=step.practice_question,
        title=title.strip(), description=(data.description or (template or {}).get("description") or "").strip(),
        privacy_notice=(data.privacy_notice or DEFAULT_PRIVACY_NOTICE).strip(), status=DRAFT, version=1,
        slug=_new_slug(session), definition=items, template=data.template, opens_at=data.opens_at,
        closes_at=data.closes_at, created_by_id=actor.id,
    )
    session.add(survey)
    session.flush()
    return survey


def update_survey(session: Session, survey: Survey, data: SurveyInput) -> Survey:
    """Change a survey. Its questions and step change only in draft: people who already
    answered must have answered the survey that is reported."""
    fields: dict[str, str] = {}
    if survey.status == CLOSED:
        raise Conflict("This survey is closed and can no longer be changed")
    if survey.status != DRAFT and (data.items is not None or data.step is not None):
        raise Conflict("Questions and step can only be changed while the survey is a draft",
                       {"questions": "The survey is open: its questions cannot change"})
    if data.title is not None:
        _check_text(fields, "title", data.title, 200, required=True)
    _check_text(fields, "description", data.description, 5000)
    _check_text(fields, "privacy_notice", data.privacy_notice, 5000)
    step = None
    if data.step is not None:
        step = journey.get_step(data.step) if isinstance(data.step, str) else None
        if step is None:
            fields["step"] = f"Step must be one of: {', '.join(journey.STEP_KEYS)}"
    items = None
    if data.items is not None:
        try:
            items = normalise_items(data.items)
        except Invalid as exc:
            fields.update(exc.fields)
    opens_at = None if data.clear_opens_at else (data.opens_at or survey.opens_at)
    closes_at = None if data.clear_closes_at else (data.closes_at or survey.closes_at)
    if data.opens_at or data.closes_at:
        fields.update(_check_schedule(opens_at, closes_at, utcnow()))
    if fields:
        raise Invalid(fields)
    if data.title is not None:
        survey.title = data.title.strip()
    if data.description is not None:
        survey.description = data.description.strip()
    if data.privacy_notice is not None:
        survey.privacy_notice = data.privacy_notice.strip() or DEFAULT_PRIVACY_NOTICE
    if step is not None:
        survey.step, survey.practice_question = step.key, step.practice_question
    if items is not None and items != survey.definition:
        survey.definition = items
        survey.version += 1
    survey.opens_at, survey.closes_at = opens_at, closes_at
    survey.updated_at = utcnow()
    session.flush()
    return survey


def open_survey(session: Session, survey: Survey) -> Survey:
    if survey.status == OPEN:
        raise Conflict("This survey is already open")
    if survey.status == CLOSED:
        raise Conflict("This survey is closed; its results are in the evidence log. Copy it to run it again.")
    commission = session.get(Commission, survey.commission_id)
    if commission.step_status(survey.step) == NOT_STARTED:
        step = journey.get_step(survey.step)
        raise Conflict(f"{step.name} has not started yet: open the survey once its step is active",
                       {"step": f"{step.name} has not started"})
    if not branching.flatten(survey.definition):
        raise Conflict("Add at least one question before opening the survey")
    survey.status = OPEN
    survey.opened_at = utcnow()
    survey.opens_at = None if survey.opens_at and survey.opens_at <= survey.opened_at else survey.opens_at
    survey.updated_at = survey.opened_at
    session.flush()
    publish(session, SurveyOpened(survey.commission_id, survey.id))
    return survey


def close_survey(session: Session, survey: Survey, actor: StaffUser | None = None) -> evidence.EvidenceEntry:
    """Close the survey and record its results against the step's practice question."""
    if survey.status != OPEN:
        raise Conflict(f"Only an open survey can be closed; this one is {survey.status}")
    commission = session.get(Commission, survey.commission_id)
    responses = list(session.scalars(select(SurveyResponse).where(SurveyResponse.survey_id == survey.id)))
    figures = results.survey_results(survey, responses, commission.population_groups)
    survey.status = CLOSED
    survey.closed_at = utcnow()
    survey.updated_at = survey.closed_at
    session.flush()
    entry = evidence.append(
        session, commission, step=survey.step, kind="survey_result",
        summary=f"Survey “{survey.title}” closed with {figures['responses']} "
                f"{'response' if figures['responses'] == 1 else 'responses'}.",
        payload=results.evidence_payload(survey, figures), author=actor, source="automatic",
    )
    publish(session, SurveyClosed(survey.commission_id, survey.id, figures["responses"], entry.id))
    return entry


def apply_schedules(session: Session, now: datetime | None = None) -> dict[str, list[int]]:
    """Open and close surveys whose scheduled time has come. Idempotent: run it as often as you
    like; a survey that cannot open yet (its step has not started) is left for a later run."""
    now = now or utcnow()
    done: dict[str, list[int]] = {"opened": [], "closed": []}
    due_open = session.scalars(select(Survey).where(Survey.status == DRAFT, Survey.opens_at.is_not(None),
                                                    Survey.opens_at <= now))
    for survey in list(due_open):
        if survey.closes_at and survey.closes_at <= now:
            continue
        try:
            with session.begin_nested():
                open_survey(session, survey)
            done["opened"].append(survey.id)
        except Conflict as exc:
            log.info("survey %s not opened on schedule: %s", survey.id, exc.message)
    due_close = session.scalars(select(Survey).where(Survey.status == OPEN, Survey.closes_at.is_not(None),
                                                     Survey.closes_at <= now))
    for survey in list(due_close):
        try:
            with session.begin_nested():
                close_survey(session, survey)
            done["closed"].append(survey.id)
        except DomainError as exc:
            log.warning("survey %s not closed on schedule: %s", survey.id, exc.message)
    return done


def get_survey(session: Session, survey_id: int) -> Survey:
    survey = session.get(Survey, survey_id)
    if survey is None:
        raise NotFound("No survey with that id")
    return survey


def by_slug(session: Session, slug: str) -> Survey:
    survey = session.scalar(select(Survey).where(Survey.slug == (slug or "").upper()))
    if survey is None:
        raise NotFound("No survey at that link")
    return survey


def for_commission(session: Session, commission_id: int) -> list[Survey]:
    return list(session.scalars(select(Survey).where(Survey.commission_id == commission_id)
                                .order_by(Survey.created_at.desc(), Survey.id.desc())))


def response_count(session: Session, survey_id: int) -> int:
    return session.scalar(select(func.count()).select_from(SurveyResponse)
                          .where(SurveyResponse.survey_id == survey_id)) or 0
