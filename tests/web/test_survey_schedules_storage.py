"""Scheduled opening and closing (idempotent, surviving a restart), that no client address is kept
anywhere, and the purge of half-finished answers. (What a stored response row holds is a domain
test: tests/unit/surveys_service/test_survey_service_storage.py.)"""
from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, inspect, select

from commissioning_steps.db import utcnow
from commissioning_steps.evidence import EvidenceEntry
from engage import create_app, jobs
from surveys import drafts, lifecycle
from surveys.models import ResponseDraft, Survey

QUESTIONS = [{"id": "again", "type": "yes_no_maybe", "text": "Would you go again?", "required": True},
             {"id": "comments", "type": "free_text", "text": "Anything else?"}]


def _iso(moment):
    return moment.isoformat() + "Z"


def _create(client, headers, commission_id, **extra):
    response = client.post(f"/api/v1/commissions/{commission_id}/surveys", headers=headers,
                           json={"title": "Scheduled", "step": "initiate", "questions": QUESTIONS, **extra})
    assert response.status_code == 201, response.json
    return response.json["id"]


def _status(app, survey_id):
    s = app.extensions["engage.db"].session()
    try:
        return s.get(Survey, survey_id).status
    finally:
        s.close()


def _evidence_count(app, commission_id):
    s = app.extensions["engage.db"].session()
    try:
        return s.scalar(select(func.count()).select_from(EvidenceEntry)
                        .where(EvidenceEntry.commission_id == commission_id))
    finally:
        s.close()


def _apply(app, now):
    s = app.extensions["engage.db"].session(write=True)
    try:
        done = lifecycle.apply_schedules(s, now)
        s.commit()
        return done
    finally:
        s.close()


# -- schedules -------------------------------------------------------------------------------------


def test_apply_schedules_opens_and_closes_when_due(app, client, alice, team):
    start = utcnow()
    opens, closes = start + timedelta(hours=1), start + timedelta(hours=5)
    sid = _create(client, alice, team["mine"].id, opens_at=_iso(opens), closes_at=_iso(closes))

    assert _apply(app, start + timedelta(minutes=30)) == {"opened": [], "closed": []}
    assert _status(app, sid) == "draft"

    assert _apply(app, opens + timedelta(seconds=1)) == {"opened": [sid], "closed": []}
    assert _status(app, sid) == "open"
    assert _evidence_count(app, team["mine"].id) == 0
    assert client.post(f"/api/v1/surveys/{sid}/responses", json={"answers": {"again": "yes"}}).status_code == 201

    assert _apply(app, closes - timedelta(seconds=1)) == {"opened": [], "closed": []}
    assert _apply(app, closes + timedelta(seconds=1)) == {"opened": [], "closed": [sid]}
    assert _status(app, sid) == "closed"
    assert _evidence_count(app, team["mine"].id) == 1
    entry = client.get(f"/api/v1/commissions/{team['mine'].id}/evidence", headers=alice).json["entries"][0]
    assert entry["kind"] == "survey_result" and entry["payload"]["responses"] == 1
    assert entry["author"]  # recorded by the system, not a person
    assert client.get(f"/api/v1/commissions/{team['mine'].id}/evidence/verify", headers=alice).json["ok"] is True


def test_apply_schedules_is_idempotent(app, client, alice, team):
    start = utcnow()
    sid = _create(client, alice, team["mine"].id, opens_at=_iso(start + timedelta(minutes=1)),
                  closes_at=_iso(start + timedelta(minutes=2)))
    later = start + timedelta(minutes=90)
    first = _apply(app, start + timedelta(minutes=1, seconds=5))
    assert first == {"opened": [sid], "closed": []}
    assert _apply(app, start + timedelta(minutes=1, seconds=6)) == {"opened": [], "closed": []}
    assert _apply(app, later) == {"opened": [], "closed": [sid]}
    assert _apply(app, later) == {"opened": [], "closed": []}
    assert _apply(app, later + timedelta(days=1)) == {"opened": [], "closed": []}
    assert _status(app, sid) == "closed"
    assert _evidence_count(app, team["mine"].id) == 1


def test_a_survey_whose_step_has_not_started_waits(app, client, alice, team):
    start = utcnow()
    sid = _create(client, alice, team["mine"].id, step="investigate", opens_at=_iso(start + timedelta(minutes=1)))
    assert _apply(app, start + timedelta(minutes=2)) == {"opened": [], "closed": []}
    assert _status(app, sid) == "draft"


def test_only_due_surveys_are_touched(app, client, alice, team):
    start = utcnow()
    due = _create(client, alice, team["mine"].id, opens_at=_iso(start + timedelta(minutes=1)))
    not_yet = _create(client, alice, team["mine"].id, opens_at=_iso(start + timedelta(days=1)))
    unscheduled = _create(client, alice, team["mine"].id)
    assert _apply(app, start + timedelta(minutes=5)) == {"opened": [due], "closed": []}
    assert (_status(app, due), _status(app, not_yet), _status(app, unscheduled)) == ("open", "draft", "draft")


def test_a_schedule_survives_a_restart(database_url, app, client, alice, team):
    start = utcnow()
    opens = start + timedelta(minutes=10)
    sid = _create(client, alice, team["mine"].id, opens_at=_iso(opens), closes_at=_iso(opens + timedelta(days=1)))
    app.extensions["engage.db"].engine.dispose()  # the first process goes away

    restarted = create_app({"DATABASE_URL": database_url})
    try:
        assert _apply(restarted, opens + timedelta(seconds=30)) == {"opened": [sid], "closed": []}
        assert _status(restarted, sid) == "open"
        assert _apply(restarted, opens + timedelta(days=1, seconds=1)) == {"opened": [], "closed": [sid]}
        assert _evidence_count(restarted, team["mine"].id) == 1
    finally:
        restarted.extensions["engage.db"].engine.dispose()


def test_the_schedule_job_catches_up_after_a_restart(database_url, app, client, alice, team, monkeypatch):
    """The recurring job (engage.jobs) runs the same service over the rows, so a time that passed
    while the app was down is acted on at the next run."""
    sid = _create(client, alice, team["mine"].id, opens_at=_iso(utcnow() + timedelta(hours=1)))
    s = app.extensions["engage.db"].session(write=True)
    s.get(Survey, sid).opens_at = utcnow() - timedelta(minutes=5)  # the time passed while down
    s.commit()
    s.close()
    restarted = create_app({"DATABASE_URL": database_url})
    monkeypatch.setattr(jobs, "_app", restarted)
    try:
        assert jobs.apply_survey_schedules() == {"opened": [sid], "closed": []}
        assert jobs.apply_survey_schedules() == {"opened": [], "closed": []}
        assert _status(restarted, sid) == "open"
    finally:
        restarted.extensions["engage.db"].engine.dispose()


def test_a_closing_that_cannot_be_filed_does_not_block_other_schedules(app, client, alice, team):
    """One survey that fails to close (here: its text trips the contact-details check on the
    evidence log) must not stop every other due survey from opening and closing."""
    start = utcnow()
    awkward = client.post(f"/api/v1/commissions/{team['mine'].id}/surveys", headers=alice, json={
        "title": "Helpline", "step": "initiate", "closes_at": _iso(start + timedelta(minutes=1)),
        "questions": [{"type": "yes_no_maybe", "text": "Have you called our helpline on 0300 123 4567?"}]}).json["id"]
    client.post(f"/api/v1/surveys/{awkward}/open", headers=alice)
    fine = _create(client, alice, team["mine"].id, closes_at=_iso(start + timedelta(minutes=1)))
    client.post(f"/api/v1/surveys/{fine}/open", headers=alice)
    s = app.extensions["engage.db"].session(write=True)
    try:
        done = lifecycle.apply_schedules(s, start + timedelta(minutes=2))
        s.commit()
    finally:
        s.close()
    assert fine in done["closed"]
    assert _status(app, fine) == "closed"


# -- stored data -------------------------------------------------------------------------------------


IP_COLUMN = re.compile(r"(^|_)(ip|ips|ip_address|ipaddr|remote_addr|remote_address|client_addr|"
                       r"client_address|user_agent|x_forwarded_for)($|_)", re.I)


def test_no_table_has_a_column_for_a_client_address(app):
    tables = inspect(app.extensions["engage.db"].engine).get_table_names()
    assert {"surveys", "survey_responses", "survey_drafts"} <= set(tables)
    offending = [(t, c["name"]) for t in tables
                 for c in inspect(app.extensions["engage.db"].engine).get_columns(t) if IP_COLUMN.search(c["name"])]
    assert offending == []
    columns = {c["name"] for c in inspect(app.extensions["engage.db"].engine).get_columns("survey_responses")}
    assert columns == {"id", "survey_id", "receipt_hash", "submission_key", "answers", "survey_version",
                       "submitted_at", "updated_at", "collector_id"}  # collector: a pseudonymous researcher
    draft_columns = {c["name"] for c in inspect(app.extensions["engage.db"].engine).get_columns("survey_drafts")}
    assert draft_columns == {"id", "survey_id", "token_hash", "answers", "asked", "response_id", "updated_at"}


def test_the_client_address_is_written_nowhere(app, client, alice, team, database_url):
    sid = _create(client, alice, team["mine"].id)
    client.post(f"/api/v1/surveys/{sid}/open", headers=alice)
    address = "203.0.113.177"
    for _ in range(2):
        assert client.post(f"/api/v1/surveys/{sid}/responses", json={"answers": {"again": "yes"}},
                           environ_base={"REMOTE_ADDR": address}).status_code == 201
    slug = client.get(f"/api/v1/surveys/{sid}", headers=alice).json["links"]["public"].rsplit("/", 1)[1]
    resident = app.test_client()
    resident.post(f"/s/{slug}/start", environ_base={"REMOTE_ADDR": address})
    app.extensions["engage.db"].engine.dispose()
    path = Path(database_url.removeprefix("sqlite:///"))
    blobs = [path.read_bytes()] + [p.read_bytes() for p in path.parent.glob(path.name + "-*")]
    assert not any(address.encode() in blob for blob in blobs)


# -- drafts are purged after a day --------------------------------------------------------------------


def test_drafts_older_than_a_day_are_purged(app, client, alice, team, session):
    sid = _create(client, alice, team["mine"].id)
    client.post(f"/api/v1/surveys/{sid}/open", headers=alice)
    survey = session.get(Survey, sid)
    _, old = drafts.start(session, survey)
    _, fresh = drafts.start(session, survey)
    _, edge = drafts.start(session, survey)
    old.updated_at = utcnow() - timedelta(hours=25)
    edge.updated_at = utcnow() - timedelta(hours=23)
    session.commit()
    old_id, fresh_id, edge_id = old.id, fresh.id, edge.id

    assert drafts.purge_expired(session) == 1
    session.commit()
    remaining = set(session.scalars(select(ResponseDraft.id)))
    assert remaining == {fresh_id, edge_id}
    assert old_id not in remaining
    assert drafts.purge_expired(session) == 0


def test_an_expired_draft_is_not_found_even_before_the_purge(app, client, alice, team, session):
    sid = _create(client, alice, team["mine"].id)
    client.post(f"/api/v1/surveys/{sid}/open", headers=alice)
    survey = session.get(Survey, sid)
    token, draft = drafts.start(session, survey)
    session.commit()
    assert drafts.find(session, survey, token) is not None
    draft.updated_at = utcnow() - timedelta(hours=24, minutes=1)
    session.commit()
    assert drafts.find(session, survey, token) is None


def test_the_purge_job_removes_expired_drafts(app, client, alice, team, session, monkeypatch):
    sid = _create(client, alice, team["mine"].id)
    client.post(f"/api/v1/surveys/{sid}/open", headers=alice)
    _, old = drafts.start(session, session.get(Survey, sid))
    old.updated_at = utcnow() - timedelta(days=2)
    session.commit()
    monkeypatch.setattr(jobs, "_app", app)
    assert jobs.purge_expired_drafts() == 1
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(ResponseDraft)) == 0

