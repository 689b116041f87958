"""Issuing and keeping signed checkpoints of each commission's evidence log.

A checkpoint (``checkpoint_signing``) is issued on demand (the API), and by a scheduled job for
every commission whose head moved since its last one. The rows here are copies for convenience:
the proof is in the signature, made with a key that is never stored in the database, and in the
copies people outside keep (downloads, exports, audit packs). A database-level rewrite can delete
rows but cannot forge a checkpoint.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from .checkpoint_signing import ALGORITHM, FORMAT, Signer
from .commissions import Commission
from .db import Base, transactional, utcnow
from .events import CheckpointIssued, publish
from .evidence import EvidenceEntry, _timestamp

ON_DEMAND, SCHEDULED = "on demand", "scheduled"


class EvidenceCheckpoint(Base):
    __tablename__ = "evidence_checkpoints"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    commission_id: Mapped[int] = mapped_column(ForeignKey("commissions.id"), index=True)
    entry_count: Mapped[int] = mapped_column(Integer)
    head: Mapped[str] = mapped_column(String(64))
    entries_digest: Mapped[str] = mapped_column(String(64))
    entry_hashes: Mapped[list[str]] = mapped_column(JSON)
    issued_at: Mapped[datetime] = mapped_column(DateTime)
    key_id: Mapped[str] = mapped_column(String(64))
    public_key: Mapped[str] = mapped_column(String(64))
    signature: Mapped[str] = mapped_column(String(128))
    reason: Mapped[str] = mapped_column(String(32))

    def as_dict(self, with_hashes: bool = True) -> dict[str, Any]:
        """The signed checkpoint as issued (what ``verify-evidence --checkpoint`` reads)."""
        doc: dict[str, Any] = {
            "format": FORMAT, "commission_id": self.commission_id, "count": self.entry_count,
            "head": self.head, "entries_digest": self.entries_digest, "issued_at": _timestamp(self.issued_at),
            "key_id": self.key_id, "algorithm": ALGORITHM, "signature": self.signature,
            "public_key": self.public_key, "id": self.id, "reason": self.reason,
        }
        if with_hashes:
            doc["entry_hashes"] = list(self.entry_hashes)
        return doc


@transactional
def issue(session: Session, commission: Commission, signer: Signer, reason: str = ON_DEMAND) -> EvidenceCheckpoint:
    """Sign the log as it stands. The commission row is locked (as appending does), so the entries
    read and the head signed are one consistent state."""
    session.flush()
    session.execute(select(Commission.id).where(Commission.id == commission.id).with_for_update()).one()
    hashes = list(session.scalars(select(EvidenceEntry.hash).where(EvidenceEntry.commission_id == commission.id)
                                  .order_by(EvidenceEntry.seq)))
    now = utcnow()
    doc = signer.checkpoint(commission_id=commission.id, entry_hashes=hashes, issued_at=_timestamp(now))
    row = EvidenceCheckpoint(commission_id=commission.id, entry_count=doc["count"], head=doc["head"],
                             entries_digest=doc["entries_digest"], entry_hashes=hashes, issued_at=now,
                             key_id=doc["key_id"], public_key=doc["public_key"], signature=doc["signature"],
                             reason=reason)
    session.add(row)
    session.flush()
    publish(session, CheckpointIssued(commission.id, row.id, row.entry_count, row.head, reason))
    return row


def listing(session: Session, commission_id: int) -> list[EvidenceCheckpoint]:
    return list(session.scalars(select(EvidenceCheckpoint).where(EvidenceCheckpoint.commission_id == commission_id)
                                .order_by(EvidenceCheckpoint.id.desc())))


def latest(session: Session, commission_id: int) -> EvidenceCheckpoint | None:
    return session.scalars(select(EvidenceCheckpoint).where(EvidenceCheckpoint.commission_id == commission_id)
                           .order_by(EvidenceCheckpoint.id.desc()).limit(1)).first()


@transactional
def issue_due(session: Session, signer: Signer) -> int:
    """For the scheduled job: a checkpoint for every commission whose head moved since its last
    one (or that has entries and none yet). Idempotent: a second run at once issues nothing."""
    issued = 0
    for commission in session.scalars(select(Commission).where(Commission.evidence_count > 0)
                                      .order_by(Commission.id)):
        last = latest(session, commission.id)
        if last is None or last.entry_count != commission.evidence_count or last.head != commission.evidence_head:
            issue(session, commission, signer, SCHEDULED)
            issued += 1
    return issued
