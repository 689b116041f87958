"""``/activity``: a commission's activity feed, live, for its commissioners and evaluators.

Authorised as ``/presenter`` is: a signed-in member of staff to connect, and on every ``follow``
the account is loaded again (still active, still signed in) and must still be on the
commission's team (``commissioning_steps.access``). The feed's items only ever travel in the
answer to a ``follow``: what the server pushes to the commission's room is a nudge carrying the
commission's id alone, after which the client follows again with its cursor. So someone removed
from the team while connected learns nothing more: their next ``follow`` is refused, and takes
them out of the room.

The nudges come from the ``ActivityNotifier``: it hears committed events on the app's bus and
sends a commission's nudge at most every ``ACTIVITY_NUDGE_INTERVAL`` seconds, so a survey
filling up at a hundred responses a second costs its watchers one message a second.
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from flask import Flask, request
from flask_login import current_user
from flask_socketio import SocketIO, join_room, leave_room

from commissioning_steps import access
from commissioning_steps.errors import Forbidden, NotFound
from commissioning_steps.events import DomainEvent, EventBus
from commissioning_steps.staff import ADMIN, COMMISSIONER, EVALUATOR
from surveys.activity import FEED_EVENTS

from ..common.activity import feed_view
from ..extensions import db_session
from .coalescer import TallyCoalescer
from .handling import EventError, EventNamespace, event, load
from .schemas import FollowIn

log = logging.getLogger(__name__)

ACTIVITY = "/activity"
_STAFF_ROLES = (COMMISSIONER, EVALUATOR, ADMIN)
#: Besides the feed's own events: what changes what is coming up or needs attention.
NUDGING_EVENTS = frozenset(FEED_EVENTS) | {"survey.changed", "survey.deleted", "webhook.status_changed",
                                           "webhook.delivery_failed"}
IDLE_WAIT = 5.0


def room(commission_id: int) -> str:
    return f"activity:{commission_id}"


def _staff():
    user = current_user
    if not getattr(user, "is_authenticated", False) or user.role not in _STAFF_ROLES:
        raise Forbidden("Sign in as a member of the commission's team to see its activity")
    return user


class ActivityNamespace(EventNamespace):
    def __init__(self, notifier: "ActivityNotifier") -> None:
        super().__init__(ACTIVITY)
        self.notifier = notifier
        self._following: dict[str, int] = {}  # sid -> commission id
        self._lock = threading.Lock()

    def on_connect(self, auth=None):
        try:
            _staff()
        except Forbidden as exc:
            raise ConnectionRefusedError({"code": "forbidden", "message": exc.message}) from None
        self.notifier.ensure_started()
        return True

    def on_disconnect(self, reason=None):
        with self._lock:
            self._following.pop(request.sid, None)

    def _leave(self, commission_id: int | None) -> None:
        if commission_id is not None:
            leave_room(room(commission_id))
        with self._lock:
            if self._following.get(request.sid) == commission_id:
                self._following.pop(request.sid, None)

    @event
    def on_follow(self, data):
        """Follow a commission's feed: its items (after ``after``, when given), what is coming up
        and what needs attention. Sent again after each ``activity`` nudge."""
        data = load(FollowIn(), data)
        commission_id = data["commission_id"]
        try:
            user = _staff()
        except Forbidden:
            self._leave(commission_id)
            raise
        db = db_session(write=False)
        try:
            access.require(db, user, commission_id)
        except NotFound:
            self._leave(commission_id)
            raise EventError("not_found", "No commission with that id that you can see: "
                                          "ask the commission's team for access") from None
        with self._lock:
            previous = self._following.get(request.sid)
            self._following[request.sid] = commission_id
        if previous is not None and previous != commission_id:
            leave_room(room(previous))
        join_room(room(commission_id))
        return {"ok": True, **feed_view(commission_id, after=data["after"], session=db)}


class ActivityNotifier:
    """Turns committed events into coalesced ``activity`` nudges, one room per commission."""

    def __init__(self, socketio: SocketIO, bus: EventBus, *, interval: float = 1.0, loop: bool = True,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.socketio = socketio
        self.bus = bus
        self.loop_enabled = loop
        self.clock = clock
        self.coalescer: TallyCoalescer[int] = TallyCoalescer(interval, clock=clock)
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stopped = threading.Event()
        self._task = None

    def subscribe(self) -> None:
        self.bus.subscribe("*", self._on_event)

    def stop(self) -> None:
        self.bus.unsubscribe("*", self._on_event)
        self._stopped.set()
        self._wake.set()

    def _on_event(self, evt: DomainEvent) -> None:
        if evt.commission_id is None or evt.name not in NUDGING_EVENTS:
            return
        with self._lock:
            self.coalescer.mark(evt.commission_id)
        self._wake.set()

    def ensure_started(self) -> None:
        if not self.loop_enabled or self._task is not None:
            return
        with self._lock:
            if self._task is None and not self._stopped.is_set():
                self._task = self.socketio.start_background_task(self.run)

    def run(self) -> None:
        while not self._stopped.is_set():
            try:
                self.tick()
            except Exception:  # noqa: BLE001 - one failed emit must not end the feed's nudges
                log.exception("activity nudge failed")
            with self._lock:
                wait = self.coalescer.next_deadline()
            self._wake.wait(IDLE_WAIT if wait is None else wait)
            self._wake.clear()

    def tick(self, now: float | None = None) -> list[int]:
        """Send the nudges that are due; returns the commissions nudged (tests drive this)."""
        with self._lock:
            due = self.coalescer.due(self.clock() if now is None else now)
        for commission_id in due:
            self.socketio.emit("activity", {"commission_id": commission_id}, namespace=ACTIVITY, to=room(commission_id))
        return due


def init_app(app: Flask, socketio: SocketIO, bus: EventBus) -> ActivityNotifier:
    notifier = ActivityNotifier(socketio, bus, interval=app.config["ACTIVITY_NUDGE_INTERVAL"],
                                loop=app.config["LIVE_BROADCAST_LOOP"])
    notifier.subscribe()
    app.extensions["engage.activity"] = notifier
    socketio.on_namespace(ActivityNamespace(notifier))
    return notifier
