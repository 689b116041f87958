"""Who may see and change which commission, on the API and on the pages."""
from __future__ import annotations

import pytest

from commissioning_steps import staff


def _status(response, expected):
    assert response.status_code == expected, (response.request.path, response.get_data(as_text=True)[:300])
    return response


# --- a commissioner on another commission sees nothing of it ----------------------------------

def test_other_commission_is_404_on_the_api(client, world, team):
    alice = world.token("alice@example.org")
    b = team["theirs"].id
    for response in (
        client.get(f"/api/v1/commissions/{b}", headers=alice),
        client.patch(f"/api/v1/commissions/{b}", json={"title": "Mine now"}, headers=alice),
        client.post(f"/api/v1/commissions/{b}/evidence", json={"step": "initiate", "kind": "note",
                                                              "summary": "Sneaking in"}, headers=alice),
        client.get(f"/api/v1/commissions/{b}/evidence", headers=alice),
        client.get(f"/api/v1/commissions/{b}/evidence?format=export", headers=alice),
        client.get(f"/api/v1/commissions/{b}/evidence/verify", headers=alice),
        client.post(f"/api/v1/commissions/{b}/steps/initiate/complete",
                    json={"override_reason": "Pushing their journey on"}, headers=alice),
        client.get(f"/api/v1/commissions/{b}/members", headers=alice),
        client.post(f"/api/v1/commissions/{b}/members", json={"email": "alice@example.org", "role": "commissioner"},
                    headers=alice),
    ):
        _status(response, 404)
        assert response.json["error"]["code"] == "not_found"
    listed = client.get("/api/v1/commissions", headers=alice).json["commissions"]
    assert [c["id"] for c in listed] == [team["mine"].id]
    # Nothing changed on B.
    bob = world.token("bob@example.org")
    theirs = client.get(f"/api/v1/commissions/{b}", headers=bob).json
    assert theirs["title"] == "Rosehill Park"
    assert theirs["current_step"] == "initiate"
    assert theirs["evidence"]["count"] == 0


def test_other_commission_is_404_on_the_pages(client, world, team):
    world.sign_in(client, "alice@example.org")
    b = team["theirs"].id
    for url in (f"/commissions/{b}", f"/commissions/{b}/steps/initiate", f"/commissions/{b}/evidence",
                f"/commissions/{b}/evidence.csv", f"/commissions/{b}/evidence.json", f"/commissions/{b}/edit",
                f"/commissions/{b}/team"):
        _status(client.get(url), 404)
    _status(client.post(f"/commissions/{b}/steps/initiate/evidence", data={"kind": "note", "summary": "x"}), 404)
    _status(client.post(f"/commissions/{b}/steps/initiate/complete", data={"override_reason": "x" * 20}), 404)
    dashboard = client.get("/commissions").get_data(as_text=True)
    assert "Day opportunities" in dashboard
    assert "Rosehill Park" not in dashboard


# --- an evaluator reads but does not write ----------------------------------------------------

def test_evaluator_reads_on_the_api(client, world, team):
    eve = world.token("eve@example.org")
    a = team["mine"].id
    assert _status(client.get(f"/api/v1/commissions/{a}", headers=eve), 200).json["id"] == a
    _status(client.get(f"/api/v1/commissions/{a}/evidence", headers=eve), 200)
    _status(client.get(f"/api/v1/commissions/{a}/evidence/verify", headers=eve), 200)
    assert [c["id"] for c in client.get("/api/v1/commissions", headers=eve).json["commissions"]] == [a]
    _status(client.get(f"/api/v1/commissions/{team['theirs'].id}", headers=eve), 404)


def test_evaluator_cannot_write_on_the_api(client, world, team):
    eve = world.token("eve@example.org")
    a = team["mine"].id
    for response in (
        client.post(f"/api/v1/commissions/{a}/evidence", json={"step": "initiate", "kind": "note",
                                                              "summary": "Evaluator note"}, headers=eve),
        client.patch(f"/api/v1/commissions/{a}", json={"title": "Renamed"}, headers=eve),
        client.post(f"/api/v1/commissions/{a}/steps/initiate/complete",
                    json={"override_reason": "Evaluator pushing on"}, headers=eve),
        client.post("/api/v1/commissions", json={"title": "Evaluator's own"}, headers=eve),
        client.post(f"/api/v1/commissions/{a}/members", json={"email": "bob@example.org", "role": "commissioner"},
                    headers=eve),
    ):
        _status(response, 403)
        assert response.json["error"]["code"] == "forbidden"
    alice = world.token("alice@example.org")
    got = client.get(f"/api/v1/commissions/{a}", headers=alice).json
    assert got["title"] == "Day opportunities"
    assert got["current_step"] == "initiate"
    assert got["evidence"]["count"] == 0
    assert len(client.get("/api/v1/commissions", headers=alice).json["commissions"]) == 1


def test_evaluator_pages(client, world, team):
    a = team["mine"].id
    world.sign_in(client, "eve@example.org")
    for url in (f"/commissions/{a}", f"/commissions/{a}/steps/initiate", f"/commissions/{a}/evidence",
                f"/commissions/{a}/team"):
        _status(client.get(url), 200)
    step_page = client.get(f"/commissions/{a}/steps/initiate").get_data(as_text=True)
    assert "Add evidence" not in step_page
    assert f"/commissions/{a}/steps/initiate/evidence" not in step_page
    assert f"/commissions/{a}/steps/initiate/complete" not in step_page
    assert "read-only access" in step_page

    _status(client.post(f"/commissions/{a}/steps/initiate/evidence", data={"kind": "note", "summary": "x"}), 403)
    _status(client.post(f"/commissions/{a}/steps/initiate/complete", data={"override_reason": "x" * 20}), 403)
    _status(client.post(f"/commissions/{a}/edit", data={"title": "Renamed"}), 403)
    _status(client.post(f"/commissions/{a}/team", data={"email": "bob@example.org", "role": "commissioner"}), 403)
    _status(client.get("/commissions/new"), 403)
    _status(client.post("/commissions/new", data={"title": "Evaluator's own"}), 403)


def test_commissioner_step_page_has_the_evidence_form(client, world, team):
    world.sign_in(client, "alice@example.org")
    page = client.get(f"/commissions/{team['mine'].id}/steps/initiate").get_data(as_text=True)
    assert "Add evidence" in page
    assert f"/commissions/{team['mine'].id}/steps/initiate/evidence" in page


# --- assessments ------------------------------------------------------------------------------

def _assess(client, headers, cid, key="initiate", **body):
    body = {"rating": "partly answered", "commentary": "Residents shaped the questions", **body}
    return client.post(f"/api/v1/commissions/{cid}/steps/{key}/assessments", json=body, headers=headers)


def test_assessment_only_on_a_complete_step(client, world, team):
    a = team["mine"].id
    eve = world.token("eve@example.org")
    response = _status(_assess(client, eve, a), 422)
    assert "step" in response.json["error"]["fields"]

    alice = world.token("alice@example.org")
    client.post(f"/api/v1/commissions/{a}/steps/initiate/complete",
                json={"override_reason": "Board decision needed"}, headers=alice)
    entry = _status(_assess(client, eve, a), 201).json
    assert entry["kind"] == "assessment"
    assert entry["step"] == "initiate"
    # The old route and rating names still work; the entry is recorded in the evaluation's terms.
    assert entry["payload"] == {"rating": "partly_evidenced", "commentary": "Residents shaped the questions"}
    assert entry["summary"] == "Initiate rated partly evidenced. Residents shaped the questions"
    assert entry["author"] == f"staff#{team['eve'].id}"
    # investigate is now active, not complete
    _status(_assess(client, eve, a, key="investigate"), 422)
    assert "rating" in _status(_assess(client, eve, a, rating="brilliant"), 422).json["error"]["fields"]
    assert "step" in _status(_assess(client, eve, a, key="celebrate"), 422).json["error"]["fields"]
    assert "colour" in _status(_assess(client, eve, a, colour="red"), 422).json["error"]["fields"]


def test_assessment_needs_assignment_and_evaluator_role(client, world, team):
    a = team["mine"].id
    alice = world.token("alice@example.org")
    client.post(f"/api/v1/commissions/{a}/steps/initiate/complete",
                json={"override_reason": "Board decision needed"}, headers=alice)
    _status(_assess(client, alice, a), 403)
    world.user("zed@example.org", staff.EVALUATOR)
    _status(_assess(client, world.token("zed@example.org"), a), 404)  # not assigned: not visible
    world.user("root@example.org", staff.ADMIN)
    _status(_assess(client, world.token("root@example.org"), a), 403)
    assert client.get(f"/api/v1/commissions/{a}/evidence", headers=alice).json["count"] == 1  # the override only


def test_assessment_page_flow(client, world, team):
    a = team["mine"].id
    alice = world.token("alice@example.org")
    client.post(f"/api/v1/commissions/{a}/steps/initiate/complete",
                json={"override_reason": "Board decision needed"}, headers=alice)
    world.sign_in(client, "eve@example.org")
    page = client.get(f"/commissions/{a}/steps/initiate").get_data(as_text=True)
    assert f"/commissions/{a}/steps/initiate/assessments" in page
    response = client.post(f"/commissions/{a}/steps/initiate/assessments",
                           data={"rating": "not_evidenced", "commentary": "Only an override"})
    _status(response, 302)
    entries = client.get(f"/api/v1/commissions/{a}/evidence", headers=alice).json["entries"]
    assert entries[-1]["kind"] == "assessment"
    assert entries[-1]["payload"] == {"rating": "not_evidenced", "commentary": "Only an override"}


# --- admin ------------------------------------------------------------------------------------

def test_admin_sees_and_changes_everything(client, world, team):
    world.user("root@example.org", staff.ADMIN)
    admin = world.token("root@example.org")
    ids = {c["id"] for c in client.get("/api/v1/commissions", headers=admin).json["commissions"]}
    assert ids == {team["mine"].id, team["theirs"].id}
    for cid in ids:
        _status(client.get(f"/api/v1/commissions/{cid}", headers=admin), 200)
        _status(client.get(f"/api/v1/commissions/{cid}/evidence/verify", headers=admin), 200)
    _status(client.patch(f"/api/v1/commissions/{team['theirs'].id}", json={"title": "Renamed by admin"},
                         headers=admin), 200)
    _status(client.post("/api/v1/commissions", json={"title": "Admin's own"}, headers=admin), 201)
    world.sign_in(client, "root@example.org")
    dashboard = client.get("/commissions").get_data(as_text=True)
    assert "Day opportunities" in dashboard and "Renamed by admin" in dashboard


# --- team management --------------------------------------------------------------------------

def test_members(client, world, team):
    a = team["mine"].id
    alice = world.token("alice@example.org")
    world.user("zed@example.org", staff.EVALUATOR)
    response = _status(client.post(f"/api/v1/commissions/{a}/members",
                                   json={"email": "zed@example.org", "role": "evaluator"}, headers=alice), 201)
    assert response.json["role"] == "evaluator"
    _status(client.get(f"/api/v1/commissions/{a}", headers=world.token("zed@example.org")), 200)

    again = _status(client.post(f"/api/v1/commissions/{a}/members",
                                json={"email": "zed@example.org", "role": "evaluator"}, headers=alice), 409)
    assert "email" in again.json["error"]["fields"]

    unknown = _status(client.post(f"/api/v1/commissions/{a}/members",
                                  json={"email": "nobody@example.org", "role": "evaluator"}, headers=alice), 422)
    assert "email" in unknown.json["error"]["fields"]

    promoted = _status(client.post(f"/api/v1/commissions/{a}/members",
                                   json={"email": "eve@example.org", "role": "commissioner"}, headers=alice), 422)
    assert promoted.json["error"] == unknown.json["error"]  # says nothing about eve's account
    _status(client.post(f"/api/v1/commissions/{a}/evidence", json={"step": "initiate", "kind": "note",
                                                                  "summary": "Still cannot"},
                        headers=world.token("eve@example.org")), 403)

    bad_role = _status(client.post(f"/api/v1/commissions/{a}/members",
                                   json={"email": "bob@example.org", "role": "owner"}, headers=alice), 422)
    assert "role" in bad_role.json["error"]["fields"]

    # bob (a commissioner account) can join as commissioner and then sees the commission
    _status(client.post(f"/api/v1/commissions/{a}/members",
                        json={"email": "bob@example.org", "role": "commissioner"}, headers=alice), 201)
    _status(client.get(f"/api/v1/commissions/{a}", headers=world.token("bob@example.org")), 200)

    members = client.get(f"/api/v1/commissions/{a}/members", headers=alice).json["members"]
    assert {(m["name"], m["role"]) for m in members} == {
        ("Alice", "commissioner"), ("Bob", "commissioner"), ("Eve", "evaluator"), ("Zed", "evaluator")}


def test_members_by_evaluator_forbidden(client, world, team):
    world.user("zed@example.org", staff.EVALUATOR)
    response = client.post(f"/api/v1/commissions/{team['mine'].id}/members",
                           json={"email": "zed@example.org", "role": "evaluator"},
                           headers=world.token("eve@example.org"))
    _status(response, 403)
    _status(client.get(f"/api/v1/commissions/{team['mine'].id}", headers=world.token("zed@example.org")), 404)


@pytest.mark.parametrize("role", [staff.EVALUATOR, staff.COMMISSIONER])
def test_unassigned_accounts_see_nothing(client, world, team, role):
    world.user("stranger@example.org", role)
    headers = world.token("stranger@example.org")
    assert client.get("/api/v1/commissions", headers=headers).json["commissions"] == []
    _status(client.get(f"/api/v1/commissions/{team['mine'].id}", headers=headers), 404)


def test_assessment_errors_name_the_commentary_field(client, world, team):
    """The API takes ``commentary``; its errors must name ``commentary`` (the page already maps it)."""
    a = team["mine"].id
    alice = world.token("alice@example.org")
    client.post(f"/api/v1/commissions/{a}/steps/initiate/complete",
                json={"override_reason": "Board decision needed"}, headers=alice)
    eve = world.token("eve@example.org")
    for commentary in ("", "   ", "Ask jo@example.org, she was there"):
        response = _status(_assess(client, eve, a, commentary=commentary), 422)
        fields = response.json["error"]["fields"]
        assert "commentary" in fields, (commentary, fields)
    assert client.get(f"/api/v1/commissions/{a}/evidence", headers=alice).json["count"] == 1
