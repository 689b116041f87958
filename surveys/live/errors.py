"""What can go wrong in a live session, each with the ``code`` the protocol promises.

They subclass the domain's own errors, so the web adapter answers them with the usual statuses
(404, 409, 422) and the socket handlers with ``{"ok": false, "error": {"code", "message"}}``.
Phones branch on ``code``; ``message`` is for the person holding the phone.
"""
from __future__ import annotations

from commissioning_steps.errors import Conflict, Invalid, NotFound


class UnknownSession(NotFound):
    code = "unknown_session"


class UnknownQuestion(NotFound):
    code = "unknown_question"


class UnknownEntry(NotFound):
    code = "unknown_entry"


class QuestionNotOpen(Conflict):
    """Voting (or asking) on a question that has not opened yet or has closed."""

    code = "question_closed"


class SessionEnded(Conflict):
    """Joining, voting or running a session that has ended (or was removed while in use)."""

    code = "session_ended"


class QuestionLocked(Conflict):
    """Changing or removing a question that has been opened: its answers would no longer fit it."""

    code = "question_locked"


class InvalidValue(Invalid):
    code = "invalid_value"

    def __init__(self, message: str, field: str = "value"):
        super().__init__({field: message}, message)


class TooLong(Invalid):
    code = "too_long"

    def __init__(self, message: str, field: str = "value"):
        super().__init__({field: message}, message)
