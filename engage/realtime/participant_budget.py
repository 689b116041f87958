"""How many new participants each client address may make in one live session, and how many
joined from the busiest one.

A script re-joining without its token gets a fresh participant each time, so it could stuff a
poll with votes. Refusing all but a few participants per address would refuse a hall of phones
behind one venue's Wi-Fi, so the budget is sized for a venue (``LIVE_PARTICIPANTS_PER_ADDRESS``,
1,000 by default: hundreds of phones join, a script making thousands is stopped), and the
session records the most participants that joined from one address, which the poll result and
its evidence entry show: stuffing cannot hide in a total.

Addresses are never stored or logged. Counters are keyed by a keyed BLAKE2b digest of the
address (IPv6 by its /64 network, which one household or venue is given, so a script cannot
rotate through its own addresses), held in the same storage as the rate limits (in memory per
app, or Redis when one is configured, shared across processes) and expire after
``COUNT_FOR``. Only the count of the busiest address reaches the database.
"""
from __future__ import annotations

import hashlib
import ipaddress
import threading

from flask import Flask
from limits.storage import Storage, storage_from_string

from ..rate_limits import MEMORY, storage_url

COUNT_FOR = 24 * 3600  # seconds: longer than any evening's session
TOO_MANY = ("So many phones have joined this session from your internet connection that no more can join from "
            "it. Ask the person running the session for help.")


def _network(address: str) -> str:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 4:
        return str(ip)
    if ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    return str(ipaddress.ip_network(f"{ip}/64", strict=False))


class ParticipantBudget:
    """Counts new participants per (live session, address); one per app."""

    def __init__(self, app: Flask) -> None:
        url = storage_url(app)
        self.storage: Storage = storage_from_string(url)
        self.prefix = f"engage-{id(app)}" if url == MEMORY else "engage"
        self.per_address = int(app.config.get("LIVE_PARTICIPANTS_PER_ADDRESS", 1000))
        self._key = hashlib.blake2b(app.secret_key.encode() if isinstance(app.secret_key, str) else app.secret_key,
                                    digest_size=32, person=b"engage-joins").digest()
        self._busiest: dict[int, int] = {}  # this process's view of what the database holds
        self._digests: dict[str, str] = {}  # address -> its keyed digest (a venue's phones share one)
        self._lock = threading.Lock()

    def _counter(self, session_id: int, address: str | None) -> str:
        address = address or "unknown"
        digest = self._digests.get(address)
        if digest is None:  # parsing the address and hashing it was most of a join's budget check
            digest = hashlib.blake2b(_network(address).encode(), key=self._key, digest_size=16).hexdigest()
            if len(self._digests) >= 10_000:
                self._digests.clear()
            self._digests[address] = digest
        return f"{self.prefix}/live-participants/{session_id}/{digest}"

    def admit(self, session_id: int, address: str | None) -> int | None:
        """Count one new participant from ``address``: how many that address has now made in
        this session, or ``None`` (nothing counted) when its budget is spent."""
        key = self._counter(session_id, address)
        if self.storage.get(key) >= self.per_address:
            return None
        return self.storage.incr(key, COUNT_FOR)

    def is_new_busiest(self, session_id: int, count: int) -> bool:
        """Whether ``count`` beats the busiest count this process knows for the session (the
        database keeps the maximum whatever the order processes write in)."""
        with self._lock:
            if count <= self._busiest.get(session_id, 0):
                return False
            self._busiest[session_id] = count
            if len(self._busiest) > 10_000:  # old sessions: forgetting only costs a redundant write
                self._busiest.pop(next(iter(self._busiest)))
            return True
