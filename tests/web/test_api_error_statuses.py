"""Every API error status answers with ``{"error": {"code", "message", "fields"}}``."""
from __future__ import annotations

from datetime import timedelta

import pytest

from commissioning_steps import staff
from commissioning_steps.db import utcnow


def _error(response, status, code=None):
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.is_json, response.get_data(as_text=True)[:500]
    error = response.get_json()["error"]
    assert set(error) == {"code", "message", "fields"}
    assert isinstance(error["code"], str) and error["code"]
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["fields"], dict)
    if code:
        assert error["code"] == code
    return error


def test_400_malformed_json(client, alice):
    response = client.post("/api/v1/commissions", data="{not json", content_type="application/json", headers=alice)
    _error(response, 400, "malformed_json")


def test_400_json_array_body(client, alice):
    _error(client.post("/api/v1/commissions", json=[{"title": "x"}], headers=alice), 400, "malformed_json")
    _error(client.post("/api/v1/auth/token", json=["a", "b"]), 400, "malformed_json")


def test_empty_body_is_an_empty_object(client, alice, team):
    # no body at all counts as {} (so completing a step needs no body), and then names missing fields
    error = _error(client.post("/api/v1/commissions", headers=alice), 422, "invalid")
    assert "title" in error["fields"]


@pytest.mark.parametrize("headers", [
    {},
    {"Authorization": "Bearer not-a-real-token"},
    {"Authorization": "Basic dXNlcjpwYXNz"},
    {"Authorization": "Bearer "},
])
def test_401_without_a_valid_token(client, team, headers):
    for response in (client.get("/api/v1/commissions", headers=headers),
                     client.get(f"/api/v1/commissions/{team['mine'].id}", headers=headers),
                     client.post("/api/v1/commissions", json={"title": "x"}, headers=headers)):
        _error(response, 401, "unauthorised")
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_401_expired_token(client, session, team):
    token = "expired-token-for-the-test-0123456789"
    now = utcnow()
    session.add(staff.ApiToken(user_id=team["alice"].id, token_hash=staff._digest(token),
                               created_at=now - timedelta(hours=13), expires_at=now - timedelta(seconds=1)))
    session.commit()
    _error(client.get("/api/v1/commissions", headers={"Authorization": f"Bearer {token}"}), 401)


def test_token_for_a_disabled_account_is_refused(client, session, world, team):
    headers = world.token("alice@example.org")
    assert client.get("/api/v1/commissions", headers=headers).status_code == 200
    user = session.get(staff.StaffUser, team["alice"].id)
    user.active = False
    session.commit()
    _error(client.get("/api/v1/commissions", headers=headers), 401)


def test_cookies_do_not_authenticate_the_api(client, world, team):
    world.sign_in(client, "alice@example.org")
    assert client.get("/commissions").status_code == 200
    _error(client.get("/api/v1/commissions"), 401)


def test_403(client, world, team):
    eve = world.token("eve@example.org")
    _error(client.patch(f"/api/v1/commissions/{team['mine'].id}", json={"title": "x"}, headers=eve), 403, "forbidden")


def test_404_unknown_commission_and_unknown_url(client, alice):
    _error(client.get("/api/v1/commissions/424242", headers=alice), 404, "not_found")
    _error(client.get("/api/v1/no-such-thing", headers=alice), 404)
    _error(client.get("/api/v1/no-such-thing"), 404)


def test_405_is_json_under_the_api(client, alice):
    _error(client.delete("/api/v1/commissions", headers=alice), 405)


def test_409(client, alice, team):
    _error(client.post(f"/api/v1/commissions/{team['mine'].id}/steps/initiate/complete", json={}, headers=alice),
           409, "conflict")


def test_413_body_too_large(client, app, alice):
    assert app.config["MAX_CONTENT_LENGTH"] == 256 * 1024
    big = '{"title": "' + "x" * (256 * 1024 + 10) + '"}'
    response = client.post("/api/v1/commissions", data=big, content_type="application/json", headers=alice)
    _error(response, 413)
    assert client.get("/api/v1/commissions", headers=alice).json["commissions"][0]["title"] == "Day opportunities"
    assert len(client.get("/api/v1/commissions", headers=alice).json["commissions"]) == 1


def test_422(client, alice, team):
    error = _error(client.post(f"/api/v1/commissions/{team['mine'].id}/evidence",
                               json={"step": "initiate", "kind": "note"}, headers=alice), 422, "invalid")
    assert error["fields"] == {"summary": error["fields"]["summary"]}


def test_ids_beyond_a_database_integer_are_not_found_not_a_server_error(client, world, team):
    headers = world.token("alice@example.org")
    for path in (f"/api/v1/commissions/{2**63}", f"/api/v1/commissions/{2**64 + 5}/evidence",
                 f"/api/v1/themes/{2**63}", f"/api/v1/decisions/{10**30}"):
        response = client.get(path, headers=headers)
        assert response.status_code == 404, path
        assert response.json["error"]["code"] == "not_found"
