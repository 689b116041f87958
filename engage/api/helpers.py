"""What every API resource needs: the signed-in staff member and a validated JSON body."""
from __future__ import annotations

from functools import wraps
from typing import Any

from flask import g, request
from marshmallow import Schema, ValidationError

from commissioning_steps.errors import Invalid

from ..auth import bearer_user
from ..common.errors import ApiError
from ..common.validation import flatten, unstorable_text

__all__ = ["ApiError", "current_staff", "load_json", "staff_required"]


def staff_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        user = bearer_user()
        if user is None:
            raise ApiError(401, "unauthorised", "Send a valid token as 'Authorization: Bearer <token>'")
        g.api_user = user
        return view(*args, **kwargs)
    wrapper.api_auth = "bearer"  # the OpenAPI document's security for this route
    return wrapper


def current_staff():
    return g.api_user


def load_json(schema: Schema, partial: bool | None = None) -> dict[str, Any]:
    if request.get_data(cache=True) and not request.is_json:
        raise ApiError(415, "unsupported_media_type", "Send the body as JSON, with 'Content-Type: application/json'")
    body = request.get_json(silent=True)
    if body is None:
        if not request.get_data(cache=True):
            body = {}
        else:
            raise ApiError(400, "malformed_json", "The request body must be valid JSON")
    if not isinstance(body, dict):
        raise ApiError(400, "malformed_json", "The request body must be a JSON object")
    problems = unstorable_text(body)
    if problems:
        raise Invalid(problems)
    try:
        return schema.load(body, partial=partial)
    except ValidationError as exc:
        raise Invalid(flatten(exc.messages)) from exc
