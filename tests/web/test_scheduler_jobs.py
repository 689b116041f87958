"""The scheduler: jobs are declared once, stored in the database's job store (so a restart keeps
them), and the start-up run catches up on surveys whose time came while the app was down."""
from __future__ import annotations

from datetime import timedelta

from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler

from commissioning_steps.db import utcnow
from engage import create_app, jobs
from surveys import lifecycle
from surveys.models import Survey


def _stop():
    if jobs.scheduler is not None:
        jobs.scheduler.shutdown(wait=False)
    jobs.scheduler = None


def test_recurring_jobs_are_stored_and_survive_a_restart(database_url):
    app = create_app({"DATABASE_URL": database_url})
    try:
        started = jobs.start(app)
        assert {j.id for j in started.get_jobs()} == {j.id for j in jobs.RECURRING_JOBS}
    finally:
        _stop()
    # A new process: read the job store straight from the database.
    again = BackgroundScheduler(jobstores={"default": SQLAlchemyJobStore(url=database_url)})
    again.start(paused=True)
    try:
        assert {j.id for j in again.get_jobs()} == {"apply-survey-schedules", "purge-expired-drafts",
                                                   "purge-expired-tokens", "issue-evidence-checkpoints",
                                                   "erase-expired-words", "issue-benefit-reminders",
                                                   "deliver-webhooks"}
    finally:
        again.shutdown(wait=False)


def test_start_up_catches_up_on_surveys_due_while_down(database_url, world, app):
    from commissioning_steps import staff

    owner = world.user("sched@example.org", staff.COMMISSIONER)
    commission = world.commission(owner)
    s = app.extensions["engage.db"].session(write=True)
    survey = lifecycle.create_survey(s, commission, owner, lifecycle.SurveyInput(
        title="Scheduled", step="initiate", items=[{"type": "yes_no_maybe", "text": "Well?"}],
        opens_at=utcnow() + timedelta(minutes=5)))
    s.commit()
    # Time passes while no process runs the scheduler.
    s.execute(Survey.__table__.update().where(Survey.id == survey.id).values(opens_at=utcnow() - timedelta(minutes=1)))
    s.commit()
    s.close()
    restarted = create_app({"DATABASE_URL": database_url})
    try:
        jobs.start(restarted)
    finally:
        _stop()
    check = restarted.extensions["engage.db"].session()
    assert check.get(Survey, survey.id).status == "open"
    check.close()


def test_flask_scheduler_runs_the_jobs_alone(app, monkeypatch):
    """``flask --app engage scheduler`` hands the app to ``jobs.run`` (the foreground scheduler the
    e2e test starts for real next to a web server with SCHEDULER_ENABLED=0)."""
    ran = []
    monkeypatch.setattr(jobs, "run", ran.append)
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["scheduler"])
    assert result.exit_code == 0, result.output
    assert ran == [app]


def test_the_webhook_job_is_declared_and_idempotent(app, monkeypatch):
    monkeypatch.setattr(jobs, "_app", app)
    declared = {j.id: j for j in jobs.RECURRING_JOBS}["deliver-webhooks"]
    assert declared.seconds == "WEBHOOK_JOB_SECONDS" and app.config["WEBHOOK_JOB_SECONDS"] == 5
    assert jobs.deliver_webhooks() == {}
    assert jobs.deliver_webhooks() == {}


def test_the_job_store_writes_through_the_write_gate(database_url):
    """Under gevent a job-store write outside the gate waited in SQLite's busy handler, stopping
    every greenlet (the lock's holder too) until it failed and ended the scheduler's thread."""
    from sqlalchemy import event

    app = create_app({"DATABASE_URL": database_url})
    engine = app.extensions["engage.db"].engine
    if engine.dialect.name != "sqlite":
        return  # the gate is SQLite's; PostgreSQL has row locks
    writes: list[tuple[str, bool]] = []

    def seen(conn, _cursor, statement, *_args):
        if "apscheduler_jobs" in statement and statement.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
            writes.append((statement.split()[0], conn.connection.dbapi_connection._engage_gate is not None))

    event.listen(engine, "before_cursor_execute", seen)
    try:
        started = jobs.start(app)
        started.modify_job("deliver-webhooks", next_run_time=utcnow() + timedelta(hours=1))
    finally:
        _stop()
        event.remove(engine, "before_cursor_execute", seen)
    assert writes and all(gated for _, gated in writes), writes
