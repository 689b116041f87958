"""Issue 3 in Chromium: a resident answers a branching survey on a phone, gets a receipt, changes
and then deletes the answers; the commissioner reads results, a segmented breakdown and the
representativeness table, downloads the CSV, and closing adds the evidence entry."""
from __future__ import annotations

import re

import requests
from playwright.sync_api import expect

from .conftest import DEMO_PASSWORD, assert_accessible, assert_fits_phone, sign_in

GROUPS = ["Adults with learning disabilities", "Family carers", "Support staff", "Community organisations"]


def _api_survey(server) -> dict:
    token = requests.post(server + "/api/v1/auth/token",
                          json={"email": "commissioner@example.org", "password": DEMO_PASSWORD}).json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    body = {"title": "Day opportunities: what matters to you", "step": "investigate", "questions": [
        {"id": "uses", "type": "yes_no_maybe", "text": "Do you go to a day centre now?", "required": True},
        {"id": "likes", "type": "multiple_choice", "text": "What do you like doing there?",
         "options": ["Art", "Cooking", "Music", "Seeing friends"], "max": 2,
         "show_if": {"question": "uses", "equals": "yes"}},
        {"id": "safe", "type": "rating", "text": "How safe do you feel getting there?", "min": 1, "max": 5,
         "min_label": "Not safe", "max_label": "Very safe"},
        {"id": "ideas", "type": "free_text", "text": "What would you like to do instead?", "max_length": 500},
        {"id": "group", "type": "about_you", "category": "respondent_group", "text": "Which of these are you?",
         "why": "So we can check we have heard from everyone", "options": GROUPS},
    ]}
    survey = requests.post(server + "/api/v1/commissions/1/surveys", json=body, headers=headers).json()
    assert requests.post(server + f"/api/v1/surveys/{survey['id']}/open", headers=headers).status_code == 200
    # Two earlier responses, so the results have something to break down.
    for answers in ({"uses": "no", "safe": 2, "group": "Family carers"},
                    {"uses": "yes", "likes": ["Art"], "safe": 4, "group": "Support staff"}):
        assert requests.post(server + f"/api/v1/surveys/{survey['id']}/responses",
                             json={"answers": answers}).status_code == 201
    return survey


def test_resident_answers_changes_and_deletes_on_a_phone(server, new_context):
    survey = _api_survey(server)
    phone = new_context(phone=True).new_page()
    phone.goto(survey["links"]["public"])
    expect(phone.get_by_role("heading", level=1)).to_have_text(survey["title"])
    assert_accessible(phone)
    assert_fits_phone(phone)
    phone.get_by_role("button", name="Start now").click()

    # Required question: skipping it shows the GOV.UK error summary linked to the field.
    phone.get_by_role("button", name="Continue").click()
    summary = phone.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("link")).to_have_attribute("href", "#uses")
    assert_accessible(phone)
    phone.get_by_label("Yes").check()
    phone.get_by_role("button", name="Continue").click()

    # Branching: "yes" brings the follow-up; too many choices are refused and the ticks kept.
    expect(phone.get_by_role("heading", level=1)).to_have_text("What do you like doing there?")
    for option in ("Art", "Cooking", "Music"):
        phone.get_by_label(option).check()
    phone.get_by_role("button", name="Continue").click()
    expect(phone.locator(".govuk-error-summary")).to_contain_text("Choose no more than 2")
    expect(phone.get_by_label("Cooking")).to_be_checked()
    assert_accessible(phone)
    phone.get_by_label("Art").uncheck()
    phone.get_by_role("button", name="Continue").click()

    phone.get_by_label("4").check()
    phone.get_by_role("button", name="Continue").click()
    phone.get_by_label("What would you like to do instead?").fill("A job at the garden centre <b>please</b>")
    phone.get_by_role("button", name="Continue").click()
    phone.get_by_label("Family carers").check()
    phone.get_by_role("button", name="Continue").click()

    expect(phone.get_by_role("heading", level=1)).to_have_text("Check your answers")
    expect(phone.locator(".govuk-summary-list")).to_contain_text("Cooking; Music")
    expect(phone.locator(".govuk-summary-list")).to_contain_text("<b>please</b>")  # shown as text
    assert_accessible(phone)
    assert_fits_phone(phone)
    phone.get_by_role("button", name="Send answers").click()
    receipt = phone.locator("#receipt").inner_text().strip()
    assert re.fullmatch(r"[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}", receipt)
    assert_accessible(phone)

    # Later: change the answers with the receipt.
    fresh = new_context(phone=True).new_page()
    fresh.goto(server + "/your-answers")
    fresh.get_by_label("Enter your receipt code").fill(receipt.lower().replace("-", " "))
    fresh.get_by_role("button", name="Continue").click()
    expect(fresh.locator(".govuk-summary-list")).to_contain_text("Family carers")
    assert_accessible(fresh)
    fresh.get_by_role("button", name="Change your answers").click()
    expect(fresh.get_by_label("Yes")).to_be_checked()
    fresh.get_by_label("No", exact=True).check()
    fresh.get_by_role("button", name="Continue").click()
    # "No" hides the follow-up: the next page is the rating, and the old choices are dropped.
    expect(fresh.get_by_role("heading", level=1)).to_have_text("How safe do you feel getting there?")
    for _ in range(3):
        fresh.get_by_role("button", name="Continue").click()
    expect(fresh.get_by_role("heading", level=1)).to_have_text("Check your answers")
    expect(fresh.locator(".govuk-summary-list")).not_to_contain_text("Cooking")
    fresh.get_by_role("button", name="Save changes").click()
    expect(fresh.locator(".govuk-panel")).to_contain_text("Your receipt code has not changed")
    assert_accessible(fresh)

    # And delete them: the receipt code is asked for again (shared devices, issue 12 point 2).
    fresh.get_by_role("link", name="see, change or delete your answers").click()
    fresh.get_by_label("Enter your receipt code").fill(receipt)
    fresh.get_by_role("button", name="Continue").click()
    fresh.get_by_role("button", name="Delete your answers").click()
    fresh.get_by_label("Yes, delete my answers").check()
    fresh.get_by_role("button", name="Continue").click()
    expect(fresh.get_by_role("heading", level=1)).to_have_text("Your answers have been deleted")
    assert_accessible(fresh)
    fresh.goto(server + "/your-answers")
    fresh.get_by_label("Enter your receipt code").fill(receipt)
    fresh.get_by_role("button", name="Continue").click()
    expect(fresh.locator(".govuk-error-summary")).to_contain_text("No answers match that receipt code")


def test_commissioner_reads_results_exports_and_closes(server, new_context):
    survey = _api_survey(server)
    page = new_context().new_page()
    sign_in(page, server, "commissioner@example.org")
    page.goto(server + f"/commissions/1/surveys/{survey['id']}/results")
    expect(page.locator("#response-count")).to_contain_text("2 responses")
    assert_accessible(page)
    # Every chart has its table of figures.
    table = page.get_by_role("table", name="Figures for “Do you go to a day centre now?”")
    expect(table.get_by_role("row", name=re.compile("^No 1 50.0%"))).to_be_visible()
    # Representativeness: nobody from the largest group answered.
    rep = page.locator("#representativeness + .engage-table-scroll table")
    expect(rep.get_by_role("row", name=re.compile("Adults with learning disabilities"))).to_contain_text("Under-represented")
    # Segmented by respondent group.
    page.get_by_label("Break every question down by").select_option(label="Which of these are you?")
    page.get_by_role("button", name="Show breakdown").click()
    segmented = page.get_by_role("table", name=re.compile("How safe do you feel getting there\\?, by Which of these are you\\?"))
    expect(segmented.get_by_role("row", name=re.compile("^Support staff"))).to_contain_text("1 (100%)")
    # ... drawn as a segmented chart too: one stacked bar per group, its legend naming the answers.
    chart = page.locator("#segments-safe-caption").locator("xpath=..")
    expect(chart.locator("svg .engage-chart__seg")).to_have_count(2)
    expect(chart.locator(".engage-legend")).to_contain_text("5")
    assert_accessible(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV").click()
    csv_text = open(download_info.value.path(), encoding="utf-8").read()
    assert csv_text.splitlines()[0].startswith("response,submitted_at,survey_version,Do you go to a day centre now?")
    assert len(csv_text.strip().splitlines()) == 3

    page.goto(server + f"/commissions/1/surveys/{survey['id']}")
    assert_accessible(page)
    page.get_by_role("button", name="Close the survey and record the results").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("evidence entry")
    page.goto(server + "/commissions/1/evidence")
    expect(page.locator("#verification")).to_contain_text("Verified")
    expect(page.locator("#main-content")).to_contain_text("Survey result")
    expect(page.locator("#main-content")).to_contain_text(f"Survey “{survey['title']}” closed with 2 responses")
