"""Recording how many participants joined a live session from its busiest client address,
without a write transaction per join.

Every phone of a hall behind one venue Wi-Fi is a new "busiest" count as it joins (1, 2, 3 ...
2,000), so writing each one cost a write transaction per join and, with a hall joining at once,
exhausted the connection pool. Here the highest count waiting is kept per session and one task
writes it after ``delay`` seconds; joins meanwhile only raise the waiting figure. The stored
figure can therefore lag the last ``delay`` seconds of joins, and with several processes each
writes its own (the conditional update keeps the maximum): both are a lower bound, as the
evidence entry's definition says.
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from contextlib import closing
from typing import Any

from commissioning_steps.db import Store
from surveys.live import sessions

log = logging.getLogger(__name__)

#: How long a count waits for the joins that follow it before it is written.
DELAY = 0.25


class BusiestAddressRecorder:
    def __init__(self, store: Store, *, start_task: Callable[..., Any] | None, delay: float = DELAY) -> None:
        self.store = store
        self.start_task = start_task  # None: write at once, in the caller (handler tests)
        self.delay = delay
        self._waiting: dict[int, int] = {}
        self._lock = threading.Lock()

    def note(self, session_id: int, participants: int) -> None:
        if self.start_task is None:
            self._write(session_id, participants)
            return
        with self._lock:
            waiting = self._waiting.get(session_id)
            self._waiting[session_id] = max(participants, waiting or 0)
        if waiting is None:  # no write on its way for this session yet
            self.start_task(self._flush, session_id)

    def _flush(self, session_id: int) -> None:
        time.sleep(self.delay)
        with self._lock:
            participants = self._waiting.pop(session_id)
        try:
            self._write(session_id, participants)
        except Exception:  # noqa: BLE001 - a figure for the record, never worth a phone's join
            log.exception("the busiest address's count for a live session could not be stored")

    def _write(self, session_id: int, participants: int) -> None:
        with closing(self.store.session(write=True)) as write:
            sessions.note_busiest_address(write, session_id, participants)
