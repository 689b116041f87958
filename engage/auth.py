"""Signing staff in: passwords, throttling, the API's bearer tokens, the current user.

The same ``authenticate`` serves the sign-in page and ``POST /api/v1/auth/token``, so both
throttle guessing the same way.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from flask import current_app, request
from werkzeug.security import check_password_hash, generate_password_hash

from commissioning_steps import staff
from commissioning_steps.staff import StaffUser

from .extensions import db_session, login_manager

log = logging.getLogger(__name__)
# A hash to check against when the email is unknown, so the response takes as long either way.
_DUMMY_HASH = generate_password_hash("not-a-real-password", method="pbkdf2:sha256:1000")


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


@dataclass
class SignInResult:
    user: StaffUser | None = None
    locked: bool = False


def authenticate(email: str, password: str) -> SignInResult:
    """Check a password; the failure count is stored (committed) either way."""
    session = db_session(write=True)
    user = staff.find_by_email(session, email)
    if user is None or not user.is_active:
        check_password_hash(_DUMMY_HASH, password or "")
        return SignInResult()
    if staff.is_locked(user):
        return SignInResult(locked=True)
    ok = check_password_hash(user.password_hash, password or "")
    staff.record_login(session, user, ok)
    if not ok:
        log.info("failed sign-in for staff#%s", user.id)  # the id, never the email
    return SignInResult(user=user if ok else None, locked=staff.is_locked(user))


@login_manager.user_loader
def _load_user(session_id: str) -> StaffUser | None:
    """Runs for every request and every socket event, so a sign-out (which moves the account's
    session epoch on) takes effect at once, on open presenter sockets too."""
    return staff.user_for_session(db_session(), session_id)


def bearer_user() -> StaffUser | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return staff.user_for_token(db_session(), token.strip())
