"""Benefits management on the API: strategy, profiles, measurements, reviews, the map; roles and
error statuses."""
from __future__ import annotations

import pytest

from commissioning_steps import journey


def _status(response, code):
    assert response.status_code == code, (response.status_code, response.get_data(as_text=True)[:500])
    return response


PROFILE = {"title": "Carers' time back", "description": "Carers spend less time arranging transport",
           "stakeholders": ["Family carers"], "measure": "Hours a week arranging transport", "unit": "hours",
           "method": "Carers' diaries", "baseline_value": 6, "baseline_date": "2026-09-01", "target_value": 2,
           "target_date": "2027-09-01", "owner_role": "Head of day services", "outputs": ["Transport contract"],
           "outcome": "Reliable pick-ups", "objectives": ["Carers stay in work"], "review_dates": ["2027-03-01"]}


@pytest.fixture
def ctx(client, world, team):
    heads = {name: world.token(f"{name}@example.org") for name in ("alice", "eve", "bob")}
    cid = team["mine"].id
    for step in journey.STEPS[:7]:  # Evaluate is active: measurements go under it
        client.post(f"/api/v1/commissions/{cid}/steps/{step.key}/complete",
                    json={"override_reason": "Held on paper for this test"}, headers=heads["alice"])
    return heads, cid, team["theirs"].id


def test_profiles_with_measurements_reviews_and_the_map(client, ctx):
    heads, cid, _ = ctx
    url = f"/api/v1/commissions/{cid}/benefits"
    made = _status(client.post(url, json=PROFILE, headers=heads["alice"]), 201).json
    assert made["kind"] == "benefit" and made["baseline"] == {"value": 6.0, "date": "2026-09-01"}
    other = _status(client.post(url, json={**PROFILE, "title": "Carers stay in work", "kind": "dis_benefit",
                                           "depends_on": [made["id"]]}, headers=heads["alice"]), 201).json
    assert other["depends_on"] == [made["id"]]
    m = _status(client.post(f"{url}/{made['id']}/measurements", headers=heads["alice"],
                            json={"measured_on": "2026-11-01", "value": 4.5, "source": "Diaries, October"}), 201).json
    assert m["value"] == 4.5 and m["evidence_entry_id"]
    r = _status(client.post(f"{url}/{made['id']}/reviews", headers=heads["alice"],
                            json={"held_on": "2026-11-02", "extent": "partly_realised", "findings": "Half way",
                                  "new_target_value": 1.5, "new_target_date": "2028-01-01"}), 201).json
    assert r["extent"] == "partly_realised"
    one = _status(client.get(f"{url}/{made['id']}", headers=heads["eve"]), 200).json
    assert [x["value"] for x in one["measurements"]] == [4.5]
    assert [x["extent"] for x in one["reviews"]] == ["partly_realised"]
    assert one["target"] == {"value": 1.5, "date": "2028-01-01"}
    listing = _status(client.get(url, headers=heads["eve"]), 200).json
    assert [p["id"] for p in listing["profiles"]] == [made["id"], other["id"]]
    assert {c["key"] for c in listing["map"]["columns"]} == {"outputs", "outcomes", "benefits", "objectives"}
    graph = _status(client.get(f"{url}/map", headers=heads["eve"]), 200).json
    assert {"from": f"benefit:{made['id']}", "to": f"benefit:{other['id']}", "kind": "depends_on"} in graph["edges"]
    kinds = [e["kind"] for e in client.get(f"/api/v1/commissions/{cid}/evidence", headers=heads["eve"]).json["entries"]]
    assert kinds.count("benefit_measurement") == 1 and kinds.count("benefit_review") == 1
    changed = _status(client.patch(f"{url}/{made['id']}", json={"title": "Time back for carers"},
                                   headers=heads["alice"]), 200).json
    assert changed["title"] == "Time back for carers" and changed["measure"] == PROFILE["measure"]


def test_the_strategy(client, ctx):
    heads, cid, _ = ctx
    url = f"/api/v1/commissions/{cid}/benefits/strategy"
    client.patch(f"/api/v1/commissions/{cid}", json={"partners": ["Sutton Council", "NHS"]}, headers=heads["alice"])
    body = _status(client.put(url, headers=heads["alice"], json={
        "approach": "Baseline early, review each quarter",
        "partner_benefits": [{"partner": "NHS", "benefits": "Fewer admissions"}]}), 200).json
    assert body["partner_benefits"] == [{"partner": "NHS", "benefits": "Fewer admissions"}]
    listing = client.get(f"/api/v1/commissions/{cid}/benefits", headers=heads["eve"]).json
    assert listing["strategy"]["approach"] == "Baseline early, review each quarter"
    bad = _status(client.put(url, headers=heads["alice"], json={
        "approach": "x", "partner_benefits": [{"partner": "Elsewhere", "benefits": "Money"}]}), 422)
    assert "partner_benefits.0.partner" in bad.json["error"]["fields"]
    _status(client.put(url, headers=heads["eve"], json={"approach": "x"}), 403)
    _status(client.put(url, headers=heads["bob"], json={"approach": "x"}), 404)


def test_benefit_errors_by_role_and_input(client, ctx, world):
    heads, cid, theirs = ctx
    url = f"/api/v1/commissions/{cid}/benefits"
    _status(client.post(url, json=PROFILE, headers=heads["eve"]), 403)  # evaluators write none of this
    _status(client.post(url, json=PROFILE, headers=heads["bob"]), 404)
    _status(client.post(url, json=PROFILE), 401)
    _status(client.get(url, headers=heads["bob"]), 404)
    bad = _status(client.post(url, json={**PROFILE, "title": "", "target_date": "soon"}, headers=heads["alice"]), 422)
    assert {"title", "target_date"} <= set(bad.json["error"]["fields"])
    assert "colour" in _status(client.post(url, json={**PROFILE, "colour": "red"}, headers=heads["alice"]),
                               422).json["error"]["fields"]
    assert "stakeholders" in _status(client.post(url, json={k: v for k, v in PROFILE.items() if k != "stakeholders"},
                                                 headers=heads["alice"]), 422).json["error"]["fields"]
    made = client.post(url, json=PROFILE, headers=heads["alice"]).json
    _status(client.patch(f"{url}/{made['id']}", json={"title": "x"}, headers=heads["eve"]), 403)
    _status(client.get(f"{url}/999999", headers=heads["eve"]), 404)
    _status(client.post(f"{url}/{made['id']}/measurements", headers=heads["eve"],
                        json={"measured_on": "2026-11-01", "value": 4, "source": "Diaries"}), 403)
    assert "source" in _status(client.post(f"{url}/{made['id']}/measurements", headers=heads["alice"],
                                           json={"measured_on": "2026-11-01", "value": 4, "source": ""}),
                               422).json["error"]["fields"]
    _status(client.post(f"{url}/{made['id']}/reviews", headers=heads["alice"],
                        json={"held_on": "2026-11-01", "extent": "somewhat", "findings": "x"}), 422)
    # A benefit is found only under its own commission.
    bob_benefit = _status(client.post(f"/api/v1/commissions/{theirs}/benefits", json=PROFILE,
                                      headers=heads["bob"]), 201).json
    _status(client.get(f"{url}/{bob_benefit['id']}", headers=heads["alice"]), 404)
    _status(client.get(f"/api/v1/commissions/{theirs}/benefits/{bob_benefit['id']}", headers=heads["alice"]), 404)
    # Before Consolidate there is nothing to measure yet: the baseline is on the profile.
    early = _status(client.post(f"/api/v1/commissions/{theirs}/benefits/{bob_benefit['id']}/measurements",
                                headers=heads["bob"], json={"measured_on": "2026-11-01", "value": 4, "source": "x"}), 409)
    assert "Consolidate" in early.json["error"]["message"]
