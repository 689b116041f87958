"""Security audit, point 5 (live polls): the wrong-join-code limit refused correct codes from
the same address too, so one person typing wrong codes could lock every phone behind a venue's
Wi-Fi out of its session. Wrong codes are now counted (by `limits`) only once they are known
to be wrong, on the socket's ``join`` and the ``/join`` page alike (one budget); a correct code
is never refused by it."""
from __future__ import annotations

import pytest

from engage import create_app
from engage.extensions import socketio_of
from engage.rate_limits import TOO_MANY_WRONG_CODES
from live_support import join, running_session  # noqa: F401  (running_session is a fixture)

HALL = "198.51.100.40"   # one venue Wi-Fi (documentation range)
ELSEWHERE = "203.0.113.9"
WRONG = "ZZZZZZ"


@pytest.fixture
def app(database_url):
    app = create_app({"DATABASE_URL": database_url, "LIVE_BROADCAST_LOOP": False, "RATE_LIMITS_ENABLED": True,
                      "RATE_LIMITS": {"wrong_join_code": "5/minute"}})
    yield app
    app.extensions["engage.db"].engine.dispose()


def phone(app, address: str = HALL):
    http = app.test_client()
    http.environ_base["REMOTE_ADDR"] = address
    return socketio_of(app).test_client(app, namespace="/live", flask_test_client=http)


def page(app, address: str = HALL):
    http = app.test_client()
    http.environ_base["REMOTE_ADDR"] = address
    return http


def _error(ack) -> dict:
    assert ack["ok"] is False, ack
    return ack["error"]


def test_wrong_codes_are_limited_but_a_right_code_never_is(app, running_session):
    for _ in range(5):
        assert _error(join(phone(app), WRONG))["code"] == "unknown_session"
    refused = _error(join(phone(app), WRONG))
    assert refused["code"] == "rate_limited" and refused["message"] == TOO_MANY_WRONG_CODES
    # the hall behind the same address still joins, every phone of it
    for _ in range(60):
        assert join(phone(app), running_session["code"])["ok"] is True
    # and another connection's wrong code is only wrong
    assert _error(join(phone(app, ELSEWHERE), WRONG))["code"] == "unknown_session"


def test_the_join_page_and_the_socket_share_one_budget(app, running_session):
    http = page(app)
    for _ in range(3):
        assert http.get(f"/join?code={WRONG}").status_code == 404
    for _ in range(2):
        assert _error(join(phone(app), WRONG))["code"] == "unknown_session"
    refused = http.get(f"/join?code={WRONG}")
    assert refused.status_code == 429
    html = refused.get_data(as_text=True)
    assert "There is a problem" in html and "Too many wrong codes" in html
    assert http.get(f"/join/{WRONG}").status_code == 429  # the short link counts the same
    assert _error(join(phone(app), WRONG))["code"] == "rate_limited"
    # a right code is never refused, on the page or the short link
    code = running_session["code"]
    assert http.get(f"/join?code={code}").status_code == 302
    assert http.get(f"/join/{code}").status_code == 200
    assert page(app, ELSEWHERE).get(f"/join?code={WRONG}").status_code == 404
