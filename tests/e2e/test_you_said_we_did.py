"""Issue 9 in Chromium: a commissioner filters the input inbox, themes items in bulk, picks a quote,
records a decision linked to two themes, answers a third theme as not taken up and publishes; a
resident with a receipt, on a 360 px phone, sees their answer's theme and the decision; the
public page shows it all. axe-core finds no violation of any impact on any of these pages."""
from __future__ import annotations

import json
import re

import requests
from playwright.sync_api import expect

from .conftest import DEMO_PASSWORD, assert_fits_phone, axe_violations, sign_in

EVERY_IMPACT = ("minor", "moderate", "serious", "critical")
MINE = "A paid job at the library would suit me"
OTHERS = ["A job in a café with friends", "Drama and music on Saturdays", "A garden centre trip each week"]


def assert_no_violations(page) -> None:
    violations = axe_violations(page, EVERY_IMPACT)
    assert not violations, f"axe on {page.url}:\n" + json.dumps(violations, indent=2)


def _staff_headers(server) -> dict:
    token = requests.post(server + "/api/v1/auth/token",
                          json={"email": "commissioner@example.org", "password": DEMO_PASSWORD}).json()["token"]
    return {"Authorization": f"Bearer {token}"}


def _residents_answer(server) -> str:
    """Four residents answer the demo's open survey on commission 1; returns the first one's receipt."""
    headers = _staff_headers(server)
    surveys = requests.get(server + "/api/v1/commissions/1/surveys", headers=headers).json()["surveys"]
    survey = min((s for s in surveys if s["status"] == "open" and s["title"] == "Day opportunities: what matters to you"),
                 key=lambda s: s["id"])
    receipts = []
    for text in [MINE, *OTHERS]:
        answers = {"uses": "yes", "safe": 3, "ideas": text, "group": "Family carers"}
        response = requests.post(server + f"/api/v1/surveys/{survey['id']}/responses", json={"answers": answers})
        assert response.status_code == 201, response.text
        receipts.append(response.json()["receipt"])
    return receipts[0]


def _tag_all(page, query: str, theme: str) -> None:
    page.get_by_label("Search the words").fill(query)
    page.get_by_role("button", name="Apply filters").click()
    page.get_by_label("New theme").fill(theme)
    page.get_by_role("button", name="Create theme").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(f"Theme “{theme}” created")
    page.get_by_label("Tag with theme").select_option(label=theme)
    page.get_by_role("button", name=re.compile(r"^Tag all \d+ matching items$")).click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(f"tagged with “{theme}”")


def test_you_said_we_did_round_the_loop(server, new_context):
    receipt = _residents_answer(server)
    page = new_context().new_page()
    sign_in(page, server, "commissioner@example.org")
    page.goto(server + "/commissions/1")
    page.get_by_role("link", name="You said, we did: input inbox, themes and decisions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Input inbox")
    assert_no_violations(page)

    # Filter by question and search, then theme the whole filtered list in bulk.
    page.get_by_label("Question").select_option(value="ideas")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("#results-heading")).to_contain_text("match the filters")
    _tag_all(page, "job", "Paid work (e2e)")
    expect(page.locator("#results-heading")).to_have_text("2 items match the filters")
    expect(page.get_by_text(MINE)).to_be_visible()
    assert_no_violations(page)
    _tag_all(page, "drama", "The arts (e2e)")

    # The third theme from the chosen items only; a bad date shows the error summary.
    page.get_by_label("Search the words").fill("garden centre trip")
    page.get_by_role("button", name="Apply filters").click()
    page.get_by_label("New theme").fill("Garden trips (e2e)")
    page.get_by_role("button", name="Create theme").click()
    page.get_by_label(OTHERS[2]).check()
    page.get_by_label("Tag with theme").select_option(label="Garden trips (e2e)")
    page.get_by_role("button", name="Tag the chosen items").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("1 item tagged")
    page.locator("#since-day").fill("31")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("must include a month and year")
    assert_no_violations(page)

    # The theme page: counts as a chart and a table, and a quote picked.
    page.get_by_role("link", name="Themes", exact=True).click()
    assert_no_violations(page)
    page.get_by_role("link", name="Paid work (e2e)").click()
    expect(page.get_by_role("table", name="Figures for “Residents in this theme, by respondent group”")).to_contain_text("Family carers")
    page.get_by_role("button", name=re.compile(rf"^Pick as a quote\W+{re.escape(OTHERS[0])}$")).click()
    expect(page.locator("#quotes + ul")).to_contain_text(OTHERS[0])
    assert_no_violations(page)

    # A decision linked to two themes; its form shows every error at once first.
    page.get_by_role("link", name="Decisions", exact=True).click()
    assert_no_violations(page)
    page.get_by_role("link", name="Record a decision").click()
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a title")
    assert_no_violations(page)
    page.get_by_label("Title").fill("Paid work and arts placements")
    page.get_by_label("What was decided").fill("The new service offers paid work placements and arts groups from spring.")
    page.get_by_label("Decision", exact=True).check()
    page.get_by_label("Journey step it belongs to").select_option(value="investigate")
    page.get_by_label("Who decided").fill("Adult social care commissioning board")
    decided = page.get_by_role("group", name="Date decided")
    decided.get_by_label("Day").fill("20")
    decided.get_by_label("Month").fill("11")
    decided.get_by_label("Year").fill("2026")
    effect = page.get_by_role("group", name="Date it takes effect (optional)")
    effect.get_by_label("Day").fill("1")
    effect.get_by_label("Month").fill("4")
    effect.get_by_label("Year").fill("2027")
    page.get_by_label("Agreed").check()
    page.get_by_label("Paid work (e2e)").check()
    page.get_by_label("The arts (e2e)").check()
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Paid work and arts placements")
    expect(page.locator(".govuk-summary-list")).to_contain_text("1 April 2027")
    assert_no_violations(page)

    # The third theme: not taken up, and why.
    page.get_by_role("link", name="Themes", exact=True).click()
    page.get_by_role("link", name="Garden trips (e2e)").click()
    page.get_by_label("Or: why was it not taken up?").fill("Trips are run by the garden centre's own volunteers.")
    page.get_by_role("button", name="Save: not taken up").click()
    expect(page.locator("#answer + p")).to_contain_text("Not taken up.")

    # Publish.
    page.get_by_role("link", name="Publish", exact=True).click()
    assert_no_violations(page)
    page.get_by_role("button", name="Publish “You said, we did”").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("published")
    page.get_by_role("link", name="See the public page").click()
    public_url = page.url

    # The public page, on a phone, signed out.
    phone = new_context(phone=True).new_page()
    phone.goto(public_url)
    expect(phone.get_by_role("heading", level=1)).to_have_text("We asked, you said, we did")
    for shown in ("Paid work (e2e)", f"“{OTHERS[0]}”", "Paid work and arts placements", "Garden trips (e2e)",
                  "Trips are run by the garden centre's own volunteers.", "Adult social care commissioning board"):
        expect(phone.locator("main")).to_contain_text(shown)
    expect(phone.locator("main")).not_to_contain_text(MINE)  # not picked as a quote
    expect(phone.get_by_role("table", name="Figures for “People taking part, by activity”")).to_be_visible()
    assert_fits_phone(phone)
    assert_no_violations(phone)

    # The resident with a receipt, on the phone: their answer's theme and the decision.
    phone.goto(server + "/your-answers")
    phone.get_by_label("Enter your receipt code").fill(receipt)
    phone.get_by_role("button", name="Continue").click()
    influence = phone.locator("#what-happened ~ .govuk-summary-card")
    expect(influence).to_contain_text(f"You said: “{MINE}”")
    expect(influence).to_contain_text("Theme: Paid work (e2e)")
    expect(influence).to_contain_text("1 other person said the same")
    expect(influence).to_contain_text("Paid work and arts placements")
    expect(influence).to_contain_text("agreed")
    expect(influence).not_to_contain_text(OTHERS[0])
    expect(phone.get_by_role("link", name="Read “We asked, you said, we did”")).to_be_visible()
    assert_fits_phone(phone)
    assert_no_violations(phone)

    # A phone that took part in no poll sees that plainly on the live poll's "what happened" page.
    sessions = requests.get(server + "/api/v1/commissions/3/live-sessions", headers=_staff_headers(server)).json()
    code = sessions["live_sessions"][0]["code"]
    phone.goto(f"{server}/join/{code}/what-happened")
    expect(phone.locator("#influence-status")).to_contain_text("did not take part in this poll")
    assert_fits_phone(phone)
    assert_no_violations(phone)


def test_the_staff_pages_fit_a_phone(server, new_context):
    """The demo commission that went round the loop (commission 3), on a 360 px screen."""
    phone = new_context(phone=True).new_page()
    sign_in(phone, server, "commissioner@example.org")
    base = server + "/commissions/3"
    phone.goto(base + "/inputs")
    expect(phone.locator("#results-heading")).to_contain_text("items")
    pages = [base + "/inputs", base + "/themes", base + "/decisions", base + "/decisions/new",
             base + "/you-said-we-did/publish", base + "/you-said-we-did"]
    phone.goto(base + "/themes")
    pages.append(phone.get_by_role("link", name="Reliable pick-up times").get_attribute("href"))
    phone.goto(base + "/decisions")
    pages.append(phone.get_by_role("link", name="Travel buddies and Saturday outings").get_attribute("href"))
    for url in pages:
        phone.goto(url if url.startswith("http") else server + url)
        assert_fits_phone(phone)
        assert_no_violations(phone)


def test_a_phone_follows_its_live_poll_words(server, new_context):
    """A phone sends a phrase; when the question closes it offers "What happened to our ideas?",
    which shows the phrase, then its theme once the commissioner tags it."""
    headers = _staff_headers(server)
    live = requests.post(server + "/api/v1/commissions/2/live-sessions", headers=headers, json={
        "title": "Park ideas (e2e)", "step": "initiate",
        "questions": [{"type": "word_cloud", "text": "One word for the park"}]}).json()
    question = live["questions"][0]["id"]
    control = server + f"/api/v1/live-sessions/{live['id']}/questions/{question}"
    assert requests.post(control + "/open", headers=headers).status_code == 200
    phone = new_context(phone=True).new_page()
    phone.goto(f"{server}/join/{live['code']}")
    expect(phone.locator("#live-connection")).to_contain_text("Connected")
    expect(phone.get_by_role("link", name="What happened to our ideas?")).to_be_hidden()
    phone.get_by_label("A word or short phrase").fill("Pond benches")  # a word cloud takes several
    phone.get_by_role("button", name="Send").click()
    expect(phone.locator("#vote-state")).to_contain_text("You have sent: Pond benches")
    assert requests.post(control + "/close", headers=headers).status_code == 200
    phone.get_by_role("link", name="What happened to our ideas?").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("What happened to our ideas?")
    expect(phone.locator("#influence-list")).to_contain_text("“Pond benches”")
    expect(phone.locator("#influence-list")).to_contain_text("not put it in a theme yet")
    assert_no_violations(phone)

    found = requests.get(server + "/api/v1/commissions/2/inputs?q=pond", headers=headers).json()["items"]
    theme = requests.post(server + "/api/v1/commissions/2/themes", headers=headers,
                          json={"name": "Seating (e2e)"}).json()
    assert requests.post(server + f"/api/v1/themes/{theme['id']}/items", headers=headers,
                         json={"items": [found[0]["id"]]}).status_code == 200
    phone.reload()
    expect(phone.locator("#influence-list")).to_contain_text("Theme: Seating (e2e)")
    expect(phone.locator("#influence-list")).to_contain_text("0 other people said the same")
    assert_fits_phone(phone)
    assert_no_violations(phone)
