"""The document a survey asks residents to judge ("We have made a first plan": the plan as a
PDF), attached beside the material's text and link and shown on the start page before the
questions. Checked by its content (``surveys.uploads``), limited in size and kept in the
database, so it is served only by the survey's own routes, to people who can answer it.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from commissioning_steps.db import transactional, utcnow
from commissioning_steps.errors import Conflict, NotFound
from commissioning_steps.events import publish
from commissioning_steps.staff import StaffUser

from . import uploads
from .events import SurveyChanged
from .models import CLOSED, Survey, SurveyDocument


def _require_not_closed(survey: Survey) -> None:
    if survey.status == CLOSED:
        raise Conflict("This survey is closed: what residents judged stays as it was",
                       {"document": "The survey is closed, so its document cannot change"})


@transactional
def attach(session: Session, survey: Survey, actor: StaffUser | None, data: bytes,
           filename: str | None) -> SurveyDocument:
    """Attach (or replace) the survey's document."""
    _require_not_closed(survey)
    checked = uploads.check_document(data, filename)
    document = session.get(SurveyDocument, survey.id)
    if document is None:
        document = SurveyDocument(survey_id=survey.id)
        session.add(document)
    document.name, document.content_type, document.kind = checked.name, checked.content_type, checked.kind
    document.size, document.data = checked.size, checked.data
    document.uploaded_by_id, document.uploaded_at = (actor.id if actor else None), utcnow()
    survey.updated_at = utcnow()
    session.flush()
    publish(session, SurveyChanged(survey.commission_id, survey.id, survey.version, ("material_document",)))
    return document


@transactional
def remove(session: Session, survey: Survey) -> None:
    _require_not_closed(survey)
    document = session.get(SurveyDocument, survey.id)
    if document is None:
        raise NotFound("This survey has no document attached")
    session.delete(document)
    survey.updated_at = utcnow()
    session.flush()
    publish(session, SurveyChanged(survey.commission_id, survey.id, survey.version, ("material_document",)))


def of(session: Session, survey: Survey) -> SurveyDocument | None:
    """The survey's document without its bytes (they are loaded only when served)."""
    return session.scalar(select(SurveyDocument).where(SurveyDocument.survey_id == survey.id))


def link_text(document: SurveyDocument, title: str | None = None) -> str:
    """How GOV.UK names a file in a link: its title, then type and size, "Our plan (PDF, 245 KB)"."""
    label = uploads.DOCUMENT_KINDS.get(document.kind, ("", document.kind.upper()))[1]
    return f"{title or document.name} ({label}, {uploads.size_text(document.size)})"


__all__ = ["attach", "link_text", "of", "remove"]
