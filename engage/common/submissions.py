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

The grouping, the order of groups and the one-by-one retry of a group that fails as a whole are
``engage.common.group_writer``'s, shared with the vote writer. A request that waits longer than
``SUBMIT_TIMEOUT`` answers 503; the resident's retry with the same key is stored once.

Under gevent the task is a greenlet (``threading`` is patched) and the commit's ``fsync`` runs in
gevent's thread pool (``engage.extensions``); under threads it is a thread. With ``loop=False``
``submit`` writes at once, a group of one, in the caller.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app

from commissioning_steps.db import Store
from commissioning_steps.errors import DomainError
from surveys import branching, responses
from surveys.responses import Submission, Submitted

from .group_writer import SUBMIT_TIMEOUT, GroupWriter, WriteFailed

log = logging.getLogger(__name__)

#: Submissions stored in one transaction at most; what queues meanwhile waits for the next.
MAX_BATCH = 200
_EXTENSION = "engage.submission_writer"
#: How long a request reuses the survey it checked answers against (see ``SurveyCache``).
SURVEY_CACHE_SECONDS = 1.0


class SubmissionWriter(GroupWriter):
    noun = "submission"

    def __init__(self, store: Store, secret: bytes, *, loop: bool = True, max_batch: int = MAX_BATCH,
                 linger: float = 0.0) -> None:
        super().__init__(store, max_batch=max_batch, loop=loop, linger=linger)
        self.secret = secret
        self.surveys = SurveyCache()

    @property
    def submissions(self) -> int:
        return self.items

    def submit(self, submission: Submission, timeout: float = SUBMIT_TIMEOUT) -> Submitted:
        """Store ``submission`` with whatever else is queued; returns once that is committed.

        Raises the service's refusal (a ``DomainError``) as it would for one submission, and
        ``WriteFailed`` when it could not be stored or the writer did not answer in time.
        """
        result = self.put_and_wait(submission, timeout)
        if isinstance(result, Submitted):
            return result
        if isinstance(result, DomainError):
            raise result
        raise WriteFailed("the submission could not be stored") from result

    def store_group(self, db, submissions: list[Submission]) -> list[Any]:
        results = responses.submit_many(db, submissions, secret=self.secret)
        for result in results:
            if isinstance(result, Exception) and not isinstance(result, DomainError):
                log.error("a survey submission failed alone: %s", type(result).__name__, exc_info=result)
        return results


class SurveyCache:
    """The surveys requests check answers against, kept for a second with their rules for
    checking answers (``responses.submission_rules``): loading a survey (its definition, as
    JSON) cost a submission as much as storing it, and normalising its definition about as
    much as checking the answers. A stale copy is harmless, because the writer decides again
    under the write lock: a survey closed meanwhile refuses the submission, a changed one has
    its answers checked again against the new version, and a deleted one answers 404."""

    def __init__(self, seconds: float = SURVEY_CACHE_SECONDS) -> None:
        self.seconds = seconds
        self._held: dict[int, _Held] = {}

    def get(self, survey_id: int, load: Callable[[int], Any]) -> Any:
        now = time.monotonic()
        held = self._held.get(survey_id)
        if held is not None and held.expires > now:
            return held.survey
        survey = load(survey_id)  # raises NotFound, which is not kept
        if len(self._held) > 1000:
            self._held = {k: v for k, v in self._held.items() if v.expires > now}
        self._held[survey_id] = _Held(now + self.seconds, survey)
        return survey

    def rules(self, survey: Any) -> branching.SubmissionRules:
        """The rules of ``survey`` as this cache holds it, prepared on first use (a draft's
        definition may not be complete enough to check answers against, and needs none)."""
        held = self._held.get(survey.id)
        if held is None or held.survey is not survey:
            return responses.submission_rules(survey)
        if held.rules is None:
            held.rules = responses.submission_rules(survey)
        return held.rules


class _Held:
    __slots__ = ("expires", "survey", "rules")

    def __init__(self, expires: float, survey: Any) -> None:
        self.expires = expires
        self.survey = survey
        self.rules: branching.SubmissionRules | None = None


def init_app(app: Flask, store: Store) -> SubmissionWriter:
    writer = SubmissionWriter(store, app.config["SECRET_KEY"].encode(), loop=app.config["SUBMISSION_WRITER_LOOP"],
                              linger=app.config["SUBMISSION_WRITER_LINGER"])
    app.extensions[_EXTENSION] = writer
    return writer


def writer() -> SubmissionWriter:
    return current_app.extensions[_EXTENSION]
