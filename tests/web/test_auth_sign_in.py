"""Signing in on the API and the pages: wrong passwords, lock-out, sign-out, safe redirects."""
from __future__ import annotations

from urllib.parse import urljoin, urlsplit

import time

import pytest

from commissioning_steps import staff

PASSWORD = "correct horse battery staple"
EMAIL = "alice@example.org"


@pytest.fixture
def alice(world):
    return world.user(EMAIL, staff.COMMISSIONER, "Alice")


def _token(client, password, email=EMAIL):
    return client.post("/api/v1/auth/token", json={"email": email, "password": password})


def test_token_issued_and_usable(client, alice):
    response = _token(client, PASSWORD)
    assert response.status_code == 200
    assert response.json["token_type"] == "Bearer"
    assert response.json["expires_in"] == 12 * 3600
    headers = {"Authorization": f"Bearer {response.json['token']}"}
    assert client.get("/api/v1/commissions", headers=headers).status_code == 200


def test_email_is_case_insensitive(client, alice):
    assert _token(client, PASSWORD, email="  Alice@Example.ORG ").status_code == 200


def test_wrong_password_and_unknown_email_are_401(client, alice):
    for response in (_token(client, "wrong password"), _token(client, PASSWORD, email="nobody@example.org")):
        assert response.status_code == 401
        assert response.json["error"]["code"] == "invalid_credentials"


def test_missing_fields_are_422(client, alice):
    response = client.post("/api/v1/auth/token", json={"email": EMAIL})
    assert response.status_code == 422
    assert "password" in response.json["error"]["fields"]


def test_five_wrong_passwords_lock_the_pair_and_answer_like_a_wrong_password(client, alice):
    for _ in range(5):
        assert _token(client, "wrong password").status_code == 401
    sixth = _token(client, PASSWORD)
    assert sixth.status_code == 401
    assert sixth.json["error"]["code"] == "invalid_credentials"
    assert "token" not in sixth.json


def test_lock_applies_to_the_sign_in_page(client, alice):
    for _ in range(5):
        _token(client, "wrong password")
    response = client.post("/sign-in", data={"email": EMAIL, "password": PASSWORD})
    assert response.status_code == 200
    assert "Enter a correct email address and password" in response.get_data(as_text=True)
    assert client.get("/commissions").status_code == 302  # still not signed in


def test_lock_via_the_sign_in_page(client, alice):
    for _ in range(5):
        client.post("/sign-in", data={"email": EMAIL, "password": "wrong password"})
    response = client.post("/sign-in", data={"email": EMAIL, "password": PASSWORD})
    assert client.get("/commissions").status_code == 302
    assert _token(client, PASSWORD).status_code == 401


def test_lock_expires(app, client, alice, monkeypatch):
    for _ in range(5):
        _token(client, "wrong password")
    assert _token(client, PASSWORD).status_code == 401
    throttle = app.extensions["engage.sign_in_throttle"]
    monkeypatch.setattr(throttle, "_clock", lambda: time.monotonic() + throttle.pair_lockout + 1)
    assert _token(client, PASSWORD).status_code == 200


def test_successful_sign_in_resets_the_counter(client, alice):
    for _ in range(4):
        assert _token(client, "wrong password").status_code == 401
    assert _token(client, PASSWORD).status_code == 200
    for _ in range(4):
        assert _token(client, "wrong password").status_code == 401
    assert _token(client, PASSWORD).status_code == 200


def test_wrong_password_on_the_page_shows_the_error_summary(client, alice):
    response = client.post("/sign-in", data={"email": EMAIL, "password": "wrong password"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "There is a problem" in page
    assert "Enter a correct email address and password" in page
    assert 'href="#email"' in page
    assert client.get("/commissions").status_code == 302


def test_empty_sign_in_form_names_both_fields(client, alice):
    page = client.post("/sign-in", data={}).get_data(as_text=True)
    assert "Enter your email address" in page
    assert "Enter your password" in page


def test_sign_in_and_sign_out(client, alice):
    response = client.post("/sign-in", data={"email": EMAIL, "password": PASSWORD})
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/commissions"
    assert client.get("/commissions").status_code == 200
    assert client.get("/sign-out").status_code == 405
    response = client.post("/sign-out")
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/"
    response = client.get("/commissions")
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/sign-in"


def test_sign_out_requires_sign_in(client, alice):
    response = client.post("/sign-out")
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/sign-in"


def test_staff_pages_require_sign_in(client, world, team):
    for url in ("/commissions", "/commissions/new", f"/commissions/{team['mine'].id}",
                f"/commissions/{team['mine'].id}/evidence", f"/commissions/{team['mine'].id}/evidence.json"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert urlsplit(response.headers["Location"]).path == "/sign-in"


def test_next_is_followed_within_the_site(client, world, team):
    target = f"/commissions/{team['mine'].id}/evidence"
    response = client.post(f"/sign-in?next={target}", data={"email": EMAIL, "password": PASSWORD})
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == target


@pytest.mark.parametrize("target", ["//evil.example", "https://evil.example/", "//evil.example/commissions",
                                    "/\\evil.example", "javascript:alert(1)"])
def test_next_off_site_is_not_followed(client, alice, target):
    response = client.post("/sign-in", query_string={"next": target}, data={"email": EMAIL, "password": PASSWORD})
    assert response.status_code == 302
    raw = response.headers["Location"]
    # Browsers read a backslash as a slash, so neither may start the path.
    assert "\\" not in raw
    resolved = urlsplit(urljoin("http://localhost/sign-in", raw))
    assert resolved.netloc == "localhost"
    assert not resolved.path.startswith("//")
    if target.startswith(("//", "https:", "javascript:")):
        assert "evil.example" not in raw


def test_signed_in_user_visiting_sign_in_goes_to_dashboard(client, alice):
    client.post("/sign-in", data={"email": EMAIL, "password": PASSWORD})
    response = client.get("/sign-in")
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/commissions"
