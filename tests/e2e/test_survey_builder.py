"""Issue 8 in Chromium, the commissioner's side: the survey builder's change, reorder and pages on
a desktop and on a 360 px phone, and the step page's evidence form (the attendance field under
its kind), with axe-core finding no violations of any impact on each page visited."""
from __future__ import annotations

import json
import re

from playwright.sync_api import expect

from .conftest import assert_fits_phone, axe_violations, sign_in

ANY_IMPACT = ("minor", "moderate", "serious", "critical")


def assert_no_violations(page) -> None:
    violations = axe_violations(page, min_impact=ANY_IMPACT)
    assert not violations, f"axe on {page.url}:\n" + json.dumps(violations, indent=2)


def _new_plan_survey(page, server, title: str) -> str:
    """"Our first plan" from its template, filed under Investigate (the demo's active step)."""
    page.goto(server + "/commissions/1/surveys")
    page.get_by_label("Our first plan: does it work for you?").check()
    page.get_by_label("Title", exact=True).fill(title)
    page.get_by_label("Journey step it gathers evidence for").select_option("investigate")
    page.get_by_role("button", name="Create survey").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(title)
    # Residents judge the plan, so it must be attached before the survey can open.
    page.get_by_text("Change title, description and privacy notice").click()
    page.get_by_label("Text (optional)").fill("We will open the centre on Saturdays from April.")
    page.get_by_role("button", name="Save details").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(title)
    return page.url


def _done(page, text: str) -> None:
    """Wait for the page the action led to (its success banner)."""
    expect(page.locator(".govuk-notification-banner")).to_contain_text(text)


def _questions_on(page, page_title: str) -> list[str]:
    section = page.locator("section.engage-builder__page", has=page.get_by_role("heading", name=re.compile(page_title)))
    return [t.strip() for t in section.locator(".engage-builder__question > p:first-child strong").all_inner_texts()]


def test_builder_change_reorder_and_pages_on_a_desktop(server, new_context):
    page = new_context().new_page()
    sign_in(page, server, "commissioner@example.org")
    manage = _new_plan_survey(page, server, "Plan check, desktop")
    expect(page.get_by_role("button", name="Open the survey now")).to_be_visible()  # Investigate is active
    expect(page.locator("#questions ~ section").first).to_contain_text(
        "shown only if ‘Do you agree with the plan?’ is No or Maybe")
    assert_no_violations(page)

    # A new question goes on the page chosen, "The plan" by default, not "About you".
    expect(page.get_by_role("radio", name="Page 1: The plan")).to_be_checked()
    page.get_by_label("Type of question").select_option(label="Free text")
    page.get_by_label("Question", exact=True).fill("Who should we talk to next?")
    page.get_by_role("button", name="Add question").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Question added")
    assert _questions_on(page, "The plan")[-1] == "Who should we talk to next?"
    assert_no_violations(page)

    # Change it in place.
    page.get_by_role("link", name="Change question 5").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change question 5")
    expect(page.get_by_label("Question", exact=True)).to_have_value("Who should we talk to next?")
    assert_no_violations(page)
    page.get_by_label("Question", exact=True).fill("Who else should we talk to?")
    page.get_by_role("button", name="Save question").click()
    _done(page, "Question changed")
    assert _questions_on(page, "The plan")[-1] == "Who else should we talk to?"

    # Reorder: one place up, then refused above what a follow-up depends on, in words.
    page.get_by_role("button", name="Move up question 5").click()
    _done(page, "moved up")
    assert _questions_on(page, "The plan")[3] == "Who else should we talk to?"
    page.get_by_role("button", name="Move up question 3").click()  # "What would you change?"
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("‘What would you change?’ is shown only if ‘Do you agree with the plan?’ is No "
                                    "or Maybe, so it must come after that question")
    assert_no_violations(page)

    # Pages: create one, move a question onto it, rename it, move it up.
    page.get_by_label("Page title").fill("Next steps")
    page.get_by_role("button", name="Create page").click()
    expect(page.get_by_role("heading", name="Page 3: Next steps")).to_be_visible()
    page.get_by_role("link", name="Change question 4").click()
    page.get_by_label("Page to move the question to").select_option(label="Page 3: Next steps")
    page.get_by_role("button", name="Move question").click()
    _done(page, "moved to the page")
    assert _questions_on(page, "Next steps") == ["Who else should we talk to?"]
    page.get_by_role("link", name="Rename page 3").click()
    assert_no_violations(page)
    page.get_by_label("Page title").fill("What happens next")
    page.get_by_role("button", name="Save page").click()
    _done(page, "Page saved")
    page.get_by_role("button", name="Move page up (page 3)").click()
    _done(page, "moved up")
    headings = page.locator("section.engage-builder__page h3").all_inner_texts()
    assert headings == ["Page 1: The plan", "Page 2: What happens next", "Page 3: About you"]
    assert_no_violations(page)
    assert page.url.startswith(manage)


def test_builder_on_a_phone(server, new_context):
    phone = new_context(phone=True).new_page()
    sign_in(phone, server, "commissioner@example.org")
    _new_plan_survey(phone, server, "Plan check, phone")
    assert_fits_phone(phone)
    assert_no_violations(phone)
    phone.get_by_role("button", name="Move down question 1").click()
    _done(phone, "moved down")
    assert _questions_on(phone, "The plan")[:2] == ["Do you agree with the plan?", "How well does the plan fit what you need?"]
    assert_fits_phone(phone)
    phone.get_by_role("button", name="Duplicate question 4").click()
    _done(phone, "Question duplicated")
    assert _questions_on(phone, "The plan")[4] == "Is there anything you need that is not in the plan?"
    phone.get_by_role("button", name="Remove question 5").click()
    _done(phone, "Question removed")
    assert len(_questions_on(phone, "The plan")) == 4
    phone.get_by_label("Page title").fill("Extra")
    phone.get_by_role("button", name="Create page").click()
    expect(phone.get_by_role("heading", name="Page 3: Extra")).to_be_visible()
    expect(phone.locator("#open")).to_contain_text("The page ‘Extra’ has no questions")
    assert_fits_phone(phone)
    assert_no_violations(phone)
    phone.get_by_role("link", name="Change question 4").click()
    assert_fits_phone(phone)
    assert_no_violations(phone)
    phone.get_by_role("link", name="Cancel").click()
    phone.get_by_role("link", name="Match the answers to population groups for question 5").click()
    expect(phone.get_by_label("“Carer” stands for")).to_have_value("Family carers")  # suggested
    assert_fits_phone(phone)
    assert_no_violations(phone)


def test_step_page_reveals_each_figure_under_its_kind(server, new_context):
    for phone in (False, True):
        page = new_context(phone=phone).new_page()
        sign_in(page, server, "commissioner@example.org")
        page.goto(server + "/commissions/1/steps/investigate")
        expect(page.locator("#related-tools")).to_have_text("Related SSA tools: CLA4.01, CLA4.02, CLA4.03")
        workshop = page.get_by_label("How many people attended the workshop?")
        address = page.get_by_label("Document web address")
        expect(workshop).to_be_hidden()
        expect(address).to_be_hidden()
        page.get_by_label("Workshop record").check()
        expect(workshop).to_be_visible()
        expect(address).to_be_hidden()
        page.get_by_label("Document link").check()
        expect(address).to_be_visible()
        expect(workshop).to_be_hidden()
        page.get_by_text("What are these tools?").click()
        expect(page.locator("#main-content")).to_contain_text("SSA Collaborative Leadership Across Communities Toolbox")
        if phone:
            assert_fits_phone(page)
        assert_no_violations(page)
