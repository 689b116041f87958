"""One writer for a process's votes: queued, stored in batches, acknowledged after the commit.

A hall of phones voting at once used to cost one transaction of about nine statements per vote,
each waiting for SQLite's single writer, and every acknowledgement waited behind all of them.
Here a socket handler hands its vote to ``submit`` and waits (a greenlet under gevent, a thread
otherwise); one task takes whatever has queued meanwhile, up to ``max_batch``, and stores it all
with one call of the domain's batch service (``surveys.live.voting.cast_votes``: a few queries
and one commit for the lot, the same rules as one vote). Each vote is answered only once its
batch has committed, with the outcome the service gave it: stored, a retry counted once, or the
refusal it would have had alone. Nothing is acknowledged that is not stored.

The batches are sequential, so a retry queued behind its first attempt finds its receipt, and
a close that commits between two batches refuses every vote of the later one. A batch that
fails as a whole (a constraint another process got to first, a lost connection) is written
again vote by vote, so one bad vote never sinks the others.

Under gevent the task is a greenlet in the hub, like everything else: its statements are few
and quick, and SQLite's commit (an ``fsync`` with ``synchronous=FULL``) runs in a native thread
of gevent's pool (``commissioning_steps.db.make_engine``'s ``commit_in``), so the disk never
holds up the other phones. (The whole batch in a native thread was tried first: it then
competed with the hub for the GIL at every statement, and a batch of 20 votes took 50-400 ms.)
On PostgreSQL psycopg waits for the server cooperatively.

With ``loop=False`` (handler tests, which drive everything by hand) ``submit`` writes at once, a
batch of one, in the caller.
"""
from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from contextlib import closing
from typing import Any

from commissioning_steps.db import Store
from surveys.live import voting
from surveys.live.voting import Ballot, BallotResult

log = logging.getLogger(__name__)

#: Votes stored in one transaction at most; what queues meanwhile waits for the next batch.
MAX_BATCH = 500
#: A handler gives up waiting after this long (the phone then retries with the same
#: ``client_vote_id``, which counts once whether or not the vote was stored in the end).
SUBMIT_TIMEOUT = 60.0


class WriteFailed(RuntimeError):
    """A vote that could not be written, even on its own (the handler answers server_error)."""


class _Job:
    __slots__ = ("ballot", "result", "done")

    def __init__(self, ballot: Ballot) -> None:
        self.ballot = ballot
        self.result: BallotResult | BaseException | None = None
        self.done = threading.Event()


class VoteWriter:
    def __init__(self, store: Store, *, start_task: Callable[[Callable[[], None]], Any] | None = None,
                 loop: bool = True, max_batch: int = MAX_BATCH) -> None:
        self.store = store
        self.start_task = start_task or (lambda fn: threading.Thread(target=fn, daemon=True).start())
        self.loop_enabled = loop
        self.max_batch = max_batch
        self.queue: queue.Queue[_Job | None] = queue.Queue()
        self._lock = threading.Lock()
        self._task = None
        #: Batches written and votes in them (for docs/performance.md and the tests).
        self.batches = 0
        self.votes = 0

    # -- handlers' side ---------------------------------------------------------------------

    def submit(self, ballot: Ballot, timeout: float = SUBMIT_TIMEOUT) -> BallotResult:
        """Store ``ballot`` with whatever else is queued; returns once that is committed.

        The outcome is the service's (``voting.VoteOutcome``) or its refusal (a ``DomainError``,
        returned, not raised); ``WriteFailed`` is raised when the vote could not be written.
        """
        if not self.loop_enabled:
            return self._settle(self.write([ballot])[0])
        self.ensure_started()
        job = _Job(ballot)
        self.queue.put(job)
        if not job.done.wait(timeout):
            raise WriteFailed("the vote writer did not answer in time")
        return self._settle(job.result)

    @staticmethod
    def _settle(result: BallotResult | BaseException | None) -> BallotResult:
        if isinstance(result, WriteFailed) or result is None:
            raise result or WriteFailed("the vote was not written")
        return result

    # -- the task ---------------------------------------------------------------------------

    def ensure_started(self) -> None:
        """Start the task in the process that serves sockets (after any fork), once."""
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
            while len(jobs) < self.max_batch:
                try:
                    more = self.queue.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    self.queue.put(None)  # stop after this batch
                    break
                jobs.append(more)
            try:
                results: list[Any] = self.write([j.ballot for j in jobs])
            except BaseException as exc:  # noqa: BLE001 - every waiting handler must be answered
                log.exception("the vote writer failed on a batch of %s", len(jobs))
                results = [WriteFailed(str(exc))] * len(jobs)
            for j, result in zip(jobs, results):
                j.result = result
                j.done.set()

    # -- writing ----------------------------------------------------------------------------

    def write(self, ballots: list[Ballot]) -> list[BallotResult | WriteFailed]:
        """Store ``ballots`` in one transaction (or, if that fails, one by one); one result per
        ballot, in order. What was stored reaches the broadcaster through the app's event bus,
        after the commit."""
        try:
            return self._commit(ballots)
        except Exception:  # noqa: BLE001 - try each on its own so one bad vote sinks no other
            if len(ballots) == 1:
                log.exception("a vote could not be stored")
                return [WriteFailed("the vote could not be stored")]
            log.warning("a batch of %s votes failed as a whole; storing them one by one", len(ballots),
                        exc_info=True)
        results: list[BallotResult | WriteFailed] = []
        for ballot in ballots:
            try:
                results += self._commit([ballot])
            except Exception:  # noqa: BLE001
                log.exception("a vote could not be stored")
                results.append(WriteFailed("the vote could not be stored"))
        return results

    def _commit(self, ballots: list[Ballot]) -> list[BallotResult]:
        with closing(self.store.session(write=True)) as db:
            results = voting.cast_votes(db, ballots)
        self.batches += 1
        self.votes += len(ballots)
        return results
