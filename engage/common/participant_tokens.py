"""Participant tokens: how a phone stays the same participant across reloads and reconnects.

A token is a random participant id and the live session it belongs to, signed with the app's
``SECRET_KEY`` (itsdangerous), so a phone cannot pick someone else's id or forge one. Binding
it to one session means two sessions cannot be linked through a phone's tokens. The token is
not personal, but it is a bearer credential for that phone's votes: it is never logged.

It lives in ``engage/common`` because two adapters read it: the socket namespace a phone votes
through (``engage/realtime``) and the API that shows a phone where its words went
(``GET /api/v1/live/influence``).
"""
from __future__ import annotations

import re
import secrets
from functools import lru_cache

from flask import current_app
from itsdangerous import BadData, URLSafeSerializer

_SALT = "engage.live.participant"
_PARTICIPANT = re.compile(r"^[0-9a-f]{24}$")
MAX_TOKEN = 200


def _serializer() -> URLSafeSerializer:
    return _serializer_for(current_app.secret_key)


@lru_cache(maxsize=8)
def _serializer_for(secret_key) -> URLSafeSerializer:
    """One serializer per key (it holds nothing else): making one per token was a tenth of a
    join's work (its signer and key derivation), with a hall of phones joining at once."""
    return URLSafeSerializer(secret_key, salt=_SALT)


def issue(session_id: int) -> tuple[str, str]:
    """A new participant for ``session_id``: ``(token, participant id)``."""
    participant = secrets.token_hex(12)
    return _serializer().dumps({"s": session_id, "p": participant}), participant


def participant_of(token: object, session_id: int) -> str | None:
    """The participant id in ``token`` if it is genuine and for ``session_id``; else ``None``."""
    if not isinstance(token, str) or not token or len(token) > MAX_TOKEN:
        return None
    try:
        data = _serializer().loads(token)
    except BadData:
        return None
    if not isinstance(data, dict) or data.get("s") != session_id:
        return None
    participant = data.get("p")
    return participant if isinstance(participant, str) and _PARTICIPANT.match(participant) else None


def read(token: object) -> tuple[int, str] | None:
    """``(live session id, participant id)`` from a genuine token, whichever session it is for;
    else ``None``."""
    if not isinstance(token, str) or not token or len(token) > MAX_TOKEN:
        return None
    try:
        data = _serializer().loads(token)
    except BadData:
        return None
    if not isinstance(data, dict):
        return None
    session_id, participant = data.get("s"), data.get("p")
    if not isinstance(session_id, int) or isinstance(session_id, bool) or session_id < 1:
        return None
    if not isinstance(participant, str) or not _PARTICIPANT.match(participant):
        return None
    return session_id, participant
