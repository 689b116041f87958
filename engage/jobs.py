"""Scheduled jobs, declared in one list and run by APScheduler with a persistent job store.

Jobs are idempotent and call services, so a job that runs twice (or late, after a restart)
does no harm. Exactly one process in a deployment should run the scheduler
(``SCHEDULER_ENABLED=1`` there, ``0`` elsewhere); ``engage.serve`` starts it.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Callable

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from flask import Flask

from commissioning_steps import staff

log = logging.getLogger(__name__)
_app: Flask | None = None
scheduler: BackgroundScheduler | None = None


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
        log.info("retention: erased %s answers and inbox items in %s commissions", total, len(done))
    return total


def issue_benefit_reminders() -> int:
    """Benefits realisation plans: remind owners of measurements and reviews coming due."""
    from commissioning_steps import benefits

    return _in_session(benefits.issue_reminders)


@dataclass(frozen=True)
class RecurringJob:
    id: str
    func: Callable[[], object]
    seconds: int


RECURRING_JOBS = (
    RecurringJob("apply-survey-schedules", apply_survey_schedules, seconds=30),
    RecurringJob("purge-expired-drafts", purge_expired_drafts, seconds=3600),
    RecurringJob("purge-expired-tokens", purge_expired_tokens, seconds=3600),
    RecurringJob("issue-evidence-checkpoints", issue_evidence_checkpoints, seconds=3600),
    RecurringJob("erase-expired-words", erase_expired_words, seconds=3600),
    RecurringJob("issue-benefit-reminders", issue_benefit_reminders, seconds=3600),
)


def start(app: Flask) -> BackgroundScheduler:
    global _app, scheduler
    if scheduler is not None:
        return scheduler
    _app = app
    engine = app.extensions["engage.db"].engine
    scheduler = BackgroundScheduler(jobstores={"default": SQLAlchemyJobStore(engine=engine)}, timezone="UTC")
    for job in RECURRING_JOBS:
        scheduler.add_job(job.func, "interval", seconds=job.seconds, id=job.id, replace_existing=True,
                          coalesce=True, max_instances=1, misfire_grace_time=None)
    scheduler.start()
    apply_survey_schedules()  # catch up at once on anything due while the app was down
    log.info("scheduler started with %d recurring jobs", len(RECURRING_JOBS))
    return scheduler
