"""Coalescing of live tally broadcasts.

Broadcasting a tally on every vote costs votes x listeners messages: a room of
500 phones voting within a few seconds would send 250,000 messages, mostly
stale before they arrive.  Instead a vote only marks its room dirty (O(1)),
and a background loop asks :meth:`TallyCoalescer.due` which rooms may emit
now.  Each room emits at most once per ``interval`` and each emission is one
room-wide broadcast, so the work grows with the number of active rooms and
with time, never with votes x listeners.  Phones see a tally at most
``interval`` old, which is indistinguishable from "live".

A room's emission costs one send per socket in it, and sending is what a live
poll's process spends its CPU on at hall scale: at 2,000 phones and every
0.2 s, 10,000 WebSocket sends a second, most of each the loopback ``send``
system call itself (docs/performance.md, "Tally fan-out").  So with a
``send_budget`` (sends a second per room) a room's gap after an emission is
``max(interval, sockets / send_budget)``: a room of 5,000 phones with a budget
of 10,000 is sent a tally every 0.5 s, a room of 2,000 still every 0.2 s.  A
close's final tally (:meth:`flush`) is never held back.

This is a plain state machine: no threads, no sleeping, no I/O.  The caller
drives it, typically::

    while True:
        for room in coalescer.due():
            broadcast_tally(room)          # read from the database
        socketio.sleep(coalescer.next_deadline() or idle_poll)

It is not thread-safe; call it from a single task (or guard it with a lock).
Times passed as ``now`` must not go backwards.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

__all__ = ["TallyCoalescer"]

Room = TypeVar("Room", bound=Hashable)


class TallyCoalescer(Generic[Room]):
    """Decides when each room's tally may be broadcast again.

    Guarantees, for times that never go backwards, where a room's *gap* is
    ``max(interval, room_size(room) / send_budget)`` taken at its emission
    (``interval`` without a budget):

    * :meth:`due` never returns a room within its gap of its previous
      emission (whether that emission came from :meth:`due` or
      :meth:`flush`);
    * a room marked after its last emission is returned by the first call to
      :meth:`due` at or after ``max(mark time, last emission + gap)``;
    * :meth:`due` only returns rooms that were marked since their last
      emission.
    """

    def __init__(
        self,
        interval: float = 0.2,
        clock: Callable[[], float] = time.monotonic,
        *,
        send_budget: float | None = None,
        room_size: Callable[[Room], int] | None = None,
    ) -> None:
        if not interval > 0:
            raise ValueError("interval must be positive")
        if send_budget is not None and not send_budget > 0:
            raise ValueError("send_budget must be positive (or None for no budget)")
        if send_budget is not None and room_size is None:
            raise ValueError("a send_budget needs room_size")
        self.interval = interval
        self.send_budget = send_budget
        self._room_size = room_size
        self._clock = clock
        # Ordered set of rooms with changes not yet broadcast; insertion order
        # keeps emission order fair (oldest change first).
        self._dirty: dict[Room, None] = {}
        # When each room still cooling down may emit again (its last emission
        # plus its gap).  Rooms whose cool-down has passed are dropped: for
        # them "emitted long ago" and "never emitted" mean the same, so memory
        # stays proportional to the rooms active within the last gap.
        self._ready_at: dict[Room, float] = {}

    def mark(self, room: Room) -> None:
        """Record that ``room``'s tally changed; called on every vote, so O(1)."""
        self._dirty[room] = None

    def is_dirty(self, room: Room) -> bool:
        return room in self._dirty

    def due(self, now: float | None = None) -> list[Room]:
        """Rooms to broadcast now; their emission is recorded as done at ``now``.

        The caller must broadcast every returned room: a room is not returned
        again until it is marked again.
        """
        if now is None:
            now = self._clock()
        self._expire(now)
        ready = [room for room in self._dirty if room not in self._ready_at]
        for room in ready:
            del self._dirty[room]
            self._ready_at[room] = now + self.gap(room)
        return ready

    def gap(self, room: Room) -> float:
        """Seconds ``room`` waits after an emission now: ``interval``, or longer for a room
        whose sockets would take more than ``interval`` of the send budget."""
        if self.send_budget is None:
            return self.interval
        return max(self.interval, self._room_size(room) / self.send_budget)

    def flush(self, room: Room, now: float | None = None) -> bool:
        """Force an emission of ``room`` now, ignoring the interval.

        Used when a question closes: the caller broadcasts the final tally
        immediately, so that the last tally after closing equals the stored
        votes exactly, however recently the room last emitted.  Returns
        whether the room had unbroadcast changes (the caller should broadcast
        either way; the answer is informative).  The forced emission counts
        as an emission: the room next emits no earlier than ``now`` plus its gap.
        """
        if now is None:
            now = self._clock()
        was_dirty = room in self._dirty
        self._dirty.pop(room, None)
        self._ready_at[room] = now + self.gap(room)
        return was_dirty

    def next_deadline(self, now: float | None = None) -> float | None:
        """Seconds until :meth:`due` will next return something; ``None`` if nothing is dirty.

        ``0.0`` means "call :meth:`due` now".  A sleeping loop should still
        wake up when a vote arrives while it sleeps with ``None`` (or poll at
        a modest idle rate).
        """
        if not self._dirty:
            return None
        if now is None:
            now = self._clock()
        soonest: float | None = None
        for room in self._dirty:
            ready_at = self._ready_at.get(room)
            if ready_at is None:
                return 0.0
            wait = ready_at - now
            if wait <= 0:
                return 0.0
            if soonest is None or wait < soonest:
                soonest = wait
        return soonest

    def forget(self, room: Room) -> None:
        """Drop all state for ``room`` (its session ended); pending changes are discarded."""
        self._dirty.pop(room, None)
        self._ready_at.pop(room, None)

    def __len__(self) -> int:
        """Number of rooms with unbroadcast changes."""
        return len(self._dirty)

    def _expire(self, now: float) -> None:
        # Same comparison as next_deadline, so the two never disagree about
        # whether a room is ready (floating point).
        expired = [room for room, ready_at in self._ready_at.items() if ready_at - now <= 0]
        for room in expired:
            del self._ready_at[room]
