"""Every page of the demo service, crawled as a commissioner, an evaluator and a resident (with no
account), checked with axe-core on a 360 px phone and at 1280 px for violations of any impact,
and for reflow at 320 CSS px (1280 px at 400% zoom): nothing may scroll the page sideways; a
wide table or map scrolls inside its own region instead (WCAG 2.2 1.4.10).

The crawl follows every same-site link from the pages each user starts on, so a page added
later is checked without being listed here. Downloads (CSV, JSON, PDF, ZIP, images) and
sign-out are not followed. Pages of one shape (``/commissions/N/surveys/N``) are checked a few
times each, not once per row of the demo data. Residents' pages are reached from the links staff
pages give them (survey links, live-poll join links), plus each survey's first question page.
"""
from __future__ import annotations

import json
import re
from collections import defaultdict
from urllib.parse import urldefrag, urlparse

import pytest
import requests

from .conftest import DEMO_PASSWORD, axe_violations

ANY_IMPACT = ("minor", "moderate", "serious", "critical")
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}
REFLOW = {"width": 320, "height": 640}
SKIP = re.compile(r"(\.(csv|json|pdf|zip|svg|png|txt)$)|/sign-out|/timed-out|^/static/|^/api/|/healthz|/qr\.")
PER_SHAPE = 3
LIMIT = 160
PUBLIC = re.compile(r"^/(s/|join|your-answers|you-said-we-did|commissions/\d+/you-said-we-did$|$|journey|help|"
                    r"privacy|accessibility|sign-in)")


def _shape(path: str) -> str:
    return re.sub(r"/\d+", "/N", re.sub(r"/s/[^/]+", "/s/SLUG", re.sub(r"/join/[^/]+", "/join/CODE", path)))


def _links(page, base: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
    host = urlparse(base).netloc
    out = []
    for href in hrefs:
        url, _ = urldefrag(href)
        parsed = urlparse(url)
        if parsed.scheme not in ("http", "https") or parsed.netloc != host:
            continue
        if SKIP.search(parsed.path):
            continue
        out.append(parsed.path + (f"?{parsed.query}" if parsed.query else ""))
    return out


def _crawl(context, base: str, starts: list[str]) -> tuple[list[str], set[str]]:
    """Pages reachable from ``starts`` (in the order found), and every same-site link seen."""
    page = context.new_page()
    queue, seen, shapes, visited, found = list(starts), set(starts), defaultdict(int), [], set()
    while queue and len(visited) < LIMIT:
        path = queue.pop(0)
        shape = _shape(path.split("?")[0]) + ("?" if "?" in path else "")
        if shapes[shape] >= PER_SHAPE:
            continue
        response = page.goto(base + path)
        if response is None or response.status >= 400 or urlparse(page.url).netloc != urlparse(base).netloc:
            continue
        final = urlparse(page.url).path
        if final == "/sign-in" and path != "/sign-in":
            continue  # not this user's page
        shapes[shape] += 1
        visited.append(path)
        for link in _links(page, base):
            found.add(link)
            if link not in seen:
                seen.add(link)
                queue.append(link)
    page.close()
    return visited, found


def _sign_in(context, base: str, email: str) -> None:
    page = context.new_page()
    page.goto(base + "/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/commissions")
    page.close()


def _check(context, base: str, paths: list[str], viewport: dict, problems: list[str]) -> None:
    page = context.new_page()
    for path in paths:
        page.goto(base + path)
        page.wait_for_load_state("load")
        if viewport is REFLOW:
            wide = page.evaluate("document.documentElement.scrollWidth")
            if wide > viewport["width"]:
                culprit = page.evaluate("""(w) => [...document.querySelectorAll('body *')]
                    .filter(e => e.getBoundingClientRect().right > w + 1 && !e.closest('.engage-table-scroll, .engage-map-scroll'))
                    .slice(-3).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + '.' + [...e.classList].join('.'))""",
                                        viewport["width"])
                problems.append(f"{path} at {viewport['width']}px is {wide}px wide: {culprit}")
            continue
        for v in axe_violations(page, min_impact=ANY_IMPACT):
            problems.append(f"{path} at {viewport['width']}px: {v['id']} ({v['impact']}) {v['help']} {v['nodes']}")
    page.close()


def _context(browser, viewport: dict):
    options = {"viewport": viewport}
    if viewport["width"] < 800:
        options.update(is_mobile=True, has_touch=True)
    context = browser.new_context(**options)
    context.set_default_timeout(15_000)
    return context


def _open_survey_slugs(server: str) -> set[str]:
    """Every open survey's link, from the API (staff pages show only a few of each shape)."""
    token = requests.post(server + "/api/v1/auth/token",
                          json={"email": "commissioner@example.org", "password": DEMO_PASSWORD}).json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    slugs = set()
    for commission in requests.get(server + "/api/v1/commissions", headers=headers).json()["commissions"]:
        surveys = requests.get(server + f"/api/v1/commissions/{commission['id']}/surveys", headers=headers).json()
        for survey in surveys.get("surveys", []):
            if survey["status"] == "open":
                slugs.add(urlparse(survey["links"]["public"]).path.split("/")[-1])
    return slugs


@pytest.fixture(scope="module")
def crawled(server, browser):
    """The pages each kind of user reaches: ``{who: (email or None, [paths])}``."""
    out, public_links = {}, set()
    for who, email in (("commissioner", "commissioner@example.org"), ("evaluator", "evaluator@example.org")):
        context = _context(browser, DESKTOP)
        _sign_in(context, server, email)
        visited, found = _crawl(context, server, ["/commissions", "/account/tokens", "/help"])
        context.close()
        out[who] = (email, visited)
        public_links |= {p for p in found if PUBLIC.match(p)}
    slugs = {m.group(1) for p in public_links if (m := re.match(r"^/s/([^/?]+)$", p))} | _open_survey_slugs(server)
    starts = ["/", "/journey", "/help", "/help/residents", "/privacy", "/accessibility", "/join", "/your-answers",
              "/sign-in", *sorted(public_links), *[f"/s/{s}/page/1" for s in sorted(slugs)]]
    context = _context(browser, DESKTOP)
    visited, _ = _crawl(context, server, list(dict.fromkeys(starts)))
    context.close()
    out["resident"] = (None, visited)
    return out


def test_the_crawl_reaches_every_kind_of_page(crawled):
    shapes = {who: {_shape(p.split("?")[0]) for p in paths} for who, (_, paths) in crawled.items()}
    for expected in ("/commissions", "/commissions/N", "/commissions/N/steps/initiate", "/commissions/N/surveys/N",
                     "/commissions/N/live-sessions/N", "/commissions/N/live-sessions/N/projector",
                     "/commissions/N/live-sessions/N/present", "/commissions/N/evidence", "/commissions/N/benefits",
                     "/commissions/N/benefits/N", "/commissions/N/benefits/new", "/commissions/N/decisions",
                     "/commissions/N/evaluation", "/commissions/N/team"):
        assert expected in shapes["commissioner"], (expected, sorted(shapes["commissioner"]))
    assert "/commissions/N/evaluation/workspace" in shapes["evaluator"]
    for expected in ("/s/SLUG", "/s/SLUG/page/N", "/join/CODE", "/accessibility", "/join", "/your-answers"):
        assert expected in shapes["resident"], (expected, sorted(shapes["resident"]))


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP, REFLOW], ids=["360px", "1280px", "reflow-320px"])
@pytest.mark.parametrize("who", ["resident", "commissioner", "evaluator"])
def test_no_accessibility_violations_on_any_page(server, browser, crawled, who, viewport):
    email, paths = crawled[who]
    context = _context(browser, viewport)
    try:
        if email:
            _sign_in(context, server, email)
        problems: list[str] = []
        _check(context, server, paths, viewport, problems)
    finally:
        context.close()
    assert not problems, f"{len(problems)} problems on {len(paths)} pages:\n" + "\n".join(problems)


def test_the_crawl_report_lists_pages(crawled):
    """The pages crawled, for the record when a check above fails."""
    print(json.dumps({who: paths for who, (_, paths) in crawled.items()}, indent=1))
    assert all(paths for _, paths in crawled.values())
