"""Staff export their own data; deleting an account empties it of the person and keeps its
evidence authorship as a role (issue 12, privacy)."""
from __future__ import annotations

import json

from commissioning_steps import staff


def _note(client, headers, commission_id, summary="Walkabout with the tenants' forum"):
    response = client.post(f"/api/v1/commissions/{commission_id}/evidence", headers=headers,
                           json={"step": "initiate", "kind": "note", "summary": summary})
    assert response.status_code == 201


def test_staff_download_their_own_data(client, world, team):
    headers = world.token("alice@example.org")
    _note(client, headers, team["mine"].id)
    data = client.get("/api/v1/auth/me/export", headers=headers).json
    assert data["account"]["email"] == "alice@example.org"
    assert [c["title"] for c in data["commissions"]] == ["Day opportunities"]
    assert data["evidence_recorded"][0]["summary"] == "Walkabout with the tenants' forum"
    world.sign_in(client, "alice@example.org")
    page = client.get("/account/export.json")
    assert page.status_code == 200 and "attachment" in page.headers["Content-Disposition"]
    assert json.loads(page.data)["account"]["reference"] == f"staff#{team['alice'].id}"
    assert "bob@example.org" not in page.get_data(as_text=True)


def test_an_administrator_deletes_an_account_and_its_evidence_keeps_a_role(client, world, team):
    world.user("root@example.org", staff.ADMIN, "Root")
    alice = world.token("alice@example.org")
    _note(client, alice, team["mine"].id)
    admin = world.token("root@example.org")
    assert client.delete(f"/api/v1/staff/{team['alice'].id}", headers=alice).status_code == 403
    assert client.delete(f"/api/v1/staff/{team['alice'].id}", headers=admin).status_code == 204
    assert client.get("/api/v1/commissions", headers=alice).status_code == 401  # tokens gone
    assert client.post("/api/v1/auth/token", json={"email": "alice@example.org",
                                                   "password": "correct horse battery staple"}).status_code == 401
    entries = client.get(f"/api/v1/commissions/{team['mine'].id}/evidence", headers=admin).json["entries"]
    assert entries[-1]["author"] == f"staff#{team['alice'].id}"
    assert client.get(f"/api/v1/commissions/{team['mine'].id}/evidence/verify", headers=admin).json["ok"]
    world.sign_in(client, "root@example.org")
    log = client.get(f"/commissions/{team['mine'].id}/evidence").get_data(as_text=True)
    assert "Deleted account (commissioner)" in log and "Alice" not in log
    assert client.delete(f"/api/v1/staff/{team['alice'].id}", headers=admin).status_code == 409
