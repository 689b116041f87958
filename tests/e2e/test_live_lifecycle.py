"""Changing and removing live questions before they open, ending and archiving a session, in
Chromium (issue 8 point 15): the phone redraws a changed question by itself and is told when
the session ends; every page on the way has no axe-core violations of any impact."""
from __future__ import annotations

import json

from playwright.sync_api import expect

from .conftest import assert_fits_phone, axe_violations, sign_in

EVERY_IMPACT = ("minor", "moderate", "serious", "critical")


def assert_no_violations(page) -> None:
    violations = axe_violations(page, EVERY_IMPACT)
    assert not violations, f"axe on {page.url}:\n" + json.dumps(violations, indent=2)


def test_change_remove_end_and_archive(server, new_context):
    staff = new_context().new_page()
    sign_in(staff, server, "commissioner@example.org")
    staff.get_by_role("link", name="Rosehill Park improvements").click()
    staff.get_by_role("link", name="Live polls").click()
    staff.get_by_label("Title").fill("Park evening, round two")
    staff.get_by_role("button", name="Create live session").click()
    staff.get_by_label("Question", exact=True).fill("Which first?")
    staff.get_by_label("Options (multiple choice and ranking)").fill("Paths\nLights")
    staff.get_by_role("button", name="Add question").click()
    staff.get_by_label("Rating", exact=True).check()
    staff.get_by_label("Question", exact=True).fill("How safe is the park?")
    staff.get_by_role("button", name="Add question").click()
    expect(staff.locator(".engage-live-questions")).to_contain_text("How safe is the park?")
    code = staff.locator("strong.engage-live-code").inner_text().strip()
    session_url = staff.url.split("#")[0]
    assert_no_violations(staff)

    phone = new_context(phone=True).new_page()
    phone.goto(f"{server}/join/{code}")
    expect(phone.locator("#live-connection")).to_contain_text("Connected")
    moderation = new_context().new_page()
    sign_in(moderation, server, "commissioner@example.org")
    moderation.goto(session_url + "/moderate")
    expect(moderation.locator("#live-connection")).to_contain_text("Live")
    moderation.get_by_role("button", name="Next question").click()
    expect(phone.get_by_role("heading", name="Which first?")).to_be_visible()

    # Change question 1 while it is on the phones but not yet open: every error at once, then saved.
    staff.get_by_role("link", name="Change question 1").click()
    expect(staff.get_by_label("Options (multiple choice and ranking)")).to_have_value("Paths\nLights")
    assert_no_violations(staff)
    staff.get_by_label("Question", exact=True).fill("")
    staff.get_by_label("Options (multiple choice and ranking)").fill("Paths")
    staff.get_by_role("button", name="Save changes").click()
    expect(staff.locator(".govuk-error-summary")).to_contain_text("Enter the question text")
    expect(staff.locator(".govuk-error-summary")).to_contain_text("Give at least two options")
    assert_no_violations(staff)
    staff.get_by_label("Question", exact=True).fill("Which should come first?")
    staff.get_by_label("Options (multiple choice and ranking)").fill("Paths\nLights\nBenches")
    staff.get_by_role("button", name="Save changes").click()
    expect(staff.locator(".govuk-notification-banner")).to_contain_text("Question changed")
    expect(phone.get_by_role("heading", name="Which should come first?")).to_be_visible()
    expect(phone.get_by_label("Benches")).to_be_visible()

    # Remove question 2, after confirming.
    staff.get_by_role("link", name="Remove question 2").click()
    expect(staff.get_by_role("heading", level=1)).to_have_text("Remove question 2?")
    assert_no_violations(staff)
    staff.get_by_role("button", name="Remove question").click()
    expect(staff.locator(".govuk-notification-banner")).to_contain_text("Question 2 removed")
    expect(staff.locator(".engage-live-questions")).not_to_contain_text("How safe is the park?")

    # Open voting, a vote, then end the session: the phone is told, and the link says so later.
    moderation.get_by_role("button", name="Open voting").click()
    phone.get_by_label("Lights").check()
    phone.get_by_role("button", name="Send").click()
    expect(phone.locator("#vote-state")).to_contain_text("Your answer: Lights")
    staff.reload()
    expect(staff.get_by_role("link", name="Change question 1")).to_have_count(0)  # opened: no longer changeable
    staff.get_by_role("link", name="End the session").click()
    expect(staff.locator("main")).to_contain_text("closes first and its result goes into the evidence log")
    assert_no_violations(staff)
    staff.get_by_role("button", name="End the session").click()
    expect(staff.locator(".govuk-notification-banner")).to_contain_text("Live session ended")
    expect(phone.get_by_role("heading", name="This live session has ended")).to_be_visible()
    expect(phone.locator("#live-status")).to_contain_text("Thank you for taking part")
    expect(moderation.locator("#session-ended")).to_be_visible()
    expect(moderation.locator("#controls")).to_be_hidden()
    assert_no_violations(phone)
    assert_fits_phone(phone)
    phone.reload()
    expect(phone.get_by_role("heading", level=1)).to_have_text("This live session has ended")
    assert_no_violations(phone)
    assert_no_violations(staff)

    # Archive: off the list, kept under "Archived sessions".
    staff.get_by_role("button", name="Archive this session").click()
    expect(staff.locator(".govuk-notification-banner")).to_contain_text("archived")
    expect(staff.get_by_role("link", name="Park evening, round two")).to_have_count(0)
    staff.get_by_role("link", name="Archived sessions").click()
    expect(staff.locator("main table")).to_contain_text("Park evening, round two")
    assert_no_violations(staff)
