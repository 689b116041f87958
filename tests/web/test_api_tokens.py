"""API tokens: sign-out everywhere revokes them; staff list, name, expire and revoke their own
tokens on a page and through the API; only a SHA-256 of each is stored (issue 12, point 9)."""
from __future__ import annotations

import hashlib
import re
from datetime import timedelta

from sqlalchemy import select, text

from commissioning_steps import staff


def _bearer(token):
    return {"Authorization": f"Bearer {token}"}


def test_sign_out_everywhere_revokes_api_tokens(client, world, team):
    headers = world.token("alice@example.org")
    assert client.get("/api/v1/commissions", headers=headers).status_code == 200
    world.sign_in(client, "alice@example.org")
    assert client.post("/sign-out").status_code == 302
    assert client.get("/api/v1/commissions", headers=headers).status_code == 401


def test_create_list_and_revoke_through_the_api(app, client, world, team):
    headers = world.token("alice@example.org")
    created = client.post("/api/v1/auth/tokens", headers=headers, json={"name": "Reporting script",
                                                                         "expires_in_days": 7})
    assert created.status_code == 201, created.json
    body = created.json
    assert body["name"] == "Reporting script" and body["token_type"] == "Bearer"
    token = body["token"]
    assert client.get("/api/v1/commissions", headers=_bearer(token)).status_code == 200

    listed = client.get("/api/v1/auth/tokens", headers=_bearer(token)).json["tokens"]
    assert [t["name"] for t in listed][0] == "Reporting script"
    assert [t["current"] for t in listed] == [True, False]
    assert all("token" not in t for t in listed)
    assert listed[0]["expires_at"].startswith(
        (staff.utcnow() + timedelta(days=7)).date().isoformat())

    # only a SHA-256 is stored
    with app.extensions["engage.db"].engine.connect() as conn:
        stored = conn.execute(text("SELECT token_hash FROM api_tokens WHERE id = :id"), {"id": body["id"]}).scalar()
        everything = " ".join(str(v) for row in conn.execute(text("SELECT * FROM api_tokens")) for v in row)
    assert stored == hashlib.sha256(token.encode()).hexdigest()
    assert token not in everything

    assert client.delete(f"/api/v1/auth/tokens/{body['id']}", headers=headers).status_code == 204
    assert client.get("/api/v1/commissions", headers=_bearer(token)).status_code == 401
    assert client.delete(f"/api/v1/auth/tokens/{body['id']}", headers=headers).status_code == 404


def test_default_expiry_and_validation(client, world, team):
    headers = world.token("alice@example.org")
    created = client.post("/api/v1/auth/tokens", headers=headers, json={"name": "Thirty days"})
    assert created.status_code == 201
    assert created.json["expires_at"].startswith((staff.utcnow() + timedelta(days=30)).date().isoformat())
    for bad in ({"name": ""}, {"name": "x", "expires_in_days": 0}, {"name": "x", "expires_in_days": 91},
                {"name": "x", "expires_in_days": "7"}, {"name": "x" * 81}, {}):
        response = client.post("/api/v1/auth/tokens", headers=headers, json=bad)
        assert response.status_code == 422, bad
    assert client.post("/api/v1/auth/tokens", json={"name": "no auth"}).status_code == 401


def test_nobody_revokes_or_sees_someone_elses_token(client, world, team):
    alice = world.token("alice@example.org")
    bob = world.token("bob@example.org")
    alices = client.get("/api/v1/auth/tokens", headers=alice).json["tokens"]
    assert client.delete(f"/api/v1/auth/tokens/{alices[0]['id']}", headers=bob).status_code == 404
    assert {t["id"] for t in client.get("/api/v1/auth/tokens", headers=bob).json["tokens"]}.isdisjoint(
        t["id"] for t in alices)
    assert client.get("/api/v1/commissions", headers=alice).status_code == 200


def _token_id(store, *where):
    with store.session() as s:
        return s.scalar(select(staff.ApiToken.id).where(*where))


def test_tokens_page_creates_shows_once_lists_and_revokes(app, client, world, team, store):
    world.sign_in(client, "alice@example.org")
    page = client.get("/account/tokens")
    assert page.status_code == 200
    assert "You have no API tokens" in page.get_data(as_text=True)

    created = client.post("/account/tokens", data={"name": "Dashboard feed", "expires_in_days": "14"})
    assert created.status_code == 200
    html = created.get_data(as_text=True)
    token = re.search(r'<code class="engage-token" id="new-token">([^<]+)</code>', html).group(1)
    assert client.get("/api/v1/commissions", headers=_bearer(token)).status_code == 200

    again = client.get("/account/tokens").get_data(as_text=True)
    assert "Dashboard feed" in again
    assert token not in again  # shown once only

    revoked = client.post(f"/account/tokens/{_token_id(store, staff.ApiToken.name == 'Dashboard feed')}/revoke")
    assert revoked.status_code == 302
    assert client.get("/api/v1/commissions", headers=_bearer(token)).status_code == 401
    assert "Dashboard feed" not in client.get("/account/tokens").get_data(as_text=True)


def test_tokens_page_validates_and_needs_sign_in(client, world, team):
    assert client.get("/account/tokens").status_code == 302
    world.sign_in(client, "alice@example.org")
    response = client.post("/account/tokens", data={"name": "", "expires_in_days": "400"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "There is a problem" in html
    assert "Enter a name for the token" in html
    assert "from 1 to 90" in html


def test_revoking_someone_elses_token_on_the_page_is_not_found(client, world, team, store):
    world.token("bob@example.org")
    bobs = _token_id(store)
    world.sign_in(client, "alice@example.org")
    assert client.post(f"/account/tokens/{bobs}/revoke").status_code == 404
