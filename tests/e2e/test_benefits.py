"""Benefits management in Chromium, on the demo commission that has walked the whole journey: a
commissioner adds a benefit with its profile, plans a review, records a measurement and a
review, and sees the benefit's chart (with its table) and the benefits map (with its list).
axe-core finds no violation of any impact on each page, and each fits a 360 px phone."""
from __future__ import annotations

import json
from datetime import date, timedelta

from playwright.sync_api import expect

from engage.demo_evaluation import TITLE

from .conftest import assert_fits_phone, axe_violations, sign_in

ANY_IMPACT = ("minor", "moderate", "serious", "critical")


def assert_no_violations(page) -> None:
    violations = axe_violations(page, min_impact=ANY_IMPACT)
    assert not violations, f"axe on {page.url}:\n" + json.dumps(violations, indent=2)


def fill_date(scope, legend: str, on: date) -> None:
    group = scope.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(on.day))
    group.get_by_label("Month").fill(str(on.month))
    group.get_by_label("Year").fill(str(on.year))


def test_commissioner_adds_measures_and_reviews_a_benefit(server, new_context):
    page = new_context().new_page()
    sign_in(page, server, "commissioner@example.org")
    page.get_by_role("link", name=TITLE).click()
    page.get_by_role("link", name="Benefits", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Benefits")
    assert_no_violations(page)

    page.get_by_role("link", name="Add a benefit or dis-benefit").click()
    assert_no_violations(page)
    page.get_by_role("button", name="Add it").click()  # nothing filled in: every problem at once
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter a title")
    expect(summary).to_contain_text("Name at least one stakeholder group who perceives it")
    assert_no_violations(page)

    page.get_by_label("Benefit", exact=True).check()
    page.get_by_label("Title", exact=True).fill("Shorter waits for a pick-up")
    page.get_by_label("Description", exact=True).fill("Residents wait less at the kerb for their minibus")
    page.get_by_label("Stakeholders who perceive it").fill("Older residents\nCarers")
    page.get_by_label("Attributes (optional)").fill("Quality")
    page.get_by_label("Outputs it depends on (optional)").fill("Live minibus tracking")
    page.get_by_label("Outcome (optional)").fill("Drivers arrive on time")
    page.get_by_label("Strategic objectives it contributes to (optional)").fill("Older people stay independent")
    page.get_by_label("Measure", exact=True).fill("Average wait")
    page.get_by_label("Unit (optional)").fill("minutes")
    page.get_by_label("Measurement method").fill("Tracking records, monthly average")
    page.get_by_label("Baseline value (optional)").fill("25")
    fill_date(page, "Baseline date (optional)", date.today() - timedelta(days=200))
    page.get_by_label("Target value (optional)").fill("10")
    fill_date(page, "Target date (optional)", date.today() + timedelta(days=300))
    page.get_by_label("Owner's role").fill("Transport contracts manager")
    page.get_by_role("button", name="Add it").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("added")
    expect(page.get_by_role("heading", level=1)).to_have_text("Benefit: Shorter waits for a pick-up")
    assert_no_violations(page)

    # the realisation plan: a review in a month
    fill_date(page, "Date it is due", date.today() + timedelta(days=30))
    page.get_by_label("Review", exact=True).check()
    page.get_by_role("button", name="Add to the plan").click()
    expect(page.locator("#plan")).to_be_visible()
    expect(page.get_by_role("table", name="Planned measurements and reviews")).to_contain_text("Review")

    page.get_by_role("link", name="Record a measurement").click()
    assert_no_violations(page)
    page.get_by_label("Value (minutes)").fill("fifteen")
    page.get_by_role("button", name="Record the measurement").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the date it was measured")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a number, like 120 or 4.5")
    assert_no_violations(page)
    fill_date(page, "Date it was measured", date.today() - timedelta(days=5))
    page.get_by_label("Value (minutes)").fill("18")
    page.get_by_label("Where the figure comes from").fill("Tracking records, last month")
    page.get_by_role("button", name="Record the measurement").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Measurement recorded")

    page.get_by_role("link", name="Record a review").click()
    assert_no_violations(page)
    fill_date(page, "Date of the review", date.today())
    page.get_by_label("Partly realised").check()
    page.get_by_label("What the review found").fill("Waits are down by a quarter; evenings still slow")
    page.get_by_label("New target value (minutes)").fill("12")
    fill_date(page, "New target date", date.today() + timedelta(days=400))
    page.get_by_role("button", name="Record the review").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Benefit review recorded")

    # the chart and its table
    chart = page.locator("#values svg[role='img']")
    expect(chart).to_have_count(1)
    table = page.get_by_role("table", name="Shorter waits for a pick-up: actual values against baseline and target")
    expect(table).to_contain_text("Baseline")
    expect(table).to_contain_text("Tracking records, last month")
    expect(table).to_contain_text("12")  # the new target
    expect(page.locator("#reviews ~ dl")).to_contain_text("Waits are down by a quarter")
    assert_no_violations(page)

    # the map, drawn and as a list
    page.get_by_role("link", name="Benefits", exact=True).click()
    expect(page.locator(".engage-chart--map svg")).to_have_count(1)
    expect(page.locator("#benefits-map-list")).to_contain_text("Live minibus tracking leads to Drivers arrive on time")
    expect(page.locator("#benefits-map-list")).to_contain_text(
        "Shorter waits for a pick-up contributes to Older people stay independent")
    assert_no_violations(page)

    phone = new_context(phone=True).new_page()
    sign_in(phone, server, "commissioner@example.org")
    phone.goto(page.url)
    assert_fits_phone(phone)
    phone.get_by_role("link", name="Benefit: Shorter waits for a pick-up").click()
    assert_fits_phone(phone)
    assert_no_violations(phone)
