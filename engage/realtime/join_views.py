"""What a phone's ``join`` is answered from, kept in memory per join code, so a hall of phones
joining in the same few seconds does not read the same session, question and tally from the
database once a phone.

Measured (py-spy, Engage's worker, 2,000 phones joining at 500 a second): the join handler was
the largest single cost of a join, and most of it was the database: a connection from the
pool, the session by its code, its questions (a lazy load), the question's ``seq`` for the
tally. All of it is the same for every phone of the room until staff change something.

A ``JoinView`` holds the JSON shapes ``views.snapshot`` gives the room (``session``,
``question``) and what the handler decides with (ended, the current question, whether the room
sees its results). It is dropped as soon as this app's event bus hears of any change to its
session (every live event but the high-rate result signals, which change only the tally), and
after ``ttl`` seconds whatever happens, as a safety net for a change that publishes no event.
A view read from the database while a change committed is not kept (the generation check), so
a join never caches what was already out of date.

The tally of the ack is the one this process last broadcast for the question
(``Broadcaster.latest_tally``): the phone is in the room before it is read, so a vote committed
after that broadcast reaches the phone in the next one, and the phone keeps the highest ``seq``.

Only within one process: with a message queue (``SOCKETIO_MESSAGE_QUEUE``) other processes
change sessions and store votes without this process hearing of it, so every join reads the
database as before (``enabled=False``).
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from commissioning_steps.events import DomainEvent, EventBus
from surveys.live import sessions, views
from surveys.live.errors import UnknownSession
from surveys.live.events import RESULT_EVENTS, PresenterWatching
from surveys.live.join_codes import normalise_code
from surveys.live.models import LiveSession

#: Seconds a view is used at most without being read again from the database.
TTL = 5.0
#: Views kept at most (one per live session with phones joining).
SIZE = 1_000
_NOT_VIEW_CHANGES = tuple(cls.name for cls in RESULT_EVENTS) + (PresenterWatching.name,)


@dataclass(frozen=True)
class JoinView:
    session_id: int
    ended: bool
    #: ``views.session`` and ``views.question`` of the current question, as the room sees them.
    session: dict[str, Any]
    question: dict[str, Any] | None
    question_id: int | None
    #: Whether the room sees the current question's results now, and whether they include a list.
    room_sees: bool
    listed: bool
    asks: bool


def view_of(live: LiveSession) -> JoinView:
    current = sessions.current_question(live)
    return JoinView(
        session_id=live.id, ended=live.ended, session=views.session(live), question=views.question(live, current),
        question_id=current.id if current is not None else None,
        room_sees=bool(current is not None and current.revealed and live.current_question_id == current.id),
        listed=bool(current is not None and current.kind.listed),
        asks=bool(current is not None and current.kind.asks))


class JoinViews:
    """One per app (the ``/live`` namespace's), subscribed to the app's event bus."""

    def __init__(self, bus: EventBus | None, *, enabled: bool = True, ttl: float = TTL, size: int = SIZE,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.enabled = enabled
        self.ttl, self.size, self.clock = ttl, size, clock
        self._views: dict[str, tuple[float, JoinView]] = {}
        self._generation = 0
        self._lock = threading.Lock()
        self.hits = self.misses = 0
        if bus is not None and enabled:
            bus.subscribe("*", self._on_event)

    def find(self, typed: Any, read: Callable[[str], LiveSession]) -> JoinView:
        """The view of the session ``typed`` names (``UnknownSession`` if none does);
        ``read(code)`` loads the session from the database when the view is not held."""
        code = normalise_code(typed)
        if not code:
            raise UnknownSession("No live session has that code. Check the code on the screen and try again.")
        if self.enabled:
            with self._lock:
                held = self._views.get(code)
                generation = self._generation
            if held is not None and self.clock() - held[0] <= self.ttl:
                self.hits += 1
                return held[1]
        self.misses += 1
        view = view_of(read(code))
        if self.enabled:
            with self._lock:
                if generation == self._generation:  # nothing changed while it was read
                    self._views[code] = (self.clock(), view)
                    while len(self._views) > self.size:
                        self._views.pop(next(iter(self._views)))
        return view

    def forget(self, session_id: int | None = None) -> None:
        """Drop the views of ``session_id`` (all of them when ``None``)."""
        with self._lock:
            self._generation += 1
            if session_id is None:
                self._views.clear()
            else:
                for code in [c for c, (_, v) in self._views.items() if v.session_id == session_id]:
                    del self._views[code]

    def _on_event(self, evt: DomainEvent) -> None:
        session_id = getattr(evt, "session_id", None)
        if session_id is None or evt.name in _NOT_VIEW_CHANGES:
            return
        self.forget(session_id)
