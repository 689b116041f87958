"""Sign-in that tells nobody who has an account, and throttles guessing without locking owners out.

Issue 12, points 7 and 8. No timing is measured: the tests count the password hashes checked
and compare their scheme and cost, which is what the time depends on.
"""
from __future__ import annotations

import logging

import pytest

from commissioning_steps import staff
from engage import auth, create_app

PASSWORD = "correct horse battery staple"
EMAIL = "alice@example.org"


def _hash_params(password_hash: str) -> str:
    """werkzeug's ``method:params$salt$hash`` -> ``method:params`` (the scheme and its cost)."""
    return password_hash.split("$", 1)[0]


@pytest.fixture
def checked(monkeypatch):
    """Every hash ``authenticate`` checks a password against, in order."""
    seen: list[str] = []
    real = auth.check_password_hash

    def spy(pwhash, password):
        seen.append(pwhash)
        return real(pwhash, password)

    monkeypatch.setattr(auth, "check_password_hash", spy)
    return seen


def _token(client, email=EMAIL, password=PASSWORD, address="198.51.100.7"):
    return client.post("/api/v1/auth/token", json={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def _page(client, email=EMAIL, password=PASSWORD, address="198.51.100.7"):
    return client.post("/sign-in", data={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": address})


# --- 7: the same cost for an unknown email as for a real account ---------------------------------

def test_unknown_email_checks_one_hash_of_the_real_scheme_and_cost(database_url, checked):
    app = create_app({"DATABASE_URL": database_url, "PASSWORD_HASH_METHOD": "scrypt"})
    try:
        with app.app_context():
            real_hash = auth.hash_password(PASSWORD)
            with app.extensions["engage.db"].session(write=True) as s:
                staff.create_user(s, email=EMAIL, name="Alice", role=staff.COMMISSIONER, password_hash=real_hash)
                staff.create_user(s, email="gone@example.org", name="Gone", role=staff.COMMISSIONER,
                                  password_hash=real_hash)
                s.get(staff.StaffUser, 2).active = False
                s.commit()
        client = app.test_client()
        assert _token(client, password="wrong password").status_code == 401
        assert _token(client, email="nobody@example.org").status_code == 401
        assert _token(client, email="gone@example.org").status_code == 401
        assert len(checked) == 3  # one hash per attempt, whoever the email belongs to
        assert _hash_params(real_hash).startswith("scrypt:")
        assert {_hash_params(h) for h in checked} == {_hash_params(real_hash)}
    finally:
        app.extensions["engage.db"].engine.dispose()


def test_a_locked_pair_still_checks_one_hash_of_the_same_cost(app, client, world, checked):
    world.user(EMAIL, staff.COMMISSIONER)
    for _ in range(6):
        _token(client, password="wrong password")
    assert len(checked) == 6
    assert len({_hash_params(h) for h in checked}) == 1


# --- 8: throttling per pair, per address and globally --------------------------------------------

def _same_answer(*responses):
    bodies = {(r.status_code, r.get_data(as_text=True)) for r in responses}
    assert len(bodies) == 1, bodies


def test_locked_wrong_and_unknown_answer_the_same(client, world):
    world.user(EMAIL, staff.COMMISSIONER)
    wrong = _token(client, password="wrong password")
    unknown = _token(client, email="nobody@example.org")
    for _ in range(5):
        _token(client, password="wrong password")
    locked_right_password = _token(client)
    assert locked_right_password.status_code == 401
    _same_answer(wrong, unknown, locked_right_password)
    # and on the page
    page_wrong = _page(client, email="other@example.org", password="wrong password", address="198.51.100.8")
    page_locked = _page(client)
    assert page_locked.status_code == page_wrong.status_code == 200
    assert "Enter a correct email address and password" in page_locked.get_data(as_text=True)
    assert client.get("/commissions").status_code == 302


def test_a_locked_pair_does_not_lock_the_owner_out_elsewhere(client, world):
    world.user(EMAIL, staff.COMMISSIONER)
    for _ in range(8):
        _token(client, password="wrong password", address="203.0.113.66")
    assert _token(client, address="203.0.113.66").status_code == 401
    assert _token(client, address="198.51.100.20").status_code == 200
    assert _page(client, address="198.51.100.21").status_code == 302


def test_spraying_from_one_address_is_throttled(app, client, world):
    """80 wrong passwords across 40 accounts from one address (the audit's run)."""
    for i in range(40):
        world.user(f"staff{i}@example.org", staff.COMMISSIONER)
    statuses = [_token(client, email=f"staff{i % 40}@example.org", password=f"Spring2026!{i // 40}",
                       address="203.0.113.9").status_code for i in range(80)]
    assert statuses.count(429) >= 50
    assert set(statuses) == {401, 429}
    refused = _token(client, email="staff1@example.org", address="203.0.113.9")
    assert refused.status_code == 429
    assert refused.json["error"]["code"] == "too_many_attempts"
    assert int(refused.headers["Retry-After"]) >= 1
    # the page shares the budget
    assert _page(client, email="staff1@example.org", address="203.0.113.9").status_code == 429
    # another address is unaffected, and the right password works from it
    assert _token(client, email="staff1@example.org", address="198.51.100.30").status_code == 200


def test_right_passwords_do_not_use_up_an_offices_budget(client, world):
    world.user(EMAIL, staff.COMMISSIONER)
    for _ in range(60):
        assert _token(client, address="192.0.2.1").status_code == 200


def test_spraying_from_many_addresses_meets_the_global_budget(database_url, world):
    app = create_app({"DATABASE_URL": database_url, "SIGN_IN_GLOBAL_LIMIT": 10})
    try:
        client = app.test_client()
        statuses = [_token(client, email=f"n{i}@example.org", address=f"10.1.{i // 250}.{i % 250}").status_code
                    for i in range(40)]
        assert statuses[:20] == [401] * 20
        assert statuses[20:].count(429) >= 19
    finally:
        app.extensions["engage.db"].engine.dispose()


def test_each_app_has_its_own_throttle(database_url, app):
    other = create_app({"DATABASE_URL": database_url})
    try:
        assert other.extensions["engage.sign_in_throttle"] is not app.extensions["engage.sign_in_throttle"]
    finally:
        other.extensions["engage.db"].engine.dispose()


def test_addresses_are_never_logged(client, world, caplog):
    world.user(EMAIL, staff.COMMISSIONER)
    with caplog.at_level(logging.DEBUG):
        for _ in range(30):
            _token(client, password="wrong password", address="203.0.113.201")
    assert caplog.records
    assert "203.0.113.201" not in caplog.text
    assert EMAIL not in caplog.text
