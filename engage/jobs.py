"""Scheduled jobs, declared in one list and run by APScheduler with a persistent job store.

Jobs are idempotent, run inside an app context and call services, so a job that runs twice (or
late, after a restart) does no harm. Exactly one process in a deployment runs the scheduler:
the serving process when ``SCHEDULER_ENABLED=1`` (``engage.serve`` starts it in the background),
or, when the web processes are scaled out with ``SCHEDULER_ENABLED=0``, one
``flask --app engage scheduler`` process that runs the jobs alone in the foreground (``run``).
Other features add their jobs to ``RECURRING_JOBS``.
"""
from __future__ import annotations

import logging
import signal
from dataclasses import dataclass
from typing import Callable

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask

from commissioning_steps import staff

log = logging.getLogger(__name__)
_app: Flask | None = None
scheduler: BaseScheduler | None = None


def purge_expired_tokens() -> int:
    """Expired API tokens are useless; deleting them keeps the table small."""
    removed = _in_session(staff.purge_expired_tokens)
    log.info("purged %s expired API tokens", removed)
    return removed


def _in_session(work):
    """Run one service with a write session of its own; the service commits (each survey of
    ``apply_schedules`` separately), so the job only opens and closes the session."""
    with _app.app_context():
        session = _app.extensions["engage.db"].session(write=True)
        try:
            return work(session)
        finally:
            session.close()


def apply_survey_schedules() -> dict:
    """Open and close surveys whose time has come. The times live on the survey rows, so a
    restart (or a deploy) loses no schedule: the next run after start-up catches up."""
    from surveys import lifecycle

    done = _in_session(lifecycle.apply_schedules)
    if done["opened"] or done["closed"]:
        log.info("survey schedules: opened %s, closed %s", done["opened"], done["closed"])
    return done


def purge_expired_drafts() -> int:
    """Half-finished survey answers are kept a day, then removed."""
    from surveys import drafts

    return _in_session(drafts.purge_expired)


def issue_evidence_checkpoints() -> int:
    """Sign a checkpoint of every evidence log whose head moved since its last one."""
    from commissioning_steps import checkpoints

    return _in_session(lambda s: checkpoints.issue_due(s, _app.extensions["engage.checkpoint_signer"]))


def erase_expired_words() -> int:
    """Erase residents' own words older than their commission's retention period."""
    from surveys import retention

    done = _in_session(retention.erase_expired)
    total = sum(e.total for e in done.values())
    if total:
        log.info("retention: erased %s answers, observations and inbox items in %s commissions", total, len(done))
    return total


def issue_benefit_reminders() -> int:
    """Benefits realisation plans: remind owners of measurements and reviews coming due."""
    from commissioning_steps import benefits

    return _in_session(benefits.issue_reminders)


def deliver_webhooks() -> dict:
    """Dispatch the event outbox into webhook deliveries and send what is due (first tries and
    retries alike). Never run by the request that caused an event."""
    from surveys.webhooks import delivery

    from .common import webhooks

    done = _in_session(lambda s: delivery.run(s, webhooks.sender(_app)))
    if done:
        log.info("webhooks: %s", ", ".join(f"{k} {v}" for k, v in sorted(done.items())))
    return dict(done)


@dataclass(frozen=True)
class RecurringJob:
    id: str
    func: Callable[[], object]
    seconds: int | str  # a number, or the name of the app setting that holds it


RECURRING_JOBS = (
    RecurringJob("apply-survey-schedules", apply_survey_schedules, seconds=30),
    RecurringJob("purge-expired-drafts", purge_expired_drafts, seconds=3600),
    RecurringJob("purge-expired-tokens", purge_expired_tokens, seconds=3600),
    RecurringJob("issue-evidence-checkpoints", issue_evidence_checkpoints, seconds=3600),
    RecurringJob("erase-expired-words", erase_expired_words, seconds=3600),
    RecurringJob("issue-benefit-reminders", issue_benefit_reminders, seconds=3600),
    RecurringJob("deliver-webhooks", deliver_webhooks, seconds="WEBHOOK_JOB_SECONDS"),
)


def _build(app: Flask, kind: type[BaseScheduler]) -> BaseScheduler:
    # The job store writes as the app's write sessions do (on SQLite: through the process's write
    # gate, BEGIN IMMEDIATE). A plain transaction would wait for SQLite's lock in its busy handler,
    # which sleeps in C: under gevent that stops every greenlet, the writer holding the lock too
    # if it is waiting for its statement in the thread pool, so the scheduler's own UPDATE timed
    # out ("database is locked") and the exception ended the scheduler's thread for good.
    engine = app.extensions["engage.db"].engine.execution_options(engage_write=True)
    built = kind(jobstores={"default": SQLAlchemyJobStore(engine=engine)}, timezone="UTC")
    for job in RECURRING_JOBS:
        seconds = app.config[job.seconds] if isinstance(job.seconds, str) else job.seconds
        built.add_job(job.func, "interval", seconds=seconds, id=job.id, replace_existing=True,
                      coalesce=True, max_instances=1, misfire_grace_time=None)
    return built


def _catch_up() -> None:
    """At start-up, at once: surveys due while the app was down. (Webhooks waiting in the outbox
    go at the job's first run, seconds later, in the scheduler's thread: slow receivers must not
    hold up the start.)"""
    apply_survey_schedules()


def start(app: Flask) -> BaseScheduler:
    """Run the jobs in background threads of this (serving) process."""
    global _app, scheduler
    if scheduler is not None:
        return scheduler
    _app = app
    scheduler = _build(app, BackgroundScheduler)
    scheduler.start()
    _catch_up()
    log.info("scheduler started with %d recurring jobs", len(RECURRING_JOBS))
    return scheduler


def run(app: Flask) -> None:
    """Run the jobs alone, in the foreground, until interrupted (``flask --app engage scheduler``)."""
    global _app, scheduler
    if scheduler is not None:
        raise RuntimeError("the scheduler already runs in this process")
    _app = app
    scheduler = _build(app, BlockingScheduler)
    running = scheduler
    signal.signal(signal.SIGTERM, lambda *_: running.shutdown(wait=False))  # a clean stop on deploys
    _catch_up()
    log.info("scheduler running alone with %d recurring jobs (Ctrl+C to stop)", len(RECURRING_JOBS))
    try:
        scheduler.start()  # blocks until shut down
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        if scheduler.running:
            scheduler.shutdown(wait=False)
        scheduler = None
