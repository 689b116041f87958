"""The retention period is set on the commission form and through the API, checked on both."""
from __future__ import annotations


def test_api_sets_and_checks_the_retention_period(client, world, team):
    headers = world.token("alice@example.org")
    created = client.post("/api/v1/commissions", json={"title": "Kept a year", "retention_days": 365}, headers=headers)
    assert created.status_code == 201 and created.json["retention_days"] == 365
    default = client.post("/api/v1/commissions", json={"title": "Default"}, headers=headers)
    assert default.json["retention_days"] == 730
    bad = client.patch(f"/api/v1/commissions/{created.json['id']}", json={"retention_days": 5}, headers=headers)
    assert bad.status_code == 422 and "retention_days" in bad.json["error"]["fields"]
    kept = client.patch(f"/api/v1/commissions/{created.json['id']}", json={"title": "Renamed"}, headers=headers)
    assert kept.json["retention_days"] == 365  # a partial change keeps the period


def test_the_commission_form_sets_the_retention_period(client, world, team):
    world.sign_in(client, "alice@example.org")
    page = client.get(f"/commissions/{team['mine'].id}/edit").get_data(as_text=True)
    assert "How long to keep residents" in page
    form = {"title": "Day opportunities", "summary": "", "area": "", "partners": "",
            "population_groups": "Carers: 30\nResidents: 60", "retention_days": "400"}
    assert client.post(f"/commissions/{team['mine'].id}/edit", data=form).status_code == 302
    headers = world.token("alice@example.org")
    assert client.get(f"/api/v1/commissions/{team['mine'].id}", headers=headers).json["retention_days"] == 400
    refused = client.post(f"/commissions/{team['mine'].id}/edit", data={**form, "retention_days": "7"})
    assert refused.status_code == 422 and "30 to 3650 days" in refused.get_data(as_text=True)
