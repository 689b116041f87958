"""The final evaluation in Chromium, on the demo commission that has walked the whole journey: an
evaluator rates all eight steps and raises a challenge, the commissioner answers it, the
evaluator signs off and downloads the PDF, whose text carries every practice question, the
ratings and the head hash. axe-core finds no violation of any impact on the evaluator's pages."""
from __future__ import annotations

import io
import json
import re

import pypdf
from playwright.sync_api import expect

from commissioning_steps import journey
from engage.demo_evaluation import TITLE

from .conftest import assert_fits_phone, axe_violations, sign_in

ANY_IMPACT = ("minor", "moderate", "serious", "critical")


def assert_no_violations(page) -> None:
    violations = axe_violations(page, min_impact=ANY_IMPACT)
    assert not violations, f"axe on {page.url}:\n" + json.dumps(violations, indent=2)


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_evaluator_rates_challenges_signs_off_and_downloads_the_pdf(server, new_context):
    evaluator = new_context().new_page()
    sign_in(evaluator, server, "evaluator@example.org")
    evaluator.get_by_role("link", name=TITLE).click()
    commission_url = evaluator.url
    evaluator.get_by_role("link", name="Evaluation workspace").click()
    expect(evaluator.get_by_role("heading", level=1)).to_have_text("Evaluation workspace")
    assert_no_violations(evaluator)

    ratings = {}
    for number, step in enumerate(journey.STEPS):
        section = evaluator.locator(f"#step-{step.key}")
        expect(section).to_contain_text(step.practice_question)
        rating = "Partly evidenced" if number % 2 else "Fully evidenced"
        ratings[step.key] = rating
        section.get_by_label(rating, exact=True).check()
        section.get_by_label(f"Commentary on {step.name}").fill(f"{step.name}: checked against the record.")
        section.get_by_role("button", name=f"Record rating of {step.name}").click()
        expect(evaluator.locator(".govuk-notification-banner--success")).to_contain_text(f"Rating of {step.name} recorded")
        expect(evaluator.locator(f"#rating-{step.key}")).to_contain_text(rating)

    activate = evaluator.locator("#step-activate")
    activate.get_by_label("Your challenge on Activate").fill("What is the source of the facets' attribution?")
    activate.get_by_role("button", name="Raise challenge on Activate").click()
    expect(evaluator.locator(".govuk-notification-banner--success")).to_contain_text("Challenge on Activate raised")
    expect(evaluator.locator("#sign-off-problems")).to_contain_text("1 challenge is still open")
    expect(evaluator.get_by_role("button", name="Sign off the evaluation")).to_have_count(0)
    assert_no_violations(evaluator)

    # The commissioner sees the open challenge on the commission page and answers it.
    commissioner = new_context().new_page()
    sign_in(commissioner, server, "commissioner@example.org")
    commissioner.goto(commission_url)
    open_list = commissioner.locator("#open-challenges")
    expect(open_list).to_contain_text("What is the source of the facets")
    open_list.get_by_role("link").first.click()
    card = commissioner.locator(".govuk-summary-card[id^='challenge-']", has_text="What is the source of the facets")
    number = re.search(r"Challenge (\d+)", card.locator("h5").inner_text()).group(1)
    card.get_by_label(f"Your answer to challenge {number}").fill("The themes linked to each facet, see the decisions.")
    card.get_by_role("button", name=f"Answer challenge {number}").click()
    expect(commissioner.locator(".govuk-notification-banner--success")).to_contain_text(f"Challenge {number} answered")
    assert_no_violations(commissioner)
    commissioner.goto(commission_url)
    expect(commissioner.locator("#open-challenges")).to_have_count(0)

    # The evaluator signs off: version 2 (the demo's first sign-off is version 1).
    evaluator.reload()
    evaluator.get_by_role("button", name="Sign off the evaluation").click()
    expect(evaluator.locator(".govuk-notification-banner--success")).to_contain_text("report version 2")
    expect(evaluator.get_by_role("heading", level=1)).to_have_text("Evaluation report, version 2")
    assert_no_violations(evaluator)
    head = evaluator.locator("#report-head").inner_text().strip()
    assert re.fullmatch(r"[0-9a-f]{64}", head)

    with evaluator.expect_download(timeout=90_000) as download:  # WeasyPrint lays out ~30 pages
        evaluator.locator("#report-downloads").get_by_role("link", name="PDF", exact=True).click()
    data = open(download.value.path(), "rb").read()
    pages = [squash(p.extract_text()) for p in pypdf.PdfReader(io.BytesIO(data)).pages]
    text = " ".join(pages)
    for step in journey.STEPS:
        assert step.practice_question in text, step.key
    assert text.count("Partly evidenced") >= list(ratings.values()).count("Partly evidenced")
    assert text.count("Fully evidenced") >= list(ratings.values()).count("Fully evidenced")
    assert head in text.replace(" ", "")
    assert all("Signed off: report version 2" in p for p in pages)

    # The benefits page and the first version's report, both without violations.
    evaluator.goto(commission_url + "/benefits")
    expect(evaluator.locator("#benefits-map-list")).to_contain_text("leads to")
    assert_no_violations(evaluator)
    evaluator.goto(commission_url + "/evaluation?version=1")
    expect(evaluator.get_by_role("heading", level=1)).to_have_text("Evaluation report, version 1")
    assert_no_violations(evaluator)


def test_the_evaluation_pages_fit_a_phone(server, new_context):
    phone = new_context(phone=True).new_page()
    sign_in(phone, server, "evaluator@example.org")
    phone.get_by_role("link", name=TITLE).click()
    base = phone.url
    for path in ("/evaluation/workspace", "/evaluation", "/benefits"):
        phone.goto(base + path)
        assert_fits_phone(phone)
        assert_no_violations(phone)
