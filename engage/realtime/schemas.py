"""Marshmallow schemas for what sockets send. Unknown fields are refused (``RAISE``).

They check shape only (types, presence, sane sizes); whether a value fits the question is the
domain's call (``surveys.live.voting``), so the API, the socket and any later client agree.
"""
from __future__ import annotations

from marshmallow import RAISE, Schema, ValidationError, fields, validate

from surveys.live.running import CONTROL_ACTIONS, MODERATION_ACTIONS


class Id(fields.Integer):
    """A database id: a positive whole number, never ``true`` or ``"7"``."""

    def __init__(self, **kwargs):
        super().__init__(strict=True, validate=validate.Range(min=1, max=2**31 - 1), **kwargs)

    def _validated(self, value):
        if isinstance(value, bool):
            raise self.make_error("invalid")
        return super()._validated(value)


class _Strict(Schema):
    class Meta:
        unknown = RAISE


class JoinIn(_Strict):
    code = fields.String(required=True, validate=validate.Length(max=64))
    participant = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))


class VoteIn(_Strict):
    question_id = Id(required=True)
    value = fields.Raw(required=True)
    client_vote_id = fields.String(required=True, validate=validate.Length(min=1, max=64))


class WithdrawIn(_Strict):
    question_id = Id(required=True)
    value = fields.Raw(required=True)
    client_vote_id = fields.String(required=True, validate=validate.Length(min=1, max=64))


class AskIn(_Strict):
    # The limit on what a person may type is the domain's (and answered as ``too_long``);
    # this only stops absurd strings before any work is done on them.
    text = fields.String(required=True, validate=validate.Length(max=4000))


class UpvoteIn(_Strict):
    entry_id = Id(required=True)


class WatchIn(_Strict):
    session_id = Id(required=True)


class ControlIn(_Strict):
    session_id = Id(required=True)
    action = fields.String(required=True, validate=validate.OneOf(CONTROL_ACTIONS))
    question_id = Id(load_default=None, allow_none=True)


class ModerateIn(_Strict):
    session_id = Id(required=True)
    question_id = Id(required=True)
    entry_id = Id(required=True)
    action = fields.String(required=True, validate=validate.OneOf(MODERATION_ACTIONS))


class Cursor(Id):
    """The largest feed item id a client has seen (0: none yet)."""

    def __init__(self, **kwargs):
        fields.Integer.__init__(self, strict=True, validate=validate.Range(min=0, max=2**63 - 1), **kwargs)


class FollowIn(_Strict):
    commission_id = Id(required=True)
    after = Cursor(load_default=None, allow_none=True)


__all__ = ["ValidationError", "FollowIn", "JoinIn", "VoteIn", "WithdrawIn", "AskIn", "UpvoteIn", "WatchIn", "ControlIn", "ModerateIn"]
