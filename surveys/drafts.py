"""Answers in progress on the resident's page-by-page form (see ``models.ResponseDraft``)."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from commissioning_steps.db import transactional, utcnow

from . import pages

from .models import ResponseDraft, Survey, SurveyResponse

LIFETIME = timedelta(hours=24)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transactional
def start(session: Session, survey: Survey, response: SurveyResponse | None = None) -> tuple[str, ResponseDraft]:
    token = secrets.token_urlsafe(24)
    answers = dict(response.answers) if response else {}
    draft = ResponseDraft(survey_id=survey.id, token_hash=_digest(token), answers=answers,
                          asked=pages.asked_when_changing(survey.definition, answers) if response else [],
                          response_id=response.id if response else None)
    session.add(draft)
    session.flush()
    return token, draft


def find(session: Session, survey: Survey, token: str | None) -> ResponseDraft | None:
    if not token:
        return None
    draft = session.scalar(select(ResponseDraft).where(ResponseDraft.token_hash == _digest(token)))
    if draft is None or draft.survey_id != survey.id or draft.updated_at < utcnow() - LIFETIME:
        return None
    return draft


@transactional
def save(session: Session, draft: ResponseDraft, answers: dict[str, Any]) -> None:
    draft.answers = answers
    draft.updated_at = utcnow()
    session.flush()


@transactional
def save_page(session: Session, survey: Survey, draft: ResponseDraft, page: pages.Page,
              submitted: dict[str, Any], *, in_place: bool = False,
              form_errors: dict[str, str] | None = None) -> dict[str, Any]:
    """Check one page's (or step's) answers against the survey and keep them in the draft, with
    what was asked; returns the draft's answers now. Raises ``AnswerError`` (keyed by question
    id, every problem of the page at once, ``form_errors`` included) and keeps nothing when the
    page has problems.

    ``in_place``: the follow-ups drawn in place were revealed to the resident (JavaScript ran),
    so they count as asked and their required ones are required here.
    """
    shown = page.shown(in_place) if isinstance(page, pages.Step) else {q["id"] for q in page.questions}
    cleaned = pages.save_page(survey.definition, page, draft.answers, submitted, asked=shown,
                              form_errors=form_errors)
    draft.asked = pages.still_asked(survey.definition, cleaned, set(draft.asked or []) | shown)
    save(session, draft, cleaned)
    return cleaned


@transactional
def purge_expired(session: Session) -> int:
    """Half-finished answers are kept a day, then removed."""
    return session.execute(delete(ResponseDraft).where(ResponseDraft.updated_at < utcnow() - LIFETIME)).rowcount
