"""Webhook subscriptions on the API, with deliveries to a real receiver on 127.0.0.1 made by the
scheduler's job (never by the request that caused the event), verified with the
``standardwebhooks`` package; who may do what; the SSRF guard at the door."""
from __future__ import annotations

import socket

import pytest
from standardwebhooks import Webhook

from engage import jobs
from surveys import catalogue

from webhook_receiver import start_receiver, stop_receiver


@pytest.fixture
def receiver():
    r = start_receiver()
    yield r
    stop_receiver(r)


@pytest.fixture
def local(app, monkeypatch):
    """Private targets allowed (ENGAGE_WEBHOOK_ALLOW_PRIVATE=1), for the local receiver; the job
    functions run against this app."""
    app.config["WEBHOOK_ALLOW_PRIVATE"] = True
    monkeypatch.setattr(jobs, "_app", app)
    return app


def _base(team):
    return f"/api/v1/commissions/{team['mine'].id}/webhooks"


def _create(client, alice, team, receiver, events=("commission.changed",), **extra):
    response = client.post(_base(team), headers=alice, json={"url": receiver.url, "events": list(events), **extra})
    assert response.status_code == 201, response.json
    return response.json


def test_create_list_get_change_and_delete(client, alice, team, receiver, local):
    made = _create(client, alice, team, receiver, events=["step.completed", "commission.changed"],
                   description="Case management")
    assert made["secret"].startswith("whsec_") and made["secret_hint"].endswith(made["secret"][-4:])
    assert made["events"] == ["commission.changed", "step.completed"]  # catalogue order
    assert made["status"] == "active" and made["description"] == "Case management"
    url = f"{_base(team)}/{made['id']}"
    listed = client.get(_base(team), headers=alice).json["webhooks"]
    assert [w["id"] for w in listed] == [made["id"]] and "secret" not in listed[0]
    got = client.get(url, headers=alice)
    assert got.status_code == 200 and "secret" not in got.json
    changed = client.patch(url, headers=alice, json={"events": ["survey.opened"], "description": None})
    assert changed.status_code == 200, changed.json
    assert changed.json["events"] == ["survey.opened"] and changed.json["description"] == ""
    paused = client.patch(url, headers=alice, json={"status": "paused"})
    assert paused.json["status"] == "paused" and "commissioner" in paused.json["status_reason"]
    assert client.patch(url, headers=alice, json={"status": "active"}).json["status"] == "active"
    assert client.patch(url, headers=alice, json={"status": "disabled"}).status_code == 422
    assert client.delete(url, headers=alice).status_code == 204
    assert client.get(url, headers=alice).status_code == 404


def test_deliveries_are_made_by_the_job_and_verify(client, alice, team, receiver, local):
    made = _create(client, alice, team, receiver)
    response = client.patch(f"/api/v1/commissions/{team['mine'].id}", headers=alice, json={"title": "Day services"})
    assert response.status_code == 200
    assert receiver.received == []  # the request that caused the event sent nothing
    jobs.deliver_webhooks()
    assert len(receiver.received) == 1
    got = receiver.received[0]
    message = Webhook(made["secret"]).verify(got.body, got.headers)
    assert message["type"] == "commission.changed"
    assert message["data"] == {"changed": ["title"], "commission_id": team["mine"].id}

    log = client.get(f"{_base(team)}/{made['id']}/deliveries", headers=alice).json["deliveries"]
    assert len(log) == 1 and log[0]["status"] == "delivered" and log[0]["attempts"] == 1
    attempt = log[0]["attempt_log"][0]
    assert attempt["status_code"] == 200 and attempt["outcome"] == "delivered" and attempt["duration_ms"] >= 0
    assert log[0]["body"] == message

    again = client.post(f"{_base(team)}/{made['id']}/deliveries/{log[0]['id']}/send-again", headers=alice)
    assert again.status_code == 202 and again.json["status"] == "pending"
    test = client.post(f"{_base(team)}/{made['id']}/test", headers=alice)
    assert test.status_code == 202 and test.json["type"] == "webhook.test"
    jobs.deliver_webhooks()
    assert len(receiver.received) == 3
    assert receiver.received[1].headers["webhook-id"] == got.headers["webhook-id"]
    test_message = Webhook(made["secret"]).verify(receiver.received[2].body, receiver.received[2].headers)
    assert test_message["type"] == "webhook.test" and test_message["data"]["subscription_id"] == made["id"]
    one = client.get(f"{_base(team)}/{made['id']}/deliveries/{test.json['id']}", headers=alice)
    assert one.status_code == 200 and one.json["status"] == "delivered"


def test_rotating_signs_with_both_secrets_for_a_day(client, alice, team, receiver, local):
    made = _create(client, alice, team, receiver)
    rotated = client.post(f"{_base(team)}/{made['id']}/rotate-secret", headers=alice)
    assert rotated.status_code == 200
    new = rotated.json["secret"]
    assert new != made["secret"] and rotated.json["previous_secret_expires_at"]
    client.patch(f"/api/v1/commissions/{team['mine'].id}", headers=alice, json={"title": "Renamed"})
    jobs.deliver_webhooks()
    got = receiver.received[0]
    Webhook(made["secret"]).verify(got.body, got.headers)
    Webhook(new).verify(got.body, got.headers)


def test_gone_disables_the_subscription(client, alice, team, receiver, local):
    made = _create(client, alice, team, receiver)
    receiver.answers = [410]
    client.patch(f"/api/v1/commissions/{team['mine'].id}", headers=alice, json={"title": "Renamed"})
    jobs.deliver_webhooks()
    sub = client.get(f"{_base(team)}/{made['id']}", headers=alice).json
    assert sub["status"] == "disabled" and "410" in sub["status_reason"]
    test = client.post(f"{_base(team)}/{made['id']}/test", headers=alice)
    assert test.status_code == 409 and "Resume" in test.json["error"]["message"]


def test_another_commissions_staff_are_told_it_does_not_exist(client, world, alice, team, receiver, local):
    made = _create(client, alice, team, receiver)
    bob = world.token("bob@example.org")
    url = f"{_base(team)}/{made['id']}"
    assert client.get(_base(team), headers=bob).status_code == 404
    assert client.post(_base(team), headers=bob, json={"url": receiver.url, "events": ["step.completed"]}
                       ).status_code == 404
    for method, path in [("get", url), ("patch", url), ("delete", url), ("post", f"{url}/rotate-secret"),
                         ("post", f"{url}/test"), ("get", f"{url}/deliveries")]:
        assert getattr(client, method)(path, headers=bob, json={}).status_code == 404, (method, path)
    # A subscription of another commission is not found through this one.
    theirs = f"/api/v1/commissions/{team['theirs'].id}/webhooks"
    bob_made = client.post(theirs, headers=bob, json={"url": receiver.url, "events": ["step.completed"]})
    assert bob_made.status_code == 201
    assert client.get(f"{_base(team)}/{bob_made.json['id']}", headers=alice).status_code == 404


def test_evaluators_read_but_cannot_change(client, world, alice, team, receiver, local):
    made = _create(client, alice, team, receiver)
    eve = world.token("eve@example.org")
    url = f"{_base(team)}/{made['id']}"
    assert client.get(_base(team), headers=eve).status_code == 200
    assert client.get(f"{url}/deliveries", headers=eve).status_code == 200
    assert client.post(_base(team), headers=eve, json={"url": receiver.url, "events": ["step.completed"]}
                       ).status_code == 403
    for method, path in [("patch", url), ("delete", url), ("post", f"{url}/rotate-secret"), ("post", f"{url}/test")]:
        assert getattr(client, method)(path, headers=eve, json={}).status_code == 403, (method, path)
    assert client.get(_base(team)).status_code == 401


def test_bad_input_is_a_422_naming_each_field(client, alice, team, receiver, local):
    response = client.post(_base(team), headers=alice, json={"url": receiver.url, "events": ["no.such_event"],
                                                             "description": "x" * 201})
    assert response.status_code == 422
    assert set(response.json["error"]["fields"]) == {"events", "description"}
    response = client.post(_base(team), headers=alice, json={"url": receiver.url, "events": [], "colour": "red"})
    assert response.status_code == 422 and {"events", "colour"} <= set(response.json["error"]["fields"])


@pytest.mark.parametrize("url", ["https://127.0.0.1/hooks", "https://localhost/hooks", "https://10.0.0.8/hooks",
                                 "https://169.254.169.254/latest/meta-data", "https://[::1]/hooks",
                                 "http://127.0.0.1:9/hooks"])
def test_private_targets_are_refused_without_connecting(client, alice, team, monkeypatch, url):
    attempted = []
    monkeypatch.setattr(socket.socket, "connect", lambda self, address: attempted.append(address))
    response = client.post(_base(team), headers=alice, json={"url": url, "events": ["step.completed"]})
    assert response.status_code == 422
    assert "url" in response.json["error"]["fields"]
    assert attempted == []


def test_the_event_types_are_the_catalogue(client, alice):
    listed = client.get("/api/v1/webhook-event-types", headers=alice).json["event_types"]
    assert [t["type"] for t in listed] == list(catalogue.CATALOGUE)
    assert all(t["fields"][-1]["name"] == "commission_id" for t in listed)
