"""Issue 8, residents who collect data, in Chromium: a commissioner invites a community researcher;
the researcher opens their link on a 360 px phone and records three responses on behalf of the
people they speak to, then an observation with a photo; the commissioner sees the per-collector
counts on the results and the photo on the collectors page, withdraws the researcher, and the
phone's link then says clearly that it no longer works. axe-core (every rule, best practices
included) finds nothing of any impact on every page the run visits, and nothing scrolls sideways
on the phone."""
from __future__ import annotations

import io
import re

from PIL import Image
from playwright.sync_api import expect

from .conftest import PHONE, sign_in
from .test_resident_survey_issue8 import assert_no_axe_violations

SURVEY = "Day opportunities: what matters to you"


def _fits(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide on a {PHONE['width']}px phone"


def _check(page, phone: bool = False) -> None:
    # A click starts the next page; on a loaded machine axe could otherwise run on a document
    # that has its new URL but no body yet.
    page.wait_for_load_state("load")
    assert_no_axe_violations(page)
    if phone:
        _fits(page)


def _photo(tmp_path):
    path = tmp_path / "kerb.jpg"
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif.get_ifd(0x8825)[2] = (51.0, 22.0, 12.5)
    Image.new("RGB", (120, 80), (120, 120, 120)).save(path, "JPEG", exif=exif)
    return path


def test_a_collector_records_three_responses_on_a_phone(server, new_context, tmp_path):
    staff = new_context().new_page()
    sign_in(staff, server, "commissioner@example.org")
    staff.get_by_role("link", name=re.compile("Future of day opportunities")).first.click()
    staff.get_by_role("link", name="Surveys").first.click()
    staff.get_by_role("link", name=SURVEY).click()
    survey_url = staff.url
    staff.get_by_role("link", name="Invite and manage collectors").click()
    expect(staff.get_by_role("heading", name="Residents who collect data")).to_be_visible()
    _check(staff)

    # A label with an email address is refused, with the error summary.
    staff.get_by_label("Label for the collector").fill("sam@example.org")
    staff.get_by_role("button", name="Invite").click()
    expect(staff.get_by_role("heading", name="There is a problem")).to_be_visible()
    _check(staff)
    staff.get_by_label("Label for the collector").fill("Researcher E2E")
    staff.get_by_role("button", name="Invite").click()
    link = staff.locator("#collector-link").inner_text().strip()
    assert re.search(r"/collect/[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$", link)
    _check(staff)

    # The researcher, on a phone.
    phone = new_context(phone=True).new_page()
    phone.goto(link)
    assert phone.url.endswith("/collect")  # the code leaves the address bar at once
    expect(phone.get_by_text("Collecting as Researcher E2E")).to_be_visible()
    _check(phone, phone=True)
    answers = [{"uses": "yes", "likes": "Art", "safe": "4", "agree": "Agree"},
               {"uses": "no", "safe": "2", "agree": "Disagree"},
               {"uses": "maybe", "safe": "5", "agree": "Strongly agree"}]
    for number, chosen in enumerate(answers, start=1):
        phone.get_by_role("button", name=re.compile("Record (a|another) response")).first.click()
        expect(phone.locator("#collecting-as")).to_contain_text("as Researcher E2E")
        _check(phone, phone=True)
        for _ in range(12):  # one question a page, as residents see it; branching decides how many
            if "/check" in phone.url:
                break
            for name, value in chosen.items():
                field = phone.locator(f"input[name='{name}'][value='{value}']")
                if field.count():
                    field.check()
            phone.get_by_role("button", name="Continue").click()
            _check(phone, phone=True)
        expect(phone.get_by_role("heading", name="Check your answers")).to_be_visible()
        phone.get_by_role("button", name="Send answers").click()
        expect(phone.get_by_role("heading", name="Response recorded")).to_be_visible()
        assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", phone.locator("#receipt").inner_text().strip())
        _check(phone, phone=True)
        if number == len(answers):
            phone.get_by_role("link", name="Back to your surveys").click()
    expect(phone.locator("#recorded-1, [id^=recorded-]").first).to_contain_text("3 responses")
    _check(phone, phone=True)

    phone.get_by_role("link", name=re.compile("Record an observation")).first.click()
    _check(phone, phone=True)
    phone.get_by_role("button", name="Record the observation").click()  # nothing typed
    expect(phone.get_by_role("heading", name="There is a problem")).to_be_visible()
    _check(phone, phone=True)
    phone.get_by_label("What did you see?").fill("No dropped kerb at the crossing by the post office")
    phone.get_by_label("Photo (optional)").set_input_files(str(_photo(tmp_path)))
    phone.get_by_role("button", name="Record the observation").click()
    expect(phone.get_by_text("Observation recorded with its photo")).to_be_visible()
    _check(phone, phone=True)

    # The commissioner: counts per collector on the results, the observation with its photo.
    staff.goto(survey_url + "/results")
    table = staff.locator("#collected-table")
    expect(table.get_by_role("row", name=re.compile("Researcher E2E"))).to_contain_text("3")
    _check(staff)
    staff.goto(survey_url + "/collectors")
    photo = staff.locator("img.engage-observation__photo").first
    expect(photo).to_be_visible()
    assert staff.evaluate("(img) => img.complete && img.naturalWidth", photo.element_handle()) == 120
    src = photo.get_attribute("src")
    served = staff.request.get(server + src)
    assert served.headers["content-type"] == "image/jpeg" and served.headers["x-content-type-options"] == "nosniff"
    assert b"PhoneMaker" not in served.body()
    staff.get_by_role("button", name="Withdraw Researcher E2E").click()
    expect(staff.get_by_text("Researcher E2E is withdrawn")).to_be_visible()
    _check(staff)

    # The phone's link stops at once, with a page that says so.
    phone.goto(link)
    expect(phone.get_by_role("heading", name="This collector link no longer works")).to_be_visible()
    _check(phone, phone=True)
