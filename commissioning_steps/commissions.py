"""Commissions: one commissioning programme each, walking the journey.

A commission's step statuses are derived from one number, ``current_step_index`` (how many
steps are complete), so they can never disagree with each other.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Sequence

from sqlalchemy import DateTime, Float, ForeignKey, Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from . import journey
from .db import Base, transactional, utcnow
from .errors import Conflict, Invalid, NotFound
from .events import CommissionChanged, CommissionCreated, MemberAdded, publish
from .evidence_chain import GENESIS
from .staff import ADMIN, COMMISSIONER, EVALUATOR, MEMBER_ROLES, Membership, StaffUser, find_by_email
from .text import has_visible_text

NOT_STARTED, ACTIVE, COMPLETE = "not started", "active", "complete"

#: Which kinds of account may hold a role on a commission. Evaluators stay independent of the
#: commissioning they audit, so only evaluator accounts evaluate.
_ACCOUNT_ROLES_FOR = {COMMISSIONER: (COMMISSIONER, ADMIN), EVALUATOR: (EVALUATOR,)}
CANNOT_ADD = ("That email address cannot be given that role. It must be the email address of an active "
              "staff account, and only evaluator accounts can be evaluators")


class Commission(Base):
    __tablename__ = "commissions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    area: Mapped[str] = mapped_column(String(200), default="")
    partners: Mapped[list[str]] = mapped_column(default=list)
    #: Days residents' own words are kept before a scheduled job erases them (None: until the
    #: commission erases them by hand). Figures, theme counts and the evidence log are kept.
    retention_days: Mapped[int | None] = mapped_column(Integer)
    current_step_index: Mapped[int] = mapped_column(Integer, default=0)
    evidence_count: Mapped[int] = mapped_column(Integer, default=0)
    evidence_head: Mapped[str] = mapped_column(String(64), default=GENESIS)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    population_groups: Mapped[list["PopulationGroup"]] = relationship(
        order_by="PopulationGroup.position", cascade="all, delete-orphan"
    )

    @property
    def current_step(self) -> journey.Step | None:
        return journey.step_at(self.current_step_index)

    @property
    def journey_complete(self) -> bool:
        return self.current_step_index >= len(journey.STEPS)

    def step_status(self, key: str) -> str:
        index = journey.STEP_KEYS.index(key)
        if index < self.current_step_index:
            return COMPLETE
        return ACTIVE if index == self.current_step_index else NOT_STARTED


class PopulationGroup(Base):
    """A group the commission serves, with the share of input it aims to hear from them."""

    __tablename__ = "population_groups"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    commission_id: Mapped[int] = mapped_column(ForeignKey("commissions.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(120))
    target_share: Mapped[float] = mapped_column(Float)  # percentage, 0-100
    position: Mapped[int] = mapped_column(Integer, default=0)


#: Two years: long enough to evaluate the commissioning and review its benefits, no longer.
DEFAULT_RETENTION_DAYS = 730
RETENTION_RANGE = (30, 3650)


@dataclass
class CommissionInput:
    title: str
    summary: str = ""
    area: str = ""
    partners: Sequence[str] = ()
    population_groups: Sequence[tuple[str, float]] = ()
    retention_days: int | None = DEFAULT_RETENTION_DAYS


def _validate(data: CommissionInput) -> None:
    fields: dict[str, str] = {}
    if not has_visible_text(data.title):
        fields["title"] = "Enter a title for the commission"
    elif len(data.title) > 200:
        fields["title"] = "Title must be 200 characters or fewer"
    if len(data.summary) > 5000:
        fields["summary"] = "Summary must be 5000 characters or fewer"
    if len(data.area) > 200:
        fields["area"] = "Area must be 200 characters or fewer"
    partners = [p.strip() for p in data.partners]
    if any(not p or len(p) > 200 for p in partners):
        fields["partners"] = "Each partner organisation needs a name of 200 characters or fewer"
    elif len(set(p.lower() for p in partners)) != len(partners):
        fields["partners"] = "Each partner organisation should be listed once"
    names = [n.strip() for n, _ in data.population_groups]
    shares = [s for _, s in data.population_groups]
    if any(not n or len(n) > 120 for n in names):
        fields["population_groups"] = "Each population group needs a name of 120 characters or fewer"
    elif len(set(n.lower() for n in names)) != len(names):
        fields["population_groups"] = "Each population group should be listed once"
    elif any(not (0 <= s <= 100) for s in shares):
        fields["population_groups"] = "Each target share must be between 0 and 100 per cent"
    elif sum(shares) > 100.0001:
        fields["population_groups"] = (
            f"Target shares add up to {sum(shares):g}%; they must add up to 100% or less"
        )
    days = data.retention_days
    if days is not None and (isinstance(days, bool) or not isinstance(days, int)
                             or not RETENTION_RANGE[0] <= days <= RETENTION_RANGE[1]):
        fields["retention_days"] = (f"Keep residents' words for {RETENTION_RANGE[0]} to {RETENTION_RANGE[1]} days, "
                                    "as a whole number")
    if fields:
        raise Invalid(fields)


def _apply(commission: Commission, data: CommissionInput) -> None:
    commission.title = data.title.strip()
    commission.summary = data.summary.strip()
    commission.area = data.area.strip()
    commission.partners = [p.strip() for p in data.partners]
    commission.retention_days = data.retention_days
    commission.population_groups = [
        PopulationGroup(name=name.strip(), target_share=float(share), position=i)
        for i, (name, share) in enumerate(data.population_groups)
    ]


@transactional
def create_commission(session: Session, actor: StaffUser, data: CommissionInput) -> Commission:
    """A new commission starts at Initiate, with its creator as a commissioner member."""
    _validate(data)
    commission = Commission(created_by_id=actor.id)
    _apply(commission, data)
    session.add(commission)
    session.flush()
    session.add(Membership(commission_id=commission.id, user_id=actor.id, role=COMMISSIONER))
    publish(session, CommissionCreated(commission.id, commission.title))
    return commission


@transactional
def update_commission(session: Session, commission: Commission, data: CommissionInput) -> Commission:
    _validate(data)
    before = _snapshot(commission)
    _apply(commission, data)
    commission.updated_at = utcnow()
    changed = tuple(k for k, v in _snapshot(commission).items() if before[k] != v)
    session.flush()
    if changed:
        publish(session, CommissionChanged(commission.id, changed))
    return commission


def _snapshot(c: Commission) -> dict:
    return {
        "title": c.title, "summary": c.summary, "area": c.area, "partners": list(c.partners),
        "population_groups": [(g.name, g.target_share) for g in c.population_groups],
        "retention_days": c.retention_days,
    }


@transactional
def add_member(session: Session, commission: Commission, email: str, role: str) -> Membership:
    """Give an existing staff account a role on this commission (or change the role it has)."""
    if role not in MEMBER_ROLES:
        raise Invalid({"role": "Choose commissioner or evaluator"})
    user = find_by_email(session, email)
    # One answer whether the email has no account, a disabled one, or one of a kind that cannot
    # take the role: a commissioner must not learn who has an account, or of which kind.
    if user is None or not user.is_active or user.role not in _ACCOUNT_ROLES_FOR[role]:
        raise Invalid({"email": CANNOT_ADD})
    member = session.get(Membership, (commission.id, user.id))
    if member is None:
        member = Membership(commission_id=commission.id, user_id=user.id, role=role)
        session.add(member)
    elif member.role == role:
        # Only a member of this team (whom the team list already shows) can get here.
        raise Conflict("That person already has that role on this commission",
                       {"email": "Already a member with that role"})
    else:
        member.role = role
    session.flush()
    publish(session, MemberAdded(commission.id, user.id, role))
    return member


def members(session: Session, commission: Commission) -> list[tuple[StaffUser, str]]:
    rows = session.execute(
        select(StaffUser, Membership.role)
        .join(Membership, Membership.user_id == StaffUser.id)
        .where(Membership.commission_id == commission.id)
        .order_by(Membership.role, StaffUser.name)
    )
    return [(u, r) for u, r in rows]


def get_commission(session: Session, commission_id: int) -> Commission:
    commission = session.get(Commission, commission_id)
    if commission is None:
        raise NotFound("No commission with that id")
    return commission
