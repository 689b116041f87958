"""The webhook pages: commissioners add (the secret shown once), test, pause, resume, rotate and
delete webhooks and send deliveries again; evaluators read; other commissions' staff are told the
commission does not exist; a stopped webhook shows on its commissioners' dashboard; forms carry
CSRF tokens and refuse posts without them."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from engage import create_app, jobs
from surveys.webhooks.models import WebhookSubscription

from webhook_receiver import start_receiver, stop_receiver


@pytest.fixture
def receiver():
    r = start_receiver()
    yield r
    stop_receiver(r)


@pytest.fixture
def local(app, monkeypatch):
    app.config["WEBHOOK_ALLOW_PRIVATE"] = True
    monkeypatch.setattr(jobs, "_app", app)
    return app


def _page(team):
    return f"/commissions/{team['mine'].id}/webhooks"


def _add(client, team, receiver, events=("commission.changed",)):
    response = client.post(_page(team), data={"url": receiver.url, "description": "Case system",
                                              "events": list(events)})
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_data(as_text=True)


def _only_subscription(app):
    with app.extensions["engage.db"].session() as s:
        return s.scalars(select(WebhookSubscription)).one()


def test_a_commissioner_adds_a_webhook_and_sees_its_secret_once(client, world, team, receiver, local):
    world.sign_in(client, "alice@example.org")
    page = client.get(_page(team)).get_data(as_text=True)
    assert "Add a webhook" in page and 'value="commission.changed"' in page and "has no webhooks yet" in page
    created = _add(client, team, receiver)
    secret = re.search(r'id="new-secret">(whsec_[A-Za-z0-9+/=]+)<', created).group(1)
    listed = client.get(_page(team)).get_data(as_text=True)
    assert secret not in listed and receiver.url in listed
    sub = _only_subscription(local)
    shown = client.get(f"{_page(team)}/{sub.id}").get_data(as_text=True)
    assert secret not in shown and secret[-4:] in shown
    commission_page = client.get(f"/commissions/{team['mine'].id}").get_data(as_text=True)
    assert f'href="{_page(team)}"' in commission_page


def test_bad_input_shows_every_error_at_once(client, world, team):
    world.sign_in(client, "alice@example.org")
    response = client.post(_page(team), data={"url": "https://127.0.0.1/hooks", "description": ""})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    summary = page[page.index("govuk-error-summary"):page.index("</h1>")]
    assert "Choose at least one event type" in summary and "loopback" in summary
    response = client.post(_page(team), data={"url": "", "events": ["no.such"], "description": "x" * 201})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    for message in ("Enter the receiver", "Not an event type", "200 characters"):
        assert message in page


def test_the_delivery_log_test_event_and_send_again(client, world, team, receiver, local):
    world.sign_in(client, "alice@example.org")
    _add(client, team, receiver)
    sub = _only_subscription(local)
    url = f"{_page(team)}/{sub.id}"
    assert client.post(f"{url}/test").status_code == 302
    jobs.deliver_webhooks()
    assert len(receiver.received) == 1
    page = client.get(url).get_data(as_text=True)
    assert "webhook.test" in page and "Delivered" in page and "Send again" in page
    delivery_id = int(re.search(r"/deliveries/(\d+)", page).group(1))
    detail = client.get(f"{url}/deliveries/{delivery_id}").get_data(as_text=True)
    assert 'id="attempts"' in detail and "200" in detail and "&#34;webhook.test&#34;" in detail
    assert client.post(f"{url}/deliveries/{delivery_id}/send-again").status_code == 302
    jobs.deliver_webhooks()
    assert len(receiver.received) == 2


def test_pause_resume_rotate_and_delete(client, world, team, receiver, local):
    world.sign_in(client, "alice@example.org")
    first = re.search(r'id="new-secret">(whsec_[^<]+)<', _add(client, team, receiver)).group(1)
    sub = _only_subscription(local)
    url = f"{_page(team)}/{sub.id}"
    client.post(f"{url}/pause")
    assert _only_subscription(local).status == "paused"
    assert "Resume" in client.get(url).get_data(as_text=True)
    client.post(f"{url}/resume")
    assert _only_subscription(local).status == "active"
    rotated = client.post(f"{url}/rotate-secret").get_data(as_text=True)
    second = re.search(r'id="new-secret">(whsec_[^<]+)<', rotated).group(1)
    assert second != first and "keeps working for 24 hours" in rotated
    assert client.post(f"{url}/delete").status_code == 302
    assert client.get(url).status_code == 404


def test_evaluators_read_only(client, world, team, receiver, local):
    world.sign_in(client, "alice@example.org")
    _add(client, team, receiver)
    sub = _only_subscription(local)
    client.post("/sign-out")
    world.sign_in(client, "eve@example.org")
    page = client.get(_page(team)).get_data(as_text=True)
    assert "Add a webhook" not in page and "Only the commission's commissioners" in page
    shown = client.get(f"{_page(team)}/{sub.id}").get_data(as_text=True)
    assert "Send a test event" not in shown and "Rotate the secret" not in shown
    assert client.post(_page(team), data={"url": receiver.url, "events": ["commission.changed"]}).status_code == 403
    for action in ("test", "pause", "rotate-secret", "delete"):
        assert client.post(f"{_page(team)}/{sub.id}/{action}").status_code == 403, action


def test_other_commissions_staff_get_not_found(client, world, team, receiver, local):
    world.sign_in(client, "alice@example.org")
    _add(client, team, receiver)
    sub = _only_subscription(local)
    client.post("/sign-out")
    world.sign_in(client, "bob@example.org")
    assert client.get(_page(team)).status_code == 404
    assert client.get(f"{_page(team)}/{sub.id}").status_code == 404
    assert client.post(f"{_page(team)}/{sub.id}/delete").status_code == 404
    # Nor through a commission of their own.
    assert client.get(f"/commissions/{team['theirs'].id}/webhooks/{sub.id}").status_code == 404


def test_a_stopped_webhook_is_on_its_commissioners_dashboard(client, world, team, receiver, local):
    world.sign_in(client, "alice@example.org")
    _add(client, team, receiver)
    assert "stopped sending" not in client.get("/commissions").get_data(as_text=True)
    receiver.answers = [410]
    client.post(f"/commissions/{team['mine'].id}/edit", data={"title": "Day services", "summary": "", "area": "",
                                                             "partners": "", "population_groups": "Carers: 30\nResidents: 60"})
    jobs.deliver_webhooks()
    dashboard = client.get("/commissions").get_data(as_text=True)
    assert "A webhook has stopped sending" in dashboard and "410 Gone" in dashboard
    client.post("/sign-out")
    world.sign_in(client, "eve@example.org")
    assert "stopped sending" not in client.get("/commissions").get_data(as_text=True)


def test_posts_without_a_csrf_token_are_refused(database_url, world):
    app = create_app({"DATABASE_URL": database_url, "WTF_CSRF_ENABLED": True})
    try:
        from commissioning_steps import staff

        world.store = app.extensions["engage.db"]
        user = world.user("carol@example.org", staff.COMMISSIONER)
        commission = world.commission(user)
        client = app.test_client()
        page = client.get("/sign-in").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        client.post("/sign-in", data={"email": "carol@example.org", "password": "correct horse battery staple",
                                      "csrf_token": token})
        listing = client.get(f"/commissions/{commission.id}/webhooks").get_data(as_text=True)
        assert 'name="csrf_token"' in listing
        refused = client.post(f"/commissions/{commission.id}/webhooks",
                              data={"url": "https://hooks.example.org/", "events": ["commission.changed"]})
        assert refused.status_code == 400
    finally:
        app.extensions["engage.db"].engine.dispose()
