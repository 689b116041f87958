"""Browser tests: Playwright drives Debian's Chromium against a real Engage server process.

The server is ``python -m engage.serve`` (gunicorn, websockets) on a free port with its own
SQLite database, migrated and loaded with the demo data, exactly as ``make run`` does.
Accessibility is checked with axe-core from npm, injected through Playwright (not through a
script tag, which the Content-Security-Policy would rightly refuse).
"""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic",
                 "--no-first-run", "--disable-component-update", "--disable-sync"]
DEMO_PASSWORD = "e2e-demo-password-42"
PHONE = {"width": 360, "height": 740}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

pytestmark = pytest.mark.e2e
#: The server's environment (its database, instance folder), for tests that start a second
#: process on the same database (``flask --app engage scheduler``).
SERVER_ENV: dict[str, str] = {}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    instance = tmp_path_factory.mktemp("e2e-instance")
    port = _free_port()
    env = {**os.environ, "ENGAGE_INSTANCE_PATH": str(instance), "PORT": str(port),
           "DATABASE_URL": f"sqlite:///{instance / 'engage.sqlite3'}", "ENGAGE_DEMO_PASSWORD": DEMO_PASSWORD,
           "SCHEDULER_ENABLED": "0", "ENGAGE_CONFIG": "development", "THREADS": "32",
           "ENGAGE_WEBHOOK_ALLOW_PRIVATE": "1"}  # webhooks to the tests' own 127.0.0.1 receivers
    SERVER_ENV.update(env)
    for command in (["init-db"], ["demo-data", "--if-empty"]):
        subprocess.run([sys.executable, "-m", "flask", "--app", "engage", *command], cwd=ROOT, env=env,
                       check=True, capture_output=True)
    log = open(instance / "server.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "engage.serve"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if requests.get(base + "/healthz", timeout=1).status_code == 200:
                break
        except requests.RequestException:
            pass
        if proc.poll() is not None:
            raise RuntimeError((instance / "server.log").read_text())
        time.sleep(0.2)
    else:
        proc.kill()
        raise RuntimeError("server did not become ready:\n" + (instance / "server.log").read_text())
    yield base
    proc.terminate()
    proc.wait(timeout=10)
    log.close()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `bash scripts/system-deps.sh` (installs Debian's chromium)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def new_context(browser):
    contexts = []

    def make(phone: bool = False):
        options = {"viewport": PHONE, "is_mobile": True, "has_touch": True} if phone else {}
        context = browser.new_context(**options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context):
    page = new_context().new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.csp_errors = errors  # type: ignore[attr-defined]
    return page


_AXE = None


def axe_violations(page, min_impact: tuple[str, ...] = ("serious", "critical")) -> list[dict]:
    """Run axe-core on the current page; return serious and critical violations."""
    global _AXE
    if _AXE is None:
        _AXE = (ROOT / "node_modules" / "axe-core" / "axe.min.js").read_text()
    page.evaluate(_AXE)
    result = page.evaluate("(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"] if v["impact"] in min_impact]


def assert_accessible(page) -> None:
    violations = axe_violations(page)
    assert not violations, f"axe on {page.url}:\n" + json.dumps(violations, indent=2)


def assert_fits_phone(page) -> None:
    """Nothing scrolls sideways on a 360 px screen."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide on a {PHONE['width']}px phone"


def sign_in(page, base: str, email: str) -> None:
    page.goto(base + "/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/commissions")
