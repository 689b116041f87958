"""Integration fixtures: a real PostgreSQL server (started by .ci/run / scripts/system-deps.sh).

Each test module gets a database of its own, created and dropped here, so runs never share
state and a developer's own databases are never touched.
"""
from __future__ import annotations

import os
import uuid

import psycopg
import pytest

ADMIN_URL = os.environ.get("ENGAGE_TEST_POSTGRES_URL", "postgresql://postgres:postgres@127.0.0.1:5432/postgres")

pytestmark = pytest.mark.integration


def _admin():
    try:
        return psycopg.connect(ADMIN_URL, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as exc:
        pytest.fail(f"PostgreSQL is not reachable at {ADMIN_URL}: {exc}. Run `bash scripts/system-deps.sh`.")


@pytest.fixture(scope="module")
def pg_url():
    name = f"engage_test_{uuid.uuid4().hex[:10]}"
    with _admin() as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    yield f"{base}/{name}"
    with _admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def pg_store(pg_url):
    """The domain's ``Store`` on the module's PostgreSQL database, migrated (no Flask app)."""
    from commissioning_steps import db

    db.upgrade(pg_url)
    s = db.Store(pg_url)
    yield s
    s.dispose()
