"""The evidence log: what answers each step's practice question, append-only and hash-chained.

Every entry goes in through ``append``: it checks the step is open for evidence, keeps personal
details out, links the entry to the one before it, moves the commission's head, and publishes
``evidence.appended`` — all in the caller's transaction. The database itself refuses UPDATE and
DELETE on the table (triggers created by the migrations), so a correction is a new entry that
supersedes the old one.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Iterable
from urllib.parse import urlparse

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from . import evidence_chain, journey
from .commissions import COMPLETE, NOT_STARTED, Commission
from .db import Base, transactional, utcnow
from .errors import Conflict, Invalid, NotFound
from .events import AssessmentRecorded, EvidenceAppended, publish
from .staff import StaffUser

MANUAL, AUTOMATIC = "manual", "automatic"
SYSTEM_AUTHOR = "system"
MAX_SUMMARY = 2000
MAX_PAYLOAD_BYTES = 32 * 1024


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    #: who may record it by hand: "commissioner", "evaluator" or None (only the app itself)
    recorded_by: str | None = "commissioner"
    #: payload keys that must be present, with a check and the message when it fails
    requires: tuple[str, ...] = ()
    #: the payload fields the pages show for this kind; anything else a payload holds stays
    #: in the record and its exports, but is never rendered (a note's "url" is not a link)
    shows: tuple[str, ...] = ()


KINDS: dict[str, Kind] = {k.key: k for k in (
    Kind("note", "Note"),
    Kind("workshop", "Workshop record", requires=("attendance",), shows=("attendance",)),
    Kind("meeting", "Meeting record", requires=("attendance",), shows=("attendance",)),
    Kind("document", "Document link", requires=("url",), shows=("url",)),
    Kind("resident_quote", "Resident quote"),
    Kind("resident_data", "Data collected by residents"),
    Kind("survey_result", "Survey result", recorded_by=None),
    Kind("poll_result", "Poll result", recorded_by=None),
    Kind("decision", "Decision"),
    Kind("decision_update", "Decision change", recorded_by=None),
    Kind("theme_response", "Response to a theme", recorded_by=None),
    Kind("assessment", "Assessment", recorded_by="evaluator", shows=("rating",)),
    Kind("gateway_override", "Gateway override", recorded_by=None),
    # The evaluation (``evaluation``) and benefits management (``benefits``) record these.
    Kind("challenge", "Evaluator's challenge", recorded_by="evaluator"),
    Kind("answer", "Answer to a challenge", recorded_by=None),
    Kind("sign_off", "Evaluation sign-off", recorded_by="evaluator"),
    Kind("benefit_measurement", "Benefit measurement", recorded_by=None),
    Kind("benefit_review", "Benefit review", recorded_by=None),
)}
MANUAL_KINDS = tuple(k for k, v in KINDS.items() if v.recorded_by == "commissioner")
#: Kinds that say something about the practice question: a gateway override does not, and
#: neither do the evaluation's own challenges, answers and sign-offs (they are about the record).
ANSWERING_KINDS = tuple(k for k in KINDS if k not in ("gateway_override", "challenge", "answer", "sign_off"))

# The log is exported and kept for years: it must not carry residents' contact details.
# Bounded repetition keeps the scan linear on long text without an "@" (an unbounded local
# part made it quadratic: seconds of CPU for one large request).
_EMAIL = re.compile(r"[^@\s<>\"']{1,64}@[^@\s<>\"']{1,255}\.[a-z]{2,}", re.I)
_PHONE = re.compile(r"(?<!\d)(?:\+44\s?|0)(?:\d[\s-]?){9,10}(?!\d)")


class EvidenceEntry(Base):
    __tablename__ = "evidence_entries"
    __table_args__ = (UniqueConstraint("commission_id", "seq", name="uq_evidence_entries_commission_seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    commission_id: Mapped[int] = mapped_column(ForeignKey("commissions.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    step: Mapped[str] = mapped_column(String(32))
    practice_question: Mapped[str] = mapped_column(Text)
    journey_version: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(32))
    summary: Mapped[str] = mapped_column(Text)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    author: Mapped[str] = mapped_column(String(64))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    source: Mapped[str] = mapped_column(String(16))
    recorded_at: Mapped[datetime] = mapped_column(DateTime)
    supersedes: Mapped[int | None] = mapped_column(ForeignKey("evidence_entries.id"))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)

    @property
    def kind_label(self) -> str:
        return KINDS[self.kind].label if self.kind in KINDS else self.kind

    @property
    def step_name(self) -> str:
        step = journey.get_step(self.step)
        return step.name if step else self.step

    @property
    def shown_payload(self) -> dict[str, Any]:
        """The payload fields the pages show: only those of the entry's kind, and a link only
        if it is a web address (whatever was stored before the checks at the door)."""
        kind = KINDS.get(self.kind)
        payload = self.payload if isinstance(self.payload, dict) else {}
        shown = {key: payload[key] for key in (kind.shows if kind else ()) if key in payload}
        if "url" in shown and not _web_address(shown["url"]):
            del shown["url"]
        return shown

    @property
    def correctable(self) -> bool:
        """Only what commissioners record by hand can be corrected by hand."""
        return self.kind in MANUAL_KINDS

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "commission_id": self.commission_id, "seq": self.seq, "step": self.step,
            "practice_question": self.practice_question, "journey_version": self.journey_version,
            "kind": self.kind, "summary": self.summary, "payload": self.payload,
            "author": self.author, "source": self.source,
            "recorded_at": _timestamp(self.recorded_at), "supersedes": self.supersedes,
            "prev_hash": self.prev_hash, "hash": self.hash,
        }


def _timestamp(value: datetime) -> str:
    return value.isoformat(timespec="microseconds") + "Z"


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield str(k)
            yield from _strings(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _strings(v)


def personal_details_problem(value: Any) -> str | None:
    for text in _strings(value):
        if _EMAIL.search(text):
            return "Remove the email address: the evidence log is kept and shared, so it must not hold anyone's contact details"
        if _PHONE.search(text):
            return "Remove the phone number: the evidence log is kept and shared, so it must not hold anyone's contact details"
    return None


def _check_payload(kind: Kind, payload: Any) -> dict[str, str]:
    if not isinstance(payload, dict):
        return {"payload": "Payload must be a JSON object"}
    try:
        size = len(json.dumps(payload, allow_nan=False).encode())
    except (TypeError, ValueError):
        return {"payload": "Payload must be plain JSON (no NaN or infinite numbers)"}
    if size > MAX_PAYLOAD_BYTES:
        return {"payload": f"Payload must be {MAX_PAYLOAD_BYTES // 1024} KB or smaller"}
    fields = {}
    if "attendance" in kind.requires:
        n = payload.get("attendance")
        if isinstance(n, bool) or not isinstance(n, int) or n < 0 or n > 100000:
            fields["payload.attendance"] = "Enter how many people attended, as a whole number"
    if "url" in kind.requires and not _web_address(payload.get("url")):
        fields["payload.url"] = "Enter the document's web address, starting with https://"
    # Any link, on any kind of entry, is shown as a link: only web addresses may be one
    # (a "javascript:" or "data:" URL in a note's payload was rendered as a link).
    for path, value in _links(payload):
        if f"payload.{path}" not in fields and not _web_address(value):
            fields[f"payload.{path}"] = "A link must be a web address starting with https:// or http://"
    return fields


def _web_address(value: Any) -> bool:
    parsed = urlparse(value.strip()) if isinstance(value, str) else None
    return bool(parsed and parsed.scheme in ("http", "https") and parsed.netloc)


def _links(value: Any, path: str = ""):
    """(path, value) of every ``url`` or ``*_url`` field in a payload, however deep."""
    if isinstance(value, dict):
        for key, sub in value.items():
            where = f"{path}.{key}" if path else str(key)
            if isinstance(key, str) and (key == "url" or key.endswith("_url") or key == "href"):
                yield where, sub
            else:
                yield from _links(sub, where)
    elif isinstance(value, list):
        for i, sub in enumerate(value):
            yield from _links(sub, f"{path}.{i}" if path else str(i))


@transactional
def append(
    session: Session,
    commission: Commission,
    *,
    step: str,
    kind: str,
    summary: str,
    payload: dict[str, Any] | None = None,
    author: StaffUser | None = None,
    source: str = MANUAL,
    supersedes: int | None = None,
) -> EvidenceEntry:
    """Add one entry to the commission's log, against ``step``'s practice question."""
    payload = {} if payload is None else payload
    fields: dict[str, str] = {}
    step_def = journey.get_step(step) if isinstance(step, str) else None
    if step_def is None:
        fields["step"] = f"Step must be one of: {', '.join(journey.STEP_KEYS)}"
    elif commission.step_status(step) == NOT_STARTED:
        fields["step"] = (f"{step_def.name} has not started yet: evidence goes against steps that "
                          "are active or complete")
    kind_def = KINDS.get(kind)
    if kind_def is None:
        fields["kind"] = f"Kind must be one of: {', '.join(KINDS)}"
    summary = (summary or "").strip() if isinstance(summary, str) else ""
    if not summary:
        fields["summary"] = "Enter a summary of the evidence"
    elif len(summary) > MAX_SUMMARY:
        fields["summary"] = f"Summary must be {MAX_SUMMARY} characters or fewer"
    if kind_def:
        fields.update(_check_payload(kind_def, payload))
    # Only text that passed the size checks is scanned for contact details, and only what staff
    # type by hand: automatic entries carry counts and the survey's or poll's own wording (which
    # may rightly include, say, a helpline number), never residents' words.
    if "summary" not in fields and source == MANUAL:
        problem = personal_details_problem(summary)
        if problem:
            fields["summary"] = problem
    if kind_def and source == MANUAL and not any(k.startswith("payload") for k in fields):
        problem = personal_details_problem(payload)
        if problem:
            fields["payload"] = problem
    if fields:
        raise Invalid(fields)
    # Hash exactly what the database will give back: JSON object keys are always strings (a
    # rating tally's 1..10 keys would otherwise sort differently once stored, and the entry
    # would no longer verify).
    payload = json.loads(json.dumps(payload, allow_nan=False))

    if supersedes is not None:
        old = session.get(EvidenceEntry, supersedes)
        if old is None or old.commission_id != commission.id:
            raise Invalid({"supersedes": "No entry with that id in this commission's log"})
        if old.step != step:
            raise Invalid({"supersedes": "A correction must be recorded against the same step"})
        if old.kind not in MANUAL_KINDS:
            # Overrides, assessments and automatic results are not the commissioner's to correct:
            # superseding them would hide where the journey was rushed or overrule the evaluator.
            raise Invalid({"supersedes": f"{KINDS[old.kind].label} entries cannot be corrected by hand"})
        later = session.scalar(select(EvidenceEntry.id).where(EvidenceEntry.supersedes == supersedes))
        if later is not None:
            raise Conflict(f"Entry {supersedes} has already been corrected by entry {later}",
                           {"supersedes": "Already superseded"})

    # Lock the commission row (PostgreSQL) so two appends cannot both claim the same place in
    # the chain; on SQLite the write transaction is already exclusive. The unique (commission,
    # seq) constraint is the last line of defence either way.
    # Only the chain's two columns are read, under the lock: the rest of the commission is not
    # needed here, and reloading it (with its population groups) was most of an append's cost.
    session.flush()
    count, head = session.execute(
        select(Commission.evidence_count, Commission.evidence_head)
        .where(Commission.id == commission.id).with_for_update()
    ).one()
    entry = EvidenceEntry(
        commission_id=commission.id, seq=count + 1, step=step,
        practice_question=step_def.practice_question, journey_version=journey.JOURNEY_VERSION,
        kind=kind, summary=summary, payload=payload,
        author=author.reference if author else SYSTEM_AUTHOR, author_id=author.id if author else None,
        source=source, recorded_at=utcnow(), supersedes=supersedes, prev_hash=head,
    )
    entry.hash = evidence_chain.entry_hash(entry.as_dict())
    session.add(entry)
    commission.evidence_count = entry.seq
    commission.evidence_head = entry.hash
    session.flush()
    publish(session, EvidenceAppended(commission.id, entry.id, entry.seq, step, kind, source, entry.hash))
    if source == MANUAL and kind in INBOX_KINDS:
        _to_inbox(session, commission, entry)
    return entry


#: Entries whose summary is residents' own words or data they collected: they join the input
#: inbox to be themed. Quotes Engage records itself (picked from the inbox) are there already.
INBOX_KINDS = ("resident_quote", "resident_data")


def _to_inbox(session: Session, commission: Commission, entry: EvidenceEntry) -> None:
    from . import inputs

    if entry.supersedes is not None:
        inputs.remove(session, [inputs.ref(inputs.EVIDENCE, entry.supersedes)])
    inputs.index(session, commission.id, [inputs.NewItem(
        ref=inputs.ref(inputs.EVIDENCE, entry.id), kind=entry.kind, activity_kind="evidence", activity_id=entry.id,
        activity_title=f"{entry.kind_label} (evidence entry {entry.seq})", step=entry.step, text=entry.summary,
        created_at=entry.recorded_at)])


@transactional
def record_manual(session: Session, commission: Commission, actor: StaffUser, *, step: str,
                  kind: str, summary: str, payload: dict | None = None,
                  supersedes: int | None = None) -> EvidenceEntry:
    """What a commissioner records by hand (a note, a workshop, a resident's words...)."""
    if kind in KINDS and kind not in MANUAL_KINDS:
        raise Invalid({"kind": f"{KINDS[kind].label} entries are recorded by Engage itself, not by hand"})
    return append(session, commission, step=step, kind=kind, summary=summary, payload=payload,
                  author=actor, supersedes=supersedes)


def entries(session: Session, commission_id: int, step: str | None = None) -> list[EvidenceEntry]:
    query = select(EvidenceEntry).where(EvidenceEntry.commission_id == commission_id)
    if step:
        query = query.where(EvidenceEntry.step == step)
    return list(session.scalars(query.order_by(EvidenceEntry.seq)))


def counts_by_step(session: Session, commission_id: int) -> dict[str, int]:
    """How many entries each step has, every step listed, in one query."""
    counts = {key: 0 for key in journey.STEP_KEYS}
    rows = session.execute(select(EvidenceEntry.step, func.count()).where(
        EvidenceEntry.commission_id == commission_id).group_by(EvidenceEntry.step))
    counts.update({step: n for step, n in rows})
    return counts


def superseded_by(session: Session, commission_id: int) -> dict[int, int]:
    rows = session.execute(
        select(EvidenceEntry.supersedes, EvidenceEntry.id).where(
            EvidenceEntry.commission_id == commission_id, EvidenceEntry.supersedes.is_not(None))
    )
    return {old: new for old, new in rows}


def count_answering(session: Session, commission_id: int, step: str) -> int:
    """Entries that speak to the step's practice question (overrides and superseded ones aside)."""
    replaced = set(superseded_by(session, commission_id))
    return sum(1 for e in entries(session, commission_id, step)
               if e.kind in ANSWERING_KINDS and e.id not in replaced)


def get_entry(session: Session, commission_id: int, entry_id: int) -> EvidenceEntry:
    entry = session.get(EvidenceEntry, entry_id)
    if entry is None or entry.commission_id != commission_id:
        raise NotFound("No evidence entry with that id")
    return entry


def verify(session: Session, commission: Commission) -> evidence_chain.Verification:
    return evidence_chain.verify(
        (e.as_dict() for e in entries(session, commission.id)),
        expected_head=commission.evidence_head, expected_count=commission.evidence_count,
    )


def export(session: Session, commission: Commission, upto: int | None = None, checkpoint=None) -> dict[str, Any]:
    """The whole log, with the latest signed checkpoint (``checkpoints``) when there is one.

    ``upto``: only the first ``upto`` entries, as the log stood then (an evaluation report's
    version), with the ``checkpoint`` given (the one issued at that version)."""
    from . import checkpoints

    rows = entries(session, commission.id)
    if upto is not None:
        rows = [e for e in rows if e.seq <= upto]
        last = checkpoint
    else:
        last = checkpoints.latest(session, commission.id)
    return {
        "format": evidence_chain.FORMAT,
        "commission": {"id": commission.id, "title": commission.title},
        "journey_version": journey.JOURNEY_VERSION,
        "count": commission.evidence_count if upto is None else len(rows),
        "head": commission.evidence_head if upto is None else (rows[-1].hash if rows else evidence_chain.GENESIS),
        "entries": [e.as_dict() for e in rows],
        "checkpoint": last.as_dict() if last else None,
    }
