"""The request's database session: a write session is a write session or an error, never a
read session handed back in its place."""
from __future__ import annotations

import pytest

from commissioning_steps.db import is_write_session
from engage.extensions import ReadSessionOpen, db_session


def test_a_get_request_reads_and_a_post_request_writes(app):
    with app.test_request_context("/", method="GET"):
        assert not is_write_session(db_session())
    with app.test_request_context("/", method="POST"):
        assert is_write_session(db_session())


def test_asking_to_write_after_reading_is_an_error(app):
    with app.test_request_context("/", method="GET"):
        db_session()
        with pytest.raises(ReadSessionOpen):
            db_session(write=True)


def test_asking_to_write_first_gives_a_write_session_for_the_whole_request(app):
    with app.test_request_context("/", method="GET"):
        first = db_session(write=True)
        assert is_write_session(first)
        assert db_session() is first
        assert db_session(write=True) is first


def test_each_app_has_its_own_store_and_bus(app, database_url):
    from engage import create_app

    other = create_app({"DATABASE_URL": database_url})
    try:
        assert other.extensions["engage.db"] is not app.extensions["engage.db"]
        assert other.extensions["engage.db"].bus is not app.extensions["engage.db"].bus
    finally:
        other.extensions["engage.db"].engine.dispose()
