"""Security on the pages: CSRF, the nonce-based CSP and other headers, friendly error pages."""
from __future__ import annotations

import re

import pytest

from engage import create_app

PASSWORD = "correct horse battery staple"


@pytest.fixture
def csrf_app(database_url):
    app = create_app({"DATABASE_URL": database_url, "WTF_CSRF_ENABLED": True})
    yield app
    app.extensions["engage.db"].engine.dispose()


def _csrf_token(page: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or \
        re.search(r'name="csrf_token" value="([^"]+)"', page) or \
        re.search(r'value="([^"]+)"[^>]*name="csrf_token"', page)
    assert match, "no CSRF token on the page"
    return match.group(1)


def test_post_without_csrf_token_is_refused(csrf_app):
    from commissioning_steps import staff
    from werkzeug.security import generate_password_hash

    s = csrf_app.extensions["engage.db"].session(write=True)
    staff.create_user(s, email="alice@example.org", name="Alice", role=staff.COMMISSIONER,
                      password_hash=generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000"))
    s.commit()
    s.close()
    client = csrf_app.test_client()
    response = client.post("/sign-in", data={"email": "alice@example.org", "password": PASSWORD})
    assert response.status_code == 400
    assert "govuk-heading-l" in response.get_data(as_text=True)
    assert client.get("/commissions").status_code == 302  # not signed in

    # With the token from the form, the same sign-in works.
    token = _csrf_token(client.get("/sign-in").get_data(as_text=True))
    response = client.post("/sign-in", data={"email": "alice@example.org", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    assert client.get("/commissions").status_code == 200

    # Signed-in forms are protected as well (sign-out here).
    assert client.post("/sign-out").status_code == 400
    assert client.get("/commissions").status_code == 200


def test_api_is_exempt_from_csrf(csrf_app):
    response = csrf_app.test_client().post("/api/v1/auth/token", json={"email": "x@example.org", "password": "y"})
    assert response.status_code == 401  # reached the view: no CSRF refusal


def _nonce(response) -> str:
    csp = response.headers["Content-Security-Policy"]
    match = re.search(r"script-src 'self' 'nonce-([A-Za-z0-9_\-]+)'", csp)
    assert match, csp
    return match.group(1)


def _check_page(response):
    assert response.status_code == 200, response.request.path
    csp = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    nonce = _nonce(response)
    page = response.get_data(as_text=True)
    assert not re.search(r"\sstyle\s*=", page), "inline style attribute"
    assert not re.search(r"<style[\s>]", page), "inline style element"
    assert not re.search(r"\son[a-z]+\s*=", page), "inline event handler"
    scripts = re.findall(r"<script\b([^>]*)>", page)
    inline = [attrs for attrs in scripts if "src=" not in attrs]
    assert len(inline) == 1, scripts
    assert f'nonce="{nonce}"' in inline[0]
    return nonce


def test_public_pages_headers(client):
    for url in ("/", "/journey", "/sign-in"):
        _check_page(client.get(url))


def test_nonce_changes_per_request(client):
    assert _nonce(client.get("/")) != _nonce(client.get("/"))


def test_staff_pages_headers(client, world, team):
    cid = team["mine"].id
    headers = world.token("alice@example.org")
    client.post(f"/api/v1/commissions/{cid}/evidence", json={"step": "initiate", "kind": "document",
                                                            "summary": "Minutes", "payload": {"url": "https://example.org/m"}},
                headers=headers)
    world.sign_in(client, "alice@example.org")
    for url in ("/commissions", f"/commissions/{cid}", f"/commissions/{cid}/steps/initiate",
                f"/commissions/{cid}/steps/negotiate", f"/commissions/{cid}/evidence", f"/commissions/{cid}/team",
                f"/commissions/{cid}/edit", "/commissions/new"):
        response = client.get(url)
        _check_page(response)
        assert response.headers["Cache-Control"] == "no-store"
    # An error summary page too.
    response = client.post("/commissions/new", data={"title": ""})
    assert response.status_code == 422
    assert "There is a problem" in response.get_data(as_text=True)
    assert not re.search(r"\sstyle\s*=", response.get_data(as_text=True))


def test_api_responses_have_security_headers(client):
    response = client.get("/api/v1/journey")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_friendly_404(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert '<h1 class="govuk-heading-l">Page not found</h1>' in page
    assert "govuk-template" in page
    assert response.headers["X-Frame-Options"] == "DENY"


def test_friendly_403(client, world, team):
    world.sign_in(client, "eve@example.org")
    response = client.get("/commissions/new")
    assert response.status_code == 403
    assert response.mimetype == "text/html"
    assert '<h1 class="govuk-heading-l">You do not have permission to see this page</h1>' in \
        response.get_data(as_text=True)


def test_friendly_404_for_hidden_commission_does_not_leak(client, world, team):
    world.sign_in(client, "alice@example.org")
    response = client.get(f"/commissions/{team['theirs'].id}")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    # Issue 8: staff are told how to get access; the page is the same whether it exists or not.
    assert "You cannot see this commission" in page
    assert "Rosehill Park" not in page
    missing = client.get("/commissions/424242")
    assert missing.status_code == 404 and "You cannot see this commission" in missing.get_data(as_text=True)


def test_a_json_response_has_the_strict_policy_without_a_nonce(client):
    response = client.get("/api/v1/openapi.json")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self';" in csp and "nonce-" not in csp
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
