"""The foundation's user journey in Chromium: a commissioner runs a step, an evaluator audits it."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from .conftest import assert_accessible, assert_fits_phone, sign_in


def test_commissioner_records_evidence_and_evaluator_audits(server, new_context):
    commissioner = new_context().new_page()
    sign_in(commissioner, server, "commissioner@example.org")
    assert_accessible(commissioner)

    # Create a commission.
    commissioner.get_by_role("button", name="Create a commission").click()
    assert_accessible(commissioner)
    commissioner.get_by_role("button", name="Save commission").click()  # nothing filled in
    expect(commissioner.locator(".govuk-error-summary")).to_contain_text("Enter a title for the commission")
    assert_accessible(commissioner)
    commissioner.get_by_label("Title").fill("Young people's mental health support")
    commissioner.get_by_label("Area").fill("Sutton")
    commissioner.get_by_label("Partner organisations").fill("London Borough of Sutton\nSutton CCG")
    commissioner.get_by_label("Population groups and target shares").fill("Young people: 60\nParents and carers: 30")
    commissioner.get_by_role("button", name="Save commission").click()
    expect(commissioner.get_by_role("heading", level=1)).to_have_text("Young people's mental health support")
    expect(commissioner.locator("#current-step")).to_contain_text(
        "How can local people help collect information and intelligence as well as provide it?")
    assert_accessible(commissioner)
    commission_url = commissioner.url

    # Add the evaluator to the team.
    commissioner.get_by_role("link", name="Team").click()
    commissioner.get_by_label("Email address of their staff account").fill("evaluator@example.org")
    commissioner.get_by_label(re.compile("Evaluator: reads")).check()
    commissioner.get_by_role("button", name="Add to team").click()
    expect(commissioner.get_by_role("table")).to_contain_text("Eve Evaluator")
    assert_accessible(commissioner)

    # Record evidence against Initiate; a missing attendance figure is caught first.
    commissioner.goto(commission_url)
    commissioner.get_by_role("link", name=re.compile("Record evidence and complete Initiate")).click()
    commissioner.get_by_label("Workshop record").check()
    commissioner.get_by_label("Summary").fill("Young people ran a workshop and mapped where they go for help.")
    commissioner.get_by_role("button", name="Add evidence").click()
    expect(commissioner.locator(".govuk-error-summary")).to_contain_text("Enter how many people attended")
    assert_accessible(commissioner)
    commissioner.get_by_label("How many people attended the workshop?").fill("18")
    commissioner.get_by_role("button", name="Add evidence").click()
    expect(commissioner.locator(".govuk-notification-banner--success")).to_contain_text("Evidence entry 1 added")
    expect(commissioner.locator("#main-content")).to_contain_text("mapped where they go for help")
    assert_accessible(commissioner)

    # Complete the step: Investigate becomes active.
    commissioner.get_by_role("button", name="Complete Initiate").click()
    expect(commissioner.locator(".govuk-notification-banner")).to_contain_text("Investigate is now active")
    expect(commissioner.locator("#current-step")).to_contain_text("How have local people contributed to the analysis?")

    # The evaluator sees it all, read-only, and the log verifies.
    evaluator = new_context().new_page()
    sign_in(evaluator, server, "evaluator@example.org")
    evaluator.get_by_role("link", name="Young people's mental health support").click()
    evaluator.get_by_role("link", name="Evidence log").click()
    expect(evaluator.locator("#verification")).to_contain_text("Verified")
    expect(evaluator.locator("#main-content")).to_contain_text("mapped where they go for help")
    assert_accessible(evaluator)
    evaluator.goto(commission_url + "/steps/initiate")
    expect(evaluator.get_by_role("button", name="Add evidence")).to_have_count(0)
    expect(evaluator.get_by_role("button", name="Complete Initiate")).to_have_count(0)
    expect(evaluator.locator("#main-content")).to_contain_text("read-only access")
    assert_accessible(evaluator)
    # Posting anyway is refused by the server, not just hidden by the page.
    status = evaluator.evaluate(
        """async (url) => {
            const token = document.querySelector('input[name=csrf_token]')?.value || '';
            const body = new URLSearchParams({csrf_token: token, kind: 'note', summary: 'sneaky'});
            const r = await fetch(url, {method: 'POST', body});
            return r.status;
        }""", commission_url + "/steps/investigate/evidence")
    assert status in (400, 403)
    evaluator.goto(commission_url + "/evidence")
    expect(evaluator.locator("#main-content")).not_to_contain_text("sneaky")

    # The evaluator rates the completed step.
    evaluator.goto(commission_url + "/steps/initiate")
    evaluator.get_by_label("Partly evidenced").check()
    evaluator.get_by_label("Commentary").fill("One workshop; no data collected by residents yet.")
    evaluator.get_by_role("button", name="Record rating").click()
    expect(evaluator.locator(".govuk-notification-banner--success")).to_contain_text("Rating of Initiate recorded")


def test_public_and_staff_pages_fit_a_phone(server, new_context):
    phone = new_context(phone=True).new_page()
    for path in ("/", "/journey", "/sign-in"):
        phone.goto(server + path)
        assert_fits_phone(phone)
        assert_accessible(phone)
    sign_in(phone, server, "commissioner@example.org")
    phone.get_by_role("link", name="Future of day opportunities for adults with learning disabilities").click()
    assert_fits_phone(phone)
    assert_accessible(phone)
    phone.get_by_role("link", name="Evidence log").click()
    assert_fits_phone(phone)
    assert_accessible(phone)


def test_pages_raise_no_content_security_policy_errors(server, page):
    page.goto(server + "/journey")
    sign_in(page, server, "commissioner@example.org")
    page.goto(server + "/commissions/1/steps/initiate")
    assert not [e for e in page.csp_errors if "Content Security Policy" in e], page.csp_errors
    # GOV.UK Frontend's JavaScript ran (it marks the body once its module loads).
    expect(page.locator("body")).to_have_class(re.compile("govuk-frontend-supported"))
