"""Who may see and change which commission.

One place for the rules, so the pages, the API and the socket handlers cannot drift apart:
- an admin sees and changes every commission;
- a commissioner sees and changes the commissions they are a commissioner member of;
- an evaluator reads the commissions they are assigned to and changes nothing but their
  own assessments.
A commission the user may not see is reported as not found, so its existence is not leaked;
one they may see but not change is forbidden.
"""
from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from .commissions import Commission, get_commission
from .errors import Forbidden, NotFound
from .staff import ADMIN, COMMISSIONER, EVALUATOR, Membership, StaffUser

READ, WRITE, ASSESS = "read", "write", "assess"


def member_role(session: Session, user: StaffUser, commission_id: int) -> str | None:
    member = session.get(Membership, (commission_id, user.id))
    return member.role if member else None


def allowed(session: Session, user: StaffUser, commission_id: int, action: str) -> bool:
    if user.role == ADMIN:
        return action != ASSESS
    role = member_role(session, user, commission_id)
    if role is None:
        return False
    if action == READ:
        return True
    if action == WRITE:
        return role == COMMISSIONER and user.role in (COMMISSIONER, ADMIN)
    if action == ASSESS:
        return role == EVALUATOR
    return False


class NotVisible(NotFound):
    """No commission with that id that this user may see: there is none, or they are not on its
    team. Both are the same error with the same message, so nothing tells one from the other
    (the API answers 404 either way); a page can still say how to ask for access."""


def require(session: Session, user: StaffUser, commission_id: int, action: str = READ) -> Commission:
    try:
        commission = get_commission(session, commission_id)
    except NotFound:
        raise NotVisible("No commission with that id") from None
    if not allowed(session, user, commission_id, READ):
        raise NotVisible("No commission with that id")
    if action != READ and not allowed(session, user, commission_id, action):
        verb = "assess" if action == ASSESS else "change"
        raise Forbidden(f"Your role on this commission does not allow you to {verb} it")
    return commission


def can_create_commission(user: StaffUser) -> bool:
    return user.role in (ADMIN, COMMISSIONER)


def visible_commissions(user: StaffUser) -> Select:
    query = select(Commission).order_by(Commission.updated_at.desc(), Commission.id.desc())
    if user.role == ADMIN:
        return query
    return query.join(Membership, Membership.commission_id == Commission.id).where(
        Membership.user_id == user.id
    )


def require_role(user: StaffUser, *roles: str) -> None:
    if user.role not in roles:
        raise Forbidden("Your account does not allow this")


__all__ = ["READ", "WRITE", "ASSESS", "NotVisible", "allowed", "require", "can_create_commission",
           "visible_commissions", "member_role", "require_role", "EVALUATOR"]
