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
from urllib.parse import urlsplit

from sqlalchemy import func, select
from sqlalchemy.orm import Session, object_session

from commissioning_steps import evidence, journey
from commissioning_steps.commissions import NOT_STARTED, Commission
from commissioning_steps.db import transactional, utcnow
from commissioning_steps.errors import Conflict, DomainError, Forbidden, Invalid, NotFound
from commissioning_steps.events import publish
from commissioning_steps.staff import StaffUser
from commissioning_steps.text import has_visible_text

from . import branching, collectors, results, templates, wording
from .errors import DefinitionError
from .events import SurveyArchived, SurveyChanged, SurveyClosed, SurveyCreated, SurveyDeleted, SurveyOpened
from .codes import ALPHABET
from .models import CLOSED, DRAFT, OPEN, Survey, SurveyDocument, SurveyResponse

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
    #: What residents are asked about, shown on the start page (``None``: unchanged).
    material_title: str | None = None
    material_text: str | None = None
    material_url: str | None = None


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
    # Anything not an object is left as it came, for the definition's checks to refuse by
    # position (a section or question sent as a string was a 500).
    items = [dict(i) if isinstance(i, dict) else i for i in items]
    sectioned = any(isinstance(i, dict) and "questions" in i for i in items)
    sections = [s for s in items if isinstance(s, dict) and isinstance(s.get("questions", []), list)]
    questions = [q for s in sections for q in s.get("questions", [])] if sectioned else items
    taken = {q.get("id") for q in questions if isinstance(q, dict)}
    n = 0
    sections_taken = {s.get("id") for s in items if isinstance(s, dict)} if sectioned else set()
    for s_index, section in enumerate(items if sectioned else []):
        if not isinstance(section, dict):
            continue
        if not section.get("id"):
            m = s_index + 1
            while f"s{m}" in sections_taken:
                m += 1
            section["id"] = f"s{m}"
            sections_taken.add(section["id"])
        if isinstance(section.get("questions", []), list):
            section["questions"] = [dict(q) if isinstance(q, dict) else q for q in section.get("questions", [])]
    if sectioned:
        questions = [q for s in sections for q in s.get("questions", [])]
    for q in questions:
        if isinstance(q, dict) and not q.get("id"):
            n += 1
            while f"q{n}" in taken:
                n += 1
            q["id"] = f"q{n}"
            taken.add(q["id"])
    return items


def normalise_items(items: Sequence[dict[str, Any]], group_names: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """Questions (or sections) ready to store; a draft may have none yet, and a page with none
    yet (both checked on opening). With ``group_names``, every answer an about-you question
    matches to a population group must name one of them."""
    if not isinstance(items, (list, tuple)):
        raise Invalid({"questions": "Give the questions as a list"})
    if not items:
        return []
    try:
        normalised = branching.normalise_survey(_assign_ids(items), context="survey", allow_empty_sections=True)
    except DefinitionError as exc:
        raise Invalid(exc.fields) from exc
    if len(branching.flatten(normalised)) > MAX_QUESTIONS:
        raise Invalid({"questions": f"A survey can have at most {MAX_QUESTIONS} questions"})
    if group_names is not None:
        fields = _group_problems(normalised, list(group_names))
        if fields:
            raise Invalid(fields)
    return normalised


def _group_problems(items: list[dict[str, Any]], group_names: list[str]) -> dict[str, str]:
    sectioned = any("questions" in i for i in items)
    fields = {}
    places = ([(f"sections.{s}.questions.{i}", q) for s, sec in enumerate(items) for i, q in enumerate(sec["questions"])]
              if sectioned else [(f"questions.{i}", q) for i, q in enumerate(items)])
    for path, q in places:
        for option, group in (q.get("groups") or {}).items():
            if group not in group_names:
                fields[f"{path}.groups"] = (f"“{option}” is matched to “{group}”, which is not one of the "
                                            "commission's population groups")
                break
    return fields


def _check_text(fields: dict, name: str, value: str | None, limit: int, required: bool = False) -> None:
    if value is None:
        if required:
            fields[name] = f"Enter a {name.replace('_', ' ')}"
        return
    if not isinstance(value, str):
        fields[name] = f"{name.replace('_', ' ').capitalize()} must be text"
    elif required and not has_visible_text(value):
        fields[name] = f"Enter a {name.replace('_', ' ')}"
    elif len(value) > limit:
        fields[name] = f"{name.replace('_', ' ').capitalize()} must be {limit} characters or fewer"


MATERIAL_TEXT_MAX = 20000
MATERIAL_URL_MAX = 2000


def _check_material(fields: dict, data: SurveyInput) -> None:
    """The material's heading and text are plain text; its link must be a whole https address,
    so a start page never links residents to an unencrypted or script address."""
    _check_text(fields, "material_title", data.material_title, 200)
    _check_text(fields, "material_text", data.material_text, MATERIAL_TEXT_MAX)
    url = data.material_url
    if url is None or (isinstance(url, str) and not url.strip()):
        return
    if not isinstance(url, str):
        fields["material_url"] = "Material link must be text"
        return
    url = url.strip()
    parts = urlsplit(url)
    if len(url) > MATERIAL_URL_MAX:
        fields["material_url"] = f"Material link must be {MATERIAL_URL_MAX} characters or fewer"
    elif parts.scheme.lower() != "https" or not parts.hostname or any(c.isspace() for c in url):
        fields["material_url"] = "Enter a full web address starting with https://, like https://example.org/plan.pdf"


def _has_document(survey: Survey) -> bool:
    session = object_session(survey)
    return session is not None and session.scalar(
        select(func.count()).select_from(SurveyDocument).where(SurveyDocument.survey_id == survey.id)) > 0


def missing_material(survey: Survey) -> str | None:
    """Why the survey cannot open for want of its material, if its template asks residents to
    judge something (the "Our first plan" template asks about the plan) and none is attached."""
    needs = (templates.TEMPLATES.get(survey.template or "") or {}).get("material")
    if needs and needs.get("required") and not (survey.material_text.strip() or survey.material_url.strip()
                                                or _has_document(survey)):
        return needs["missing"]
    return None


def _check_schedule(opens_at: datetime | None, closes_at: datetime | None, now: datetime) -> dict[str, str]:
    fields = {}
    if closes_at and closes_at <= now:
        fields["closes_at"] = "The closing time must be in the future"
    if opens_at and closes_at and closes_at <= opens_at:
        fields["closes_at"] = "The closing time must be after the opening time"
    return fields


@transactional
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
    _check_material(fields, data)
    step = journey.get_step(step_key) if isinstance(step_key, str) else None
    if step is None:
        fields["step"] = f"Step must be one of: {', '.join(journey.STEP_KEYS)}"
    items = data.items if data.items is not None else (template or {}).get("sections")
    if not fields.get("template"):
        try:
            items = normalise_items(items or [], [g.name for g in commission.population_groups])
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
        material_title=(data.material_title or ((template or {}).get("material") or {}).get("title") or "").strip(),
        material_text=(data.material_text or "").strip(), material_url=(data.material_url or "").strip(),
    )
    session.add(survey)
    session.flush()
    publish(session, SurveyCreated(commission.id, survey.id, len(branching.flatten(items))))
    return survey


def require_draft(survey: Survey) -> None:
    """Questions and step change only in draft: people who already answered must have answered
    the survey that is reported."""
    if survey.status == CLOSED:
        raise Conflict("This survey is closed and can no longer be changed")
    if survey.status != DRAFT:
        raise Conflict("Questions and step can only be changed while the survey is a draft",
                       {"questions": "The survey is open: its questions cannot change"})


def set_definition(session: Session, survey: Survey, items: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Check and store a draft's questions (or sections), bumping its version when they change.

    The shared step of ``update_survey`` and the builder (``surveys.builder``); it publishes
    nothing, so each caller publishes the one event that says what changed. Raises ``Invalid``
    with the registry's paths (``questions.3.options``).
    """
    require_draft(survey)
    normalised = normalise_items(items)
    if normalised != survey.definition:
        store_definition(session, survey, normalised)
    return normalised


def store_definition(session: Session, survey: Survey, normalised: list[dict[str, Any]]) -> None:
    """Keep an already checked definition and move the version on (the callers decide whether
    the survey's state allows the change)."""
    survey.definition = normalised
    survey.version += 1
    survey.updated_at = utcnow()
    session.flush()


@transactional
def update_survey(session: Session, survey: Survey, data: SurveyInput) -> Survey:
    """Change a survey. Its questions and step change only in draft (``require_draft``); a
    template is chosen only when the survey is created; an open survey cannot be scheduled to
    open."""
    fields: dict[str, str] = {}
    if data.template is not None:
        raise Forbidden("A template is chosen when a survey is created")
    if survey.status != DRAFT and data.opens_at:
        raise Invalid({"opens_at": "The survey is already open"})
    if survey.status == CLOSED or data.items is not None or data.step is not None:
        require_draft(survey)
    if data.title is not None:
        _check_text(fields, "title", data.title, 200, required=True)
    _check_text(fields, "description", data.description, 5000)
    _check_text(fields, "privacy_notice", data.privacy_notice, 5000)
    _check_material(fields, data)
    step = None
    if data.step is not None:
        step = journey.get_step(data.step) if isinstance(data.step, str) else None
        if step is None:
            fields["step"] = f"Step must be one of: {', '.join(journey.STEP_KEYS)}"
    items = None
    if data.items is not None:
        commission = session.get(Commission, survey.commission_id)
        try:
            items = normalise_items(data.items, [g.name for g in commission.population_groups])
        except Invalid as exc:
            fields.update(exc.fields)
    opens_at = None if data.clear_opens_at else (data.opens_at or survey.opens_at)
    closes_at = None if data.clear_closes_at else (data.closes_at or survey.closes_at)
    if data.opens_at or data.closes_at:
        fields.update(_check_schedule(opens_at, closes_at, utcnow()))
    if fields:
        raise Invalid(fields)
    changed = []
    for name, value in (("title", None if data.title is None else data.title.strip()),
                        ("description", None if data.description is None else data.description.strip()),
                        ("privacy_notice", None if data.privacy_notice is None
                         else data.privacy_notice.strip() or DEFAULT_PRIVACY_NOTICE),
                        *((name, None if getattr(data, name) is None else getattr(data, name).strip())
                          for name in ("material_title", "material_text", "material_url"))):
        if value is not None and value != getattr(survey, name):
            setattr(survey, name, value)
            changed.append(name)
    if step is not None and step.key != survey.step:
        survey.step, survey.practice_question = step.key, step.practice_question
        changed.append("step")
    if items is not None and items != survey.definition:
        survey.definition = items
        survey.version += 1
        changed.append("questions")
    if (opens_at, closes_at) != (survey.opens_at, survey.closes_at):
        changed.append("schedule")
    survey.opens_at, survey.closes_at = opens_at, closes_at
    survey.updated_at = utcnow()
    session.flush()
    publish(session, SurveyChanged(survey.commission_id, survey.id, survey.version, tuple(changed)))
    return survey


def open_problem(commission: Commission, survey: Survey) -> tuple[str, dict[str, str]] | None:
    """Why the survey cannot open now, with the field it concerns, or ``None`` if it can. The
    one rule behind both the refusal and the staff page, which offers "Open" only when it works."""
    if survey.status == OPEN:
        return "This survey is already open", {}
    if survey.status == CLOSED:
        return "This survey is closed; its results are in the evidence log", {}
    if commission.step_status(survey.step) == NOT_STARTED:
        step = journey.get_step(survey.step)
        return (f"{step.name} has not started yet: the survey can open once it is the active step",
                {"step": f"{step.name} has not started"})
    if not branching.flatten(survey.definition):
        return "Add at least one question before opening the survey", {}
    missing = missing_material(survey)
    if missing:
        return missing, {"material_text": missing}
    empty = [s["title"] for s in survey.definition if "questions" in s and not s["questions"]]
    if empty:
        return (f"The page {wording.either([wording.quoted(t) for t in empty], 'and')} "
                f"{'has' if len(empty) == 1 else 'have'} no questions: add a question to "
                f"{'it' if len(empty) == 1 else 'each'} or remove {'it' if len(empty) == 1 else 'them'}"), {}
    return None


@transactional
def open_survey(session: Session, survey: Survey) -> Survey:
    commission = session.get(Commission, survey.commission_id)
    problem = open_problem(commission, survey)
    if problem is not None:
        raise Conflict(*problem)
    survey.status = OPEN
    survey.opened_at = utcnow()
    survey.opens_at = None if survey.opens_at and survey.opens_at <= survey.opened_at else survey.opens_at
    survey.updated_at = survey.opened_at
    session.flush()
    publish(session, SurveyOpened(survey.commission_id, survey.id))
    return survey


def lock_survey(session: Session, survey: Survey) -> None:
    """Lock the survey's row for this transaction (PostgreSQL; nothing on SQLite) and read it
    again, since it may have changed while this transaction waited for the lock."""
    session.execute(select(Survey.id).where(Survey.id == survey.id).with_for_update())
    session.refresh(survey)


@transactional
def close_survey(session: Session, survey: Survey, actor: StaffUser | None = None) -> evidence.EvidenceEntry:
    """Close the survey and record its results against the step's practice question.

    On PostgreSQL the survey's row is locked first: the submission writer holds it shared
    from reading the survey to committing its group (``responses.submit_many``), so the close
    waits for a group already under way and counts it, and a group after it sees the survey
    closed. (SQLite's one writer already puts them one after the other.)"""
    lock_survey(session, survey)
    if survey.status != OPEN:
        raise Conflict(f"Only an open survey can be closed; this one is {survey.status}")
    commission = session.get(Commission, survey.commission_id)
    figures = results.stored_results(session, survey, commission.population_groups)
    survey.status = CLOSED
    survey.closed_at = utcnow()
    survey.updated_at = survey.closed_at
    session.flush()
    payload = results.evidence_payload(survey, figures)
    entry = evidence.append(
        session, commission, step=survey.step, kind="survey_result",
        summary=results.evidence_summary(payload), payload=payload, author=actor, source="automatic",
    )
    # Data residents collected themselves (Initiate's and Consolidate's question): counts only.
    collected = collectors.evidence_entry(collectors.totals(session, survey), survey)
    if collected is not None:
        evidence.append(session, commission, step=survey.step, kind="resident_data", summary=collected[0],
                        payload=collected[1], author=actor, source="automatic")
    publish(session, SurveyClosed(survey.commission_id, survey.id, figures["responses"], entry.id))
    return entry


@transactional
def delete_survey(session: Session, survey: Survey) -> None:
    """Delete a draft. Only a draft: nobody has answered it and nothing was recorded about it.
    An open survey is closed instead, and a closed one archived, so the record stays."""
    if survey.status != DRAFT:
        raise Conflict("Only a draft can be deleted: close an open survey, and archive a closed one, "
                       "so its responses and evidence stay on the record")
    if response_count(session, survey.id):
        raise Conflict("This survey has responses, so it cannot be deleted")
    commission_id, survey_id = survey.commission_id, survey.id
    session.delete(survey)
    session.flush()
    publish(session, SurveyDeleted(commission_id, survey_id))


@transactional
def archive_survey(session: Session, survey: Survey, archived: bool = True) -> Survey:
    """Put a closed survey away (``archived=False`` brings it back). Archived surveys are left
    out of the default lists; their responses, results and evidence entry are all kept."""
    if survey.status != CLOSED:
        raise Conflict("Only a closed survey can be archived: close it first, so its results are recorded")
    if bool(survey.archived_at) == archived:
        return survey
    survey.archived_at = utcnow() if archived else None
    survey.updated_at = utcnow()
    session.flush()
    publish(session, SurveyArchived(survey.commission_id, survey.id, archived))
    return survey


def apply_schedules(session: Session, now: datetime | None = None) -> dict[str, list[int]]:
    """Open and close surveys whose scheduled time has come. Idempotent: run it as often as you
    like; a survey that cannot open yet (its step has not started) is left for a later run.

    Each survey opens or closes in its own transaction (``open_survey`` and ``close_survey``
    commit), so one that fails (its results trip the evidence log's checks) is rolled back on
    its own and the others still go ahead. Call it with a session that is not already inside a
    transaction of its caller's, or the surveys would share that one.
    """
    now = now or utcnow()
    done: dict[str, list[int]] = {"opened": [], "closed": []}
    due_open = list(session.scalars(select(Survey.id).where(
        Survey.status == DRAFT, Survey.opens_at.is_not(None), Survey.opens_at <= now,
        (Survey.closes_at.is_(None)) | (Survey.closes_at > now))))
    for survey_id in due_open:
        try:
            open_survey(session, session.get(Survey, survey_id))
            done["opened"].append(survey_id)
        except Conflict as exc:
            log.info("survey %s not opened on schedule: %s", survey_id, exc.message)
    due_close = list(session.scalars(select(Survey.id).where(
        Survey.status == OPEN, Survey.closes_at.is_not(None), Survey.closes_at <= now)))
    for survey_id in due_close:
        try:
            close_survey(session, session.get(Survey, survey_id))
            done["closed"].append(survey_id)
        except DomainError as exc:
            log.warning("survey %s not closed on schedule: %s", survey_id, exc.message)
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


def for_commission(session: Session, commission_id: int, archived: bool | None = False) -> list[Survey]:
    """The commission's surveys, newest first: not archived (the default), archived only
    (``True``), or all (``None``)."""
    query = select(Survey).where(Survey.commission_id == commission_id)
    if archived is not None:
        query = query.where(Survey.archived_at.is_not(None) if archived else Survey.archived_at.is_(None))
    return list(session.scalars(query.order_by(Survey.created_at.desc(), Survey.id.desc())))


def archived_count(session: Session, commission_id: int) -> int:
    return session.scalar(select(func.count()).select_from(Survey).where(
        Survey.commission_id == commission_id, Survey.archived_at.is_not(None))) or 0


def answerable(session: Session, slug: str) -> Survey:
    """The survey at a public link, if residents can answer it now (``Conflict`` if not open)."""
    survey = by_slug(session, slug)
    if survey.status != OPEN:
        raise Conflict("This survey is not open")
    return survey


def response_count(session: Session, survey_id: int) -> int:
    return session.scalar(select(func.count()).select_from(SurveyResponse)
                          .where(SurveyResponse.survey_id == survey_id)) or 0
