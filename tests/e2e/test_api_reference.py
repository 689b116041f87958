"""The API reference page (``/api/docs``) in Chromium: drawn from the OpenAPI document with no
script or style of its own beyond Engage's stylesheet (so nothing breaks the Content-Security-
Policy), no axe violation of any impact, and nothing scrolls sideways on a 360 px phone."""
from __future__ import annotations

from playwright.sync_api import expect

from .conftest import PHONE, axe_violations

ALL_IMPACTS = ("minor", "moderate", "serious", "critical")


def test_the_api_reference_is_accessible_and_fits_a_phone(server, new_context):
    page = new_context(phone=True).new_page()
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    response = page.goto(server + "/api/docs")
    assert response.status == 200
    assert "script-src 'self' 'nonce-" in response.headers["content-security-policy"]
    expect(page.get_by_role("heading", level=1)).to_have_text("API reference")
    create = page.locator("#create-commission")
    expect(create).to_contain_text("POST")
    expect(create).to_contain_text("/api/v1/commissions")
    # the example body and the link from a type to its schema
    expect(page.locator("pre[aria-labelledby='create-commission-example']")).to_contain_text('"title"')
    create.locator("xpath=..").get_by_role("link", name="CommissionIn", exact=True).first.click()
    expect(page.locator("#schema-CommissionIn")).to_be_in_viewport()
    violations = axe_violations(page, ALL_IMPACTS)
    assert not violations, f"axe on {page.url}: {violations}"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide on a {PHONE['width']}px phone"
    assert not problems, problems  # a CSP refusal shows as a console error
    document = page.request.get(server + "/api/v1/openapi.json").json()
    assert document["openapi"] == "3.1.0"
