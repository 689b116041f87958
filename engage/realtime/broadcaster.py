"""The broadcaster: turns committed changes into ``question``, ``tally``, ``entries`` and
``participants`` messages for the rooms that should see them.

- It subscribes to the event bus, so it only ever hears about committed changes.
- A vote only *marks* its question dirty (``TallyCoalescer``); one background task per process
  reads each dirty question's tally from the database and emits it at most every
  ``LIVE_BROADCAST_INTERVAL`` seconds, so the cost follows rooms and time, not votes times
  listeners.
- Question changes (open, close, reveal, hide, move) are sent at once. Closing sends the
  final tally at once too, read after the close committed, so it equals the stored votes.
- Results go to staff screens (``/presenter``) always, and to phones (``/live``) only for the
  current question, and only while its results are shown. The projector view is a
  ``/presenter`` socket in the session's projector room, and gets what phones get.
- Ending a session (or deleting one that never ran) sends ``session_ended`` to everyone.
- Presence: sockets are counted in memory, mirrored into ``live_presence`` by the same task
  (at most every ``PRESENCE_INTERVAL``, and on a heartbeat), and counted from there, so the
  figure is right with any number of processes.

- A room's tallies are spaced by its size too: at most every ``max(interval, sockets in the
  room on this process / LIVE_BROADCAST_SEND_BUDGET)`` (``TallyCoalescer``'s send budget), so a
  hall of 5,000 phones on one process gets one every 0.5 s, not 0.2 s: sending is what a
  process spends its CPU on at that scale. A close's final tally is never held back.

Emitting goes through Flask-SocketIO, which publishes through the message queue when one is
configured: a broadcast from any process reaches sockets on every process. With a queue
(``local_tallies``), the coalesced tallies of a session's *current* question are the exception:
each process sends them to its own sockets only (``ignore_queue``), and notices the other
processes' votes by reading the ``seq`` of the current questions of its rooms once an interval
(one query), so a phone gets one tally an interval however many processes there are, instead
of one from each. Question changes, the close's final tally (read after the close committed),
other questions' results and session ends still go through the queue, at once, to every
process's sockets.
"""
from __future__ import annotations

import atexit
import logging
import os
import secrets
import socket
import threading
import time
from collections.abc import Callable
from contextlib import closing
from typing import Any

from flask import Flask
from flask_socketio import SocketIO
from sqlalchemy import select

from commissioning_steps.events import DomainEvent, EventBus
from surveys.live import presence, results, views
from surveys.live.events import (
    QUESTION_EVENTS, RESULT_EVENTS, SESSION_END_EVENTS, LiveQuestionClosed, LiveSessionDeleted,
)
from surveys.live.models import LiveQuestion, LiveSession

from .coalescer import TallyCoalescer
from .connected import ConnectedParticipants

log = logging.getLogger(__name__)

LIVE, PRESENTER = "/live", "/presenter"
#: Sockets joining or leaving are written to ``live_presence`` at most this often.
PRESENCE_INTERVAL = 0.5
#: With nothing to do the task still wakes this often (a safety net for a missed wake-up).
IDLE_WAIT = 5.0


def room(session_id: int) -> str:
    return f"session:{session_id}"


def projector_room(session_id: int) -> str:
    """The projector views of a session (on ``/presenter``): they see what the room sees."""
    return f"projector:{session_id}"


#: Who gets which audience's results: (namespace, room of a session, audience).
_AUDIENCES = ((PRESENTER, room, views.STAFF), (PRESENTER, projector_room, views.ROOM), (LIVE, room, views.ROOM))


def _process_name() -> str:
    """Names this process's rows in ``live_presence``: host, pid and a random part."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(4)}"


class Broadcaster:
    def __init__(self, app: Flask, socketio: SocketIO, bus: EventBus, *, interval: float = 0.2,
                 send_budget: float | None = None, local_tallies: bool = False,
                 loop: bool = True, clock: Callable[[], float] = time.monotonic) -> None:
        self.app = app
        self.socketio = socketio
        self.bus = bus
        self.loop_enabled = loop
        self.clock = clock
        self.process = _process_name()
        self.interval = interval
        self.coalescer: TallyCoalescer[tuple[int, int]] = TallyCoalescer(
            interval, clock=clock, send_budget=send_budget, room_size=self._sockets_of)
        #: Coalesced tallies of current questions to this process's sockets only (see above).
        self.local_tallies = local_tallies
        #: The highest ``seq`` this process has read of each question's results (local_tallies).
        self._read_seq: dict[int, int] = {}
        self._next_seq_check = 0.0
        #: Tallies by seq, shared by every join acknowledgement and broadcast of this app.
        self.tallies = results.TallyCache()
        #: The tally last read for a broadcast, by question (``latest_tally``).
        self._latest: dict[int, dict[str, Any]] = {}
        self.connected = ConnectedParticipants()
        self._watchers: dict[str, int] = {}  # presenter sid -> session id
        self._presence_dirty: set[int] = set()
        self._last_counts: dict[int, int] = {}
        self._next_presence_sync = 0.0
        self._next_heartbeat = 0.0
        self._lock = threading.RLock()
        self._wake = threading.Event()
        self._stopped = threading.Event()
        self._task = None
        self._subscriptions = [(evt.name, self._on_question_event) for evt in QUESTION_EVENTS] + \
                              [(evt.name, self._on_results_changed) for evt in RESULT_EVENTS] + \
                              [(evt.name, self._on_session_ended) for evt in SESSION_END_EVENTS]

    # -- lifecycle --------------------------------------------------------------------------

    def subscribe(self) -> None:
        for name, fn in self._subscriptions:
            self.bus.subscribe(name, fn)

    def stop(self) -> None:
        """Stop listening and let the task end (a new app in the same process replaces us)."""
        for name, fn in self._subscriptions:
            self.bus.unsubscribe(name, fn)
        self._stopped.set()
        self._wake.set()

    def ensure_started(self) -> None:
        """Start the background task in the process that serves sockets (not before a fork)."""
        if not self.loop_enabled or self._task is not None:
            return
        with self._lock:
            if self._task is None and not self._stopped.is_set():
                self.process = _process_name()  # the app may have been created before a fork
                self._task = self.socketio.start_background_task(self.run)
                # The task is a daemon thread, so a clean exit does not wait for it to tidy up.
                atexit.register(self.forget_process)

    def run(self) -> None:
        log.info("live broadcaster started in process %s", os.getpid())
        while not self._stopped.is_set():
            try:
                self.tick()
            except Exception:  # noqa: BLE001 - a database hiccup must not end live updates
                log.exception("live broadcaster tick failed")
            self._wake.wait(self._wait_time())
            self._wake.clear()
        self.forget_process()

    def _wait_time(self) -> float:
        now = self.clock()
        with self._lock:
            waits = [IDLE_WAIT, max(0.0, self._next_heartbeat - now)]
            deadline = self.coalescer.next_deadline(now)
            if deadline is not None:
                waits.append(deadline)
            if self._presence_dirty:
                waits.append(max(0.0, self._next_presence_sync - now))
            if self.local_tallies and self._local_sessions():
                waits.append(max(0.0, self._next_seq_check - now))
        return min(waits)

    # -- one round of work (the task's loop body; tests call it directly) ----------------------

    def tick(self, now: float | None = None) -> None:
        now = self.clock() if now is None else now
        if self.local_tallies and now >= self._next_seq_check:
            self._next_seq_check = now + self.interval
            self.notice_other_processes()
        with self._lock:
            due = self.coalescer.due(now)
        for session_id, question_id in due:
            self.send_results(session_id, question_id, local=self.local_tallies)
        with self._lock:
            presence_due = (self._presence_dirty and now >= self._next_presence_sync) or now >= self._next_heartbeat
        if presence_due:
            self.sync_presence(now)

    # -- bus subscribers (after commit, in the thread that committed) ---------------------

    def _on_results_changed(self, evt: DomainEvent) -> None:
        with self._lock:
            self.coalescer.mark((evt.session_id, evt.question_id))
        self._wake.set()

    def _on_question_event(self, evt: DomainEvent) -> None:
        if isinstance(evt, LiveQuestionClosed):
            with self._lock:
                self.coalescer.flush((evt.session_id, evt.question_id), now=self.clock())
        self.send_question(evt.session_id, evt.question_id)

    def _on_session_ended(self, evt: DomainEvent) -> None:
        message = {"session_id": evt.session_id, "deleted": isinstance(evt, LiveSessionDeleted)}
        for namespace, room_of in ((LIVE, room), (PRESENTER, room), (PRESENTER, projector_room)):
            self.socketio.emit("session_ended", message, namespace=namespace, to=room_of(evt.session_id))

    # -- emitting -------------------------------------------------------------------------

    def _read(self, fn: Callable[[Any], Any]) -> Any:
        with closing(self.app.extensions["engage.db"].session()) as db:
            return fn(db)

    def send_question(self, session_id: int, question_id: int) -> None:
        """The session's current question to everyone, then the changed question's results."""
        def build(db):
            live = db.get(LiveSession, session_id)
            if live is None:
                return None
            staff_message = views.snapshot(db, live, views.STAFF, with_results=False)
            live_message = {"question": staff_message["question"]}
            return live_message, staff_message, self._results(db, live, question_id)

        built = self._read(build)
        if built is None:
            return
        live_message, staff_message, result_messages = built
        self.socketio.emit("question", live_message, namespace=LIVE, to=room(session_id))
        self.socketio.emit("question", live_message, namespace=PRESENTER, to=projector_room(session_id))
        self.socketio.emit("question", staff_message, namespace=PRESENTER, to=room(session_id))
        self._emit_results(session_id, result_messages)

    def send_results(self, session_id: int, question_id: int, *, local: bool = False) -> None:
        """The question's results to its rooms; with ``local``, a current question's to this
        process's sockets only (every process sends its own: ``notice_other_processes``)."""
        def build(db):
            live = db.get(LiveSession, session_id)
            if live is None:
                return None
            return self._results(db, live, question_id), live.current_question_id == question_id

        built = self._read(build)
        if built is not None:
            messages, current = built
            self._emit_results(session_id, messages, local=local and current)

    def notice_other_processes(self) -> None:
        """Mark the current question of every session with sockets here whose ``seq`` moved
        past what this process last read: votes another process committed (one query)."""
        with self._lock:
            sessions = self._local_sessions()
        if not sessions:
            return
        rows = self._read(lambda db: db.execute(
            select(LiveSession.id, LiveQuestion.id, LiveQuestion.seq)
            .join(LiveQuestion, LiveQuestion.id == LiveSession.current_question_id)
            .where(LiveSession.id.in_(sorted(sessions)))).all())
        marked = False
        with self._lock:
            for session_id, question_id, seq in rows:
                if seq > self._read_seq.get(question_id, -1):
                    self.coalescer.mark((session_id, question_id))
                    marked = True
        if marked:
            self._wake.set()

    def _local_sessions(self) -> set[int]:
        """Sessions with a phone or a staff screen connected to this process (under the lock)."""
        return self.connected.rooms() | set(self._watchers.values())

    def _sockets_of(self, key: tuple[int, int]) -> int:
        """The sockets a tally of ``key``'s session goes to from this process (the coalescer's
        room size; called under the lock)."""
        session_id = key[0]
        return self.connected.sockets(session_id) + sum(1 for s in self._watchers.values() if s == session_id)

    def _results(self, db, live: LiveSession, question_id: int) -> list[tuple[str, str, str, dict]]:
        """(namespace, room, event, payload) for a question's results, following the hiding rule."""
        shown = views.results_for(db, live, db.get(LiveQuestion, question_id), tallies=self.tallies)
        if shown[views.STAFF]["tally"] is not None:
            self.note_tally(question_id, shown[views.STAFF]["tally"])
        seqs = [shown[views.STAFF][event]["seq"] for event in ("tally", "entries") if shown[views.STAFF][event]]
        if seqs:
            with self._lock:
                self._read_seq[question_id] = max(max(seqs), self._read_seq.get(question_id, -1))
                if len(self._read_seq) > 1_000:
                    self._read_seq.pop(next(iter(self._read_seq)))
        messages = []
        for namespace, room_of, audience in _AUDIENCES:
            for event in ("tally", "entries"):
                if shown[audience][event] is not None:
                    messages.append((namespace, room_of(live.id), event, shown[audience][event]))
        return messages

    def note_tally(self, question_id: int, tally: dict[str, Any]) -> None:
        """Remember ``tally`` as the question's latest unless one with a higher ``seq`` is held
        (an equal one replaces it: the question's definition may have changed)."""
        with self._lock:
            held = self._latest.get(question_id)
            if held is None or tally["seq"] >= held["seq"]:
                self._latest[question_id] = tally
                if len(self._latest) > 1_000:
                    self._latest.pop(next(iter(self._latest)))

    def latest_tally(self, question_id: int) -> dict[str, Any] | None:
        """The tally this process last read for a broadcast of the question, or ``None``.

        It was recorded before it was emitted, so a phone that entered the room before reading
        it gets every later broadcast: a join can answer with it instead of reading the votes."""
        with self._lock:
            return self._latest.get(question_id)

    def _emit_results(self, session_id: int, messages: list[tuple[str, str, str, dict]], *,
                      local: bool = False) -> None:
        extra = {"ignore_queue": True} if local else {}
        for namespace, to, event, payload in messages:
            self.socketio.emit(event, payload, namespace=namespace, to=to, **extra)

    # -- presence ---------------------------------------------------------------------------

    def joined(self, sid: str, session_id: int, participant: str) -> None:
        with self._lock:
            previous = self.connected.room_of(sid)
            self.connected.connect(session_id, participant, sid)
            self._presence_dirty.add(session_id)
            if previous is not None:
                self._presence_dirty.add(previous)
        self._wake.set()

    def left(self, sid: str) -> None:
        with self._lock:
            session_id = self.connected.disconnect(sid)
            if session_id is not None:
                self._presence_dirty.add(session_id)
        if session_id is not None:
            self._wake.set()

    def watching(self, sid: str, session_id: int) -> None:
        with self._lock:
            self._watchers[sid] = session_id

    def unwatched(self, sid: str) -> None:
        with self._lock:
            self._watchers.pop(sid, None)

    def participants(self, session_id: int) -> int:
        return self._read(lambda db: presence.count(db, session_id))

    def sync_presence(self, now: float | None = None) -> None:
        """Mirror this process's sockets into ``live_presence``; broadcast counts that changed."""
        now = self.clock() if now is None else now
        with self._lock:
            snapshot = self.connected.snapshot()
            dirty, self._presence_dirty = self._presence_dirty, set()
            watched = set(self._watchers.values())
            self._next_presence_sync = now + PRESENCE_INTERVAL
            self._next_heartbeat = now + presence.HEARTBEAT.total_seconds()
        rooms = set(snapshot) | dirty | watched
        try:
            with closing(self.app.extensions["engage.db"].session(write=True)) as db:
                presence.sync(db, self.process, {sid: set(members) for sid, members in snapshot.items()})
                counts = presence.counts(db, rooms)
        except Exception:
            with self._lock:
                self._presence_dirty |= dirty  # try again on the next round
            raise
        for session_id, count in counts.items():
            if self._last_counts.get(session_id) != count:
                self._last_counts[session_id] = count
                message = {"count": count}
                self.socketio.emit("participants", message, namespace=LIVE, to=room(session_id))
                self.socketio.emit("participants", message, namespace=PRESENTER, to=room(session_id))
                self.socketio.emit("participants", message, namespace=PRESENTER, to=projector_room(session_id))
        for session_id in set(self._last_counts) - rooms:
            del self._last_counts[session_id]

    def forget_process(self) -> None:
        """On a clean shutdown, stop counting this process's participants at once."""
        try:
            with closing(self.app.extensions["engage.db"].session(write=True)) as db:
                presence.forget_process(db, self.process)
        except Exception:  # noqa: BLE001 - the rows go stale on their own anyway
            log.warning("could not remove this process's presence rows; they expire by themselves")
