"""Live polls in Chromium: a commissioner sets up a session and presents it; two phones join by
code and vote; the projector's chart and participant count move without a reload; closing
voting puts the result in the evidence log. axe-core checks the resident and presenter pages."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from .conftest import assert_accessible, assert_fits_phone, sign_in


def _rows(page, scope: str) -> dict[str, str]:
    """The results table as {answer: count}."""
    cells = page.locator(f"{scope} table tbody tr").all()
    return {row.locator("th").inner_text().strip(): row.locator("td").first.inner_text().strip() for row in cells}


def test_phones_vote_and_the_presenter_screen_follows_live(server, new_context):
    staff = new_context().new_page()
    sign_in(staff, server, "commissioner@example.org")
    staff.get_by_role("link", name="Rosehill Park improvements").click()
    staff.get_by_role("link", name="Live polls").click()
    assert_accessible(staff)
    staff.get_by_label("Title").fill("Rosehill Park: what next?")
    staff.get_by_role("button", name="Create live session").click()
    expect(staff.locator(".govuk-notification-banner")).to_contain_text("Its join code is")
    staff.get_by_label("Question", exact=True).fill("Which should come first?")
    staff.get_by_label("Options (multiple choice and ranking)").fill("Playground\nLighting\nBenches")
    staff.get_by_role("button", name="Add question").click()
    expect(staff.locator("#questions")).to_be_visible()
    staff.get_by_label("Rating", exact=True).check()
    staff.get_by_label("Question", exact=True).fill("How safe do you feel in the park at night?")
    staff.get_by_role("button", name="Add question").click()
    expect(staff.locator(".engage-live-questions")).to_contain_text("Rating from 1 to 5")
    assert_accessible(staff)
    code = staff.locator("strong.engage-live-code").inner_text().strip()
    session_url = staff.url.split("#")[0]

    staff.get_by_role("link", name="Presenter screen").click()
    expect(staff.locator("#live-connection")).to_contain_text("Live")
    staff.evaluate("window.engageNotReloaded = true")
    assert_accessible(staff)

    # Two phones: one types the code, the other follows the short link (as the QR code does).
    first = new_context(phone=True).new_page()
    first.goto(server + "/join")
    first.get_by_label("Join a live poll").fill("ZZZ 999")  # a mistyped code
    first.get_by_role("button", name="Join").click()
    expect(first.locator(".govuk-error-summary")).to_contain_text("No live session has that code")
    assert_accessible(first)
    first.get_by_label("Join a live poll").fill(f"{code[:3].lower()} {code[3:].lower()}")
    first.get_by_role("button", name="Join").click()
    expect(first.locator("#live-connection")).to_contain_text("Connected")
    expect(first.locator("#live-question")).to_contain_text("Waiting for the presenter")
    assert_accessible(first)
    assert_fits_phone(first)
    second = new_context(phone=True).new_page()
    second.goto(f"{server}/join/{code}")
    expect(second.locator("#live-connection")).to_contain_text("Connected")
    expect(staff.locator("#participants-count")).to_have_text("2")

    # The presenter shows the first question and opens voting; the phones follow by themselves.
    staff.get_by_role("button", name="Next question").click()
    expect(first.get_by_role("heading", name="Which should come first?")).to_be_visible()
    # With the keyboard: the button that hid itself hands focus to the one that replaced it.
    staff.get_by_role("button", name="Open voting").focus()
    staff.keyboard.press("Enter")
    expect(staff.get_by_role("button", name="Close voting")).to_be_focused()
    expect(first.locator("#live-status")).to_contain_text("Voting is open")
    first.get_by_label("Lighting").check()
    first.get_by_role("button", name="Send").click()
    expect(first.locator("#vote-state")).to_contain_text("Your answer: Lighting")
    # The second phone votes with the keyboard only.
    second.get_by_label("Playground").focus()
    second.keyboard.press("ArrowDown")  # moves to Lighting and selects it
    second.keyboard.press("ArrowDown")
    expect(second.get_by_label("Benches")).to_be_checked()
    second.keyboard.press("Tab")
    expect(second.get_by_role("button", name="Send")).to_be_focused()
    second.keyboard.press("Enter")
    expect(second.locator("#live-status")).to_contain_text("Your answer was counted")
    expect(staff.locator("[data-live=results]")).to_contain_text("2 responses. Results are hidden from the room.")
    expect(first.locator("#live-results")).to_be_hidden()

    # Showing results: the projector's chart and every phone update as votes change.
    staff.get_by_role("button", name="Show results").click()
    expect(staff.locator("[data-live=results] table")).to_be_visible()
    assert _rows(staff, "[data-live=results]") == {"Playground": "0", "Lighting": "1", "Benches": "1"}
    expect(first.locator("#live-results table")).to_be_visible()
    first.get_by_label("Benches").check()
    first.get_by_role("button", name="Change my answer").click()
    expect(staff.locator("[data-live=results] table tbody tr").nth(2)).to_contain_text("2")
    assert _rows(staff, "[data-live=results]") == {"Playground": "0", "Lighting": "0", "Benches": "2"}
    expect(second.locator("#live-results table tbody tr").nth(2)).to_contain_text("2")
    assert_accessible(first)
    assert_fits_phone(first)
    assert_accessible(staff)

    # Closing voting: the phones say so and refuse to send; the result is evidence.
    staff.get_by_role("button", name="Close voting").click()
    expect(first.locator("#vote-state")).to_contain_text("Voting has closed. Your answer was: Benches")
    expect(first.get_by_role("button", name=re.compile("Send|Change my answer"))).to_be_hidden()
    expect(staff.locator("#presenter-question")).to_contain_text("Voting closed")

    # On to the next question and back: each phone still knows its own answer.
    staff.get_by_role("button", name="Next question").click()
    expect(first.get_by_role("heading", name="How safe do you feel in the park at night?")).to_be_visible()
    expect(first.locator("#vote-state")).to_contain_text("Voting has not opened yet")
    staff.get_by_role("button", name="Previous question").click()
    expect(first.locator("#vote-state")).to_contain_text("Voting has closed. Your answer was: Benches")
    expect(first.get_by_label("Benches")).to_be_checked()
    assert staff.evaluate("window.engageNotReloaded") is True  # everything above happened live

    log = new_context().new_page()
    sign_in(log, server, "commissioner@example.org")
    log.goto(session_url + "/moderate")
    expect(log.locator("#live-connection")).to_contain_text("Live")
    expect(log.locator("[data-live=results] table")).to_be_visible()
    assert_accessible(log)
    log.goto(session_url)
    expect(log.locator(".engage-live-questions")).to_contain_text("2 responses")
    log.get_by_role("link", name="Rosehill Park improvements").click()
    log.get_by_role("link", name=re.compile("Evidence log")).click()
    entry = log.locator(".govuk-summary-card", has_text="Poll result").first
    expect(entry).to_contain_text("Which should come first?")
    expect(entry).to_contain_text("2 responses; 2 participants connected when voting closed")
    expect(log.locator("#verification")).to_contain_text("Verified")
