"""Issue 13's activity feed in Chromium: a commissioner has the commission page open; a resident
answers a survey in another browser; the line "1 new response to ..." appears on the
commissioner's page by itself, announced politely, with focus left where it was, and axe finds
nothing at any impact on the page or on the activity page."""
from __future__ import annotations

import requests
from playwright.sync_api import expect

from .conftest import DEMO_PASSWORD, assert_fits_phone, axe_violations, sign_in

ALL_IMPACTS = ("minor", "moderate", "serious", "critical")
TITLE = "Activity feed check: getting to the day centre"


def _open_survey(server) -> dict:
    token = requests.post(server + "/api/v1/auth/token",
                          json={"email": "commissioner@example.org", "password": DEMO_PASSWORD}).json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    survey = requests.post(server + "/api/v1/commissions/1/surveys", headers=headers, json={
        "title": TITLE, "step": "investigate",
        "questions": [{"id": "uses", "type": "yes_no_maybe", "text": "Do you go to a day centre now?", "required": True}],
    }).json()
    assert requests.post(server + f"/api/v1/surveys/{survey['id']}/open", headers=headers).status_code == 200
    return survey


def test_a_response_appears_on_the_open_commission_page(server, page, new_context):
    survey = _open_survey(server)
    sign_in(page, server, "commissioner@example.org")
    page.goto(server + "/commissions/1")
    feed = page.locator("#activity")
    expect(feed.locator("#activity-connection")).to_have_text("This list updates by itself.")
    expect(feed.locator("#activity-items")).to_contain_text(f"“{TITLE}” opened for answers")
    assert axe_violations(page, ALL_IMPACTS) == []
    focused = page.get_by_role("link", name="Activity", exact=True)
    focused.focus()

    resident = new_context(phone=True).new_page()
    resident.goto(survey["links"]["public"])
    resident.get_by_role("button", name="Start now").click()
    resident.get_by_label("Yes").check()
    resident.get_by_role("button", name="Continue").click()
    resident.get_by_role("button", name="Send answers").click()
    expect(resident.locator("#receipt")).to_be_visible()

    line = feed.locator("#activity-items li").first
    expect(line.get_by_role("link")).to_have_text(f"1 new response to “{TITLE}”", timeout=15_000)
    expect(line.locator("time")).to_contain_text("at ")
    expect(page.locator("#activity-announcer")).to_contain_text(f"1 new response to “{TITLE}”")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Activity"  # focus stayed put
    assert "Yes" not in line.inner_text()
    assert axe_violations(page, ALL_IMPACTS) == []
    assert page.csp_errors == []  # type: ignore[attr-defined]

    phone = new_context(phone=True).new_page()
    sign_in(phone, server, "commissioner@example.org")
    phone.goto(server + "/commissions/1/activity")
    expect(phone.locator("#activity-items")).to_contain_text(f"1 new response to “{TITLE}”")
    expect(phone.get_by_role("button", name="Refresh")).to_be_visible()
    assert axe_violations(phone, ALL_IMPACTS) == []
    assert_fits_phone(phone)
