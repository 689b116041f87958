"""Webhooks in Chromium: a commissioner adds one (errors first, then the secret shown once), sends
a test event that a separate ``flask --app engage scheduler`` process delivers to a receiver on
127.0.0.1 (the web server runs with SCHEDULER_ENABLED=0, as when scaled out), reads the delivery
log, pauses it and finds it on the dashboard. Every page has no axe violation of any impact, and
fits a 360 px phone."""
from __future__ import annotations

import subprocess
import sys
import time

from playwright.sync_api import expect
from standardwebhooks import Webhook

from webhook_receiver import start_receiver, stop_receiver

from .conftest import PHONE, ROOT, SERVER_ENV, axe_violations, sign_in

ALL_IMPACTS = ("minor", "moderate", "serious", "critical")


def _check(page):
    violations = axe_violations(page, ALL_IMPACTS)
    assert not violations, f"axe on {page.url}: {violations}"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide on a {PHONE['width']}px phone"


def _wait_for(receiver, count, scheduler):
    deadline = time.monotonic() + 60
    while len(receiver.received) < count:
        assert scheduler.poll() is None, "the scheduler process stopped"
        assert time.monotonic() < deadline, "the scheduler did not deliver the test event"
        time.sleep(0.2)


def test_a_commissioner_manages_a_webhook_on_a_phone(server, new_context):
    receiver = start_receiver()
    page = new_context(phone=True).new_page()
    scheduler = None
    try:
        sign_in(page, server, "commissioner@example.org")
        page.locator(".engage-step-list__heading a").first.click()
        page.get_by_role("link", name="Webhooks").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Webhooks")
        _check(page)

        page.get_by_role("button", name="Add webhook").click()
        expect(page.locator(".govuk-error-summary")).to_contain_text("Choose at least one event type")
        _check(page)

        page.get_by_label("Receiver's web address").fill(receiver.url)
        page.get_by_label("Description (optional)").fill("Case management")
        page.get_by_label("commission.changed").check()
        page.get_by_role("button", name="Add webhook").click()
        secret = page.locator("#new-secret").inner_text()
        assert secret.startswith("whsec_")
        _check(page)

        page.get_by_role("link", name="Manage the new webhook").click()
        _check(page)
        page.get_by_role("button", name="Send a test event").click()
        expect(page.locator(".govuk-notification-banner")).to_contain_text("A test event is on its way")

        scheduler = subprocess.Popen([sys.executable, "-m", "flask", "--app", "engage", "scheduler"], cwd=ROOT,
                                     env=SERVER_ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _wait_for(receiver, 1, scheduler)
        got = receiver.received[0]
        assert Webhook(secret).verify(got.body, got.headers)["type"] == "webhook.test"

        deadline = time.monotonic() + 30  # the receiver answers before the attempt is recorded
        page.reload()
        while "Delivered" not in page.locator("#deliveries").inner_text():
            assert time.monotonic() < deadline, "the delivery was not recorded"
            time.sleep(0.2)
            page.reload()
        _check(page)
        page.locator("#deliveries a").first.click()
        expect(page.locator("#attempts")).to_contain_text("200")
        _check(page)

        page.go_back()
        page.get_by_role("button", name="Pause").click()
        expect(page.locator(".govuk-warning-text")).to_contain_text("Paused by a commissioner")
        _check(page)
        page.goto(server + "/commissions")
        expect(page.locator("#webhooks-attention")).to_contain_text("stopped sending")
        _check(page)
    finally:
        if scheduler is not None:
            scheduler.terminate()
            scheduler.wait(timeout=10)
        stop_receiver(receiver)
