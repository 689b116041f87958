"""Signing staff in: passwords, throttling, the API's bearer tokens, the current user.

The same ``authenticate`` serves the sign-in page and ``POST /api/v1/auth/token``, so both
throttle guessing the same way.
"""
from __future__ import annotations

import logging
import secrets
import time
from dataclasses import dataclass

from flask import Flask, current_app, flash, g, request
from flask import session as flask_session
from werkzeug.security import check_password_hash, generate_password_hash

from commissioning_steps import staff
from commissioning_steps.sign_in_throttle import LIMITED, SignInThrottle
from commissioning_steps.staff import StaffUser

from . import green
from .extensions import db_session, login_manager

log = logging.getLogger(__name__)
THROTTLE = "engage.sign_in_throttle"
DUMMY_HASH = "engage.dummy_password_hash"
# One answer for a wrong password, an unknown email and a locked (account, address) pair.
WRONG = ("Enter a correct email address and password. After 5 wrong passwords in a row, "
         "wait 5 minutes before trying again")
TOO_MANY = "Too many sign-in attempts from your connection. Wait a few minutes, then try again"


def init_app(app: Flask) -> None:
    """The app's sign-in throttle, and a hash to check when the email is unknown.

    The fallback hash is made with the app's own ``PASSWORD_HASH_METHOD``, so checking it costs
    what checking a real account's password costs: the time of the answer does not tell who has
    an account.
    """
    per_address = float(app.config["SIGN_IN_ADDRESS_LIMIT"])
    per_service = float(app.config["SIGN_IN_GLOBAL_LIMIT"])
    app.extensions[THROTTLE] = SignInThrottle(
        address_per_minute=per_address, address_burst=max(1, int(per_address * 2)),
        global_per_minute=per_service, global_burst=max(1, int(per_service * 2)))
    app.add_template_global(session_times)
    app.extensions[DUMMY_HASH] = generate_password_hash(secrets.token_urlsafe(24),
                                                        method=app.config["PASSWORD_HASH_METHOD"])


def _off_the_hub(fn, *args):
    """Run a password hash (scrypt: tens of milliseconds of CPU, by design) in a native thread
    under gevent, so a staff sign-in does not stop every connected phone meanwhile: hashlib
    releases the GIL while it hashes. Elsewhere it runs in the caller."""
    if green.patched():
        import gevent

        return gevent.get_hub().threadpool.apply(fn, args)
    return fn(*args)


def hash_password(password: str) -> str:
    return _off_the_hub(generate_password_hash, password, current_app.config["PASSWORD_HASH_METHOD"])


@dataclass
class SignInResult:
    user: StaffUser | None = None
    #: Over the address's or the whole service's budget: answer 429, whoever the account is.
    limited: bool = False
    retry_after: int = 0


def authenticate(email: str, password: str) -> SignInResult:
    """Check a password, throttled per (account, address) pair, per address and globally.

    Every attempt that gets past the address and global budgets checks exactly one hash of the
    app's scheme and cost: the account's own, or the fallback one when the email is unknown,
    the account is disabled, or this (email, address) pair is locked. Those three answer the
    same as a wrong password. Nothing is written to the database, so the work is the same too.
    """
    throttle: SignInThrottle = current_app.extensions[THROTTLE]
    admission = throttle.admit(staff.normalise_email(email), request.remote_addr)
    if admission.outcome == LIMITED:
        return SignInResult(limited=True, retry_after=admission.retry_after)
    user = staff.find_by_email(db_session(), email)
    usable = user is not None and user.is_active and admission.may_check
    ok = _off_the_hub(check_password_hash, user.password_hash if usable else current_app.extensions[DUMMY_HASH],
                      password or "")
    if usable and ok:
        throttle.succeeded(admission)
        return SignInResult(user=user)
    throttle.failed(admission)
    if user is not None:
        log.info("failed sign-in for staff#%s", user.id)  # the id, never the email or address
    return SignInResult()


# What the (signed, not encrypted) session cookie holds about the sign-in's age: two numbers.
SIGNED_IN_AT, LAST_SEEN = "engage_signed_in_at", "engage_last_seen"
_TOUCH_EVERY = 15  # seconds: not every request needs a new cookie
clock = time.time  # tests move it on


def start_session() -> None:
    """Call right after ``login_user``: the idle and absolute timeouts count from now."""
    now = int(clock())
    flask_session[SIGNED_IN_AT] = flask_session[LAST_SEEN] = now


def end_this_session() -> None:
    """Sign this browser (or socket) out, leaving the account's other sign-ins alone."""
    for key in ("_user_id", "_fresh", "_id", SIGNED_IN_AT, LAST_SEEN):
        flask_session.pop(key, None)


def session_times(now: float | None = None) -> staff.SessionTimes:
    cfg = current_app.config
    return staff.session_times(flask_session.get(SIGNED_IN_AT), flask_session.get(LAST_SEEN),
                               int(now if now is not None else clock()),
                               idle=int(cfg["SESSION_IDLE_SECONDS"]), absolute=int(cfg["SESSION_ABSOLUTE_SECONDS"]))


def timeout_message(reason: str) -> str:
    cfg = current_app.config
    if reason == staff.IDLE:
        return (f"You were signed out because you had not done anything for "
                f"{_duration(int(cfg['SESSION_IDLE_SECONDS']))}. Sign in again to carry on.")
    return (f"You were signed out because you had been signed in for "
            f"{_duration(int(cfg['SESSION_ABSOLUTE_SECONDS']))}. Sign in again to carry on.")


def _duration(seconds: int) -> str:
    if seconds % 3600 == 0:
        n, unit = seconds // 3600, "hour"
    elif seconds % 60 == 0:
        n, unit = seconds // 60, "minute"
    else:
        n, unit = seconds, "second"
    return f"{n} {unit}{'' if n == 1 else 's'}"


@login_manager.user_loader
def _load_user(session_id: str) -> StaffUser | None:
    """Runs for every request and every socket event, so a sign-out (which moves the account's
    session epoch on) takes effect at once, on open presenter sockets too; and so do the idle and
    absolute timeouts (ASVS 3.3). A socket keeps the session it connected with (Flask-SocketIO),
    and its own events count as activity in that copy."""
    times = session_times()
    if times.expired:
        end_this_session()
        flash(timeout_message(times.expired), "info")
        return None
    user = staff.user_for_session(db_session(), session_id)
    if user is not None and not g.get("engage_no_touch") and (
            times.now - int(flask_session.get(LAST_SEEN) or 0) >= _TOUCH_EVERY):
        flask_session[LAST_SEEN] = times.now
    return user


def bearer_user() -> StaffUser | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return staff.user_for_token(db_session(), token.strip())
