"""The evidence log on real PostgreSQL: migrations, append-only triggers, concurrent appends."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from commissioning_steps import commissions, evidence, staff
from engage import create_app
from engage.cli import alembic_config, upgrade_database

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def pg_app(pg_url):
    app = create_app({"DATABASE_URL": pg_url})
    with app.app_context():
        upgrade_database()
    yield app
    app.extensions["engage.db"].engine.dispose()


@pytest.fixture(scope="module")
def owner(pg_app):
    s = pg_app.extensions["engage.db"].session(write=True)
    user = staff.create_user(s, email="pg@example.org", name="PG", role=staff.COMMISSIONER, password_hash="x")
    s.commit()
    s.close()
    return user


def _commission(app, owner, title="PG commission"):
    s = app.extensions["engage.db"].session(write=True)
    c = commissions.create_commission(s, owner, commissions.CommissionInput(title=title))
    s.commit()
    s.close()
    return c


def _append(app, commission_id, owner, summary):
    s = app.extensions["engage.db"].session(write=True)
    try:
        c = s.get(commissions.Commission, commission_id)
        entry = evidence.record_manual(s, c, owner, step="initiate", kind="note", summary=summary)
        s.commit()
        return entry.id
    finally:
        s.close()


def test_migrations_go_down_and_up_again(pg_app):
    from alembic import command

    with pg_app.app_context():
        command.downgrade(alembic_config(), "base")
        command.upgrade(alembic_config(), "head")
    with pg_app.extensions["engage.db"].engine.connect() as conn:
        triggers = set(conn.scalars(text("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")))
    assert {"evidence_entries_append_only", "evidence_entries_no_truncate"} <= triggers


def test_database_refuses_update_delete_and_truncate(pg_app, owner):
    c = _commission(pg_app, owner)
    entry_id = _append(pg_app, c.id, owner, "Workshop notes")
    engine = pg_app.extensions["engage.db"].engine
    for statement in (f"UPDATE evidence_entries SET summary = 'changed' WHERE id = {entry_id}",
                      f"DELETE FROM evidence_entries WHERE id = {entry_id}",
                      "TRUNCATE evidence_entries CASCADE"):
        with pytest.raises(DBAPIError, match="append-only"):
            with engine.begin() as conn:
                conn.execute(text(statement))
    with engine.connect() as conn:
        assert conn.scalar(text(f"SELECT summary FROM evidence_entries WHERE id = {entry_id}")) == "Workshop notes"


def test_concurrent_appends_keep_one_unbroken_chain(pg_app, owner):
    c = _commission(pg_app, owner, "Busy commission")
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            for i in range(12):
                _append(pg_app, c.id, owner, f"worker {n} entry {i}")
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    s = pg_app.extensions["engage.db"].session()
    fresh = s.get(commissions.Commission, c.id)
    rows = evidence.entries(s, c.id)
    assert [e.seq for e in rows] == list(range(1, 97))
    result = evidence.verify(s, fresh)
    s.close()
    assert result.ok and result.entries == 96


def test_tampering_behind_the_triggers_is_detected(pg_app, owner):
    c = _commission(pg_app, owner, "Tampered")
    ids = [_append(pg_app, c.id, owner, f"entry {i}") for i in range(3)]
    engine = pg_app.extensions["engage.db"].engine
    with engine.begin() as conn:
        conn.execute(text("ALTER TABLE evidence_entries DISABLE TRIGGER evidence_entries_append_only"))
        conn.execute(text(f"UPDATE evidence_entries SET summary = 'rewritten' WHERE id = {ids[1]}"))
        conn.execute(text("ALTER TABLE evidence_entries ENABLE TRIGGER evidence_entries_append_only"))
    s = pg_app.extensions["engage.db"].session()
    result = evidence.verify(s, s.get(commissions.Commission, c.id))
    s.close()
    assert not result.ok
    assert result.first_bad_entry == ids[1]
