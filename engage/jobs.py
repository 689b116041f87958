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
from sqlalchemy import delete

from commissioning_steps.db import utcnow
from commissioning_steps.staff import ApiToken

log = logging.getLogger(__name__)
_app: Flask | None = None
scheduler: BackgroundScheduler | None = None


def purge_expired_tokens() -> int:
    """Expired API tokens are useless; deleting them keeps the table small."""
    with _app.app_context():
        session = _app.extensions["engage.db"].session(write=True)
        try:
            removed = session.execute(delete(ApiToken).where(ApiToken.expires_at <= utcnow())).rowcount
            session.commit()
        finally:
            session.close()
    log.info("purged %s expired API tokens", removed)
    return removed


@dataclass(frozen=True)
class RecurringJob:
    id: str
    func: Callable[[], object]
    minutes: int


RECURRING_JOBS = (RecurringJob("purge-expired-tokens", purge_expired_tokens, minutes=60),)


def start(app: Flask) -> BackgroundScheduler:
    global _app, scheduler
    if scheduler is not None:
        return scheduler
    _app = app
    engine = app.extensions["engage.db"].engine
    scheduler = BackgroundScheduler(jobstores={"default": SQLAlchemyJobStore(engine=engine)}, timezone="UTC")
    for job in RECURRING_JOBS:
        scheduler.add_job(job.func, "interval", minutes=job.minutes, id=job.id, replace_existing=True,
                          coalesce=True, max_instances=1)
    scheduler.start()
    log.info("scheduler started with %d recurring jobs", len(RECURRING_JOBS))
    return scheduler
