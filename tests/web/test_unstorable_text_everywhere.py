"""Security audit, points 3 and 14: text that cannot be stored (an unpaired surrogate, NUL) is
refused at the door of every input, naming the field: the API (tests/web/test_bad_input.py),
socket events on both namespaces, and page forms (where a lone surrogate arrives as bytes that
are not UTF-8, which the form parser would otherwise turn into "�")."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from commissioning_steps.commissions import Commission
from live_support import (  # noqa: F401  (app and running_session are fixtures)
    app, control, join, presenter, resident, running_session,
)
from surveys.drafts import ResponseDraft
from surveys.live.models import LiveEntry
from test_survey_resident_pages import survey  # noqa: F401  (a fixture)

QA = 5
BAD = ["\udc00", "a\x00b"]


def _count(app, model) -> int:
    s = app.extensions["engage.db"].session()
    try:
        return s.scalar(select(func.count()).select_from(model))
    finally:
        s.close()


@pytest.mark.parametrize("bad", BAD)
def test_a_resident_socket_event_with_unstorable_text_is_refused_naming_the_field(app, running_session, bad):
    control(running_session, "open", QA)
    phone = resident(app)
    assert join(phone, running_session["code"])["ok"] is True
    ack = phone.emit("ask", {"text": f"When{bad}?"}, namespace="/live", callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "bad_request"
    assert set(ack["error"]["fields"]) == {"text"}
    assert _count(app, LiveEntry) == 0
    ack = resident(app).emit("join", {"code": f"ABC{bad}"}, namespace="/live", callback=True)
    assert ack["error"]["code"] == "bad_request" and set(ack["error"]["fields"]) == {"code"}


@pytest.mark.parametrize("bad", BAD)
def test_a_presenter_socket_event_with_unstorable_text_is_refused_naming_the_field(app, world, running_session, bad):
    ack = presenter(app, world).emit("control", {"session_id": running_session["id"], "action": f"open{bad}"},
                                     namespace="/presenter", callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "bad_request"
    assert set(ack["error"]["fields"]) == {"action"}


def test_nul_in_a_page_form_is_refused_naming_the_field(app, world):
    staff = app.test_client()
    world.sign_in(staff, "alice@example.org")
    before = _count(app, Commission)
    response = staff.post("/commissions/new", data={"title": "Parks\x00", "description": "Play areas"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "There is a problem" in html and "“title”" in html and "NUL" in html
    assert _count(app, Commission) == before


def test_bytes_that_are_not_utf8_in_a_page_form_are_refused_not_changed(app, world, team):
    staff = app.test_client()
    world.sign_in(staff, "alice@example.org")
    before = _count(app, Commission)
    token = staff.get("/commissions/new").get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0] \
        if app.config.get("WTF_CSRF_ENABLED", True) else ""
    response = staff.post("/commissions/new", data=f"csrf_token={token}&title=Parks%ED%B3%80&description=Play".encode(),
                          content_type="application/x-www-form-urlencoded")
    assert response.status_code == 422
    assert "“title”" in response.get_data(as_text=True) and "not valid UTF-8" in response.get_data(as_text=True)
    assert _count(app, Commission) == before


def test_a_survey_answer_page_refuses_bytes_that_are_not_utf8(app, survey):
    slug = survey["slug"]
    person = app.test_client()
    person.post(f"/s/{slug}/start")
    response = person.post(f"/s/{slug}/page/1", data=b"park=Rosehill&comments=More%ED%B3%80bins",
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 422 and "“comments”" in response.get_data(as_text=True)
    s = app.extensions["engage.db"].session()
    try:
        assert [d.answers for d in s.scalars(select(ResponseDraft))] == [{}]
    finally:
        s.close()
