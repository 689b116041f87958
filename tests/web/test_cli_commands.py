"""``flask --app engage ...`` commands, through Flask's CLI test runner."""
from __future__ import annotations

from sqlalchemy import func, select

from commissioning_steps.commissions import Commission
from commissioning_steps.staff import StaffUser

DEMO_PASSWORD = "demo-password-for-tests-42"


def _invoke(app, args):
    # ``users`` is a plain click.Group: under ``flask --app engage`` the FlaskGroup pushes the
    # app context for it, but the test runner invokes ``app.cli`` directly, so push one here.
    with app.app_context():
        return app.test_cli_runner().invoke(args=args)


def _count(app, model) -> int:
    s = app.extensions["engage.db"].session()
    try:
        return s.scalar(select(func.count()).select_from(model))
    finally:
        s.close()


def _token_status(app, email, password) -> int:
    return app.test_client().post("/api/v1/auth/token", json={"email": email, "password": password}).status_code


def test_users_create(app):
    result = _invoke(app, ["users", "create", "--email", "New.Person@Example.org", "--name", "New Person",
                                 "--role", "commissioner", "--password", "a long enough password"])
    assert result.exit_code == 0, result.output
    assert "Created commissioner account" in result.output
    assert "new.person@example.org" in result.output
    assert _token_status(app, "new.person@example.org", "a long enough password") == 200


def test_users_create_refuses_short_password(app):
    result = _invoke(app, ["users", "create", "--email", "x@example.org", "--name", "X",
                                                "--role", "evaluator", "--password", "short"])
    assert result.exit_code != 0
    assert "at least 12 characters" in result.output
    assert _count(app, StaffUser) == 0


import pytest  # noqa: E402


@pytest.mark.parametrize("password", ["aaaaaaaaaaaa", " " * 12, "password1234", "qwertyuiop12"])
def test_users_create_refuses_trivial_and_common_passwords(app, password):
    """Issue 12 point 11: these were accepted because they are 12 characters long."""
    result = _invoke(app, ["users", "create", "--email", "x@example.org", "--name", "X",
                           "--role", "evaluator", "--password", password])
    assert result.exit_code != 0
    assert "password" in result.output.lower()
    assert _count(app, StaffUser) == 0


def test_demo_data_refuses_a_weak_demo_password(app, monkeypatch):
    monkeypatch.setenv("ENGAGE_DEMO_PASSWORD", "aaaaaaaaaaaa")
    app.config["LOAD_DEMO_DATA"] = True
    result = _invoke(app, ["demo-data"])
    assert result.exit_code != 0
    assert "ENGAGE_DEMO_PASSWORD" in result.output
    assert _count(app, StaffUser) == 0


def test_users_create_refuses_duplicate_email(app):
    args = ["users", "create", "--email", "dup@example.org", "--name", "Dup", "--role", "admin",
            "--password", "a long enough password"]
    assert _invoke(app, args).exit_code == 0
    result = _invoke(app, args)
    assert result.exit_code != 0
    assert "already" in result.output.lower()
    assert _count(app, StaffUser) == 1


def test_users_create_refuses_malformed_email(app):
    result = _invoke(app, ["users", "create", "--email", "not-an-email", "--name", "Bad",
                           "--role", "admin", "--password", "a long enough password"])
    assert result.exit_code != 0
    assert "email address" in result.output
    assert _count(app, StaffUser) == 0


def test_users_create_refuses_bad_role(app):
    result = _invoke(app, ["users", "create", "--email", "r@example.org", "--name", "R",
                                                "--role", "superuser", "--password", "a long enough password"])
    assert result.exit_code != 0
    assert _count(app, StaffUser) == 0


def test_demo_data_loads_accounts_that_sign_in(app, monkeypatch):
    monkeypatch.setenv("ENGAGE_DEMO_PASSWORD", DEMO_PASSWORD)
    app.config["LOAD_DEMO_DATA"] = True  # the test configuration turns it off; development has it on
    result = app.test_cli_runner().invoke(args=["demo-data"])
    assert result.exit_code == 0, result.output
    assert "Demo data loaded." in result.output
    for email in ("commissioner@example.org", "evaluator@example.org", "admin@example.org"):
        assert email in result.output
        assert _token_status(app, email, DEMO_PASSWORD) == 200
    assert DEMO_PASSWORD in result.output
    assert _count(app, Commission) >= 1


def test_demo_data_if_empty_keeps_data(app, monkeypatch):
    monkeypatch.setenv("ENGAGE_DEMO_PASSWORD", DEMO_PASSWORD)
    app.config["LOAD_DEMO_DATA"] = True
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo-data", "--if-empty"])
    assert first.exit_code == 0, first.output
    assert "Demo data loaded." in first.output
    before = (_count(app, Commission), _count(app, StaffUser))
    assert before[0] >= 1
    second = runner.invoke(args=["demo-data", "--if-empty"])
    assert second.exit_code == 0, second.output
    assert "already loaded" in second.output
    assert (_count(app, Commission), _count(app, StaffUser)) == before


def test_demo_data_refused_when_not_allowed(app, monkeypatch):
    monkeypatch.setenv("ENGAGE_DEMO_PASSWORD", DEMO_PASSWORD)
    app.config["LOAD_DEMO_DATA"] = False
    result = app.test_cli_runner().invoke(args=["demo-data"])
    assert result.exit_code != 0
    assert "production" in result.output
    assert _count(app, StaffUser) == 0
    assert _count(app, Commission) == 0


def test_create_token_command(app, world):
    world.user("tok@example.org", "commissioner")
    result = app.test_cli_runner().invoke(args=["create-token", "--email", "tok@example.org"])
    assert result.exit_code == 0, result.output
    token = result.output.strip()
    response = app.test_client().get("/api/v1/commissions", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    bad = app.test_cli_runner().invoke(args=["create-token", "--email", "nobody@example.org"])
    assert bad.exit_code != 0


def test_users_delete_keeps_the_reference_and_removes_the_person(app, world):
    from commissioning_steps import staff as staff_module

    user = world.user("leaving@example.org", staff_module.COMMISSIONER, "Lee Leaving")
    result = _invoke(app, ["users", "delete", "--email", "leaving@example.org", "--yes"])
    assert result.exit_code == 0, result.output
    assert f"staff#{user.id}" in result.output
    s = app.extensions["engage.db"].session()
    try:
        row = s.get(StaffUser, user.id)
        assert (row.name, row.active) == ("Deleted account", False) and "leaving" not in row.email
    finally:
        s.close()
    assert _invoke(app, ["users", "delete", "--email", "leaving@example.org", "--yes"]).exit_code != 0
