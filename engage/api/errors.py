"""JSON errors for the API: ``{"error": {"code", "message", "fields"}}`` with the right status."""
from __future__ import annotations

from flask import jsonify


def json_error(status: int, code: str, message: str, fields: dict | None = None):
    response = jsonify(error={"code": code, "message": message, "fields": fields or {}})
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="engage"'
    return response
