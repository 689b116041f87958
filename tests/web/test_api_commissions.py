"""Creating, reading and changing commissions over the API, and their step statuses."""
from __future__ import annotations

import pytest

from commissioning_steps import staff

STEP_KEYS = ["initiate", "investigate", "collaborate", "incubate", "negotiate", "activate", "consolidate", "evaluate"]


@pytest.fixture
def alice(world):
    world.user("alice@example.org", staff.COMMISSIONER, "Alice")
    return world.token("alice@example.org")


def _error(response, status):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.is_json
    error = response.json["error"]
    assert set(error) == {"code", "message", "fields"}
    assert isinstance(error["message"], str) and error["message"]
    return error


def test_create_and_read(client, alice):
    body = {"title": "Day opportunities", "summary": "What replaces the day centre", "area": "Sutton",
            "partners": ["Sutton Council", "NHS partners"],
            "population_groups": [{"name": "Carers", "target_share": 30}, {"name": "Residents", "target_share": 60}]}
    response = client.post("/api/v1/commissions", json=body, headers=alice)
    assert response.status_code == 201, response.json
    created = response.json
    assert response.headers["Location"].endswith(f"/api/v1/commissions/{created['id']}")
    assert created["title"] == "Day opportunities"
    assert created["partners"] == ["Sutton Council", "NHS partners"]
    assert created["population_groups"] == [{"name": "Carers", "target_share": 30.0},
                                            {"name": "Residents", "target_share": 60.0}]
    assert created["current_step"] == "initiate"
    assert created["journey_complete"] is False
    assert [s["key"] for s in created["steps"]] == STEP_KEYS
    assert [s["status"] for s in created["steps"]] == ["active"] + ["not started"] * 7
    assert created["evidence"] == {"count": 0, "head": "0" * 64}

    got = client.get(f"/api/v1/commissions/{created['id']}", headers=alice)
    assert got.status_code == 200
    assert got.json["title"] == "Day opportunities"
    assert got.json["summary"] == "What replaces the day centre"

    listed = client.get("/api/v1/commissions", headers=alice)
    assert [c["id"] for c in listed.json["commissions"]] == [created["id"]]


def test_patch_is_partial_and_keeps_groups(client, alice):
    cid = client.post("/api/v1/commissions", json={"title": "Park", "population_groups": [
        {"name": "Young people", "target_share": 25}]}, headers=alice).json["id"]
    response = client.patch(f"/api/v1/commissions/{cid}", json={"title": "Rosehill Park"}, headers=alice)
    assert response.status_code == 200, response.json
    assert response.json["title"] == "Rosehill Park"
    assert response.json["population_groups"] == [{"name": "Young people", "target_share": 25.0}]
    response = client.patch(f"/api/v1/commissions/{cid}", json={"partners": ["Friends of the park"]}, headers=alice)
    assert response.json["partners"] == ["Friends of the park"]
    assert client.get(f"/api/v1/commissions/{cid}", headers=alice).json["title"] == "Rosehill Park"


def test_completing_moves_the_active_step(client, alice):
    cid = client.post("/api/v1/commissions", json={"title": "Walk"}, headers=alice).json["id"]
    client.post(f"/api/v1/commissions/{cid}/evidence", json={"step": "initiate", "kind": "note",
                                                             "summary": "Residents mapped the routes"}, headers=alice)
    response = client.post(f"/api/v1/commissions/{cid}/steps/initiate/complete", json={}, headers=alice)
    assert response.status_code == 200, response.json
    statuses = {s["key"]: s["status"] for s in response.json["steps"]}
    assert statuses["initiate"] == "complete"
    assert statuses["investigate"] == "active"
    assert all(statuses[k] == "not started" for k in STEP_KEYS[2:])
    assert response.json["current_step"] == "investigate"


@pytest.mark.parametrize("body, field", [
    ({"summary": "no title"}, "title"),
    ({"title": ""}, "title"),
    ({"title": "Shares", "population_groups": [{"name": "A", "target_share": 60},
                                               {"name": "B", "target_share": 50}]}, "population_groups"),
    ({"title": "Dup", "population_groups": [{"name": "Carers", "target_share": 10},
                                            {"name": "carers", "target_share": 10}]}, "population_groups"),
    ({"title": "Dup partners", "partners": ["Council", "council"]}, "partners"),
    ({"title": "Missing share", "population_groups": [{"name": "Carers"}]}, "population_groups.0.target_share"),
    ({"title": "Big share", "population_groups": [{"name": "Carers", "target_share": 101}]},
     "population_groups.0.target_share"),
    ({"title": "Unknown", "colour": "blue"}, "colour"),
])
def test_create_validation_names_the_field(client, alice, body, field):
    error = _error(client.post("/api/v1/commissions", json=body, headers=alice), 422)
    assert error["code"] == "invalid"
    assert field in error["fields"], error
    assert client.get("/api/v1/commissions", headers=alice).json["commissions"] == []


def test_shares_adding_to_exactly_100_are_fine(client, alice):
    response = client.post("/api/v1/commissions", json={"title": "Full", "population_groups": [
        {"name": "A", "target_share": 33.3}, {"name": "B", "target_share": 33.3}, {"name": "C", "target_share": 33.4}]},
        headers=alice)
    assert response.status_code == 201, response.json


def test_patch_validation(client, alice):
    cid = client.post("/api/v1/commissions", json={"title": "Keep me"}, headers=alice).json["id"]
    error = _error(client.patch(f"/api/v1/commissions/{cid}", json={"population_groups": [
        {"name": "A", "target_share": 80}, {"name": "B", "target_share": 30}]}, headers=alice), 422)
    assert "population_groups" in error["fields"]
    error = _error(client.patch(f"/api/v1/commissions/{cid}", json={"title": ""}, headers=alice), 422)
    assert "title" in error["fields"]
    got = client.get(f"/api/v1/commissions/{cid}", headers=alice).json
    assert got["title"] == "Keep me"
    assert got["population_groups"] == []


def test_unknown_commission_is_404(client, alice):
    error = _error(client.get("/api/v1/commissions/9999", headers=alice), 404)
    assert error["code"] == "not_found"
    _error(client.patch("/api/v1/commissions/9999", json={"title": "x"}, headers=alice), 404)
