"""The connection pool of a server database is sized by the deployment (DATABASE_POOL_SIZE,
DATABASE_MAX_OVERFLOW): under gevent a greenlet holds its connection while it waits for
PostgreSQL, and SQLAlchemy's default 5 + 10 made a hall of phones joining two processes queue for
a connection until they gave up. Nothing here connects: the pool is built lazily."""
from __future__ import annotations

from commissioning_steps.db import Store

URL = "postgresql+psycopg://nobody:nothing@127.0.0.1:1/none"


def test_a_server_databases_pool_takes_the_deployments_size():
    store = Store(URL, pool_size=30, max_overflow=40)
    try:
        assert store.engine.pool.size() == 30
        assert store.engine.pool._max_overflow == 40
    finally:
        store.dispose()


def test_without_a_size_the_pool_keeps_sqlalchemys_default():
    store = Store(URL)
    try:
        assert store.engine.pool.size() == 5 and store.engine.pool._max_overflow == 10
    finally:
        store.dispose()


def test_sqlite_ignores_the_pool_size(tmp_path):
    store = Store(f"sqlite:///{tmp_path}/e.sqlite3", pool_size=30, max_overflow=40)
    try:
        assert store.engine.pool.size() != 30
    finally:
        store.dispose()


def test_the_app_passes_its_configuration_to_its_store():
    from flask import Flask

    from engage.extensions import Database

    app = Flask("pool-test")
    app.config.update(DATABASE_URL=URL, DATABASE_POOL_SIZE=30, DATABASE_MAX_OVERFLOW=40)
    store = Database(app)
    try:
        assert store.engine.pool.size() == 30 and store.engine.pool._max_overflow == 40
    finally:
        store.dispose()
