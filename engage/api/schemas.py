"""Marshmallow schemas for what API clients send and receive.

Input schemas reject unknown fields (marshmallow's default ``RAISE``), so a typo in a field
name is an error the client sees, not a silently ignored value.
"""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate

from commissioning_steps.evidence import KINDS
from commissioning_steps.staff import DEFAULT_TOKEN_DAYS


class NoBody(Schema):
    """Nothing to send: no body, or an empty object."""


class TokenRequest(Schema):
    email = fields.String(required=True)
    password = fields.String(required=True)


class NamedTokenIn(Schema):
    name = fields.String(required=True)
    expires_in_days = fields.Integer(strict=True, load_default=DEFAULT_TOKEN_DAYS)


class PopulationGroupIn(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=120))
    target_share = fields.Float(required=True, allow_nan=False, validate=validate.Range(min=0, max=100))


class CommissionIn(Schema):
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    summary = fields.String(load_default="", validate=validate.Length(max=5000))
    area = fields.String(load_default="", validate=validate.Length(max=200))
    partners = fields.List(fields.String(validate=validate.Length(min=1, max=200)), load_default=list,
                           validate=validate.Length(max=50))
    population_groups = fields.List(fields.Nested(PopulationGroupIn), load_default=list,
                                    validate=validate.Length(max=50))
    retention_days = fields.Integer(strict=True, allow_none=True, load_default=730)


class EvidenceIn(Schema):
    step = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(tuple(KINDS)))
    summary = fields.String(required=True)
    payload = fields.Dict(keys=fields.String(), load_default=dict)
    supersedes = fields.Integer(load_default=None, allow_none=True, strict=True)


class CompleteIn(Schema):
    override_reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))


class MemberIn(Schema):
    email = fields.String(required=True)
    role = fields.String(required=True)


class AssessmentIn(Schema):
    rating = fields.String(required=True)
    commentary = fields.String(load_default=None, allow_none=True)


class WebhookIn(Schema):
    """A webhook subscription; the service checks the URL (and where it resolves) and the types."""

    url = fields.String(required=True)
    events = fields.List(fields.String(), required=True, validate=validate.Length(min=1, max=100))
    description = fields.String(load_default=None, allow_none=True)


class WebhookPatch(Schema):
    url = fields.String()
    events = fields.List(fields.String(), validate=validate.Length(min=1, max=100))
    description = fields.String(allow_none=True)
    status = fields.String()




__all__ = ["ValidationError"]
