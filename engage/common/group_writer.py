"""One task per process that stores what callers queued in groups, and answers each caller only
after its group has committed: the shape shared by the vote writer (``engage.realtime.vote_writer``)
and the survey submission writer (``engage.common.submissions``).

Why groups: with ``synchronous=FULL`` every SQLite commit waits for the disk, and SQLite has one
writer, so one transaction a caller meant a hall of callers queued one ``fsync`` at a time. Here
a caller hands its item to ``put_and_wait`` and blocks (a greenlet under gevent, a thread
otherwise); the task takes whatever has queued meanwhile, up to ``max_batch``, and stores it with
one call of a domain batch service (``store_group``), which gives one outcome per item, in order.

The groups are written one after another, so a retry queued behind its first attempt finds it,
and a close that commits between two groups refuses every item of the later one. A group that
fails as a whole (a lost connection, a constraint another process got to first) is written again
item by item, so one bad item never sinks the others. With ``loop=False`` (tests that drive
everything by hand) an item is written at once, a group of one, in the caller.
"""
from __future__ import annotations

import logging
import queue
from abc import ABC, abstractmethod
import threading
import time
from collections.abc import Callable
from contextlib import closing
from typing import Any

from commissioning_steps.db import Store

log = logging.getLogger(__name__)

#: A caller gives up waiting after this long; its retry with the same id is stored once whether
#: or not the first attempt was in the end.
SUBMIT_TIMEOUT = 60.0


class WriteFailed(RuntimeError):
    """An item that could not be stored, even on its own."""


class _Job:
    __slots__ = ("item", "result", "done")

    def __init__(self, item: Any) -> None:
        self.item = item
        self.result: Any = None
        self.done = threading.Event()


class GroupWriter(ABC):
    """Subclasses name what they store (``noun``) and store a group in a write session
    (``store_group``)."""

    noun = "item"

    def __init__(self, store: Store, *, max_batch: int, loop: bool = True,
                 start_task: Callable[[Callable[[], None]], Any] | None = None, linger: float = 0.0) -> None:
        self.store = store
        self.max_batch = max_batch
        #: Seconds the task waits, once an item has arrived, for others to join its group (0:
        #: none). A group has a fixed cost (its reads, its commit) that the items share.
        self.linger = linger
        self.loop_enabled = loop
        self.start_task = start_task or (lambda fn: threading.Thread(
            target=fn, name=f"{self.noun}-writer", daemon=True).start())
        self.queue: queue.Queue[_Job | None] = queue.Queue()
        self._lock = threading.Lock()
        self._task = None
        #: Groups committed, and items in them (docs/performance.md, the tests).
        self.batches = 0
        self.items = 0

    @abstractmethod
    def store_group(self, db, items: list[Any]) -> list[Any]:
        """Store ``items`` with the domain's batch service in ``db``; one outcome per item, in order."""

    # -- callers' side ----------------------------------------------------------------------

    def put_and_wait(self, item: Any, timeout: float = SUBMIT_TIMEOUT) -> Any:
        """Queue ``item`` and return its outcome once its group has committed (or ``WriteFailed``)."""
        if not self.loop_enabled:
            return self.write([item])[0]
        self.ensure_started()
        job = _Job(item)
        self.queue.put(job)
        if not job.done.wait(timeout):
            raise WriteFailed(f"the {self.noun} writer did not answer in time")
        return job.result

    # -- the task ---------------------------------------------------------------------------

    def ensure_started(self) -> None:
        """Start the task in the process that serves the callers (after gunicorn's fork), once."""
        if self._task is None:
            with self._lock:
                if self._task is None:
                    self._task = self.start_task(self.run) or True

    def stop(self) -> None:
        self.queue.put(None)

    def run(self) -> None:
        while True:
            job = self.queue.get()
            if job is None:
                return
            jobs = [job]
            if self.linger > 0 and self.queue.qsize() < self.max_batch:
                time.sleep(self.linger)  # a greenlet's sleep under gevent, so callers go on queueing
            while len(jobs) < self.max_batch:
                try:
                    more = self.queue.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    self.queue.put(None)  # stop after this group
                    break
                jobs.append(more)
            try:
                results: list[Any] = self.write([j.item for j in jobs])
            except BaseException as exc:  # noqa: BLE001 - every waiting caller must be answered
                log.exception("the %s writer failed on a group of %s", self.noun, len(jobs))
                results = [WriteFailed(str(exc))] * len(jobs)
            for j, result in zip(jobs, results):
                j.result = result
                j.done.set()

    # -- writing ----------------------------------------------------------------------------

    def write(self, items: list[Any]) -> list[Any]:
        """Store ``items`` in one transaction (or, if that fails as a whole, one by one); one
        result per item, in order."""
        try:
            return self._commit(items)
        except Exception:  # noqa: BLE001 - try each alone, so one bad one sinks no other
            if len(items) == 1:
                log.exception("a %s could not be stored", self.noun)
                return [WriteFailed(f"the {self.noun} could not be stored")]
            log.warning("a group of %s %ss failed as a whole; storing them one by one", len(items), self.noun,
                        exc_info=True)
        results: list[Any] = []
        for item in items:
            try:
                results += self._commit([item])
            except Exception:  # noqa: BLE001
                log.exception("a %s could not be stored", self.noun)
                results.append(WriteFailed(f"the {self.noun} could not be stored"))
        return results

    def _commit(self, items: list[Any]) -> list[Any]:
        with closing(self.store.session(write=True)) as db:
            results = self.store_group(db, items)
        self.batches += 1
        self.items += len(items)
        return results
