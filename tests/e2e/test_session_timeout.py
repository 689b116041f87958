"""The GOV.UK timeout warning in Chromium (issue 12 point 12): a modal dialog before the idle
timeout, "Stay signed in" asks the server for more time, and when the time runs out the page
signs this browser out and says why. The browser's clock is Playwright's, moved by hand; the
server's timeouts are tested in tests/web/test_session_timeouts.py."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from .conftest import assert_accessible, sign_in

WARNING = "You’re about to be signed out"


def test_timeout_warning_stay_signed_in_then_time_runs_out(server, page):
    page.clock.install()
    sign_in(page, server, "commissioner@example.org")
    dialog = page.get_by_role("dialog", name=WARNING)
    expect(dialog).to_be_hidden()

    page.clock.fast_forward("27:00")
    expect(dialog).to_be_hidden()  # not yet: the warning comes 2 minutes before
    page.clock.fast_forward("01:05")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text(re.compile(r"we will sign you out in 1 minute \d+ seconds"))
    expect(page.locator("#timeout-warning-heading")).to_be_focused()
    assert_accessible(page)

    with page.expect_response("**/account/session") as answer:
        page.get_by_role("button", name="Stay signed in").click()
    assert answer.value.status == 200 and answer.value.json()["signed_in"] is True
    expect(dialog).to_be_hidden()

    page.clock.fast_forward("28:05")
    expect(dialog).to_be_visible()
    page.keyboard.press("Escape")  # Escape means "stay signed in" too
    expect(dialog).to_be_hidden()

    page.clock.fast_forward("28:05")
    expect(dialog).to_be_visible()
    page.clock.fast_forward("02:00")
    page.wait_for_url("**/sign-in")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "You were signed out because you had not done anything for 30 minutes")
    assert_accessible(page)
    page.goto(server + "/commissions")
    page.wait_for_url(re.compile(r"/sign-in"))
    assert page.csp_errors == [], page.csp_errors  # type: ignore[attr-defined]


def test_api_tokens_page_creates_and_revokes_accessibly(server, page):
    """Issue 12 point 9's page: GOV.UK table and forms, the new token shown once."""
    sign_in(page, server, "admin@example.org")
    page.get_by_role("link", name="API tokens").click()
    assert_accessible(page)
    page.get_by_label("Name").fill("Nightly report")
    page.get_by_role("button", name="Create token").click()
    expect(page.locator("#new-token")).to_have_text(re.compile(r"^[\w-]{40,}$"))
    assert_accessible(page)
    page.get_by_role("button", name="Revoke Nightly report").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("The token has been revoked")
    expect(page.get_by_role("table")).to_have_count(0)
    assert_accessible(page)
