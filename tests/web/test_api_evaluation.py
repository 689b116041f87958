"""The evaluation's API: every resource, every role and every error status."""
from __future__ import annotations

import pytest

from commissioning_steps import journey, staff


def _status(response, code):
    assert response.status_code == code, (response.status_code, response.get_data(as_text=True)[:500])
    return response


@pytest.fixture
def ctx(client, world, team):
    """The team's commission with every step completed (by recorded overrides), and tokens."""
    heads = {name: world.token(f"{name}@example.org") for name in ("alice", "eve", "bob")}
    cid = team["mine"].id
    for step in journey.STEPS:
        _status(client.post(f"/api/v1/commissions/{cid}/steps/{step.key}/complete",
                            json={"override_reason": "Held on paper for this test"}, headers=heads["alice"]), 200)
    return heads, cid


def rate(client, headers, cid, key="initiate", **body):
    body = {"rating": "partly_evidenced", "commentary": "One workshop only", **body}
    return client.post(f"/api/v1/commissions/{cid}/steps/{key}/rating", json=body, headers=headers)


def rate_all(client, headers, cid):
    for step in journey.STEPS:
        _status(rate(client, headers, cid, step.key, rating="fully_evidenced", commentary=None), 201)


def test_the_evaluation_has_every_step_with_the_named_fields(client, ctx):
    heads, cid = ctx
    body = _status(client.get(f"/api/v1/commissions/{cid}/evaluation", headers=heads["eve"]), 200).json
    assert [s["key"] for s in body["steps"]] == list(journey.STEP_KEYS)
    for step, data in zip(journey.STEPS, body["steps"]):
        assert (data["name"], data["principle"], data["practice_question"]) == (
            step.name, step.principle, step.practice_question)
        assert data["evidence_count"] == 1 and data["rating"] is None and data["commentary"] is None
        assert data["indicators"], step.key
        for indicator in data["indicators"]:
            assert {"key", "label", "definition", "value", "ids"} <= set(indicator)
    assert body["version"] is None and body["signed_off"] is None and body["draft"]
    commission = client.get(f"/api/v1/commissions/{cid}/evidence", headers=heads["eve"]).json
    assert body["head"] == commission["head"]
    assert body["verification"]["ok"] and body["can_sign_off"] is False
    assert "ratings" in body["sign_off_problems"]


def test_reading_the_evaluation_needs_the_team(client, ctx, world):
    heads, cid = ctx
    _status(client.get(f"/api/v1/commissions/{cid}/evaluation", headers=heads["alice"]), 200)
    _status(client.get(f"/api/v1/commissions/{cid}/evaluation", headers=heads["bob"]), 404)
    _status(client.get(f"/api/v1/commissions/{cid}/evaluation"), 401)
    _status(client.get("/api/v1/commissions/99999/evaluation", headers=heads["eve"]), 404)
    _status(client.get(f"/api/v1/commissions/{cid}/evaluation?version=two", headers=heads["eve"]), 422)
    _status(client.get(f"/api/v1/commissions/{cid}/evaluation?version=3", headers=heads["eve"]), 404)
    _status(client.get(f"/api/v1/commissions/{cid}/evaluation?version=draft", headers=heads["eve"]), 200)


def test_rating_a_step(client, ctx):
    heads, cid = ctx
    body = _status(rate(client, heads["eve"], cid), 201).json
    assert (body["rating"], body["rating_label"], body["commentary"]) == (
        "partly_evidenced", "Partly evidenced", "One workshop only")
    assert body["entry"]["kind"] == "assessment" and body["entry"]["source"] == "automatic"
    step = client.get(f"/api/v1/commissions/{cid}/evaluation", headers=heads["alice"]).json["steps"][0]
    assert (step["rating"], step["commentary"]) == ("partly_evidenced", "One workshop only")
    _status(rate(client, heads["eve"], cid, "investigate", rating="fully_evidenced", commentary=None), 201)


@pytest.mark.parametrize("body, field", [
    ({"rating": "brilliant"}, "rating"),
    ({"rating": "not_evidenced", "commentary": ""}, "commentary"),
    ({"rating": "partly_evidenced", "commentary": None}, "commentary"),
    ({"colour": "red"}, "colour"),
])
def test_rating_refuses_what_is_wrong(client, ctx, body, field):
    heads, cid = ctx
    response = _status(client.post(f"/api/v1/commissions/{cid}/steps/initiate/rating",
                                   json={"rating": "partly_evidenced", "commentary": "x", **body},
                                   headers=heads["eve"]), 422)
    assert field in response.json["error"]["fields"]


def test_rating_errors_by_role_and_state(client, ctx, world, team):
    heads, cid = ctx
    _status(rate(client, heads["alice"], cid), 403)  # commissioners cannot rate
    _status(rate(client, heads["bob"], cid), 404)
    world.user("zed@example.org", staff.EVALUATOR)
    _status(rate(client, world.token("zed@example.org"), cid), 404)  # an evaluator not on the team
    world.user("root@example.org", staff.ADMIN)
    _status(rate(client, world.token("root@example.org"), cid), 403)
    _status(rate(client, None, cid), 401)
    _status(rate(client, heads["eve"], cid, "celebrate"), 422)
    theirs = team["theirs"].id
    world.add_member(team["theirs"], "eve@example.org", staff.EVALUATOR)
    assert "step" in _status(rate(client, heads["eve"], theirs), 422).json["error"]["fields"]  # not complete
    bad = client.post(f"/api/v1/commissions/{cid}/steps/initiate/rating", data="{nope",
                      content_type="application/json", headers=heads["eve"])
    _status(bad, 400)


def test_challenges_and_answers(client, ctx):
    heads, cid = ctx
    entries = client.get(f"/api/v1/commissions/{cid}/evidence", headers=heads["eve"]).json["entries"]
    on_step = _status(client.post(f"/api/v1/commissions/{cid}/challenges", headers=heads["eve"],
                                  json={"step": "activate", "text": "Which facets came from residents?"}), 201).json
    on_entry = _status(client.post(f"/api/v1/commissions/{cid}/challenges", headers=heads["eve"],
                                   json={"entry_id": entries[2]["id"], "text": "What is the source of this figure?"}),
                       201).json
    assert on_step["open"] and on_step["step"] == "activate" and on_step["entry_id"] is None
    assert (on_entry["step"], on_entry["entry_id"]) == (entries[2]["step"], entries[2]["id"])
    listed = client.get(f"/api/v1/commissions/{cid}/challenges?open=1", headers=heads["alice"]).json["challenges"]
    assert [c["id"] for c in listed] == [on_step["id"], on_entry["id"]]

    answered = _status(client.post(f"/api/v1/challenges/{on_step['id']}/answers", headers=heads["alice"],
                                   json={"text": "The transport facets: see the workshop record"}), 201).json
    assert not answered["challenge"]["open"]
    assert [a["text"] for a in answered["challenge"]["answers"]] == ["The transport facets: see the workshop record"]
    _status(client.post(f"/api/v1/challenges/{on_step['id']}/answers", headers=heads["alice"],
                        json={"text": "And the minutes"}), 201)
    thread = _status(client.get(f"/api/v1/challenges/{on_step['id']}", headers=heads["eve"]), 200).json
    assert len(thread["answers"]) == 2
    listed = client.get(f"/api/v1/commissions/{cid}/challenges?open=1", headers=heads["alice"]).json["challenges"]
    assert [c["id"] for c in listed] == [on_entry["id"]]
    kinds = [e["kind"] for e in client.get(f"/api/v1/commissions/{cid}/evidence", headers=heads["eve"]).json["entries"]]
    assert kinds.count("challenge") == 2 and kinds.count("answer") == 2


def test_challenge_and_answer_errors(client, ctx):
    heads, cid = ctx
    url = f"/api/v1/commissions/{cid}/challenges"
    _status(client.post(url, headers=heads["alice"], json={"step": "initiate", "text": "Why?"}), 403)
    _status(client.post(url, headers=heads["bob"], json={"step": "initiate", "text": "Why?"}), 404)
    _status(client.post(url, json={"step": "initiate", "text": "Why?"}), 401)
    assert "text" in _status(client.post(url, headers=heads["eve"], json={"step": "initiate"}), 422).json["error"]["fields"]
    assert "step" in _status(client.post(url, headers=heads["eve"], json={"step": "x", "text": "Why?"}),
                             422).json["error"]["fields"]
    assert "entry_id" in _status(client.post(url, headers=heads["eve"], json={"entry_id": 999999, "text": "Why?"}),
                                 422).json["error"]["fields"]
    challenge = _status(client.post(url, headers=heads["eve"], json={"step": "initiate", "text": "Why?"}), 201).json
    answers = f"/api/v1/challenges/{challenge['id']}/answers"
    _status(client.post(answers, headers=heads["eve"], json={"text": "Myself"}), 403)
    _status(client.post(answers, headers=heads["bob"], json={"text": "Me"}), 404)
    _status(client.get(f"/api/v1/challenges/{challenge['id']}", headers=heads["bob"]), 404)
    _status(client.post("/api/v1/challenges/999999/answers", headers=heads["alice"], json={"text": "Me"}), 404)
    _status(client.post(answers, headers=heads["alice"], json={"text": " "}), 422)
    _status(client.post(answers, headers=heads["alice"], json={"text": "ok", "extra": 1}), 422)


def test_sign_off_refused_with_an_unrated_step_or_an_open_challenge(client, ctx):
    heads, cid = ctx
    url = f"/api/v1/commissions/{cid}/evaluation/sign-off"
    for step in journey.STEPS[1:]:
        _status(rate(client, heads["eve"], cid, step.key, rating="fully_evidenced", commentary=None), 201)
    refused = _status(client.post(url, headers=heads["eve"]), 409).json["error"]
    assert "Initiate" in refused["fields"]["ratings"]
    _status(rate(client, heads["eve"], cid, "initiate"), 201)
    challenge = client.post(f"/api/v1/commissions/{cid}/challenges", headers=heads["eve"],
                            json={"step": "initiate", "text": "Source?"}).json
    refused = _status(client.post(url, headers=heads["eve"]), 409).json["error"]
    assert set(refused["fields"]) == {"challenges"}
    client.post(f"/api/v1/challenges/{challenge['id']}/answers", headers=heads["alice"], json={"text": "The minutes"})
    _status(client.post(url, headers=heads["alice"]), 403)  # commissioners cannot sign off
    _status(client.post(url, headers=heads["bob"]), 404)
    _status(client.post(url), 401)
    _status(client.post(url, headers=heads["eve"], json={"force": True}), 422)
    signed = _status(client.post(url, headers=heads["eve"]), 201).json
    assert signed["version"] == 1 and signed["checkpoint_id"]


def test_sign_off_fixes_the_version_and_later_evidence_is_marked(client, ctx):
    heads, cid = ctx
    rate_all(client, heads["eve"], cid)
    signed = _status(client.post(f"/api/v1/commissions/{cid}/evaluation/sign-off", headers=heads["eve"]), 201).json
    body = client.get(f"/api/v1/commissions/{cid}/evaluation", headers=heads["alice"]).json
    assert (body["version"], body["head"], body["entry_count"]) == (1, signed["head"], signed["entry_count"])
    assert body["signed_off"]["by"].startswith("Eve") and not body["draft"]
    assert body["verification"]["ok"]
    checkpoints = client.get(f"/api/v1/commissions/{cid}/checkpoints", headers=heads["eve"]).json["checkpoints"]
    assert checkpoints[0]["id"] == signed["checkpoint_id"] and checkpoints[0]["head"] == signed["head"]

    late = client.post(f"/api/v1/commissions/{cid}/evidence", headers=heads["alice"],
                       json={"step": "evaluate", "kind": "note", "summary": "A late finding"}).json
    listing = client.get(f"/api/v1/commissions/{cid}/evidence", headers=heads["eve"]).json
    marks = {e["id"]: e["after_sign_off"] for e in listing["entries"]}
    assert marks[late["id"]] is True and sum(marks.values()) == 1
    assert listing["signed_off_count"] == signed["entry_count"]
    one = client.get(f"/api/v1/commissions/{cid}/evidence/{late['id']}", headers=heads["eve"]).json
    assert one["after_sign_off"] is True
    body = client.get(f"/api/v1/commissions/{cid}/evaluation", headers=heads["alice"]).json
    assert body["entries_after_sign_off"] == 1 and body["version"] == 1

    _status(rate(client, heads["eve"], cid, "evaluate"), 201)
    again = _status(client.post(f"/api/v1/commissions/{cid}/evaluation/sign-off", headers=heads["eve"]), 201).json
    assert again["version"] == 2
    old = client.get(f"/api/v1/commissions/{cid}/evaluation?version=1", headers=heads["alice"]).json
    assert old["head"] == signed["head"] and old["steps"][-1]["rating"] == "fully_evidenced"
    new = client.get(f"/api/v1/commissions/{cid}/evaluation", headers=heads["alice"]).json
    assert new["version"] == 2 and new["steps"][-1]["rating"] == "partly_evidenced"
    assert [v["version"] for v in new["versions"]] == [2, 1]
