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
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from commissioning_steps import inputs
from commissioning_steps.db import transactional, utcnow
from commissioning_steps.commissions import PopulationGroup
from commissioning_steps.errors import Conflict, DomainError, Invalid, NotFound
from commissioning_steps.events import publish

from . import branching, input_index
from .errors import AnswerError
from .events import ResponseChanged, ResponseDeleted, ResponseSubmitted
from .codes import ALPHABET
from .models import OPEN, ResponseDraft, Survey, SurveyResponse, SurveyResponseTotal

RECEIPT_LENGTH = 12  # 29**12 ~ 2**58 codes
_RESPONSES = SurveyResponse.__table__

# ``submit_many``'s statements, built once: building and keying a statement cost a group of
# submissions more than the database took to run it.
#: The surveys, held shared until the group commits (PostgreSQL): a close waits for the group
#: and counts it (``lifecycle.close_survey``).
_SURVEYS = select(Survey).where(Survey.id.in_(bindparam("ids", expanding=True))).with_for_update(read=True)
_GROUP_NAMES = (select(PopulationGroup.commission_id, PopulationGroup.name)
                .where(PopulationGroup.commission_id.in_(bindparam("ids", expanding=True)))
                .order_by(PopulationGroup.position))
_SEEN_KEYS = select(SurveyResponse).where(SurveyResponse.survey_id.in_(bindparam("ids", expanding=True)),
                                          SurveyResponse.submission_key.in_(bindparam("keys", expanding=True)))
_COUNTS = select(SurveyResponseTotal.survey_id, SurveyResponseTotal.responses).where(
    SurveyResponseTotal.survey_id.in_(bindparam("ids", expanding=True)))
_INSERT_RESPONSES = insert(_RESPONSES).returning(_RESPONSES.c.id, _RESPONSES.c.receipt_hash)


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


def clean_answers(survey: Survey, answers: Any, rules: branching.SubmissionRules | None = None) -> dict[str, Any]:
    """``answers`` checked against the survey as it asks now, or ``Invalid`` naming each problem;
    ``rules``: the survey's ``submission_rules``, when the caller keeps them for many submissions."""
    try:
        return (rules or submission_rules(survey)).clean(answers)
    except AnswerError as exc:
        raise Invalid({f"answers.{k}" if k != "answers" else k: v for k, v in exc.fields.items()},
                      "Some answers need correcting") from exc


def submission_rules(survey: Survey) -> branching.SubmissionRules:
    return branching.submission_rules(survey.definition)


def accepts_answers(survey: Survey) -> bool:
    """Whether answers to this survey can be sent or changed now (deleting them always can)."""
    return survey.status == OPEN


def _require_open(survey: Survey) -> None:
    if not accepts_answers(survey):
        state = "has not opened yet" if survey.status == "draft" else "is closed"
        raise Conflict(f"This survey {state}, so answers cannot be sent or changed")


@dataclass(frozen=True)
class Submission:
    """One resident's answers, checked against the survey as the request saw it
    (``clean_answers``), waiting to be stored with others (``submit_many``)."""

    survey_id: int
    answers: Any  #: as sent
    cleaned: dict[str, Any] | None = None  #: as checked against ``survey_version``
    survey_version: int | None = None
    submission_key: str | None = None
    collector_id: int | None = None  #: a community researcher's, when they recorded it


@dataclass(frozen=True)
class Submitted:
    """What a stored (or replayed) submission answers: its receipt, and whether it is new."""

    response_id: int
    receipt: str
    created: bool
    survey_version: int


#: What ``submit_many`` answers for each submission: stored, or why not (a refusal, or the
#: exception that sank it alone).
SubmitResult = Submitted | DomainError | Exception


def key_hash(survey_id: int, submission_key: str) -> str:
    return _digest(f"{survey_id}:{submission_key}")


@transactional
def submit(session: Session, survey: Survey, answers: Any, *, secret: bytes,
           submission_key: str | None = None, collector_id: int | None = None) -> tuple[SurveyResponse, str, bool]:
    """Store a response; returns (response, receipt, created). ``created`` is False when the
    same submission key was seen before, in which case nothing new is stored. One submission
    is a batch of one (``submit_many``): the rules are the same however it arrives.
    ``collector_id`` marks a response a community researcher recorded on someone's behalf
    (``surveys.collectors`` checks them first)."""
    result = submit_many(session, [Submission(survey.id, answers, submission_key=submission_key,
                                              collector_id=collector_id)], secret=secret)[0]
    if isinstance(result, Exception):
        raise result
    return session.get(SurveyResponse, result.response_id), result.receipt, result.created


@transactional
def submit_many(session: Session, submissions: list[Submission], *, secret: bytes) -> list[SubmitResult]:
    """Store many residents' submissions in one transaction, in order, each with exactly the
    rules of one: the survey must be open, the answers valid for its current version, and a
    submission key seen before (earlier in the batch too) returns the first response, with
    the same receipt, if the answers are the same, and is refused if not.

    The group is decided in Python first (refusals and replays need no writes), then its new
    responses are written together: one multi-row ``INSERT`` of the responses, one of their
    words for the input inbox, one ``ResponseSubmitted`` per survey (``received`` says how
    many it counts). Statement by statement, one SAVEPOINT each, cost more than the rest of a
    submission. If that write fails as a whole (a constraint, a key that raced in from another
    process, a fault), it is rolled back and every submission is tried again on its own, in its
    own SAVEPOINT, so the one that fails changes nothing and fails alone. A handful of
    ``IN (...)`` queries serve the whole batch: the surveys, their commissions' population
    groups, the keys already used and the response counts.
    """
    submissions = list(submissions)
    survey_ids = sorted({s.survey_id for s in submissions})
    surveys = {s.id: s for s in session.scalars(_SURVEYS, {"ids": survey_ids})}
    commission_ids = sorted({s.commission_id for s in surveys.values()})
    groups: dict[int, list[str]] = {cid: [] for cid in commission_ids}
    if commission_ids:
        for commission_id, name in session.execute(_GROUP_NAMES, {"ids": commission_ids}):
            groups[commission_id].append(name)
    hashes = {key_hash(s.survey_id, s.submission_key) for s in submissions if s.submission_key}
    seen: dict[str, SurveyResponse] = {}
    if hashes and surveys:
        seen = {r.submission_key: r for r in session.scalars(_SEEN_KEYS, {"ids": survey_ids,
                                                                          "keys": sorted(hashes)})}
    counts = dict(session.execute(_COUNTS, {"ids": survey_ids}).all()) if surveys else {}
    try:
        with session.begin_nested():
            results, received = _submit_together(session, submissions, surveys, groups, seen, counts, secret)
    except Exception:  # noqa: BLE001 - the group's write failed as a whole: each submission alone decides
        pass
    else:
        for survey_id, count in received.items():
            counts[survey_id] = counts.get(survey_id, 0) + count
        return results
    results: list[SubmitResult] = []
    for submission in submissions:
        try:
            results.append(_submit_one(session, submission, surveys, groups, seen, counts, secret))
        except Exception as failure:  # noqa: BLE001 - a refusal or a fault: it fails alone (see above)
            results.append(failure)
    return results


@dataclass
class _NewResponse:
    """A submission of the group that will be a new response (and the later ones replaying it)."""

    index: int
    survey: Survey
    row: dict[str, Any]
    receipt: str
    replays: list[int]


def _checked(submission: Submission, surveys: dict[int, Survey]) -> tuple[Survey, dict[str, Any]]:
    survey = surveys.get(submission.survey_id)
    if survey is None:
        raise NotFound("No survey with that id")
    _require_open(survey)
    if submission.cleaned is not None and submission.survey_version == survey.version:
        return survey, submission.cleaned
    # not checked yet, or the survey changed since: check against what it asks now
    return survey, clean_answers(survey, submission.answers)


def _replayed(seen: dict[str, SurveyResponse], hashed: str | None, cleaned: dict[str, Any], secret: bytes,
              survey: Survey, key: str | None) -> Submitted | None:
    """The first response's result for a key stored before, or None for a key not seen."""
    if hashed is None or hashed not in seen:
        return None
    first = seen[hashed]
    if first.answers != cleaned:
        raise _reused_key()
    return Submitted(first.id, receipt_for_key(secret, survey.id, key), False, first.survey_version)


def _reused_key() -> Invalid:
    # A replay gets the same result only for the same answers: a key reused with other
    # answers (a second client, a script) must not be handed someone else's receipt.
    return Invalid({"Idempotency-Key": "This key was already used for a different submission. "
                                       "Send your answers with a new key."})


def _submit_together(session: Session, submissions: list[Submission], surveys: dict[int, Survey],
                     groups: dict[int, list[str]], seen: dict[str, SurveyResponse], counts: dict[int, int],
                     secret: bytes) -> tuple[list[SubmitResult], dict[int, int]]:
    """``submit_many``'s usual path: decide every submission, then write the new ones at once.
    Returns the results and how many new responses each survey received; changes neither
    ``seen`` nor ``counts`` (if the write fails, the one-by-one path starts from them)."""
    results: list[SubmitResult | None] = [None] * len(submissions)
    new: list[_NewResponse] = []
    pending: dict[str, _NewResponse] = {}
    now = utcnow()
    for index, submission in enumerate(submissions):
        try:
            survey, cleaned = _checked(submission, surveys)
            key = submission.submission_key
            hashed = key_hash(survey.id, key) if key else None
            replayed = _replayed(seen, hashed, cleaned, secret, survey, key)
            if replayed is not None:
                results[index] = replayed
                continue
            if hashed is not None and hashed in pending:
                earlier = pending[hashed]
                if earlier.row["answers"] != cleaned:
                    raise _reused_key()
                earlier.replays.append(index)
                continue
            receipt = receipt_for_key(secret, survey.id, key) if key else new_receipt()
            row = {"survey_id": survey.id, "receipt_hash": _digest(receipt), "submission_key": hashed,
                   "answers": cleaned, "survey_version": survey.version, "submitted_at": now, "updated_at": now,
                   "collector_id": submission.collector_id}
            entry = _NewResponse(index, survey, row, receipt, [])
            new.append(entry)
            if hashed is not None:
                pending[hashed] = entry
        except Exception as failure:  # noqa: BLE001 - a refusal (or a fault checking it) fails alone
            results[index] = failure
    if not new:
        return results, {}  # type: ignore[return-value]
    # Plain Core INSERTs (the ORM's unit of work costs more than the rest of a submission),
    # sent as multi-row statements (insertmanyvalues). Each id is matched to its row by the
    # receipt's hash, which is unique: asking SQLite for the ids in order would make
    # SQLAlchemy send the rows one statement each.
    ids = dict((digest, response_id) for response_id, digest in session.connection().execute(
        _INSERT_RESPONSES, [entry.row for entry in new]))
    words: dict[int, list] = {}
    received: dict[int, int] = {}
    indexers: dict[int, input_index.ResponseWords] = {}
    for entry in new:
        response_id = ids[entry.row["receipt_hash"]]
        survey = entry.survey
        indexer = indexers.get(survey.id)
        if indexer is None:
            indexer = indexers[survey.id] = input_index.ResponseWords(survey, groups.get(survey.commission_id, []))
        words.setdefault(survey.commission_id, []).extend(
            indexer.items(response_id, entry.row["answers"], entry.row["submitted_at"]))
        received[survey.id] = received.get(survey.id, 0) + 1
        results[entry.index] = Submitted(response_id, entry.receipt, True, survey.version)
        for replay in entry.replays:
            results[replay] = Submitted(response_id, entry.receipt, False, survey.version)
    for commission_id, items in words.items():
        inputs.add_new(session, commission_id, items)
    for survey_id, count in received.items():
        survey = surveys[survey_id]
        publish(session, ResponseSubmitted(survey.commission_id, survey_id, counts.get(survey_id, 0) + count,
                                           received=count))
    return results, received  # type: ignore[return-value]


def _submit_one(session: Session, submission: Submission, surveys: dict[int, Survey], groups: dict[int, list[str]],
                seen: dict[str, SurveyResponse], counts: dict[int, int], secret: bytes) -> Submitted:
    survey, cleaned = _checked(submission, surveys)
    key = submission.submission_key
    hashed = key_hash(survey.id, key) if key else None
    replayed = _replayed(seen, hashed, cleaned, secret, survey, key)
    if replayed is not None:
        return replayed
    receipt = receipt_for_key(secret, survey.id, key) if key else new_receipt()
    now = utcnow()
    row = {"survey_id": survey.id, "receipt_hash": _digest(receipt), "submission_key": hashed, "answers": cleaned,
           "survey_version": survey.version, "submitted_at": now, "updated_at": now,
           "collector_id": submission.collector_id}
    try:
        with session.begin_nested():
            # Plain Core INSERTs (the ORM's unit of work costs more than the rest of a submission).
            connection = session.connection()
            response_id = connection.execute(insert(_RESPONSES).returning(_RESPONSES.c.id), row).scalar_one()
            response = SurveyResponse(id=response_id, **row)  # transient: what the inbox needs to index it
            input_index.index_new_response(session, survey, response, groups.get(survey.commission_id, []))
            publish(session, ResponseSubmitted(survey.commission_id, survey.id, counts.get(survey.id, 0) + 1))
    except IntegrityError:
        # The same key raced in from another process (PostgreSQL; SQLite writers queue).
        existing = session.scalar(select(SurveyResponse).where(SurveyResponse.survey_id == survey.id,
                                                               SurveyResponse.submission_key == hashed)) \
            if hashed else None
        if existing is None:
            raise
        return Submitted(existing.id, receipt, False, existing.survey_version)
    counts[survey.id] = counts.get(survey.id, 0) + 1
    if hashed is not None:
        seen[hashed] = response
    return Submitted(response_id, receipt, True, survey.version)


def find_submitted(session: Session, survey: Survey, submission_key: str, *,
                   secret: bytes) -> tuple[SurveyResponse, str] | None:
    """The response already stored for this submission key, with its receipt, if any."""
    existing = session.scalar(select(SurveyResponse).where(
        SurveyResponse.survey_id == survey.id,
        SurveyResponse.submission_key == key_hash(survey.id, submission_key)))
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
    survey = session.get(Survey, response.survey_id, with_for_update={"read": True})  # see _SURVEYS
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
