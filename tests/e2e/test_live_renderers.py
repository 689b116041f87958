"""Live polls in Chromium, the renderers the first journey does not reach: ranking, word cloud,
open text and Q&A on a phone, and the moderation screen's answers with their buttons."""
from __future__ import annotations

from playwright.sync_api import expect

from .conftest import assert_accessible, sign_in


def _add(staff, kind: str, text: str, options: str = "") -> None:
    staff.get_by_label(kind, exact=True).check()
    staff.get_by_label("Question", exact=True).fill(text)
    if options:
        staff.get_by_label("Options (multiple choice and ranking)").fill(options)
    staff.get_by_role("button", name="Add question").click()
    expect(staff.locator(".engage-live-questions")).to_contain_text(text)


def test_every_renderer_draws_on_phones_and_staff_screens(server, new_context):
    staff = new_context().new_page()
    sign_in(staff, server, "commissioner@example.org")
    staff.get_by_role("link", name="Rosehill Park improvements").click()
    staff.get_by_role("link", name="Live polls").click()
    staff.get_by_label("Title").fill("Renderers")
    staff.get_by_role("button", name="Create live session").click()
    _add(staff, "Ranking", "Rank these", "Trees\nBins\nLights")
    _add(staff, "Word cloud", "One word for the park")
    _add(staff, "Open text", "Anything else?")
    _add(staff, "Q&A", "Questions for the panel")
    code = staff.locator("strong.engage-live-code").inner_text().strip()
    staff.get_by_role("link", name="Open the moderation screen").click()
    expect(staff.locator("#live-connection")).to_contain_text("Live")

    phone = new_context(phone=True).new_page()
    phone.goto(f"{server}/join/{code}")
    expect(phone.locator("#live-connection")).to_contain_text("Connected")

    # Ranking: move an option up, send the order.
    staff.get_by_role("button", name="Next question").click()
    staff.get_by_role("button", name="Open voting").click()
    expect(phone.locator("#live-question")).to_contain_text("Ranking")
    phone.get_by_role("button", name="Move up Lights").click()
    expect(phone.locator("#ranking")).to_contain_text("2. Lights")
    phone.get_by_role("button", name="Send").click()
    expect(phone.locator("#vote-state")).to_contain_text("Your answer: Trees, Lights, Bins")
    expect(staff.locator("[data-live=results] table")).to_contain_text("Trees")

    # Word cloud: several phrases from one phone, each counted; one taken back.
    staff.get_by_role("button", name="Next question").click()
    staff.get_by_role("button", name="Open voting").click()
    expect(phone.locator("#live-question")).to_contain_text("Up to 3 words or short phrases, sent one at a time")
    phone.get_by_label("A word or short phrase").fill("Shade")
    phone.get_by_role("button", name="Send").click()
    expect(phone.locator("#vote-state")).to_contain_text("You have sent: Shade (2 more allowed).")
    expect(phone.get_by_label("A word or short phrase")).to_have_value("")
    phone.get_by_label("A word or short phrase").fill("Benches")
    phone.get_by_label("A word or short phrase").press("Enter")
    expect(phone.locator("#vote-state")).to_contain_text("You have sent: Shade, Benches (1 more allowed).")
    phone.get_by_label("A word or short phrase").fill("shade!")
    phone.get_by_role("button", name="Send").click()
    expect(phone.locator("#answer-error")).to_contain_text("already")
    expect(staff.locator("[data-live=results] .engage-live-cloud")).to_contain_text("shade")
    expect(staff.locator("[data-live=results] .engage-live-cloud")).to_contain_text("benches")
    assert_accessible(phone)
    phone.get_by_role("button", name="Remove “Shade”").click()
    expect(phone.locator("#vote-state")).to_contain_text("You have sent: Benches (2 more allowed).")
    expect(phone.locator("#live-status")).to_contain_text("Removed “Shade”")
    expect(staff.locator("[data-live=results] .engage-live-cloud")).not_to_contain_text("shade")

    # Open text: the moderator hides an answer.
    staff.get_by_role("button", name="Next question").click()
    staff.get_by_role("button", name="Open voting").click()
    phone.get_by_label("Your answer").fill("More benches please")
    phone.get_by_role("button", name="Send").click()
    expect(staff.locator("[data-live=entries]")).to_contain_text("More benches please")
    staff.locator("[data-live=entries]").get_by_role("button", name="Hide").click()
    expect(staff.locator("[data-live=entries]")).to_contain_text("Hidden from the room")
    assert_accessible(staff)

    # Q&A: the phone asks, the results are shown, it up-votes its own question, staff mark it answered.
    staff.get_by_role("button", name="Next question").click()
    staff.get_by_role("button", name="Open voting").click()
    expect(phone.locator("#live-status")).to_contain_text("You can ask a question now")
    staff.get_by_role("button", name="Show results").click()
    expect(phone.locator("#live-status")).to_contain_text("The results are now shown")
    phone.get_by_label("Your question").fill("When does work start?")
    phone.get_by_role("button", name="Send question").click()
    expect(phone.locator("#live-results")).to_contain_text("When does work start?")
    phone.locator("#live-results").get_by_role("button", name="Up-vote").click()
    expect(phone.locator("#live-results")).to_contain_text("1 up-vote")
    staff.locator("[data-live=entries]").get_by_role("button", name="Mark answered").click()
    expect(phone.locator("#live-results")).to_contain_text("Answered")
    assert_accessible(phone)
