"""Staff sign-ins end after 30 minutes without activity and 12 hours after signing in (ASVS 3.3),
on pages and on open presenter sockets; pages carry the GOV.UK timeout warning (issue 12, point 12).
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from engage import auth
from engage.extensions import socketio_of

from live_support import app, running_session  # noqa: F401  (fixtures)

IDLE, ABSOLUTE = 30 * 60, 12 * 3600


@pytest.fixture
def now(monkeypatch):
    """The time the sign-in code sees, moved by hand."""
    t = {"now": 2_000_000_000.0}
    monkeypatch.setattr(auth, "clock", lambda: t["now"])

    def move(seconds):
        t["now"] += seconds
    return move


def _signed_in(client) -> bool:
    return client.get("/commissions").status_code == 200


def test_idle_timeout_signs_out_and_says_why(client, world, team, now):
    world.sign_in(client, "alice@example.org")
    now(IDLE - 60)
    assert _signed_in(client)  # activity: the idle time starts again
    now(IDLE - 60)
    assert _signed_in(client)
    now(IDLE + 1)
    response = client.get("/commissions")
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/sign-in"
    page = client.get("/sign-in").get_data(as_text=True)
    assert "You were signed out because you had not done anything for 30 minutes" in page
    now(-IDLE)  # the cookie no longer holds the sign-in, whatever the time
    assert not _signed_in(client)


def test_absolute_timeout_ends_even_a_busy_sign_in(client, world, team, now):
    world.sign_in(client, "alice@example.org")
    for _ in range(ABSOLUTE // (20 * 60) - 1):
        now(20 * 60)
        assert _signed_in(client)
    now(20 * 60)
    assert not _signed_in(client)
    assert "signed in for 12 hours" in client.get("/sign-in").get_data(as_text=True)


def test_timeouts_come_from_the_configuration(database_url, world, now):
    from engage import create_app

    short = create_app({"DATABASE_URL": database_url, "SESSION_IDLE_SECONDS": 60, "SESSION_ABSOLUTE_SECONDS": 150})
    try:
        world.store = short.extensions["engage.db"]
        world.user("alice@example.org", "commissioner")
        client = short.test_client()
        world.sign_in(client, "alice@example.org")
        now(59)
        assert _signed_in(client)
        now(59)
        assert _signed_in(client)
        now(59)  # 177 s after signing in: past the 150 s absolute timeout
        assert not _signed_in(client)
    finally:
        short.extensions["engage.db"].engine.dispose()


def test_status_does_not_count_as_activity_but_stay_signed_in_does(client, world, team, now):
    world.sign_in(client, "alice@example.org")
    now(IDLE - 100)
    status = client.get("/account/session").json
    assert status["signed_in"] is True and status["seconds_left"] == 100
    now(50)
    stay = client.post("/account/session").json
    assert stay["signed_in"] is True and stay["seconds_left"] == IDLE
    assert stay["absolute_seconds_left"] == ABSOLUTE - IDLE + 50
    now(IDLE - 10)
    assert client.get("/account/session").json["seconds_left"] == 10
    now(11)
    assert client.get("/account/session").json == {"signed_in": False, "seconds_left": 0,
                                                   "absolute_seconds_left": 0}


def test_timed_out_page_signs_out_this_browser_only(app, world, team):
    laptop, tablet = app.test_client(), app.test_client()
    world.sign_in(laptop, "alice@example.org")
    world.sign_in(tablet, "alice@example.org")
    response = laptop.post("/account/timed-out")
    assert urlsplit(response.headers["Location"]).path == "/sign-in"
    assert "You were signed out" in laptop.get("/sign-in").get_data(as_text=True)
    assert not _signed_in(laptop)
    assert _signed_in(tablet)


def test_pages_carry_the_timeout_warning_as_a_module_with_the_nonce(client, world, team):
    assert 'id="timeout-warning"' not in client.get("/").get_data(as_text=True)  # signed out: none
    world.sign_in(client, "alice@example.org")
    response = client.get("/commissions")
    html = response.get_data(as_text=True)
    nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"]).group(1)
    dialog = re.search(r'<dialog[^>]*id="timeout-warning"[^>]*>', html).group(0)
    assert 'aria-labelledby="timeout-warning-heading"' in dialog
    # the page counts down from the idle limit; a loaded machine may take a second to serve it
    assert IDLE - 5 <= int(re.search(r'data-seconds-left="(\d+)"', dialog).group(1)) <= IDLE
    assert 'data-warning-seconds="120"' in dialog
    assert "Stay signed in" in html
    script = re.search(r'<script type="module" src="/static/js/session-timeout.mjs"[^>]*>', html).group(0)
    assert f'nonce="{nonce}"' in script
    assert client.get("/static/js/session-timeout.mjs").status_code == 200


def test_presenter_socket_events_honour_the_idle_timeout(app, world, team, running_session, now):  # noqa: F811
    http = app.test_client()
    world.sign_in(http, "alice@example.org")
    alice = socketio_of(app).test_client(app, namespace="/presenter", flask_test_client=http)
    assert alice.emit("watch", {"session_id": running_session["id"]}, namespace="/presenter",
                      callback=True)["ok"]
    now(IDLE - 60)
    assert alice.emit("watch", {"session_id": running_session["id"]}, namespace="/presenter",
                      callback=True)["ok"]  # its own events count as activity
    now(IDLE + 1)
    ack = alice.emit("watch", {"session_id": running_session["id"]}, namespace="/presenter", callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "forbidden"


def test_presenter_socket_events_honour_the_absolute_timeout(app, world, team, running_session, now):  # noqa: F811
    http = app.test_client()
    world.sign_in(http, "alice@example.org")
    alice = socketio_of(app).test_client(app, namespace="/presenter", flask_test_client=http)
    for _ in range(ABSOLUTE // (20 * 60) - 1):
        now(20 * 60)
        assert alice.emit("watch", {"session_id": running_session["id"]}, namespace="/presenter",
                          callback=True)["ok"]
    now(20 * 60)
    ack = alice.emit("watch", {"session_id": running_session["id"]}, namespace="/presenter", callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "forbidden"
