"""Security audit, point 2: on a shared device (a library kiosk, a family tablet) the next
person must not see, change or delete the previous resident's answers.

The session cookie is signed, not encrypted, so whatever it holds is readable by anyone with the
device: after the done page it holds no receipt, and every page that shows or acts on answers
asks for the receipt code (a post sent again with the Back button is asked again too)."""
from __future__ import annotations

import re

from test_survey_resident_pages import (  # noqa: F401  (survey and resident are fixtures)
    _answer_everything, _count, _form_key, _html, _open_answers, _path, _submission_id, resident, survey,
)


def _cookie_session(app, client) -> dict:
    cookie = client.get_cookie(app.config.get("SESSION_COOKIE_NAME", "session"))
    if cookie is None:
        return {}
    return app.session_interface.get_signing_serializer(app).loads(cookie.value)


def _send(kiosk, slug) -> str:
    check = _answer_everything(kiosk, slug)
    kiosk.post(f"/s/{slug}/submit", data={"submission_id": _submission_id(_html(check))})
    done = _html(kiosk.get(f"/s/{slug}/done"))
    return re.search(r'id="receipt"[^>]*>([A-Z0-9-]+)<', done).group(1)


def test_after_the_done_page_the_receipt_is_not_in_the_session(app, survey):
    kiosk = app.test_client()
    receipt = _send(kiosk, survey["slug"])
    held = _cookie_session(app, kiosk)
    assert receipt not in repr(held)
    assert receipt.replace("-", "") not in repr(held)
    # the next person: the done page does not come back, and "your answers" asks for the code
    again = kiosk.get(f"/s/{survey['slug']}/done")
    assert again.status_code == 302 and receipt not in _html(again)
    assert _path(kiosk.get("/your-answers/view").location) == "/your-answers"
    form = _html(kiosk.get("/your-answers"))
    assert receipt not in form and "Enter your receipt code" in form


def test_the_next_person_cannot_delete_or_change_without_the_code(app, survey):
    kiosk = app.test_client()
    receipt = _send(kiosk, survey["slug"])
    assert _path(kiosk.get("/your-answers/delete").location) == "/your-answers"
    for path in ("/your-answers/delete", "/your-answers/change"):
        key = _form_key(_html(kiosk.get("/your-answers")))
        refused = kiosk.post(path, data={"confirm": "yes", "form_key": key})
        assert refused.status_code == 422 and "Enter your receipt code" in _html(refused)
        wrong = kiosk.post(path, data={"confirm": "yes", "receipt": "AAAA-AAAA-AAAA",
                                       "form_key": _form_key(_html(refused))})
        assert wrong.status_code == 422
        assert "No answers match that receipt code" in _html(wrong) and 'href="#receipt"' in _html(wrong)
    assert _count(app) == 1
    assert app.test_client().get(f"/api/v1/responses/{receipt}").status_code == 200
    assert app.test_client().delete("/api/v1/responses/AAAA-AAAA-AAAA").status_code == 404
    assert _count(app) == 1


def test_going_back_to_the_answers_asks_for_the_code_again(app, survey):
    """The first resident looked at their answers and walked away; the next presses Back, and
    the browser offers to send the form again: the form's one-time key is used, so the code
    sent with it is not shown back and nothing is deleted."""
    kiosk = app.test_client()
    receipt = _send(kiosk, survey["slug"])
    key = _form_key(_html(kiosk.get("/your-answers")))
    seen = kiosk.post("/your-answers", data={"receipt": receipt, "form_key": key})
    assert "Rosehill" in _html(seen) and seen.headers["Cache-Control"] == "no-store"
    confirm = kiosk.post("/your-answers/delete", data={"receipt": receipt, "form_key": _form_key(_html(seen)),
                                                       "step": "ask"})
    assert "Are you sure" in _html(confirm)
    confirm_key = _form_key(_html(confirm))
    kiosk.get("/")  # walked away

    resent = kiosk.post("/your-answers", data={"receipt": receipt, "form_key": key})
    html = _html(resent)
    assert resent.status_code == 422 and "enter your receipt code again" in html
    assert "Rosehill" not in html and receipt not in html
    # the confirmation page's form, sent again, deletes nothing
    kiosk.post("/your-answers", data={"receipt": receipt, "form_key": confirm_key})
    again = kiosk.post("/your-answers/delete", data={"receipt": receipt, "form_key": confirm_key, "confirm": "yes"})
    assert again.status_code == 422 and "Your answers have been deleted" not in _html(again)
    assert _count(app) == 1


def test_a_change_left_unfinished_is_not_picked_up_by_the_next_person(app, survey):
    kiosk = app.test_client()
    slug = survey["slug"]
    receipt = _send(kiosk, slug)
    view = _open_answers(kiosk, receipt)
    kiosk.post("/your-answers/change", data={"receipt": receipt, "form_key": _form_key(_html(view))})
    assert "Rosehill" in _html(kiosk.get(f"/s/{slug}/page/1"))  # the first resident's change, then they leave
    assert _path(kiosk.post(f"/s/{slug}/start").location) == f"/s/{slug}/page/1"
    page = _html(kiosk.get(f"/s/{slug}/page/1"))
    assert 'value="Rosehill" checked' not in page and "checked" not in page
