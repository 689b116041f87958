"""The final evaluation: ratings per step, challenges and their answers, and sign-off.

An evaluator assigned to the commission rates each completed step against its practice question
(not evidenced, partly evidenced, fully evidenced; a commentary is required for anything but
fully evidenced), may challenge a step or one evidence entry ("what is the source of this
figure?"), which a commissioner of the commission answers, and signs off once all eight steps
are rated and no challenge is open. Every one of these is an automatic evidence entry (kinds
``assessment``, ``challenge``, ``answer``, ``sign_off``) with the evaluator or commissioner as
its author, so the evaluation is itself on the tamper-evident record.

Ratings are not kept anywhere but in the log: a step's rating is its latest ``assessment``
entry. Entries recorded before this module (ratings "fully answered", "partly answered", "not
answered", the commentary as the summary) read as the matching new rating.

A sign-off fixes a report version: the log's head hash and entry count once the sign-off entry
is on it, and the report's content (ratings, commentaries, indicators, evidence lists, ...) as
a JSON snapshot whose SHA-256 the sign-off entry carries. Entries with a higher sequence number
than the latest sign-off's count are "after sign-off". Signing off again makes a new version;
earlier versions stay. The content is assembled by ``surveys.evaluation_report`` (it reads
surveys and live polls, which this package may not import) and handed to ``record_sign_off``.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from . import access, evidence, journey
from .commissions import COMPLETE, NOT_STARTED, Commission
from .db import Base, transactional, utcnow
from .errors import Conflict, Forbidden, Invalid, NotFound
from .events import AssessmentRecorded, EvaluationSignedOff, StoredEvent, publish
from .evidence import EvidenceEntry
from .staff import StaffUser

NOT_EVIDENCED, PARTLY_EVIDENCED, FULLY_EVIDENCED = "not_evidenced", "partly_evidenced", "fully_evidenced"
RATINGS = {NOT_EVIDENCED: "Not evidenced", PARTLY_EVIDENCED: "Partly evidenced", FULLY_EVIDENCED: "Fully evidenced"}
#: The ratings assessments were recorded with before the evaluation, read as their equivalent.
LEGACY_RATINGS = {"not answered": NOT_EVIDENCED, "partly answered": PARTLY_EVIDENCED,
                  "fully answered": FULLY_EVIDENCED}
MAX_TEXT = evidence.MAX_SUMMARY
REPORT_FORMAT = "engage-evaluation-report/1"
SIGN_OFF_STEP = "evaluate"


def normalise_rating(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    value = value.strip()
    if value in RATINGS:
        return value
    return LEGACY_RATINGS.get(value.lower())


def canonical_json(content: Any) -> bytes:
    """Sorted keys, no insignificant white space, UTF-8: the bytes a snapshot's SHA-256 covers."""
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


def content_digest(content: Any) -> str:
    return hashlib.sha256(canonical_json(content)).hexdigest()


class Challenge(Base):
    """A question an evaluator puts to the commissioners about a step or one evidence entry."""

    __tablename__ = "evaluation_challenges"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    commission_id: Mapped[int] = mapped_column(ForeignKey("commissions.id"), index=True)
    step: Mapped[str] = mapped_column(String(32))
    #: The evidence entry challenged; none when the challenge is about the step as a whole.
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("evidence_entries.id"))
    text: Mapped[str] = mapped_column(Text)
    raised_by_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id"))
    raised_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    evidence_entry_id: Mapped[int | None] = mapped_column(ForeignKey("evidence_entries.id"))
    #: When the first answer came; a challenge without one is open.
    answered_at: Mapped[datetime | None] = mapped_column(DateTime)

    @property
    def is_open(self) -> bool:
        return self.answered_at is None

    @property
    def step_name(self) -> str:
        step = journey.get_step(self.step)
        return step.name if step else self.step


class ChallengeAnswer(Base):
    __tablename__ = "evaluation_answers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("evaluation_challenges.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    answered_by_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id"))
    answered_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    evidence_entry_id: Mapped[int | None] = mapped_column(ForeignKey("evidence_entries.id"))


class SignOff(Base):
    """One signed-off version of a commission's evaluation report."""

    __tablename__ = "evaluation_sign_offs"
    __table_args__ = (UniqueConstraint("commission_id", "version", name="uq_evaluation_sign_offs_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    commission_id: Mapped[int] = mapped_column(ForeignKey("commissions.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    #: The log's head hash and entry count with the sign-off entry on it.
    head: Mapped[str] = mapped_column(String(64))
    entry_count: Mapped[int] = mapped_column(Integer)
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    content_sha256: Mapped[str] = mapped_column(String(64))
    signed_by_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id"))
    signed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    evidence_entry_id: Mapped[int | None] = mapped_column(ForeignKey("evidence_entries.id"))
    checkpoint_id: Mapped[int | None] = mapped_column(ForeignKey("evidence_checkpoints.id"))


# -- who may ---------------------------------------------------------------------------------


def _require_evaluator(session: Session, commission: Commission, user: StaffUser, what: str) -> None:
    """Only evaluators assigned to the commission rate, challenge and sign off (the adapters check
    too; the domain holds the rule so a job or script cannot get round it)."""
    if not access.allowed(session, user, commission.id, access.ASSESS):
        raise Forbidden(f"Only an evaluator assigned to this commission can {what}")


def _clean_text(value: Any, key: str, what: str, errors: dict[str, str], required: bool = True) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        if required:
            errors[key] = f"Enter {what}"
        return ""
    if len(text) > MAX_TEXT:
        errors[key] = f"{what[0].upper()}{what[1:]} must be {MAX_TEXT} characters or fewer"
        return text
    # These entries are automatic (not scanned by ``evidence.append``) but typed by a person.
    problem = evidence.personal_details_problem(text)
    if problem:
        errors[key] = problem
    return text


# -- ratings ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rating:
    step: str
    rating: str
    commentary: str
    entry_id: int
    seq: int
    author: str
    author_id: int | None
    recorded_at: datetime

    @property
    def label(self) -> str:
        return RATINGS[self.rating]


def _rating_of(entry: EvidenceEntry) -> Rating | None:
    payload = entry.payload or {}
    key = normalise_rating(payload.get("rating"))
    if key is None:
        return None
    # New entries keep the commentary apart in the payload; old ones had it as the summary.
    commentary = payload["commentary"] if "commentary" in payload else entry.summary
    return Rating(entry.step, key, commentary or "", entry.id, entry.seq, entry.author, entry.author_id,
                  entry.recorded_at)


@transactional
def rate_step(session: Session, commission: Commission, evaluator: StaffUser, *, step: Any, rating: Any,
              commentary: Any = None) -> EvidenceEntry:
    """Rate how well the record answers a completed step's practice question."""
    _require_evaluator(session, commission, evaluator, "rate a step")
    errors: dict[str, str] = {}
    step_def = journey.get_step(step) if isinstance(step, str) else None
    if step_def is None:
        errors["step"] = f"Step must be one of: {', '.join(journey.STEP_KEYS)}"
    elif commission.step_status(step_def.key) != COMPLETE:
        errors["step"] = f"{step_def.name} is not complete yet: a step is rated once it is complete"
    key = normalise_rating(rating)
    if key is None:
        errors["rating"] = "Choose not evidenced, partly evidenced or fully evidenced"
    text = _clean_text(commentary, "commentary", "a commentary", errors, required=key not in (None, FULLY_EVIDENCED))
    if "commentary" in errors and key not in (None, FULLY_EVIDENCED) and not text:
        errors["commentary"] = "Enter a commentary: say what is missing when a step is not fully evidenced"
    if errors:
        raise Invalid(errors)
    label = RATINGS[key]
    summary = f"{step_def.name} rated {label.lower()}." + (f" {text}" if text else "")
    entry = evidence.append(session, commission, step=step_def.key, kind="assessment",
                            summary=summary[:evidence.MAX_SUMMARY],
                            payload={"rating": key, "commentary": text}, author=evaluator,
                            source=evidence.AUTOMATIC)
    publish(session, AssessmentRecorded(commission.id, entry.id, step_def.key, key))
    return entry


def ratings(session: Session, commission_id: int) -> dict[str, Rating]:
    """Each rated step's current rating: its latest assessment entry (one query)."""
    latest = (select(EvidenceEntry.step, func.max(EvidenceEntry.seq).label("seq"))
              .where(EvidenceEntry.commission_id == commission_id, EvidenceEntry.kind == "assessment")
              .group_by(EvidenceEntry.step).subquery())
    rows = session.scalars(select(EvidenceEntry).join(
        latest, (EvidenceEntry.step == latest.c.step) & (EvidenceEntry.seq == latest.c.seq))
        .where(EvidenceEntry.commission_id == commission_id))
    out = {}
    for entry in rows:
        rating = _rating_of(entry)
        if rating is not None:
            out[entry.step] = rating
    return out


def unrated_steps(session: Session, commission: Commission) -> list[journey.Step]:
    rated = ratings(session, commission.id)
    return [s for s in journey.STEPS if s.key not in rated]


# -- challenges ------------------------------------------------------------------------------


@transactional
def raise_challenge(session: Session, commission: Commission, evaluator: StaffUser, *, text: Any,
                    step: Any = None, entry_id: Any = None) -> Challenge:
    """Challenge a step, or one evidence entry of the commission (its step is the entry's)."""
    _require_evaluator(session, commission, evaluator, "raise a challenge")
    errors: dict[str, str] = {}
    target = None
    if entry_id is not None:
        if isinstance(entry_id, bool) or not isinstance(entry_id, int):
            errors["entry_id"] = "Choose an evidence entry of this commission"
        else:
            target = session.get(EvidenceEntry, entry_id) if 0 < entry_id < 2**63 else None
            if target is None or target.commission_id != commission.id:
                errors["entry_id"] = "Choose an evidence entry of this commission"
                target = None
    if target is not None:
        if step not in (None, "", target.step):
            errors["step"] = "The entry challenged is recorded against another step"
        step = target.step
    step_def = journey.get_step(step) if isinstance(step, str) else None
    if step_def is None and "step" not in errors and "entry_id" not in errors:
        errors["step"] = f"Step must be one of: {', '.join(journey.STEP_KEYS)}"
    elif step_def is not None and commission.step_status(step_def.key) == NOT_STARTED:
        errors["step"] = f"{step_def.name} has not started yet: challenge a step that has a record"
    body = _clean_text(text, "text", "your challenge", errors)
    if errors:
        raise Invalid(errors)
    challenge = Challenge(commission_id=commission.id, step=step_def.key, entry_id=target.id if target else None,
                          text=body, raised_by_id=evaluator.id, raised_at=utcnow())
    session.add(challenge)
    session.flush()
    about = f"entry {target.seq}" if target else step_def.name
    entry = evidence.append(session, commission, step=step_def.key, kind="challenge",
                            summary=f"Challenge {challenge.id} on {about}: {body}"[:evidence.MAX_SUMMARY],
                            payload={"challenge_id": challenge.id, "entry_id": target.id if target else None,
                                     "entry_seq": target.seq if target else None, "text": body},
                            author=evaluator, source=evidence.AUTOMATIC)
    challenge.evidence_entry_id = entry.id
    session.flush()
    return challenge


@transactional
def answer_challenge(session: Session, challenge: Challenge, commissioner: StaffUser, *, text: Any) -> ChallengeAnswer:
    """A commissioner of the commission answers; the first answer closes the challenge, and
    later answers join its thread."""
    commission = session.get(Commission, challenge.commission_id)
    if not access.allowed(session, commissioner, commission.id, access.WRITE):
        raise Forbidden("Only a commissioner of this commission can answer a challenge")
    errors: dict[str, str] = {}
    body = _clean_text(text, "text", "your answer", errors)
    if errors:
        raise Invalid(errors)
    answer = ChallengeAnswer(challenge_id=challenge.id, text=body, answered_by_id=commissioner.id,
                             answered_at=utcnow())
    session.add(answer)
    session.flush()
    entry = evidence.append(session, commission, step=challenge.step, kind="answer",
                            summary=f"Answer to challenge {challenge.id}: {body}"[:evidence.MAX_SUMMARY],
                            payload={"challenge_id": challenge.id, "answer_id": answer.id, "text": body},
                            author=commissioner, source=evidence.AUTOMATIC)
    answer.evidence_entry_id = entry.id
    if challenge.answered_at is None:
        challenge.answered_at = answer.answered_at
    session.flush()
    return answer


def get_challenge(session: Session, challenge_id: Any) -> Challenge:
    row = session.get(Challenge, challenge_id) if isinstance(challenge_id, int) and 0 < challenge_id < 2**63 else None
    if row is None:
        raise NotFound("No challenge with that id")
    return row


@dataclass
class Thread:
    challenge: Challenge
    answers: list[ChallengeAnswer] = field(default_factory=list)


def challenges(session: Session, commission_id: int, open_only: bool = False) -> list[Thread]:
    """The commission's challenges, oldest first, each with its answers (two queries)."""
    query = select(Challenge).where(Challenge.commission_id == commission_id)
    if open_only:
        query = query.where(Challenge.answered_at.is_(None))
    threads = {c.id: Thread(c) for c in session.scalars(query.order_by(Challenge.id))}
    if threads and not open_only:
        for answer in session.scalars(select(ChallengeAnswer).where(ChallengeAnswer.challenge_id.in_(list(threads)))
                                      .order_by(ChallengeAnswer.id)):
            threads[answer.challenge_id].answers.append(answer)
    return list(threads.values())


def open_challenge_count(session: Session, commission_id: int) -> int:
    return session.scalar(select(func.count()).select_from(Challenge).where(
        Challenge.commission_id == commission_id, Challenge.answered_at.is_(None))) or 0


# -- sign-off --------------------------------------------------------------------------------


def sign_off_problems(session: Session, commission: Commission) -> dict[str, str]:
    """Why the evaluation cannot be signed off now (empty when it can)."""
    problems: dict[str, str] = {}
    unrated = unrated_steps(session, commission)
    if unrated:
        problems["ratings"] = ("Rate every step before signing off. Not rated yet: "
                               + ", ".join(s.name for s in unrated))
    open_count = open_challenge_count(session, commission.id)
    if open_count:
        problems["challenges"] = (f"{open_count} challenge{' is' if open_count == 1 else 's are'} still open: "
                                  "a commissioner must answer before you sign off")
    return problems


def check_can_sign_off(session: Session, commission: Commission, evaluator: StaffUser) -> None:
    _require_evaluator(session, commission, evaluator, "sign off the evaluation")
    problems = sign_off_problems(session, commission)
    if problems:
        raise Conflict("The evaluation cannot be signed off yet: " + " ".join(problems.values()), problems)


@transactional
def record_sign_off(session: Session, commission: Commission, evaluator: StaffUser, content: dict[str, Any],
                    signer=None) -> SignOff:
    """Fix a report version: the sign-off entry carries the content's SHA-256, and the version
    holds the head and count with that entry on the log. With a ``signer`` (the app's checkpoint
    signer) a signed checkpoint of exactly that log is issued too, for the audit pack."""
    check_can_sign_off(session, commission, evaluator)
    version = (session.scalar(select(func.max(SignOff.version)).where(SignOff.commission_id == commission.id))
               or 0) + 1
    digest = content_digest(content)
    rated = ratings(session, commission.id)
    entry = evidence.append(
        session, commission, step=SIGN_OFF_STEP, kind="sign_off",
        summary=f"Evaluation signed off: report version {version}",
        payload={"version": version, "content_sha256": digest, "report_format": REPORT_FORMAT,
                 "entries_before": commission.evidence_count,
                 "ratings": {key: rated[key].rating for key in journey.STEP_KEYS}},
        author=evaluator, source=evidence.AUTOMATIC)
    row = SignOff(commission_id=commission.id, version=version, head=entry.hash, entry_count=entry.seq,
                  content=content, content_sha256=digest, signed_by_id=evaluator.id, signed_at=entry.recorded_at,
                  evidence_entry_id=entry.id)
    session.add(row)
    session.flush()
    if signer is not None:
        from . import checkpoints

        row.checkpoint_id = checkpoints.issue(session, commission, signer, reason="sign-off").id
        session.flush()
    publish(session, EvaluationSignedOff(commission.id, row.id, entry.id))
    return row


def sign_offs(session: Session, commission_id: int) -> list[SignOff]:
    """Every version, newest first."""
    return list(session.scalars(select(SignOff).where(SignOff.commission_id == commission_id)
                                .order_by(SignOff.version.desc())))


def latest_sign_off(session: Session, commission_id: int) -> SignOff | None:
    return session.scalars(select(SignOff).where(SignOff.commission_id == commission_id)
                           .order_by(SignOff.version.desc()).limit(1)).first()


def get_sign_off(session: Session, commission_id: int, version: Any) -> SignOff:
    row = None
    if isinstance(version, int) and 0 < version < 2**31:
        row = session.scalar(select(SignOff).where(SignOff.commission_id == commission_id, SignOff.version == version))
    if row is None:
        raise NotFound("No signed-off version with that number")
    return row


def signed_count(session: Session, commission_id: int) -> int | None:
    """How many entries the log held at the latest sign-off (None when never signed off)."""
    return session.scalar(select(SignOff.entry_count).where(SignOff.commission_id == commission_id)
                          .order_by(SignOff.version.desc()).limit(1))


def is_after_sign_off(session: Session, entry: EvidenceEntry) -> bool:
    """Was ``entry`` added after the commission's latest sign-off?"""
    count = signed_count(session, entry.commission_id)
    return count is not None and entry.seq > count


# -- the record around the steps -------------------------------------------------------------


def step_dates(session: Session, commission: Commission) -> dict[str, dict[str, datetime | None]]:
    """When each step became active and when it was completed, from the stored domain events
    (one GROUP BY). Initiate starts when the commission is created."""
    out: dict[str, dict[str, datetime | None]] = {k: {"started": None, "completed": None} for k in journey.STEP_KEYS}
    out[journey.STEP_KEYS[0]]["started"] = commission.created_at
    step = StoredEvent.payload["step"].as_string()
    rows = session.execute(select(StoredEvent.name, step, func.min(StoredEvent.occurred_at))
                           .where(StoredEvent.commission_id == commission.id,
                                  StoredEvent.name.in_(("step.activated", "step.completed")))
                           .group_by(StoredEvent.name, step))
    for name, key, at in rows:
        if key in out:
            out[key]["started" if name == "step.activated" else "completed"] = at
    return out


def evidence_counts(session: Session, commission_id: int, upto: int | None = None) -> dict[str, int]:
    counts = {key: 0 for key in journey.STEP_KEYS}
    query = select(EvidenceEntry.step, func.count()).where(EvidenceEntry.commission_id == commission_id)
    if upto is not None:
        query = query.where(EvidenceEntry.seq <= upto)
    counts.update({s: n for s, n in session.execute(query.group_by(EvidenceEntry.step))})
    return counts


def filtered_entries(session: Session, commission_id: int, *, kind: str | None = None, source: str | None = None,
                     upto: int | None = None) -> list[EvidenceEntry]:
    """The log, optionally only one kind or source, optionally only up to a report's count."""
    query = select(EvidenceEntry).where(EvidenceEntry.commission_id == commission_id)
    if kind:
        query = query.where(EvidenceEntry.kind == kind)
    if source:
        query = query.where(EvidenceEntry.source == source)
    if upto is not None:
        query = query.where(EvidenceEntry.seq <= upto)
    return list(session.scalars(query.order_by(EvidenceEntry.seq)))


__all__ = [
    "Challenge", "ChallengeAnswer", "FULLY_EVIDENCED", "NOT_EVIDENCED", "PARTLY_EVIDENCED", "RATINGS", "Rating",
    "SignOff", "Thread", "answer_challenge", "challenges", "check_can_sign_off", "content_digest", "get_challenge",
    "get_sign_off", "is_after_sign_off", "latest_sign_off", "normalise_rating", "raise_challenge", "rate_step",
    "ratings", "record_sign_off", "sign_off_problems", "sign_offs", "signed_count", "step_dates",
]
