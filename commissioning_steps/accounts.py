"""A staff member's own data (UK GDPR's right of access), and deleting an account.

Deleting an account cannot remove its name from the evidence log, and does not need to: the log
names authors only as ``staff#<id>``. The account row stays so that reference keeps meaning
something, but it is emptied of the person: no name, no email, no password, no sign-in, no team
membership, no API token. Pages then show its entries as written by a deleted account of its
role ("Deleted account (commissioner)"), which is what an auditor needs to know.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from .commissions import Commission
from .db import transactional, utcnow
from .decisions import Decision
from .errors import Conflict, Forbidden
from .evidence import EvidenceEntry
from .staff import ApiToken, Membership, StaffUser
from .themes import Theme

DELETED_NAME = "Deleted account"


def _iso(value) -> str | None:
    return value.isoformat() + "Z" if value is not None else None


def export_own_data(session: Session, user: StaffUser) -> dict[str, Any]:
    """Everything Engage holds that is about this account or was recorded by it."""
    memberships = session.execute(select(Membership.role, Commission.id, Commission.title)
                                  .join(Commission, Commission.id == Membership.commission_id)
                                  .where(Membership.user_id == user.id).order_by(Commission.id)).all()
    tokens = session.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id)).all()
    entries = session.scalars(select(EvidenceEntry).where(EvidenceEntry.author_id == user.id)
                              .order_by(EvidenceEntry.commission_id, EvidenceEntry.seq)).all()
    themes = session.scalars(select(Theme).where(Theme.created_by_id == user.id).order_by(Theme.id)).all()
    decisions = session.scalars(select(Decision).where(Decision.created_by_id == user.id).order_by(Decision.id)).all()
    return {
        "account": {"reference": user.reference, "email": user.email, "name": user.name, "role": user.role,
                    "active": user.is_active, "created_at": _iso(user.created_at)},
        "commissions": [{"id": cid, "title": title, "role": role} for role, cid, title in memberships],
        "api_tokens": [{"id": t.id, "name": t.name, "created_at": _iso(t.created_at),
                        "expires_at": _iso(t.expires_at)} for t in tokens],
        "evidence_recorded": [{"commission_id": e.commission_id, "seq": e.seq, "step": e.step, "kind": e.kind,
                               "summary": e.summary, "recorded_at": _iso(e.recorded_at)} for e in entries],
        "themes_created": [{"id": t.id, "commission_id": t.commission_id, "name": t.name} for t in themes],
        "decisions_recorded": [{"id": d.id, "commission_id": d.commission_id, "title": d.title} for d in decisions],
        "exported_at": _iso(utcnow()),
    }


@transactional
def delete_account(session: Session, user: StaffUser, actor: StaffUser | None = None) -> StaffUser:
    """Empty the account of the person; keep ``staff#id`` (and its role) for the evidence it wrote.

    ``actor`` is the administrator doing it (``None`` from the command line, run by whoever runs
    the service)."""
    if actor is not None and actor.role != "admin":
        raise Forbidden("Only an administrator can delete staff accounts")
    if actor is not None and user.id == actor.id:
        raise Conflict("Ask another administrator to delete your account, so one is always left")
    if user.name == DELETED_NAME and not user.active:
        raise Conflict("That account has already been deleted")
    user.name = DELETED_NAME
    user.email = f"deleted-{user.id}@accounts.invalid"
    user.password_hash = "!"  # matches no password
    user.active = False
    user.session_epoch = (user.session_epoch or 0) + 1
    session.execute(delete(ApiToken).where(ApiToken.user_id == user.id))
    session.execute(delete(Membership).where(Membership.user_id == user.id))
    return user
