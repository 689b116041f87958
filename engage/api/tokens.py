"""Tokens (``POST /api/v1/auth/token``; list, name, expire and revoke them at ``/auth/tokens``)
and the public journey."""
from __future__ import annotations

from flask import request

from commissioning_steps import accounts, journey, staff
from commissioning_steps.errors import NotFound

from ..auth import TOO_MANY, WRONG, authenticate
from ..extensions import db_session
from . import bp
from .contract import body, described, paginate
from .helpers import ApiError, current_staff, staff_required
from .response_schemas import JourneyOut, NamedTokenOut, OwnDataOut, TokenOut, TokensOut
from .schemas import NamedTokenIn, TokenRequest


@bp.post("/auth/token")
@described("Sign in: a token for the API, lasting 12 hours", body=TokenRequest, out=TokenOut, errors=(401, 429),
           example={"email": "commissioner@example.org", "password": "correct horse battery staple"})
def issue_token():
    """Failed attempts are throttled per account and address, and over the whole service."""
    data = body()
    result = authenticate(data["email"], data["password"])
    session = db_session()
    if result.limited:
        error = ApiError(429, "too_many_attempts", TOO_MANY + ".")
        error.retry_after = result.retry_after
        raise error
    if result.user is None:
        raise ApiError(401, "invalid_credentials", WRONG + ".")
    token = staff.issue_token(session, result.user, name="Signed in through the API")
    return {"token": token, "token_type": "Bearer", "expires_in": int(staff.TOKEN_LIFETIME.total_seconds())}


def _current_token_id() -> int | None:
    token = request.headers.get("Authorization", "").partition(" ")[2].strip()
    return staff.token_id_for(db_session(), token) if token else None


@bp.get("/auth/tokens")
@staff_required
@described("This account's tokens that still work", out=TokensOut, paged="tokens")
def list_tokens():
    """The caller's own tokens that still work (never the tokens themselves: only hashes are kept)."""
    current = _current_token_id()
    return {"tokens": [{**t.as_dict(), "current": t.id == current}
                       for t in paginate(staff.tokens_of(db_session(), current_staff()))]}


@bp.post("/auth/tokens")
@staff_required
@described("A named token with its own expiry (shown once)", body=NamedTokenIn, out=NamedTokenOut, status=201,
           example={"name": "Reporting script", "expires_in_days": 30})
def create_token():
    data = body()
    row, token = staff.create_named_token(db_session(), current_staff(), data["name"], data["expires_in_days"])
    return {**row.as_dict(), "token": token, "token_type": "Bearer"}, 201


@bp.delete("/auth/tokens/<int:token_id>")
@staff_required
@described("Revoke one of this account's tokens", out=None, status=204)
def revoke_token(token_id: int):
    staff.revoke_token(db_session(), current_staff(), token_id)
    return "", 204


@bp.get("/journey")
@described("The eight-step journey: stages, steps, principles and practice questions (public)", out=JourneyOut,
           etag=True)
def get_journey():
    return journey.as_dict()


@bp.get("/auth/me/export")
@staff_required
@described("Everything Engage holds about this account", out=OwnDataOut)
def export_own_data():
    return accounts.export_own_data(db_session(), current_staff())


@bp.delete("/staff/<int:user_id>")
@staff_required
@described("Delete a staff account (administrators)", out=None, status=204, errors=(403, 409))
def delete_staff_account(user_id: int):
    """Administrators delete an account; its evidence stays authored by ``staff#id`` and its role."""
    session = db_session()
    user = session.get(staff.StaffUser, user_id)
    if user is None:
        raise NotFound("No staff account with that id")
    accounts.delete_account(session, user, current_staff())
    return "", 204
