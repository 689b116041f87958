"""One writer for a process's survey submissions: queued, committed in groups, acknowledged after.

With ``synchronous=FULL`` every SQLite commit waits for the disk, and SQLite has one writer: a
response a transaction meant a hall of residents queued for the write lock one ``fsync`` at a
time. Here a request checks its answers against the survey (in its own greenlet, so a bad
submission is answered at once), hands the ``Submission`` to ``submit`` and waits; one task takes
whatever has queued meanwhile, up to ``max_batch``, and stores it with one call of the domain's
batch service (``surveys.responses.submit_many``: a SAVEPOINT per submission, one commit for the
lot). Each request is answered only once that commit returned, with the outcome the service gave
its submission: stored, a replay of its Idempotency-Key or submission id (the first receipt), or
the refusal it would have had alone. Nothing is acknowledged that is not on disk.

The groups are written one after another, so a retry queued behind its first attempt finds it,
and a close that commits between two groups refuses every submission of the later one. A group
that fails as a whole (the connection lost mid-commit) is written again one submission at a
time, so one bad submission never sinks the others.

Under gevent the task is a greenlet (``threading`` is patched) and the commit's ``fsync`` runs in
gevent's thread pool (``engage.extensions``); under threads it is a thread. With ``loop=False``
``submit`` writes at once, a group of one, in the caller.
"""
from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from contextlib import closing
from typing import Any

from flask import Flask, current_app

from commissioning_steps.db import Store
from commissioning_steps.errors import DomainError
from surveys import responses
from surveys.responses import Submission, Submitted

log = logging.getLogger(__name__)

#: Submissions stored in one transaction at most; what queues meanwhile waits for the next.
MAX_BATCH = 200
#: A request gives up waiting after this long and answers 503; the resident's retry with the
#: same key is stored once whether or not the first attempt was in the end.
SUBMIT_TIMEOUT = 60.0
_EXTENSION = "engage.submission_writer"
#: How long a request reuses the survey it checked answers against (see ``SurveyCache``).
SURVEY_CACHE_SECONDS = 1.0


class WriteFailed(RuntimeError):
    """A submission that could not be stored, even on its own."""


class _Job:
    __slots__ = ("submission", "result", "done")

    def __init__(self, submission: Submission) -> None:
        self.submission = submission
        self.result: Any = None
        self.done = threading.Event()


class SubmissionWriter:
    def __init__(self, store: Store, secret: bytes, *, loop: bool = True, max_batch: int = MAX_BATCH) -> None:
        self.store = store
        self.secret = secret
        self.loop_enabled = loop
        self.max_batch = max_batch
        self.queue: queue.Queue[_Job | None] = queue.Queue()
        self._lock = threading.Lock()
        self._started = False
        #: Groups committed and submissions in them (docs/performance.md, the tests).
        self.batches = 0
        self.submissions = 0
        self.surveys = SurveyCache()

    def submit(self, submission: Submission, timeout: float = SUBMIT_TIMEOUT) -> Submitted:
        """Store ``submission`` with whatever else is queued; returns once that is committed.

        Raises the service's refusal (a ``DomainError``) as it would for one submission, and
        ``WriteFailed`` when it could not be stored or the writer did not answer in time.
        """
        if not self.loop_enabled:
            return self._settle(self.write([submission])[0])
        self._ensure_started()
        job = _Job(submission)
        self.queue.put(job)
        if not job.done.wait(timeout):
            raise WriteFailed("the submission writer did not answer in time")
        return self._settle(job.result)

    @staticmethod
    def _settle(result: Any) -> Submitted:
        if isinstance(result, Submitted):
            return result
        if isinstance(result, DomainError):
            raise result
        raise WriteFailed("the submission could not be stored") from result

    def _ensure_started(self) -> None:
        # Started by the first request, in the process that serves it (after gunicorn's fork).
        if not self._started:
            with self._lock:
                if not self._started:
                    threading.Thread(target=self.run, name="submission-writer", daemon=True).start()
                    self._started = True

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
                    self.queue.put(None)  # stop after this group
                    break
                jobs.append(more)
            try:
                results: list[Any] = self.write([j.submission for j in jobs])
            except BaseException as exc:  # noqa: BLE001 - every waiting request must be answered
                log.exception("the submission writer failed on a group of %s", len(jobs))
                results = [WriteFailed(str(exc))] * len(jobs)
            for j, result in zip(jobs, results):
                j.result = result
                j.done.set()

    def write(self, submissions: list[Submission]) -> list[Any]:
        """Store ``submissions`` in one transaction (or, if that fails as a whole, one by one);
        one result per submission, in order."""
        try:
            return self._commit(submissions)
        except Exception as exc:  # noqa: BLE001 - try each alone, so one bad one sinks no other
            if len(submissions) == 1:
                log.exception("a survey submission could not be stored")
                return [WriteFailed("the submission could not be stored").with_traceback(exc.__traceback__)]
            log.warning("a group of %s submissions failed as a whole; storing them one by one", len(submissions),
                        exc_info=True)
        results: list[Any] = []
        for submission in submissions:
            try:
                results += self._commit([submission])
            except Exception:  # noqa: BLE001
                log.exception("a survey submission could not be stored")
                results.append(WriteFailed("the submission could not be stored"))
        return results

    def _commit(self, submissions: list[Submission]) -> list[Any]:
        with closing(self.store.session(write=True)) as db:
            results = responses.submit_many(db, submissions, secret=self.secret)
        for result in results:
            if isinstance(result, Exception) and not isinstance(result, DomainError):
                log.error("a survey submission failed alone: %s", type(result).__name__, exc_info=result)
        self.batches += 1
        self.submissions += len(submissions)
        return results


class SurveyCache:
    """The surveys requests check answers against, kept for a second: loading a survey (its
    definition, as JSON) cost a submission as much as storing it. A stale copy is harmless,
    because the writer decides again under the write lock: a survey closed meanwhile refuses
    the submission, a changed one has its answers checked again against the new version, and
    a deleted one answers 404."""

    def __init__(self, seconds: float = SURVEY_CACHE_SECONDS) -> None:
        self.seconds = seconds
        self._held: dict[int, tuple[float, Any]] = {}

    def get(self, survey_id: int, load: Callable[[int], Any]) -> Any:
        now = time.monotonic()
        held = self._held.get(survey_id)
        if held is not None and held[0] > now:
            return held[1]
        survey = load(survey_id)  # raises NotFound, which is not kept
        if len(self._held) > 1000:
            self._held = {k: v for k, v in self._held.items() if v[0] > now}
        self._held[survey_id] = (now + self.seconds, survey)
        return survey


def init_app(app: Flask, store: Store) -> SubmissionWriter:
    writer = SubmissionWriter(store, app.config["SECRET_KEY"].encode(), loop=app.config["SUBMISSION_WRITER_LOOP"])
    app.extensions[_EXTENSION] = writer
    return writer


def writer() -> SubmissionWriter:
    return current_app.extensions[_EXTENSION]
