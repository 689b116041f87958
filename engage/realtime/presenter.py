"""``/presenter``: the staff screens that run a session. Signed-in staff only.

The signed-in user comes from the Flask session cookie the browser sent when the socket
connected. It is checked on connect (role) and again on every event (the account is still
active, and may change this commission: ``commissioning_steps.access``), so removing someone
from a commission takes effect on their next click, not their next connection.
"""
from __future__ import annotations

from flask import request
from flask_login import current_user
from flask_socketio import join_room

from commissioning_steps import access
from commissioning_steps.errors import Forbidden, NotFound
from commissioning_steps.staff import ADMIN, COMMISSIONER
from surveys.live import presence, results, running, sessions
from surveys.live.errors import UnknownSession
from surveys.live.models import LiveSession

from ..extensions import database, db_session
from . import payloads
from .broadcaster import PRESENTER, Broadcaster, room
from .handling import EventNamespace, event, load
from .schemas import ControlIn, ModerateIn, WatchIn

_RUNNING_ROLES = (COMMISSIONER, ADMIN)


def _staff():
    user = current_user
    if not getattr(user, "is_authenticated", False) or user.role not in _RUNNING_ROLES:
        raise Forbidden("Only signed-in commissioners can run live sessions")
    return user


def authorised_session(session_id: int, *, write: bool):
    """The live session, if the signed-in user may run it (checked on every event).

    The database session is opened first, as a write session when the event changes data,
    because loading the user opens it too and the kind cannot change afterwards.
    """
    db = db_session(write=write)
    user = _staff()
    live = db.get(LiveSession, session_id)
    if live is None:
        raise UnknownSession("No live session with that id")
    try:
        access.require(db, user, live.commission_id, access.WRITE)
    except NotFound:
        raise UnknownSession("No live session with that id") from None
    return db, user, live


def record_watch(session_id: int, user) -> None:
    """Record that ``user`` sees this session's results, in a write transaction of its own.

    For pages and API reads, whose own session is a read session (a GET): interim results
    shown there are recorded like those a presenter socket receives.
    """
    db = database().session(write=True)
    try:
        running.record_watch(db, db.get(LiveSession, session_id), user)
        db.commit()
    finally:
        db.close()


def snapshot(db, live) -> dict:
    """What a presenter screen needs to draw itself from scratch."""
    current = sessions.current_question(live)
    data = {"session": payloads.staff_session(live), "question": payloads.question(live, current),
            "participants": presence.count(db, live.id), "tally": None, "entries": None}
    if current is not None:
        data["tally"] = results.tally(db, current)
        if current.type in results.LISTED_TYPES:
            data["entries"] = results.entries(db, current, include_hidden=True)
    return data


class PresenterNamespace(EventNamespace):
    def __init__(self, broadcaster: Broadcaster) -> None:
        super().__init__(PRESENTER)
        self.broadcaster = broadcaster

    def on_connect(self, auth=None):
        try:
            _staff()
        except Forbidden as exc:
            raise ConnectionRefusedError({"code": "forbidden", "message": exc.message}) from None
        self.broadcaster.ensure_started()
        return True

    def on_disconnect(self, reason=None):
        self.broadcaster.unwatched(request.sid)

    @event
    def on_watch(self, data):
        data = load(WatchIn(), data)
        db, user, live = authorised_session(data["session_id"], write=True)
        running.record_watch(db, live, user)
        db.commit()
        join_room(room(live.id))
        self.broadcaster.watching(request.sid, live.id)
        return {"ok": True, **snapshot(db, live)}

    @event
    def on_control(self, data):
        data = load(ControlIn(), data)
        db, user, live = authorised_session(data["session_id"], write=True)
        action, question_id = data["action"], data["question_id"]
        if action == "next":
            question = running.move(db, live, 1, user)
        elif action == "previous":
            question = running.move(db, live, -1, user)
        else:
            control = {"open": running.open_question, "close": running.close_question,
                       "reveal": running.reveal_results, "hide": running.hide_results,
                       "goto": running.go_to}[action]
            question = control(db, live, question_id, user)
        db.commit()
        return {"ok": True, "question": payloads.question(live, question)}

    @event
    def on_moderate(self, data):
        data = load(ModerateIn(), data)
        db, user, live = authorised_session(data["session_id"], write=True)
        running.moderate(db, live, data["question_id"], data["entry_id"], data["action"], user)
        db.commit()
        return {"ok": True}
