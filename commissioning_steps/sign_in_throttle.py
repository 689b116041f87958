"""Throttling password guessing, in memory, without locking owners out or naming accounts.

Three budgets, checked on every sign-in attempt (the page and ``POST /api/v1/auth/token``):

- **per (account, address) pair**: ``PAIR_FAILURES`` wrong passwords in a row for one email from
  one address lock that pair for ``PAIR_LOCKOUT``. The owner signing in from anywhere else is not
  affected, and a locked pair answers exactly like a wrong password or an unknown email (the
  email is the key, whether or not it has an account), so the lock says nothing about accounts.
- **per address**: failed attempts from one address draw on a token bucket (``address_burst`` at
  once, then ``address_per_minute``): one address spraying one password over many accounts is
  stopped after a handful, whichever accounts it tries.
- **global**: the same over all addresses, against spraying from many addresses at once.

An attempt takes a token from the address and global buckets before the password is checked
and gives it back if the password was right, so concurrent guesses cannot overdraw a budget and
staff signing in correctly behind one office address never use it up. Over either budget the
attempt is refused without checking the password (checking it would tell the guesser when it
was right); that answer depends only on the address or the whole service, never on the account.

Addresses are never stored, logged or even kept as given: keys are a keyed BLAKE2b digest with
a random key made per throttle, held in this process's memory only. Memory is bounded
(``max_keys``, least recently seen forgotten first). With several server processes each has
its own budgets.

Pure Python (no Flask): the web adapter keeps one per app in ``app.extensions``.
"""
from __future__ import annotations

import hashlib
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

PAIR_FAILURES = 5
PAIR_LOCKOUT = 300.0  # seconds

OK, LOCKED, LIMITED = "ok", "locked", "limited"


class _Buckets:
    """Keyed token buckets (not thread-safe on their own: the throttle holds the lock)."""

    def __init__(self, per_minute: float, burst: int, max_keys: int, clock: Callable[[], float]) -> None:
        self.rate = max(per_minute, 0.001) / 60.0
        self.burst = max(1, int(burst))
        self.max_keys = max_keys
        self.clock = clock
        self.tokens: OrderedDict[bytes, tuple[float, float]] = OrderedDict()

    def _level(self, key: bytes, now: float) -> float:
        level, then = self.tokens.get(key, (float(self.burst), now))
        return min(float(self.burst), level + (now - then) * self.rate)

    def take(self, key: bytes) -> bool:
        now = self.clock()
        level = self._level(key, now)
        if level < 1.0:
            return False
        self._store(key, level - 1.0, now)
        return True

    def give_back(self, key: bytes) -> None:
        now = self.clock()
        self._store(key, min(float(self.burst), self._level(key, now) + 1.0), now)

    def retry_after(self, key: bytes) -> int:
        level = self._level(key, self.clock())
        return max(1, int((1.0 - level) / self.rate) + 1)

    def _store(self, key: bytes, level: float, now: float) -> None:
        self.tokens[key] = (level, now)
        self.tokens.move_to_end(key)
        while len(self.tokens) > self.max_keys:
            self.tokens.popitem(last=False)


@dataclass(frozen=True)
class Admission:
    """What the throttle said before the password is checked."""

    outcome: str  # OK, LOCKED (the pair: answer as a wrong password), LIMITED (answer 429)
    retry_after: int = 0
    _pair: bytes = b""
    _address: bytes = b""

    @property
    def may_check(self) -> bool:
        return self.outcome == OK


class SignInThrottle:
    def __init__(self, *, address_per_minute: float = 10, address_burst: int = 20,
                 global_per_minute: float = 60, global_burst: int = 100,
                 pair_failures: int = PAIR_FAILURES, pair_lockout: float = PAIR_LOCKOUT,
                 max_keys: int = 100_000, clock: Callable[[], float] = time.monotonic) -> None:
        self._secret = secrets.token_bytes(32)
        self._lock = threading.Lock()
        self._clock = clock
        self.pair_failures = pair_failures
        self.pair_lockout = pair_lockout
        self.max_keys = max_keys
        self._addresses = _Buckets(address_per_minute, address_burst, max_keys, clock)
        self._global = _Buckets(global_per_minute, global_burst, 1, clock)
        # pair -> (wrong passwords in a row, locked until)
        self._pairs: OrderedDict[bytes, tuple[int, float]] = OrderedDict()

    def _key(self, *parts: str) -> bytes:
        h = hashlib.blake2b(key=self._secret, digest_size=16)
        for part in parts:
            h.update(part.encode("utf-8", "surrogatepass"))
            h.update(b"\x00")
        return h.digest()

    def admit(self, email: str, address: str | None) -> Admission:
        """Call before checking a password; then ``succeeded`` or ``failed`` with the answer."""
        address_key = self._key("address", address or "")
        pair_key = self._key("pair", email, address or "")
        with self._lock:
            if not self._global.take(b"all"):
                return Admission(LIMITED, self._global.retry_after(b"all"))
            if not self._addresses.take(address_key):
                self._global.give_back(b"all")
                return Admission(LIMITED, self._addresses.retry_after(address_key))
            _count, until = self._pairs.get(pair_key, (0, 0.0))
            if until > self._clock():
                return Admission(LOCKED, int(until - self._clock()) + 1, pair_key, address_key)
            return Admission(OK, 0, pair_key, address_key)

    def succeeded(self, admission: Admission) -> None:
        with self._lock:
            self._pairs.pop(admission._pair, None)
            self._addresses.give_back(admission._address)
            self._global.give_back(b"all")

    def failed(self, admission: Admission) -> None:
        """A wrong password (or unknown email): counts towards the pair's lock."""
        if admission.outcome != OK:
            return  # a locked pair's attempt already spent its address and global tokens
        with self._lock:
            count, _until = self._pairs.get(admission._pair, (0, 0.0))
            count += 1
            if count >= self.pair_failures:
                self._pairs[admission._pair] = (0, self._clock() + self.pair_lockout)
            else:
                self._pairs[admission._pair] = (count, 0.0)
            self._pairs.move_to_end(admission._pair)
            while len(self._pairs) > self.max_keys:
                self._pairs.popitem(last=False)
