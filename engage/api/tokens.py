"""``POST /api/v1/auth/token`` and the public journey."""
from __future__ import annotations

from flask import jsonify

from commissioning_steps import journey, staff

from ..auth import TOO_MANY, WRONG, authenticate
from ..extensions import db_session
from . import bp
from .helpers import ApiError, load_json
from .schemas import TokenRequest


@bp.post("/auth/token")
def issue_token():
    data = load_json(TokenRequest())
    result = authenticate(data["email"], data["password"])
    session = db_session()
    if result.limited:
        error = ApiError(429, "too_many_attempts", TOO_MANY + ".")
        error.retry_after = result.retry_after
        raise error
    if result.user is None:
        raise ApiError(401, "invalid_credentials", WRONG + ".")
    token = staff.issue_token(session, result.user)
    return jsonify(token=token, token_type="Bearer", expires_in=int(staff.TOKEN_LIFETIME.total_seconds()))


@bp.get("/journey")
def get_journey():
    return jsonify(journey.as_dict())
