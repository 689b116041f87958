"""The sockets connected to this process, by live room and participant (in memory).

How many people are in a live room, as opposed to how many sockets.

One person often holds several connections: a reload opens a new socket
before the old one times out, a second tab, a phone switching from Wi-Fi to
mobile data.  Counting sockets would make the "N participants" figure on the
projector jump around and overstate turnout, so connections (sids) are
grouped by participant (the id inside their participant token) and only
distinct participants are counted.

Pure and in memory, per process: with several server processes each process
counts its own connections; ``surveys.live.presence`` stores every process's
participants in the database, which is where the global figure comes from.
"""

from __future__ import annotations

from collections.abc import Hashable

__all__ = ["ConnectedParticipants"]


class ConnectedParticipants:
    """Distinct participants per room, tolerant of several sids per participant."""

    def __init__(self) -> None:
        self._by_sid: dict[Hashable, tuple[Hashable, Hashable]] = {}
        # room -> participant -> number of that participant's sids in the room.
        # Empty inner dicts are removed so that memory follows live rooms only.
        self._rooms: dict[Hashable, dict[Hashable, int]] = {}

    def connect(self, room: Hashable, participant: Hashable, sid: Hashable) -> bool:
        """Record that ``sid`` belongs to ``participant`` in ``room``.

        A sid is in one room at a time, so a sid that joins again (another
        session, or the same one after a new token) is moved rather than
        counted twice.  Returns whether ``count(room)`` went up, i.e. whether
        a new ``participants`` broadcast is worth sending.
        """
        if self._by_sid.get(sid) == (room, participant):
            return False
        self.disconnect(sid)
        members = self._rooms.setdefault(room, {})
        before = members.get(participant, 0)
        members[participant] = before + 1
        self._by_sid[sid] = (room, participant)
        return before == 0

    def disconnect(self, sid: Hashable) -> Hashable | None:
        """Forget ``sid``; returns the room it was in, or ``None`` if unknown.

        The room is returned even when the participant still has other sids
        there (the count is then unchanged), so callers can simply rebroadcast
        ``count(room)``.
        """
        entry = self._by_sid.pop(sid, None)
        if entry is None:
            return None
        room, participant = entry
        members = self._rooms[room]
        remaining = members[participant] - 1
        if remaining:
            members[participant] = remaining
        else:
            del members[participant]
            if not members:
                del self._rooms[room]
        return room

    def count(self, room: Hashable) -> int:
        """Distinct participants with at least one connection in ``room``."""
        return len(self._rooms.get(room, ()))

    def sockets(self, room: Hashable) -> int:
        """Connections in ``room``, a participant's second tab or old socket included."""
        return sum(self._rooms.get(room, {}).values())

    def rooms(self) -> set[Hashable]:
        """Rooms with at least one connection."""
        return set(self._rooms)

    def room_of(self, sid: Hashable) -> Hashable | None:
        entry = self._by_sid.get(sid)
        return None if entry is None else entry[0]

    def is_present(self, room: Hashable, participant: Hashable) -> bool:
        return participant in self._rooms.get(room, ())

    def snapshot(self) -> dict[Hashable, frozenset[Hashable]]:
        """Every room with its distinct participants, for mirroring into shared storage."""
        return {room: frozenset(members) for room, members in self._rooms.items()}
