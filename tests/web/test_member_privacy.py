"""Adding a team member tells a commissioner nothing about who has a staff account, or of which
kind (issue 12, point 10): an unknown email, a disabled account and an account of the wrong kind
get the same answer, on the API and the page."""
from __future__ import annotations

from commissioning_steps import staff


def _cases(world, session):
    world.user("admin1@example.org", staff.ADMIN, "Ada Admin")
    world.user("comm2@example.org", staff.COMMISSIONER, "Cy Commissioner")
    gone = world.user("gone@example.org", staff.EVALUATOR, "Gone Evaluator")
    session.get(staff.StaffUser, gone.id).active = False
    session.commit()
    return [("nobody@example.org", "evaluator"),   # no account
            ("gone@example.org", "evaluator"),     # a disabled account
            ("admin1@example.org", "evaluator"),   # an administrator account
            ("comm2@example.org", "evaluator")]    # a commissioner account


def test_the_api_answers_the_same_whoever_the_email_belongs_to(client, world, team, session):
    alice = world.token("alice@example.org")
    cid = team["mine"].id
    answers = set()
    for email, role in _cases(world, session):
        response = client.post(f"/api/v1/commissions/{cid}/members", headers=alice,
                               json={"email": email, "role": role})
        answers.add((response.status_code, response.get_data(as_text=True)))
    assert len(answers) == 1, answers
    status, body = answers.pop()
    assert status == 422
    for revealing in ("Ada", "Cy", "Gone", "administrator", "commissioner account", "No active"):
        assert revealing not in body


def test_the_page_answers_the_same_whoever_the_email_belongs_to(client, world, team, session):
    cases = _cases(world, session)
    world.sign_in(client, "alice@example.org")
    cid = team["mine"].id
    errors = set()
    for email, role in cases:
        response = client.post(f"/commissions/{cid}/team", data={"email": email, "role": role})
        assert response.status_code == 422
        html = response.get_data(as_text=True).replace(email, "EMAIL")
        start = html.index('<div class="govuk-error-summary')
        errors.add(html[start:html.index("</div>", start)])
        for revealing in ("Ada Admin", "Cy Commissioner", "Gone Evaluator", "administrator account"):
            assert revealing not in html
    assert len(errors) == 1, errors
