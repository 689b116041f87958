"""Completing steps: the gateway asks for evidence or a recorded reason."""
from __future__ import annotations

import pytest

from commissioning_steps import journey


@pytest.fixture
def setup(world, team):
    return world.token("alice@example.org"), team["mine"].id


def _complete(client, headers, cid, key, body=None):
    return client.post(f"/api/v1/commissions/{cid}/steps/{key}/complete", json=body or {}, headers=headers)


def _entries(client, headers, cid):
    return client.get(f"/api/v1/commissions/{cid}/evidence", headers=headers).json["entries"]


def test_no_evidence_and_no_reason_is_409(client, setup):
    headers, cid = setup
    response = _complete(client, headers, cid, "initiate")
    assert response.status_code == 409
    error = response.json["error"]
    assert error["code"] == "conflict"
    assert "override_reason" in error["fields"]
    assert client.get(f"/api/v1/commissions/{cid}", headers=headers).json["current_step"] == "initiate"
    assert _entries(client, headers, cid) == []


def test_short_reason_is_422(client, setup):
    headers, cid = setup
    response = _complete(client, headers, cid, "initiate", {"override_reason": "too short"})
    assert response.status_code == 422
    assert "override_reason" in response.json["error"]["fields"]
    assert client.get(f"/api/v1/commissions/{cid}", headers=headers).json["current_step"] == "initiate"
    assert _entries(client, headers, cid) == []


def test_override_is_recorded_as_evidence(client, setup):
    headers, cid = setup
    reason = "The board needed a decision before the residents' forum met"
    response = _complete(client, headers, cid, "initiate", {"override_reason": reason})
    assert response.status_code == 200, response.json
    assert response.json["current_step"] == "investigate"
    entries = _entries(client, headers, cid)
    assert len(entries) == 1
    entry = entries[0]
    assert entry["kind"] == "gateway_override"
    assert entry["step"] == "initiate"
    assert entry["summary"] == reason
    assert entry["practice_question"] == journey.get_step("initiate").practice_question
    assert entry["author"].startswith("staff#")


def test_with_evidence_no_override_entry(client, setup):
    headers, cid = setup
    client.post(f"/api/v1/commissions/{cid}/evidence", json={
        "step": "initiate", "kind": "workshop", "summary": "Workshop at the library", "payload": {"attendance": 14}},
        headers=headers)
    response = _complete(client, headers, cid, "initiate", {"override_reason": "Not needed but given anyway"})
    assert response.status_code == 200, response.json
    kinds = [e["kind"] for e in _entries(client, headers, cid)]
    assert kinds == ["workshop"]


def test_override_does_not_count_as_evidence_for_the_next_step(client, setup):
    headers, cid = setup
    assert _complete(client, headers, cid, "initiate", {"override_reason": "Moving on for the board"}).status_code == 200
    # investigate has no evidence of its own
    assert _complete(client, headers, cid, "investigate").status_code == 409


def test_superseded_evidence_still_counts_through_its_correction(client, setup):
    headers, cid = setup
    first = client.post(f"/api/v1/commissions/{cid}/evidence", json={
        "step": "initiate", "kind": "note", "summary": "Original note"}, headers=headers).json
    client.post(f"/api/v1/commissions/{cid}/evidence", json={
        "step": "initiate", "kind": "note", "summary": "Corrected note", "supersedes": first["id"]}, headers=headers)
    assert _complete(client, headers, cid, "initiate").status_code == 200


def test_completing_a_step_that_is_not_active_is_409(client, setup):
    headers, cid = setup
    response = _complete(client, headers, cid, "investigate", {"override_reason": "Skipping ahead on purpose"})
    assert response.status_code == 409
    assert "step" in response.json["error"]["fields"]
    assert _complete(client, headers, cid, "initiate", {"override_reason": "Moving on for the board"}).status_code == 200
    again = _complete(client, headers, cid, "initiate", {"override_reason": "Moving on for the board"})
    assert again.status_code == 409
    assert [e["kind"] for e in _entries(client, headers, cid)] == ["gateway_override"]


def test_unknown_step_is_422(client, setup):
    headers, cid = setup
    response = _complete(client, headers, cid, "celebrate", {"override_reason": "Unknown step entirely"})
    assert response.status_code == 422
    assert "step" in response.json["error"]["fields"]


def test_walk_the_whole_journey(client, setup):
    headers, cid = setup
    for i, key in enumerate(journey.STEP_KEYS):
        response = _complete(client, headers, cid, key, {"override_reason": f"Reason number {i} for the test"})
        assert response.status_code == 200, (key, response.json)
    data = response.json
    assert data["journey_complete"] is True
    assert data["current_step"] is None
    assert all(s["status"] == "complete" for s in data["steps"])
    assert _complete(client, headers, cid, "evaluate", {"override_reason": "Once more, with feeling"}).status_code == 409
    assert len(_entries(client, headers, cid)) == 8


def test_complete_page_flow(client, world, setup):
    _headers, cid = setup
    world.sign_in(client, "alice@example.org")
    response = client.post(f"/commissions/{cid}/steps/initiate/complete", data={})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "There is a problem" in page
    assert "no evidence against its practice question" in page
    assert 'href="#override_reason"' in page

    response = client.post(f"/commissions/{cid}/steps/initiate/complete", data={"override_reason": "short"})
    assert response.status_code == 422
    assert "at least 10 characters" in response.get_data(as_text=True)

    response = client.post(f"/commissions/{cid}/steps/initiate/complete",
                           data={"override_reason": "The board meets tomorrow"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/commissions/{cid}")
    page = client.get(f"/commissions/{cid}/steps/initiate").get_data(as_text=True)
    assert "Gateway override" in page
    assert "The board meets tomorrow" in page
    # Completing it again from the page is refused.
    again = client.post(f"/commissions/{cid}/steps/initiate/complete", data={"override_reason": "The board again"})
    assert again.status_code == 422
    assert "not active" in again.get_data(as_text=True)


def test_unknown_step_page_is_404(client, world, setup):
    _headers, cid = setup
    world.sign_in(client, "alice@example.org")
    assert client.get(f"/commissions/{cid}/steps/celebrate").status_code == 404
    assert client.post(f"/commissions/{cid}/steps/celebrate/complete", data={}).status_code == 404


def test_override_reason_with_contact_details_names_override_reason(client, setup):
    """The reason becomes an evidence entry, so contact details are refused; the error must name
    the field the client sent (override_reason), not the evidence entry's internal ``summary``."""
    headers, cid = setup
    response = _complete(client, headers, cid, "initiate", {"override_reason": "Call Sam on 07700 900123 for why"})
    assert response.status_code == 422
    fields = response.json["error"]["fields"]
    assert "override_reason" in fields, fields
    assert "phone number" in fields["override_reason"]
    assert client.get(f"/api/v1/commissions/{cid}", headers=headers).json["current_step"] == "initiate"
    assert _entries(client, headers, cid) == []


def test_override_reason_with_contact_details_on_the_page_says_why(client, world, setup):
    _headers, cid = setup
    world.sign_in(client, "alice@example.org")
    response = client.post(f"/commissions/{cid}/steps/initiate/complete",
                           data={"override_reason": "Email sam@example.org to ask why"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Remove the email address" in page
    assert "sam@example.org to ask why" in page  # the text is kept
