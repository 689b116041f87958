"""Security audit, point 4: a script re-joining without its token got a fresh participant each
time and stored 56 votes. New participants per client address and session now have a budget
sized for a venue, over it the phone is told why, and the poll result and its ``poll_result``
evidence entry record how many joined from the busiest address (a count, never the address)."""
from __future__ import annotations

import logging

import pytest
from sqlalchemy import text

from engage import create_app
from engage.config import Config
from engage.extensions import socketio_of
from engage.realtime.participant_budget import TOO_MANY
from live_support import control, join, running_session, vote  # noqa: F401  (running_session is a fixture)

HALL = "198.51.100.40"   # one venue Wi-Fi (documentation range)
ELSEWHERE = "203.0.113.9"
BUDGET = 30


@pytest.fixture
def app(database_url):
    app = create_app({"DATABASE_URL": database_url, "LIVE_BROADCAST_LOOP": False,
                      "LIVE_PARTICIPANTS_PER_ADDRESS": BUDGET})
    yield app
    app.extensions["engage.db"].engine.dispose()


def phone(app, address: str = HALL):
    http = app.test_client()
    http.environ_base["REMOTE_ADDR"] = address
    return socketio_of(app).test_client(app, namespace="/live", flask_test_client=http)


def _busiest(app, session_id: int) -> int:
    with app.extensions["engage.db"].engine.connect() as db:
        return db.execute(text("SELECT busiest_address_participants FROM live_sessions WHERE id = :id"),
                          {"id": session_id}).scalar_one()


def test_the_default_budget_lets_a_hall_join_and_bounds_a_script():
    assert 300 <= Config.LIVE_PARTICIPANTS_PER_ADDRESS < 5000


def test_new_participants_from_one_address_are_bounded_and_the_busiest_count_is_recorded(
        app, running_session, caplog):
    caplog.set_level(logging.DEBUG)
    code = running_session["code"]
    first = join(phone(app), code)
    assert first["ok"] is True
    for _ in range(BUDGET - 1):
        assert join(phone(app), code)["ok"] is True
    refused = join(phone(app), code)
    assert refused == {"ok": False, "error": {"code": "too_many_participants", "message": TOO_MANY}}
    # a phone that keeps its token is the same participant: it still gets back in
    assert join(phone(app), code, first["participant"])["ok"] is True
    # another connection is not affected, and makes a count of its own
    for _ in range(3):
        assert join(phone(app, ELSEWHERE), code)["ok"] is True
    assert _busiest(app, running_session["id"]) == BUDGET  # the refused join is not counted

    # the poll result and its evidence entry say so
    control(running_session, "open", 0)
    voter = phone(app, ELSEWHERE)
    join(voter, code)
    assert vote(voter, running_session["questions"][0], "Lighting")["ok"] is True
    control(running_session, "close", 0)
    http, headers = running_session["http"], running_session["headers"]
    shown = http.get(f"/api/v1/live-sessions/{running_session['id']}", headers=headers).json
    assert shown["participants_from_busiest_address"] == BUDGET
    commission = shown["commission_id"]
    body = http.get(f"/api/v1/commissions/{commission}/evidence", headers=headers).json
    entries = body["entries"] if isinstance(body, dict) else body
    result = next(e for e in entries if e["kind"] == "poll_result")
    assert result["payload"]["participants_from_busiest_address"] == BUDGET
    assert f"at most {BUDGET} participants joined the session from any one internet connection" in result["summary"]

    # the address itself is stored nowhere and logged nowhere
    with app.extensions["engage.db"].engine.connect() as db:
        tables = [row[0] for row in db.execute(text("SELECT name FROM sqlite_master WHERE type = 'table'"))]
        for table in tables:
            for row in db.execute(text(f'SELECT * FROM "{table}"')):
                assert HALL not in repr(row) and ELSEWHERE not in repr(row), table
    assert HALL not in caplog.text and ELSEWHERE not in caplog.text


def test_ipv6_addresses_of_one_network_share_a_budget(app, running_session):
    code = running_session["code"]
    for host in range(BUDGET):
        assert join(phone(app, f"2001:db8:1:2::{host + 1:x}"), code)["ok"] is True
    assert join(phone(app, "2001:db8:1:2:ffff::1"), code)["error"]["code"] == "too_many_participants"
    assert join(phone(app, "2001:db8:1:3::1"), code)["ok"] is True


def test_each_session_has_its_own_budget(app, running_session, world, team):
    code = running_session["code"]
    for _ in range(BUDGET):
        join(phone(app), code)
    other = running_session["http"].post(
        f"/api/v1/commissions/{team['mine'].id}/live-sessions", headers=running_session["headers"],
        json={"title": "Second evening", "step": "initiate",
              "questions": [{"type": "rating", "text": "How was it?", "min": 1, "max": 5}]}).json
    assert join(phone(app), other["code"])["ok"] is True


def test_the_session_page_shows_the_busiest_count(app, running_session, world):
    for _ in range(4):
        join(phone(app), running_session["code"])
    http = app.test_client()
    world.sign_in(http, "alice@example.org")
    shown = http.get(f"/api/v1/live-sessions/{running_session['id']}", headers=running_session["headers"]).json
    page = http.get(shown["links"]["presenter"].rsplit("/present", 1)[0].replace("http://localhost", ""))
    assert page.status_code == 200, page.status_code
    assert "At most 4 participants have joined from any one internet connection" in page.get_data(as_text=True)
