"""Staff accounts, their roles, and who belongs to which commission.

Residents never have accounts: everything here is about the people who run and audit a
commission. Passwords are hashed by the web adapter; the domain only stores the hash.
"""
from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from .db import Base, transactional, utcnow
from .errors import Conflict, Invalid, NotFound

ADMIN, COMMISSIONER, EVALUATOR = "admin", "commissioner", "evaluator"
ROLES = (ADMIN, COMMISSIONER, EVALUATOR)
MEMBER_ROLES = (COMMISSIONER, EVALUATOR)
ROLE_LABELS = {ADMIN: "Administrator", COMMISSIONER: "Commissioner", EVALUATOR: "Evaluator"}

TOKEN_LIFETIME = timedelta(hours=12)  # tokens from signing in with a password
DEFAULT_TOKEN_DAYS, MAX_TOKEN_DAYS, MAX_TOKEN_NAME = 30, 90, 80  # named tokens

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class StaffUser(Base):
    __tablename__ = "staff_users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # No longer used: guessing is throttled in memory per (account, address) pair, per address
    # and globally (sign_in_throttle.py), so a lock never shuts the owner out everywhere.
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
    #: Moves on at every sign-out: sessions (and open presenter sockets) holding an older value
    #: are no longer signed in, on every device and every server process.
    session_epoch: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    # The four members Flask-Login looks for, written out so the domain needs no Flask import.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return bool(self.active)

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        """What the sign-in cookie holds: the account and its current session epoch."""
        return f"{self.id}:{self.session_epoch or 0}"

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)

    @property
    def reference(self) -> str:
        """How the evidence log names an author: traceable to the account, with no name or
        email in a record that is exported and kept for years."""
        return f"staff#{self.id}"


class Membership(Base):
    __tablename__ = "memberships"

    commission_id: Mapped[int] = mapped_column(
        ForeignKey("commissions.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id"), primary_key=True)
    role: Mapped[str] = mapped_column(String(20))
    added_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ApiToken(Base):
    """Bearer tokens for the REST API. Only a SHA-256 of the token is stored, so a copy of the
    database does not hand out working credentials."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: What its owner calls it ("Reporting script"), to tell tokens apart when revoking one.
    name: Mapped[str] = mapped_column(String(80), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)

    def as_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "created_at": self.created_at.isoformat() + "Z",
                "expires_at": self.expires_at.isoformat() + "Z"}


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def find_by_email(session: Session, email: str) -> StaffUser | None:
    return session.scalar(select(StaffUser).where(StaffUser.email == normalise_email(email)))


@transactional
def create_user(session: Session, *, email: str, name: str, role: str, password_hash: str) -> StaffUser:
    fields = {}
    email = normalise_email(email)
    if not _EMAIL.match(email):
        fields["email"] = "Enter an email address in the correct format, like name@example.org"
    if not (name or "").strip():
        fields["name"] = "Enter a name"
    if role not in ROLES:
        fields["role"] = f"Role must be one of: {', '.join(ROLES)}"
    if fields:
        raise Invalid(fields)
    if find_by_email(session, email):
        raise Conflict(f"An account for {email} already exists", {"email": "Already in use"})
    user = StaffUser(email=email, name=name.strip(), role=role, password_hash=password_hash)
    session.add(user)
    session.flush()
    return user


def user_for_session(session: Session, session_id: str) -> StaffUser | None:
    """The account a sign-in cookie names, if that sign-in is still current."""
    user_id, _, epoch = (session_id or "").partition(":")
    try:
        user = session.get(StaffUser, int(user_id))
        current = user is not None and int(epoch) == (user.session_epoch or 0)
    except ValueError:
        return None
    return user if current and user.is_active else None


IDLE, ABSOLUTE = "idle", "absolute"


@dataclass(frozen=True)
class SessionTimes:
    now: int
    idle_left: int
    absolute_left: int

    @property
    def left(self) -> int:
        """Seconds until this sign-in ends, whichever timeout comes first."""
        return max(0, min(self.idle_left, self.absolute_left))

    @property
    def expired(self) -> str | None:
        """Why this sign-in has ended (``IDLE`` or ``ABSOLUTE``), or None while it lasts."""
        if self.absolute_left <= 0:
            return ABSOLUTE
        if self.idle_left <= 0:
            return IDLE
        return None


def session_times(signed_in_at: object, last_seen: object, now: int, *, idle: int, absolute: int) -> SessionTimes:
    """How long a staff sign-in has left (ASVS 3.3): ``idle`` seconds after its last activity,
    ``absolute`` seconds after signing in, whichever comes first. A sign-in whose times are
    missing or not numbers (a cookie from before the timeouts) has none left."""
    if isinstance(signed_in_at, bool) or isinstance(last_seen, bool) or not (
            isinstance(signed_in_at, int) and isinstance(last_seen, int)):
        return SessionTimes(now, 0, 0)
    return SessionTimes(now, idle - (now - last_seen), absolute - (now - signed_in_at))


@transactional
def end_sessions(session: Session, user: StaffUser) -> None:
    """Sign the account out everywhere: every cookie and socket with the old epoch stops working,
    and every API token of the account is revoked."""
    user.session_epoch = (user.session_epoch or 0) + 1
    session.execute(delete(ApiToken).where(ApiToken.user_id == user.id))


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transactional
def issue_token(session: Session, user: StaffUser, now: datetime | None = None, *,
                name: str = "", lifetime: timedelta = TOKEN_LIFETIME) -> str:
    """A new bearer token; only its SHA-256 is kept, so this is the one time it can be shown."""
    return create_token(session, user, name=name, lifetime=lifetime, now=now)[1]


def _token_fields(name: object, expires_in_days: object) -> dict[str, str]:
    fields = {}
    if not isinstance(name, str) or not name.strip():
        fields["name"] = "Enter a name for the token, like the script that will use it"
    elif len(name.strip()) > MAX_TOKEN_NAME:
        fields["name"] = f"Name must be {MAX_TOKEN_NAME} characters or fewer"
    if isinstance(expires_in_days, bool) or not isinstance(expires_in_days, int) or not (
            1 <= expires_in_days <= MAX_TOKEN_DAYS):
        fields["expires_in_days"] = f"Enter a whole number of days from 1 to {MAX_TOKEN_DAYS}"
    return fields


@transactional
def create_named_token(session: Session, user: StaffUser, name: object,
                       expires_in_days: object = DEFAULT_TOKEN_DAYS,
                       now: datetime | None = None) -> tuple[ApiToken, str]:
    """A token its owner names and gives an expiry (in days), for a script or an integration."""
    fields = _token_fields(name, expires_in_days)
    if fields:
        raise Invalid(fields)
    return create_token(session, user, name=str(name).strip(), lifetime=timedelta(days=int(expires_in_days)),
                        now=now)


def create_token(session: Session, user: StaffUser, *, name: str, lifetime: timedelta,
                 now: datetime | None = None) -> tuple[ApiToken, str]:
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    row = ApiToken(user_id=user.id, token_hash=_digest(token), name=name[:MAX_TOKEN_NAME], created_at=now,
                   expires_at=now + lifetime)
    session.add(row)
    session.flush()
    return row, token


def tokens_of(session: Session, user: StaffUser, now: datetime | None = None) -> list[ApiToken]:
    """The account's tokens that still work, newest first."""
    return list(session.scalars(select(ApiToken).where(
        ApiToken.user_id == user.id, ApiToken.expires_at > (now or utcnow()))
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


@transactional
def revoke_token(session: Session, user: StaffUser, token_id: int) -> None:
    """Revoke one of the account's own tokens (someone else's is "not found", like a missing one)."""
    row = session.get(ApiToken, token_id)
    if row is None or row.user_id != user.id:
        raise NotFound("No token with that id")
    session.delete(row)


def token_id_for(session: Session, token: str) -> int | None:
    return session.scalar(select(ApiToken.id).where(ApiToken.token_hash == _digest(token)))


def user_for_token(session: Session, token: str, now: datetime | None = None) -> StaffUser | None:
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(token)))
    if row is None or row.expires_at <= (now or utcnow()):
        return None
    user = session.get(StaffUser, row.user_id)
    return user if user and user.is_active else None


@transactional
def purge_expired_tokens(session: Session, now: datetime | None = None) -> int:
    """Delete API tokens that have expired (they are useless, and this keeps the table small)."""
    return session.execute(delete(ApiToken).where(ApiToken.expires_at <= (now or utcnow()))).rowcount
