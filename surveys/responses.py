"""Residents' responses: submitted once, then seen, changed or deleted with a receipt code.

Double submits are the everyday failure of web forms (a double click, a refresh, a retry after
a time-out). Each submission carries a key (the form's one-time submission id, or an API
client's ``Idempotency-Key``) and a second submission with the same key returns the first
response instead of storing another. Nothing limits responses per device: a library kiosk or a
family tablet serves many residents.

The receipt is derived from that key with the server's secret (HMAC), so a retried submission
gets the same receipt back, while only its SHA-256 is stored.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from commissioning_steps.db import transactional, utcnow
from commissioning_steps.errors import Conflict, Invalid, NotFound
from commissioning_steps.events import publish

from . import branching, input_index
from .errors import AnswerError
from .events import ResponseChanged, ResponseDeleted, ResponseSubmitted
from .codes import ALPHABET
from .models import OPEN, ResponseDraft, Survey, SurveyResponse

RECEIPT_LENGTH = 12  # 29**12 ~ 2**58 codes


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _format(chars: str) -> str:
    return "-".join(chars[i:i + 4] for i in range(0, len(chars), 4))


def new_receipt() -> str:
    return _format("".join(secrets.choice(ALPHABET) for _ in range(RECEIPT_LENGTH)))


def receipt_for_key(secret: bytes, survey_id: int, key: str) -> str:
    mac = hmac.new(secret, f"receipt:{survey_id}:{key}".encode(), hashlib.sha256).digest()
    number = int.from_bytes(mac, "big")
    chars = []
    for _ in range(RECEIPT_LENGTH):
        number, index = divmod(number, len(ALPHABET))
        chars.append(ALPHABET[index])
    return _format("".join(chars))


def normalise_receipt(text: str | None) -> str | None:
    """What people type (lower case, spaces, no dashes) to the printed form, or None."""
    if not isinstance(text, str):
        return None
    chars = "".join(c for c in text.upper() if c not in " -\u2010\u2011\u2012\u2013\u2014\t")
    if len(chars) != RECEIPT_LENGTH or any(c not in ALPHABET for c in chars):
        return None
    return _format(chars)


def clean_answers(survey: Survey, answers: Any) -> dict[str, Any]:
    try:
        return branching.clean_submission(survey.definition, answers)
    except AnswerError as exc:
        raise Invalid({f"answers.{k}" if k != "answers" else k: v for k, v in exc.fields.items()},
                      "Some answers need correcting") from exc


def accepts_answers(survey: Survey) -> bool:
    """Whether answers to this survey can be sent or changed now (deleting them always can)."""
    return survey.status == OPEN


def _require_open(survey: Survey) -> None:
    if not accepts_answers(survey):
        state = "has not opened yet" if survey.status == "draft" else "is closed"
        raise Conflict(f"This survey {state}, so answers cannot be sent or changed")


@transactional
def submit(session: Session, survey: Survey, answers: Any, *, secret: bytes,
           submission_key: str | None = None, collector_id: int | None = None) -> tuple[SurveyResponse, str, bool]:
    """Store a response; returns (response, receipt, created). ``created`` is False when the
    same submission key was seen before, in which case nothing new is stored. ``collector_id``
    marks a response a community researcher recorded on someone's behalf (``surveys.collectors``
    checks them first)."""
    _require_open(survey)
    key_hash = _digest(f"{survey.id}:{submission_key}") if submission_key else None
    cleaned = clean_answers(survey, answers)
    if submission_key:
        seen = find_submitted(session, survey, submission_key, secret=secret)
        if seen is not None:
            # A replay gets the same result only for the same answers: a key reused with other
            # answers (a second client, a script) must not be handed someone else's receipt.
            if seen[0].answers != cleaned:
                raise Invalid({"Idempotency-Key": "This key was already used for a different submission. "
                                                  "Send your answers with a new key."})
            return seen[0], seen[1], False
    receipt = receipt_for_key(secret, survey.id, submission_key) if submission_key else new_receipt()
    response = SurveyResponse(survey_id=survey.id, receipt_hash=_digest(receipt), submission_key=key_hash,
                              answers=cleaned, survey_version=survey.version, collector_id=collector_id)
    try:
        with session.begin_nested():
            session.add(response)
            session.flush()
    except IntegrityError:
        # The same key raced in from a second request (PostgreSQL; SQLite writers queue).
        existing = session.scalar(select(SurveyResponse).where(SurveyResponse.survey_id == survey.id,
                                                               SurveyResponse.submission_key == key_hash))
        if existing is None:
            raise
        return existing, receipt, False
    input_index.index_response(session, survey, response)
    count = session.scalar(select(func.count()).select_from(SurveyResponse).where(SurveyResponse.survey_id == survey.id))
    publish(session, ResponseSubmitted(survey.commission_id, survey.id, count))
    return response, receipt, True


def find_submitted(session: Session, survey: Survey, submission_key: str, *,
                   secret: bytes) -> tuple[SurveyResponse, str] | None:
    """The response already stored for this submission key, with its receipt, if any."""
    existing = session.scalar(select(SurveyResponse).where(
        SurveyResponse.survey_id == survey.id,
        SurveyResponse.submission_key == _digest(f"{survey.id}:{submission_key}")))
    return (existing, receipt_for_key(secret, survey.id, submission_key)) if existing else None


def find(session: Session, receipt: str | None) -> SurveyResponse:
    canonical = normalise_receipt(receipt)
    response = session.scalar(select(SurveyResponse).where(SurveyResponse.receipt_hash == _digest(canonical))) \
        if canonical else None
    if response is None:
        raise NotFound("No answers match that receipt code. Check it and try again.")
    return response


@transactional
def change(session: Session, response: SurveyResponse, answers: Any) -> SurveyResponse:
    survey = session.get(Survey, response.survey_id)
    _require_open(survey)
    response.answers = clean_answers(survey, answers)
    response.survey_version = survey.version
    response.updated_at = utcnow()
    session.flush()
    input_index.index_response(session, survey, response)
    publish(session, ResponseChanged(survey.commission_id, survey.id))
    return response


@transactional
def delete(session: Session, response: SurveyResponse) -> None:
    """Residents may delete their answers at any time, even after closing: the evidence entry
    written at closing holds only totals, which identify nobody."""
    survey = session.get(Survey, response.survey_id)
    input_index.unindex_response(session, response)
    session.delete(response)
    session.flush()
    publish(session, ResponseDeleted(survey.commission_id, survey.id))


@transactional
def send_draft(session: Session, draft: ResponseDraft, *, secret: bytes,
               submission_key: str | None = None, collector_id: int | None = None) -> tuple[SurveyResponse, str | None]:
    """Send the answers of a resident's page-by-page draft, and drop the draft, in one go.

    A draft started from a stored response (``drafts.start(..., response)``) changes that
    response, and the receipt is the one the resident already holds (``None`` here); otherwise
    a new response is submitted and its receipt returned. All or nothing: if the answers are
    refused, the draft stays for the resident to correct.
    """
    survey = session.get(Survey, draft.survey_id)
    if draft.response_id is not None:
        response = change(session, session.get(SurveyResponse, draft.response_id), draft.answers)
        receipt = None
    else:
        response, receipt, _ = submit(session, survey, draft.answers, secret=secret,
                                      submission_key=submission_key, collector_id=collector_id)
    session.delete(draft)
    session.flush()
    return response, receipt
