"""The API's error shape, ``{"error": {"code", "message", "fields"}}``, and the error that
carries an API-only status; pages and socket handlers raise domain errors instead."""
from __future__ import annotations

from flask import jsonify

from commissioning_steps.errors import DomainError


class ApiError(DomainError):
    """An API-only problem with its own status (401, 400 for malformed JSON, 429)."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status = status
        self.code = code


def json_error(status: int, code: str, message: str, fields: dict | None = None):
    response = jsonify(error={"code": code, "message": message, "fields": fields or {}})
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="engage"'
    return response
