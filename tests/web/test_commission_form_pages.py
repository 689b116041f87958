"""Creating and editing a commission on the pages, with GOV.UK error summaries."""
from __future__ import annotations

import html
import re

import pytest

from commissioning_steps import staff


@pytest.fixture
def signed_in(client, world):
    world.user("alice@example.org", staff.COMMISSIONER, "Alice")
    world.sign_in(client, "alice@example.org")
    return world.token("alice@example.org")


def _commissions(client, headers):
    return client.get("/api/v1/commissions", headers=headers).json["commissions"]


def _form(**overrides):
    data = {"title": "Day opportunities", "summary": "What replaces the day centre", "area": "Sutton",
            "partners": "Sutton Council\r\n\r\n  NHS partners  \r\n",
            "population_groups": "Carers: 30\r\nResidents: 60%\r\n"}
    data.update(overrides)
    return data


def _error_summary(page: str) -> str:
    match = re.search(r'<div class="govuk-error-summary".*?</div>\s*</div>', page, re.S)
    assert match, "no error summary"
    return match.group(0)


def test_new_commission_from_the_form(client, signed_in):
    response = client.post("/commissions/new", data=_form())
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    created = _commissions(client, signed_in)
    assert len(created) == 1
    c = created[0]
    assert response.headers["Location"].endswith(f"/commissions/{c['id']}")
    assert c["title"] == "Day opportunities"
    assert c["area"] == "Sutton"
    assert c["partners"] == ["Sutton Council", "NHS partners"]
    assert c["population_groups"] == [{"name": "Carers", "target_share": 30.0},
                                      {"name": "Residents", "target_share": 60.0}]
    assert c["current_step"] == "initiate"
    page = client.get(f"/commissions/{c['id']}").get_data(as_text=True)
    assert "Initiate is the active step" in page  # the flash message


def test_edit_form_is_prefilled_and_saves(client, signed_in):
    client.post("/commissions/new", data=_form())
    cid = _commissions(client, signed_in)[0]["id"]
    page = html.unescape(client.get(f"/commissions/{cid}/edit").get_data(as_text=True))
    assert "Carers: 30\nResidents: 60" in page
    assert "Sutton Council\nNHS partners" in page
    assert 'value="Day opportunities"' in page

    response = client.post(f"/commissions/{cid}/edit", data=_form(title="Day opportunities 2026",
                                                                   population_groups="Carers = 40\nYoung people, 10"))
    assert response.status_code == 302
    c = _commissions(client, signed_in)[0]
    assert c["title"] == "Day opportunities 2026"
    assert c["population_groups"] == [{"name": "Carers", "target_share": 40.0},
                                      {"name": "Young people", "target_share": 10.0}]


@pytest.mark.parametrize("overrides, field, message", [
    ({"title": ""}, "title", "Enter a title for the commission"),
    ({"population_groups": "Carers: 60\nResidents: 50"}, "population_groups", "add up to 110%"),
    ({"population_groups": "Carers: 30\ncarers: 20"}, "population_groups", "listed once"),
    ({"population_groups": "Carers: 30\nJust a name"}, "population_groups", "Line 2"),
    ({"population_groups": "Carers: lots"}, "population_groups", "Line 1"),
    ({"population_groups": "Carers: 130"}, "population_groups", "between 0 and 100"),
    ({"partners": "Council\ncouncil"}, "partners", "listed once"),
])
def test_new_commission_errors_keep_the_data(client, signed_in, overrides, field, message):
    data = _form(**overrides)
    response = client.post("/commissions/new", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    summary = html.unescape(_error_summary(page))
    assert "There is a problem" in summary
    assert f'href="#{field}"' in summary
    assert message in summary
    assert "<title>Error:" in page
    text = html.unescape(page)
    # Nothing typed is lost.
    assert "What replaces the day centre" in text
    for line in data["population_groups"].splitlines():
        assert line.strip() in text
    if data["title"]:
        assert f'value="{data["title"]}"' in page
    assert _commissions(client, signed_in) == []


def test_edit_errors_keep_the_data_and_change_nothing(client, signed_in):
    client.post("/commissions/new", data=_form())
    cid = _commissions(client, signed_in)[0]["id"]
    response = client.post(f"/commissions/{cid}/edit", data=_form(title="Renamed", population_groups="A: 70\nB: 70"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'href="#population_groups"' in _error_summary(page)
    assert 'value="Renamed"' in page
    assert "A: 70" in page
    c = _commissions(client, signed_in)[0]
    assert c["title"] == "Day opportunities"
    assert len(c["population_groups"]) == 2
