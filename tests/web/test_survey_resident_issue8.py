"""Issue 8, the resident's side: an option called "None" is not chosen before the resident chooses
it (point 2), every problem of a page is reported at once (3), the start page says who is asking,
what for and until when, and shows the material it asks about (4), and the delete page says what
to do when nothing is chosen (5)."""
from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest

from commissioning_steps.db import utcnow


def _html(response) -> str:
    return response.get_data(as_text=True)


def _path(location: str) -> str:
    return re.sub(r"^https?://[^/]+", "", location)


def _checked(html: str, name: str) -> set[str]:
    values = set()
    for tag in re.findall(r"<input[^>]*>", html):
        if f'name="{name}"' in tag and re.search(r"\schecked(\s|>|=)", tag):
            values.add(re.search(r'value="([^"]*)"', tag).group(1))
    return values


@pytest.fixture
def token(world, team):
    return world.token("alice@example.org")


@pytest.fixture
def resident(app):
    return app.test_client()


def _open_survey(client, team, token, **body) -> dict:
    body = {"title": "Parks", "step": "initiate", **body}
    created = client.post(f"/api/v1/commissions/{team['mine'].id}/surveys", headers=token, json=body)
    assert created.status_code == 201, created.json
    opened = client.post(f"/api/v1/surveys/{created.json['id']}/open", headers=token)
    assert opened.status_code == 200, opened.json
    return {"id": created.json["id"], "slug": created.json["links"]["public"].rsplit("/", 1)[1]}


# -- point 2 -----------------------------------------------------------------------------------------


def test_an_option_called_none_is_not_chosen_on_first_view(app, resident, team, token):
    survey = _open_survey(resident, team, token, questions=[
        {"id": "pets", "type": "single_choice", "text": "How many pets?", "options": ["None", "One", "More"]},
        {"id": "kind", "type": "multiple_choice", "text": "Which?", "multiple": False,
         "options": ["None", "Dog"]},
    ])
    slug = survey["slug"]
    resident.post(f"/s/{slug}/start")
    assert _checked(_html(resident.get(f"/s/{slug}/page/1")), "pets") == set()
    assert _checked(_html(resident.get(f"/s/{slug}/page/2")), "kind") == set()
    # Chosen, it is shown chosen again.
    resident.post(f"/s/{slug}/page/1", data={"pets": "None"})
    assert _checked(_html(resident.get(f"/s/{slug}/page/1")), "pets") == {"None"}


# -- point 3 -----------------------------------------------------------------------------------------


def test_every_problem_of_a_page_is_reported_at_once(app, resident, team, token):
    survey = _open_survey(resident, team, token, sections=[{"title": "Your park", "questions": [
        {"id": "visits", "type": "number", "text": "Visits a month?", "min": 0, "max": 60},
        {"id": "rank", "type": "ranking", "text": "Rank these", "options": ["Toilets", "Benches", "Lights"]},
        {"id": "park", "type": "single_choice", "text": "Which park?", "options": ["Rosehill", "Meadow"],
         "required": True},
    ]}])
    slug = survey["slug"]
    resident.post(f"/s/{slug}/start")
    response = resident.post(f"/s/{slug}/page/1", data={"visits": "lots", "rank-rank-0": "1", "rank-rank-1": "1",
                                                        "rank-rank-2": "2"})
    assert response.status_code == 422
    html = _html(response)
    summary = html[html.index("govuk-error-summary"):html.index("</ul>", html.index("govuk-error-summary"))]
    # The number, the ranking and the missing answer, in the order the page asks them.
    assert re.findall(r'href="#([^"]+)"', summary) == ["visits", "rank", "park"]
    assert "Enter a number" in summary and "Give each option a different position" in summary
    assert "Choose an answer" in summary


# -- point 5 -----------------------------------------------------------------------------------------


def _receipt(resident, slug) -> str:
    resident.post(f"/s/{slug}/start")
    resident.post(f"/s/{slug}/page/1", data={"pets": "One"})
    check = _html(resident.get(f"/s/{slug}/check"))
    submission = re.search(r'name="submission_id" value="([^"]+)"', check).group(1)
    resident.post(f"/s/{slug}/submit", data={"submission_id": submission})
    return re.search(r'id="receipt"[^>]*>([A-Z0-9-]+)<', _html(resident.get(f"/s/{slug}/done"))).group(1)


def test_continuing_the_delete_page_with_nothing_chosen_says_what_to_do(app, resident, team, token):
    survey = _open_survey(resident, team, token, questions=[
        {"id": "pets", "type": "single_choice", "text": "How many pets?", "options": ["None", "One"]}])
    receipt = _receipt(resident, survey["slug"])
    form = _html(resident.get("/your-answers"))
    key = re.search(r'name="form_key" value="([^"]+)"', form).group(1)
    shown = _html(resident.post("/your-answers", data={"receipt": receipt, "form_key": key}))
    key = re.search(r'name="form_key" value="([^"]+)"', shown).group(1)
    response = resident.post("/your-answers/delete", data={"receipt": receipt, "form_key": key})
    assert response.status_code == 422
    html = _html(response)
    assert "<title>Error:" in html
    assert "There is a problem" in html and 'href="#confirm"' in html
    assert re.search(r'id="confirm-error" class="govuk-error-message">\s*<span class="govuk-visually-hidden">Error:'
                     r'</span> Select yes to delete your answers, or no to keep them', html)
    assert resident.get(f"/api/v1/responses/{receipt}").status_code == 200  # nothing was deleted


# -- point 4 -----------------------------------------------------------------------------------------


def test_the_start_page_says_who_is_asking_what_for_and_until_when(app, world, resident, team, token, store):
    from commissioning_steps import commissions

    with store.session(write=True) as s:
        commissions.update_commission(s, s.get(commissions.Commission, team["mine"].id), commissions.CommissionInput(
            title="Day opportunities", area="Sutton", partners=["Sutton Council", "Sutton Carers Centre"],
            population_groups=[("Carers", 30), ("Residents", 60)]))
    closes = (utcnow() + timedelta(days=30)).replace(month=7, day=1, hour=16, minute=0, second=0, microsecond=0)
    if closes <= utcnow():
        closes = closes.replace(year=closes.year + 1)
    survey = _open_survey(resident, team, token, questions=[
        {"id": "pets", "type": "single_choice", "text": "How many pets?", "options": ["None", "One"]}],
        description="Help us plan day services.", closes_at=closes.isoformat() + "Z")
    html = _html(resident.get(f"/s/{survey['slug']}"))
    assert "Who is asking" in html
    assert "Day opportunities" in html and "Sutton Council" in html and "Sutton Carers Centre" in html
    assert "Help us plan day services." in html
    # What it is for: the stage of the work it feeds.
    assert "Initiate" in html
    # 1 July, 16:00 UTC is 5pm in London (summer time).
    assert f"1 July {closes.year} at 5pm (UK time)" in html


def test_the_start_page_shows_the_material_before_the_questions(app, resident, team, token):
    survey = _open_survey(resident, team, token, questions=[
        {"id": "ok", "type": "yes_no_maybe", "text": "Do you agree with the plan?"}],
        material_title="Our first plan", material_text="A café in the library.\n\nOpen on Sundays.",
        material_url="https://council.example.org/plan.pdf")
    html = _html(resident.get(f"/s/{survey['slug']}"))
    material = html.index("Our first plan")
    assert material < html.index("Start now")
    assert "<p class=\"govuk-body engage-wrap\">A café in the library.</p>" in html
    assert 'href="https://council.example.org/plan.pdf"' in html and "council.example.org" in html


@pytest.mark.parametrize("url", ["http://council.example.org/plan.pdf", "javascript:alert(1)", "https://",
                                 "council.example.org/plan.pdf", "https://exa mple.org/"])
def test_the_material_link_must_be_https(app, resident, team, token, url):
    response = resident.post(f"/api/v1/commissions/{team['mine'].id}/surveys", headers=token,
                             json={"title": "Plan", "step": "initiate", "material_url": url})
    assert response.status_code == 422
    assert "https://" in response.json["error"]["fields"]["material_url"]


def test_the_plan_template_opens_only_with_its_plan_attached(app, resident, team, token):
    created = resident.post(f"/api/v1/commissions/{team['mine'].id}/surveys", headers=token,
                            json={"template": "incubate_plan_check", "step": "initiate"}).json
    assert created["material"]["title"] == "Our first plan"
    refused = resident.post(f"/api/v1/surveys/{created['id']}/open", headers=token)
    assert refused.status_code == 409
    assert "Attach the plan" in refused.json["error"]["message"]
    changed = resident.patch(f"/api/v1/surveys/{created['id']}", headers=token,
                             json={"material_url": "https://council.example.org/first-plan"})
    assert changed.status_code == 200 and changed.json["material"]["url"] == "https://council.example.org/first-plan"
    assert resident.post(f"/api/v1/surveys/{created['id']}/open", headers=token).status_code == 200
    html = _html(resident.get(created["links"]["public"]))
    assert "Our first plan" in html and 'href="https://council.example.org/first-plan"' in html


def test_the_survey_details_form_sets_the_material(app, team, world, token):
    client = app.test_client()
    created = client.post(f"/api/v1/commissions/{team['mine'].id}/surveys", headers=token,
                          json={"title": "Plan", "step": "initiate"}).json
    world.sign_in(client, "alice@example.org")
    page = _html(client.get(f"/commissions/{team['mine'].id}/surveys/{created['id']}"))
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    for field in ("material_title", "material_text", "material_url"):
        assert f'name="{field}"' in page
    response = client.post(f"/commissions/{team['mine'].id}/surveys/{created['id']}/details", data={
        "csrf_token": csrf, "title": "Plan", "description": "", "privacy_notice": "",
        "material_title": "The plan", "material_text": "Read me", "material_url": "http://insecure.example.org"})
    assert response.status_code == 422 and 'href="#material_url"' in _html(response)
    response = client.post(f"/commissions/{team['mine'].id}/surveys/{created['id']}/details", data={
        "csrf_token": csrf, "title": "Plan", "description": "", "privacy_notice": "",
        "material_title": "The plan", "material_text": "Read me", "material_url": "https://example.org/plan"})
    assert response.status_code == 302
    stored = client.get(f"/api/v1/surveys/{created['id']}", headers=token).json["material"]
    assert stored == {"title": "The plan", "text": "Read me", "url": "https://example.org/plan"}
