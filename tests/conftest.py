"""Fixtures shared by every test layer.

The schema is built once per run by the real Alembic migrations (so the migrations are tested
on every run, triggers included) into a template SQLite file; each test gets a fresh copy,
which is far quicker than migrating again and keeps tests independent.

``store`` is the database a test arranges data in: the app's own store when the test has an
app, a bare ``commissioning_steps.db.Store`` in the domain's unit tests (``tests/unit`` overrides
it, and refuses to build an app), so those run without Flask.
"""
from __future__ import annotations

import shutil
from dataclasses import dataclass

import pytest

from commissioning_steps import commissions, db, staff

PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory):
    path = tmp_path_factory.mktemp("template") / "engage.sqlite3"
    db.upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture
def database_url(migrated_template, tmp_path):
    path = tmp_path / "engage.sqlite3"
    shutil.copy(migrated_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def app(database_url):
    from engage import create_app

    app = create_app({"DATABASE_URL": database_url})
    yield app
    app.extensions["engage.db"].engine.dispose()


@pytest.fixture
def store(app):
    return app.extensions["engage.db"]


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def session(store):
    """A write session outside any request, for arranging data."""
    s = store.session(write=True)
    yield s
    s.close()


@dataclass
class World:
    """Small action helpers, in the style of Flask's tutorial conftest. Each helper is one call of
    a service, which commits its own transaction."""

    store: db.Store
    app: object | None = None

    def user(self, email: str, role: str, name: str | None = None) -> staff.StaffUser:
        from werkzeug.security import generate_password_hash

        with self.store.session(write=True) as s:
            return staff.create_user(s, email=email, name=name or email.split("@")[0].title(), role=role,
                                     password_hash=generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000"))

    def commission(self, owner: staff.StaffUser, title: str = "Day opportunities", groups=(), **kw):
        with self.store.session(write=True) as s:
            return commissions.create_commission(s, owner, commissions.CommissionInput(
                title=title, population_groups=list(groups), **kw))

    def add_member(self, commission, email: str, role: str) -> None:
        with self.store.session(write=True) as s:
            commissions.add_member(s, s.get(commissions.Commission, commission.id), email, role)

    def token(self, email: str) -> dict[str, str]:
        assert self.app is not None, "tokens come from the API: this test needs the app fixture"
        client = self.app.test_client()
        response = client.post("/api/v1/auth/token", json={"email": email, "password": PASSWORD})
        assert response.status_code == 200, response.json
        return {"Authorization": f"Bearer {response.json['token']}"}

    def sign_in(self, client, email: str):
        return client.post("/sign-in", data={"email": email, "password": PASSWORD})


@pytest.fixture
def world(store, request):
    app = request.getfixturevalue("app") if "app" in request.fixturenames else None
    return World(store, app)


@pytest.fixture
def team(world):
    """A commission with a commissioner and an evaluator, plus an outsider on another one."""
    alice = world.user("alice@example.org", staff.COMMISSIONER, "Alice")
    eve = world.user("eve@example.org", staff.EVALUATOR, "Eve")
    bob = world.user("bob@example.org", staff.COMMISSIONER, "Bob")
    mine = world.commission(alice, "Day opportunities", groups=[("Carers", 30), ("Residents", 60)])
    world.add_member(mine, "eve@example.org", staff.EVALUATOR)
    theirs = world.commission(bob, "Rosehill Park")
    return {"alice": alice, "eve": eve, "bob": bob, "mine": mine, "theirs": theirs}
