"""``/presenter``: the staff screens that run a session. Signed-in staff only.

``watch`` is for staff screens (every result, recorded as a viewing); ``project`` for the
projector view, which sees only what the room sees.

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
from surveys.live import running, views
from surveys.live.errors import UnknownSession
from surveys.live.models import LiveSession

from ..extensions import db_session
from .broadcaster import PRESENTER, Broadcaster, projector_room, room
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
        join_room(room(live.id))
        self.broadcaster.watching(request.sid, live.id)
        return {"ok": True, **views.snapshot(db, live, views.STAFF)}

    @event
    def on_project(self, data):
        """The projector view: it joins as the room does, so it receives results only once they
        are shown (never interim ones), and is therefore not recorded as a viewing."""
        data = load(WatchIn(), data)
        db, _, live = authorised_session(data["session_id"], write=False)
        join_room(projector_room(live.id))
        self.broadcaster.watching(request.sid, live.id)
        return {"ok": True, **views.projector(db, live)}

    @event
    def on_control(self, data):
        data = load(ControlIn(), data)
        db, user, live = authorised_session(data["session_id"], write=True)
        question = running.control(db, live, data["action"], data["question_id"], user)
        return {"ok": True, "question": views.question(live, question)}

    @event
    def on_moderate(self, data):
        data = load(ModerateIn(), data)
        db, user, live = authorised_session(data["session_id"], write=True)
        running.moderate(db, live, data["question_id"], data["entry_id"], data["action"], user)
        return {"ok": True}
