"""Issue 8, Help: a help page for each kind of user and a privacy page, linked from every page's
footer; and a member of staff who opens a commission they are not on is told to ask its team for
access (still a 404, the same for a commission that does not exist, never naming it), while the
API keeps answering a plain 404."""
from __future__ import annotations

import pytest

from commissioning_steps import staff


def _html(response) -> str:
    return response.get_data(as_text=True)


@pytest.mark.parametrize("path, heading", [
    ("/help", "Help"),
    ("/help/commissioners", "Help for commissioners"),
    ("/help/residents", "What happens to your answers"),
    ("/help/evaluators", "Help for evaluators"),
    ("/privacy", "Privacy"),
])
def test_help_pages(client, path, heading):
    response = client.get(path)
    assert response.status_code == 200
    assert f'<h1 class="govuk-heading-l">{heading}' in _html(response)


def test_every_page_links_to_help_and_privacy(client):
    footer = _html(client.get("/"))
    footer = footer[footer.index("<footer"):]
    assert 'href="/help"' in footer and 'href="/privacy"' in footer


def test_the_help_pages_cover_what_each_user_needs(client):
    commissioners = _html(client.get("/help/commissioners"))
    for topic in ("Running a survey", "Running a live poll", "The gateway"):
        assert topic in commissioners
    residents = _html(client.get("/help/residents"))
    assert "receipt code" in residents and "/join" in residents
    evaluators = _html(client.get("/help/evaluators"))
    assert "Reading the evidence log" in evaluators and "to the commission's team as an evaluator" in evaluators


def test_the_privacy_page_says_what_is_stored_about_residents(client):
    html = _html(client.get("/privacy"))
    for fact in ("do not need an account", "receipt code", "only a fingerprint (a SHA-256 hash)",
                 "IP address", "in memory", "free text", "quote"):
        assert fact in html, fact


@pytest.mark.parametrize("role", [staff.EVALUATOR, staff.COMMISSIONER])
def test_staff_not_on_the_team_are_told_to_ask_for_access(client, world, team, role):
    world.user("stranger@example.org", role)
    world.sign_in(client, "stranger@example.org")
    theirs = team["theirs"].id
    for url in (f"/commissions/{theirs}", f"/commissions/{theirs}/evidence", f"/commissions/{theirs}/surveys"):
        response = client.get(url)
        assert response.status_code == 404
        html = _html(response)
        assert "Ask the commission&#39;s team for access" in html or "Ask the commission's team for access" in html
        assert "Rosehill Park" not in html and "Page not found" not in html
    # A commission that does not exist gets exactly the same page: nothing tells the two apart.
    missing = client.get("/commissions/999999")
    assert missing.status_code == 404
    def main(html):
        return html[html.index("<main"):html.index("</main>")]

    assert main(_html(missing)) == main(_html(client.get(f"/commissions/{theirs}")))


def test_the_api_still_answers_a_plain_404(client, world, team):
    world.user("stranger@example.org", staff.EVALUATOR)
    headers = world.token("stranger@example.org")
    theirs = client.get(f"/api/v1/commissions/{team['theirs'].id}", headers=headers)
    missing = client.get("/api/v1/commissions/999999", headers=headers)
    assert theirs.status_code == missing.status_code == 404
    assert theirs.json == missing.json == {"error": {"code": "not_found", "message": "No commission with that id",
                                                     "fields": {}}}


def test_signed_out_visitors_get_the_sign_in_page_not_the_access_page(client, team):
    response = client.get(f"/commissions/{team['theirs'].id}")
    assert response.status_code == 302 and "/sign-in" in response.location


def test_the_accessibility_statement_is_linked_from_every_footer_and_says_what_is_tested(client):
    footer = _html(client.get("/help"))
    footer = footer[footer.index("<footer"):]
    assert 'href="/accessibility"' in footer and "Accessibility statement" in footer
    page = _html(client.get("/accessibility"))
    assert '<h1 class="govuk-heading-l">Accessibility statement for Engage</h1>' in page
    for heading in ("How accessible this service is", "Feedback and contact information",
                    "Reporting accessibility problems with this service", "Enforcement procedure",
                    "Compliance status", "Non-accessible content", "What we test, and what we do not",
                    "Preparation of this accessibility statement"):
        assert heading in page, heading
    assert "partially compliant" in page and "axe-core" in page and "320 CSS pixels" in page
    assert "not yet been tested by disabled people" in page  # honest about what is not tested
