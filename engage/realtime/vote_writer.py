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
a close that commits between two batches refuses every vote of the later one; a batch that fails
as a whole is written again vote by vote (``engage.common.group_writer``, shared with the survey
submission writer). A phone whose handler gave up waiting retries with the same
``client_vote_id``, which counts once whether or not the vote was stored in the end.

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

from collections.abc import Callable
from typing import Any

from commissioning_steps.db import Store
from surveys.live import voting
from surveys.live.voting import Ballot, BallotResult

from ..common.group_writer import SUBMIT_TIMEOUT, GroupWriter, WriteFailed

__all__ = ["MAX_BATCH", "SUBMIT_TIMEOUT", "VoteWriter", "WriteFailed"]

#: Votes stored in one transaction at most; what queues meanwhile waits for the next batch.
MAX_BATCH = 500
#: Seconds the writer waits after a vote arrives for the hall's others to join its batch.
#: Measured (``cast_votes`` on SQLite, CPU time): a batch costs about 5 ms whatever its size
#: (locking the question, reading the session, the receipts and earlier votes, the commit) and
#: each vote about 0.2 ms more; at 500 votes a second with no wait, batches of three or four
#: made the writer alone nearly a core. 20 ms makes them ten or more, at 20 ms on each ack.
LINGER = 0.02


class VoteWriter(GroupWriter):
    noun = "vote"

    def __init__(self, store: Store, *, start_task: Callable[[Callable[[], None]], Any] | None = None,
                 loop: bool = True, max_batch: int = MAX_BATCH, linger: float = LINGER) -> None:
        super().__init__(store, max_batch=max_batch, loop=loop, start_task=start_task, linger=linger)

    @property
    def votes(self) -> int:
        return self.items

    def submit(self, ballot: Ballot, timeout: float = SUBMIT_TIMEOUT) -> BallotResult:
        """Store ``ballot`` with whatever else is queued; returns once that is committed.

        The outcome is the service's (``voting.VoteOutcome``) or its refusal (a ``DomainError``,
        returned, not raised); ``WriteFailed`` is raised when the vote could not be written.
        """
        result = self.put_and_wait(ballot, timeout)
        if isinstance(result, WriteFailed) or result is None:
            raise result or WriteFailed("the vote was not written")
        return result

    def store_group(self, db, ballots: list[Ballot]) -> list[BallotResult]:
        """What was stored reaches the broadcaster through the app's event bus, after the commit."""
        return voting.cast_votes(db, ballots)
