"""The projector view in Chromium at 1280x720 (issue 8 point 20): a commissioner opens it and
runs the session with its keyboard shortcuts while the moderation screen watches; phones vote;
the projector shows the options while voting (no counts), results only when they are shown,
and updates without a reload; nothing scrolls with six options; axe-core finds no violations
of any impact on the projector and the moderation screen."""
from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from .conftest import axe_violations, sign_in

SCREEN = {"width": 1280, "height": 720}
OPTIONS = ["Northfield Library", "Town hall", "Leisure centre", "Rosehill Park café", "St Mary's church hall",
           "The community bus"]
EVERY_IMPACT = ("minor", "moderate", "serious", "critical")


def assert_no_violations(page) -> None:
    violations = axe_violations(page, EVERY_IMPACT)
    assert not violations, f"axe on {page.url}:\n" + json.dumps(violations, indent=2)


def assert_fits_screen(page) -> None:
    size = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
    assert size[0] <= SCREEN["width"] and size[1] <= SCREEN["height"], f"{page.url} is {size} at 1280x720"


@pytest.fixture
def screen_context(browser):
    context = browser.new_context(viewport=SCREEN)
    context.set_default_timeout(10_000)
    yield context
    context.close()


def _projector_rows(page) -> dict[str, str]:
    rows = page.locator("#projector-body table tbody tr").all()
    return {row.locator("th").inner_text().strip(): row.locator("td").last.inner_text().strip() for row in rows}


def test_the_projector_follows_the_room_and_shows_results_only_when_shown(server, screen_context, new_context):
    staff = screen_context.new_page()
    sign_in(staff, server, "commissioner@example.org")
    staff.get_by_role("link", name="Rosehill Park improvements").click()
    staff.get_by_role("link", name="Live polls").click()
    staff.get_by_label("Title").fill("Where should the new hub go?")
    staff.get_by_role("button", name="Create live session").click()
    staff.get_by_label("Question", exact=True).fill("Where should the community hub go?")
    staff.get_by_label("Options (multiple choice and ranking)").fill("\n".join(OPTIONS))
    staff.get_by_role("button", name="Add question").click()
    staff.get_by_label("Word cloud", exact=True).check()
    staff.get_by_label("Question", exact=True).fill("One word for the hub")
    staff.get_by_role("button", name="Add question").click()
    expect(staff.locator(".engage-live-questions")).to_contain_text("One word for the hub")
    code = staff.locator("strong.engage-live-code").inner_text().strip()
    session_url = staff.url.split("#")[0]

    staff.get_by_role("link", name="Open the moderation screen").click()
    expect(staff.locator("#live-connection")).to_contain_text("Live")
    assert_no_violations(staff)

    projector = screen_context.new_page()
    projector.goto(session_url + "/projector")
    expect(projector.get_by_role("heading", level=1)).to_have_text("Waiting for the first question")
    expect(projector.locator("#projector-join")).to_contain_text(f"{code[:3]} {code[3:]}")
    expect(projector.locator("#projector-join")).to_contain_text("/join")
    expect(projector.locator("#projector-join img")).to_have_attribute("alt", re.compile("QR code that opens"))
    expect(projector.get_by_role("button", name="Keyboard shortcuts on")).to_be_visible()
    assert projector.locator(".engage-account-bar, .govuk-breadcrumbs, .govuk-service-navigation").count() == 0
    projector.evaluate("window.engageNotReloaded = true")
    assert_no_violations(projector)
    assert_fits_screen(projector)

    phones = [new_context(phone=True).new_page() for _ in range(2)]
    for phone in phones:
        phone.goto(f"{server}/join/{code}")
        expect(phone.locator("#live-connection")).to_contain_text("Connected")
    expect(projector.locator("#projector-count")).to_have_text("2")

    # N shows the first question, O opens voting: the options, large, with no counts.
    projector.keyboard.press("n")
    expect(projector.get_by_role("heading", level=1)).to_have_text("Where should the community hub go?")
    expect(phones[0].get_by_role("heading", name="Where should the community hub go?")).to_be_visible()
    projector.keyboard.press("o")
    expect(projector.locator("#projector-state")).to_have_text("Voting is open: answer on your phone")
    expect(projector.locator(".engage-projector-options__item")).to_have_text(OPTIONS)
    expect(projector.locator("#projector-status")).to_contain_text("Voting is open")
    assert_fits_screen(projector)
    assert_no_violations(projector)

    phones[0].get_by_label("Town hall").check()
    phones[0].get_by_role("button", name="Send").click()
    expect(phones[0].locator("#vote-state")).to_contain_text("Your answer: Town hall")
    phones[1].get_by_label("Northfield Library").check()
    phones[1].get_by_role("button", name="Send").click()
    expect(phones[1].locator("#vote-state")).to_contain_text("Your answer: Northfield Library")
    # The moderation screen sees the votes; the projector does not, until results are shown.
    expect(staff.locator("[data-live=results]")).to_contain_text("2 responses")
    assert projector.locator("#projector-body table").count() == 0
    assert "%" not in projector.locator("#projector-body").inner_text()

    # R shows the results: the projector draws bars, and moves with the next change of vote.
    projector.keyboard.press("r")
    expect(projector.locator("#projector-body table")).to_be_visible()
    expect(projector.locator("#projector-body")).to_contain_text("Results: 2 responses")
    assert _projector_rows(projector) == {OPTIONS[0]: "1 (50%)", OPTIONS[1]: "1 (50%)", OPTIONS[2]: "0 (0%)",
                                          OPTIONS[3]: "0 (0%)", OPTIONS[4]: "0 (0%)", OPTIONS[5]: "0 (0%)"}
    phones[1].get_by_label("Town hall").check()
    phones[1].get_by_role("button", name="Change my answer").click()
    expect(projector.locator("#projector-body table tbody tr").nth(1)).to_contain_text("2 (100%)")
    assert_fits_screen(projector)
    assert_no_violations(projector)

    # R again hides them; later votes do not reach the projector.
    projector.keyboard.press("r")
    expect(projector.locator(".engage-projector-options__item")).to_have_count(6)
    phones[0].get_by_label("Leisure centre").check()
    phones[0].get_by_role("button", name="Change my answer").click()
    expect(phones[0].locator("#vote-state")).to_contain_text("Your answer: Leisure centre")
    expect(staff.locator("[data-live=results] table")).to_contain_text("Leisure centre")
    assert projector.locator("#projector-body table").count() == 0

    # C closes voting; N moves on to the word cloud; phones send words; R shows the cloud.
    projector.keyboard.press("c")
    expect(projector.locator("#projector-state")).to_have_text("Voting has closed")
    projector.keyboard.press("n")
    expect(projector.get_by_role("heading", level=1)).to_have_text("One word for the hub")
    projector.keyboard.press("o")
    expect(projector.locator("#projector-body")).to_contain_text("Up to 3 words or short phrases")
    for phone, word in ((phones[0], "Parking"), (phones[1], "parking"), (phones[1], "Toilets")):
        phone.get_by_label("A word or short phrase").fill(word)
        phone.get_by_role("button", name="Send").click()
        expect(phone.locator("#vote-state")).to_contain_text(word)
    projector.keyboard.press("r")
    expect(projector.locator(".engage-live-cloud")).to_contain_text("parking")
    expect(projector.locator(".engage-live-cloud")).to_contain_text("toilets")
    expect(projector.locator("#projector-body")).to_contain_text("Results: 2 responses")
    assert_fits_screen(projector)
    assert_no_violations(projector)

    # The keys can be turned off (and the moderation screen's buttons still work).
    projector.get_by_role("button", name="Keyboard shortcuts on").click()
    expect(projector.get_by_role("button", name="Keyboard shortcuts off")).to_have_attribute("aria-pressed", "false")
    projector.keyboard.press("p")
    projector.keyboard.press("c")
    expect(staff.get_by_role("button", name="Close voting")).to_be_visible()
    staff.get_by_role("button", name="Close voting").click()
    expect(projector.locator("#projector-state")).to_have_text("Voting has closed")
    expect(projector.get_by_role("heading", level=1)).to_have_text("One word for the hub")
    assert projector.evaluate("window.engageNotReloaded") is True  # everything above happened live

    # Only the moderation screen is recorded as having seen results early; the projector is not.
    record = new_context().new_page()
    sign_in(record, server, "commissioner@example.org")
    record.goto(session_url)
    disclosures = record.locator("#disclosures + p + div table tbody").inner_text()
    assert disclosures.count("opened a staff screen") == 1
    assert disclosures.count("showed the results of question 1 to the room") == 1
