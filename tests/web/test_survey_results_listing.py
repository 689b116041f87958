"""The results page lists residents' own words up to a limit per question, says how many there
are, and its search still reaches every answer (the figures count them all)."""
from __future__ import annotations

from engage.web import surveys_staff

from test_survey_results_api import _new_survey

QUESTIONS = [{"id": "park", "type": "single_choice", "text": "Which park?", "options": ["Rosehill", "Meadow"],
              "other": True},
             {"id": "ideas", "type": "free_text", "text": "Your ideas"}]
IDEAS = ["More benches", "A café", "Benches by the pond", "Lights on the path", "Toilets"]


def test_the_page_lists_the_first_answers_and_says_how_many(client, alice, team, world, monkeypatch):
    monkeypatch.setattr(surveys_staff, "LISTED_ON_PAGE", 2)
    sid = _new_survey(client, alice, team["mine"].id, questions=QUESTIONS)
    for i, idea in enumerate(IDEAS):
        answers = {"park": "By the lake" if i % 2 else "Rosehill", "ideas": idea}
        assert client.post(f"/api/v1/surveys/{sid}/responses", json={"answers": answers}).status_code == 201
    world.sign_in(client, "alice@example.org")
    url = f"/commissions/{team['mine'].id}/surveys/{sid}/results"

    page = client.get(url).get_data(as_text=True)
    assert "5 answered" in page
    assert "More benches" in page and "A café" in page and "Toilets" not in page
    assert "Showing the first 2 of 5 answers." in page
    assert page.count("By the lake") == 2 and "of 2 “other” answers" not in page

    found = client.get(url, query_string={"q": "bench"}).get_data(as_text=True)
    assert "2 answers contain “bench”." in found
    assert "More benches" in found and "Benches by the pond" in found and "Showing the first" not in found

    monkeypatch.setattr(surveys_staff, "LISTED_ON_PAGE", 1)
    page = client.get(url).get_data(as_text=True)
    assert "Showing the first 1 of 2 “other” answers" in page and page.count("By the lake") == 1
