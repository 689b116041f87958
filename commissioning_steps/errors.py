"""Errors the domain raises, each meaning one thing an adapter can answer precisely.

The web adapter maps them to status codes (404, 403, 409, 413, 422) and to GOV.UK error
summaries; the domain never needs to know about either.
"""
from __future__ import annotations


class DomainError(Exception):
    code = "error"

    def __init__(self, message: str, fields: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class NotFound(DomainError):
    code = "not_found"


class Forbidden(DomainError):
    code = "forbidden"


class Conflict(DomainError):
    """The request is well formed but the current state does not allow it."""

    code = "conflict"


class Invalid(DomainError):
    """One or more fields are wrong; ``fields`` names each with a message a person can act on."""

    code = "invalid"

    def __init__(self, fields: dict[str, str], message: str | None = None):
        super().__init__(message or "Check the highlighted fields", fields)


class TooLarge(DomainError):
    code = "too_large"
