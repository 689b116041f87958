"""Residents answering on the pages (no JavaScript, no account): start, page by page with
GOV.UK error summaries, answers kept when a page is shown again, branching that skips pages,
check answers, a double submit stored once, the receipt, and seeing, changing or deleting the
answers later. Plus the QR codes for posters."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from surveys.models import SurveyResponse

SECTIONS = [
    {"title": "Your visit", "questions": [
        {"id": "park", "type": "single_choice", "text": "Which park do you use?", "options": ["Rosehill", "Meadow"],
         "required": True},
        {"id": "travel", "type": "multiple_choice", "text": "How do you get there?",
         "options": ["Bus", "Car", "Walk"], "max": 2},
        {"id": "comments", "type": "free_text", "text": "Anything else?", "max_length": 200},
    ]},
    {"title": "Coming back", "questions": [
        {"id": "again", "type": "yes_no_maybe", "text": "Would you go again?", "required": True},
    ]},
    {"title": "Why not", "questions": [
        {"id": "why_not", "type": "free_text", "text": "What would change your mind?",
         "show_if": {"question": "again", "equals": "no"}},
    ]},
    {"title": "About you", "questions": [
        {"id": "who", "type": "about_you", "text": "Which describes you?", "category": "respondent_group",
         "why": "To check we hear from everyone", "options": ["Carers", "Residents", "Other"]},
        {"id": "rank", "type": "ranking", "text": "Rank these", "options": ["Toilets", "Benches", "Lights"]},
        {"id": "score", "type": "rating", "text": "How good is it?", "min": 1, "max": 5},
    ]},
]
SCRIPT = "<script>alert(1)</script>"


@pytest.fixture
def survey(client, alice, team):
    response = client.post(f"/api/v1/commissions/{team['mine'].id}/surveys", headers=alice,
                           json={"title": "Parks & play", "step": "initiate", "sections": SECTIONS,
                                 "description": "Tell us about the parks."})
    assert response.status_code == 201, response.json
    sid = response.json["id"]
    assert client.post(f"/api/v1/surveys/{sid}/open", headers=alice).status_code == 200
    return {"id": sid, "slug": response.json["links"]["public"].rsplit("/", 1)[1]}


@pytest.fixture
def resident(app):
    return app.test_client()


def _count(app) -> int:
    s = app.extensions["engage.db"].session()
    try:
        return s.scalar(select(func.count()).select_from(SurveyResponse))
    finally:
        s.close()


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


def _answer_everything(resident, slug, again="yes", park="Rosehill"):
    """Start and go through every page; returns the check-answers page."""
    assert _path(resident.post(f"/s/{slug}/start").location) == f"/s/{slug}/page/1"
    r = resident.post(f"/s/{slug}/page/1", data={"park": park, "travel": ["Bus", "Walk"], "comments": SCRIPT})
    assert r.status_code == 302 and _path(r.location) == f"/s/{slug}/page/2"
    r = resident.post(f"/s/{slug}/page/2", data={"again": again})
    assert r.status_code == 302
    if again == "no":
        assert _path(r.location) == f"/s/{slug}/page/3"
        r = resident.post(f"/s/{slug}/page/3", data={"why_not": "Cleaner toilets"})
    assert _path(r.location) == f"/s/{slug}/page/4"
    r = resident.post(f"/s/{slug}/page/4", data={"who": "Carers", "rank-rank-0": "2", "rank-rank-1": "3",
                                                  "rank-rank-2": "1", "score": "4"})
    assert r.status_code == 302 and _path(r.location) == f"/s/{slug}/check"
    return resident.get(f"/s/{slug}/check")


def _submission_id(html: str) -> str:
    return re.search(r'name="submission_id" value="([^"]+)"', html).group(1)


# -- start -------------------------------------------------------------------------------------------


def test_start_page(resident, survey):
    response = resident.get(f"/s/{survey['slug']}")
    assert response.status_code == 200
    html = _html(response)
    assert "Parks &amp; play" in html and "Tell us about the parks." in html
    assert "Start now" in html
    assert "IP address" in html  # the privacy notice is shown before anything is asked
    assert resident.get(f"/s/{survey['slug'].lower()}").status_code == 200


def test_unknown_survey_link_is_404(resident, survey):
    assert resident.get("/s/NOPE1234").status_code == 404
    assert resident.post("/s/NOPE1234/start").status_code == 404


def test_draft_and_closed_surveys_show_a_409_page(client, resident, alice, team, survey):
    draft = client.post(f"/api/v1/commissions/{team['mine'].id}/surveys", headers=alice,
                        json={"title": "Not yet", "step": "initiate", "sections": SECTIONS}).json
    slug = draft["links"]["public"].rsplit("/", 1)[1]
    response = resident.get(f"/s/{slug}")
    assert response.status_code == 409 and "has not opened yet" in _html(response)
    assert resident.post(f"/s/{slug}/start").status_code == 409
    client.post(f"/api/v1/surveys/{survey['id']}/close", headers=alice)
    response = resident.get(f"/s/{survey['slug']}")
    assert response.status_code == 409 and "has closed" in _html(response)
    assert resident.post(f"/s/{survey['slug']}/start").status_code == 409


def test_pages_need_a_started_form(resident, survey):
    response = resident.get(f"/s/{survey['slug']}/page/1")
    assert response.status_code == 302 and _path(response.location) == f"/s/{survey['slug']}"
    assert _path(resident.get(f"/s/{survey['slug']}/check").location) == f"/s/{survey['slug']}"


# -- page by page ---------------------------------------------------------------------------------------


def test_error_summary_links_to_the_field_and_answers_are_kept(resident, survey, app):
    slug = survey["slug"]
    resident.post(f"/s/{slug}/start")
    page = resident.get(f"/s/{slug}/page/1")
    assert page.status_code == 200 and "Your visit" in _html(page)
    response = resident.post(f"/s/{slug}/page/1", data={"travel": ["Walk"], "comments": "I like the swings"})
    assert response.status_code == 422
    html = _html(response)
    assert "There is a problem" in html
    assert 'href="#park"' in html
    assert re.search(r'id="park-error" class="govuk-error-message">\s*<span class="govuk-visually-hidden">Error:'
                     r'</span> Choose an answer', html)
    assert "<title>Error:" in html
    # what was entered stays on the page
    assert _checked(html, "travel") == {"Walk"}
    assert re.search(r'<textarea[^>]*name="comments"[^>]*>I like the swings</textarea>', html)
    assert _count(app) == 0


def test_a_type_error_is_shown_next_to_its_field(resident, survey):
    slug = survey["slug"]
    resident.post(f"/s/{slug}/start")
    response = resident.post(f"/s/{slug}/page/1", data={"park": "Meadow", "travel": ["Bus", "Car", "Walk"]})
    assert response.status_code == 422
    html = _html(response)
    assert 'href="#travel"' in html and "Choose no more than 2 options" in html
    assert _checked(html, "travel") == {"Bus", "Car", "Walk"}
    assert _checked(html, "park") == {"Meadow"}


def test_ranking_positions_must_differ(resident, survey):
    slug = survey["slug"]
    resident.post(f"/s/{slug}/start")
    resident.post(f"/s/{slug}/page/1", data={"park": "Meadow"})
    resident.post(f"/s/{slug}/page/2", data={"again": "yes"})
    response = resident.post(f"/s/{slug}/page/4", data={"rank-rank-0": "1", "rank-rank-1": "1", "rank-rank-2": "2"})
    assert response.status_code == 422
    assert "Give each option a different position" in _html(response)
    assert 'href="#rank"' in _html(response)


def test_answers_are_shown_again_when_coming_back(resident, survey):
    slug = survey["slug"]
    resident.post(f"/s/{slug}/start")
    resident.post(f"/s/{slug}/page/1", data={"park": "Meadow", "travel": ["Car"], "comments": "Nice cafe"})
    html = _html(resident.get(f"/s/{slug}/page/1"))
    assert _checked(html, "park") == {"Meadow"} and _checked(html, "travel") == {"Car"}
    assert ">Nice cafe</textarea>" in html
    # the back link of page 2 goes to page 1
    assert f'href="/s/{slug}/page/1"' in _html(resident.get(f"/s/{slug}/page/2"))


def test_branching_skips_pages(resident, survey):
    slug = survey["slug"]
    resident.post(f"/s/{slug}/start")
    resident.post(f"/s/{slug}/page/1", data={"park": "Meadow"})
    r = resident.post(f"/s/{slug}/page/2", data={"again": "maybe"})
    assert _path(r.location) == f"/s/{slug}/page/4"
    # a hidden page cannot be reached directly
    assert _path(resident.get(f"/s/{slug}/page/3").location) == f"/s/{slug}/page/1"
    assert "page 3 of 3" in _html(resident.get(f"/s/{slug}/page/4"))
    # choosing "no" shows it
    r = resident.post(f"/s/{slug}/page/2", data={"again": "no"})
    assert _path(r.location) == f"/s/{slug}/page/3"
    assert "What would change your mind?" in _html(resident.get(f"/s/{slug}/page/3"))


def test_a_changed_answer_drops_answers_it_hides(resident, survey, client, alice):
    slug = survey["slug"]
    resident.post(f"/s/{slug}/start")
    resident.post(f"/s/{slug}/page/1", data={"park": "Meadow"})
    resident.post(f"/s/{slug}/page/2", data={"again": "no"})
    resident.post(f"/s/{slug}/page/3", data={"why_not": "Dogs"})
    resident.post(f"/s/{slug}/page/4", data={})
    resident.post(f"/s/{slug}/page/2", data={"again": "yes"}, query_string={"change": "1"})
    check = _html(resident.get(f"/s/{slug}/check"))
    assert "What would change your mind?" not in check and "Dogs" not in check
    resident.post(f"/s/{slug}/submit", data={"submission_id": _submission_id(check)})
    results = client.get(f"/api/v1/surveys/{survey['id']}/results", headers=alice).json
    assert next(q for q in results["questions"] if q["id"] == "why_not")["answered"] == 0


# -- check, submit, done ------------------------------------------------------------------------------------


def test_check_answers_lists_answers_with_change_links(resident, survey):
    slug = survey["slug"]
    response = _answer_everything(resident, slug)
    assert response.status_code == 200
    html = _html(response)
    assert "Check your answers" in html
    for text in ("Which park do you use?", "Rosehill", "Bus; Walk", "Would you go again?", "Yes", "Carers",
                 "1. Lights; 2. Toilets; 3. Benches", "How good is it?"):
        assert text in html, text
    assert "What would change your mind?" not in html  # hidden by branching
    for number in (1, 2, 4):
        assert f'href="/s/{slug}/page/{number}?change=1"' in html
    assert html.count(">Change<") == 7  # one per visible question
    # a resident's HTML is shown as text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html


def test_change_link_returns_to_check_answers(resident, survey):
    slug = survey["slug"]
    _answer_everything(resident, slug)
    assert "Rosehill" in _html(resident.get(f"/s/{slug}/page/1", query_string={"change": "1"}))
    r = resident.post(f"/s/{slug}/page/1", query_string={"change": "1"},
                      data={"park": "Meadow", "travel": ["Car"], "comments": ""})
    assert _path(r.location) == f"/s/{slug}/check"
    html = _html(resident.get(f"/s/{slug}/check"))
    assert "Meadow" in html and "Bus; Walk" not in html and "alert" not in html


def test_submit_twice_stores_one_response_and_shows_the_receipt(resident, survey, app, client, alice):
    slug = survey["slug"]
    submission_id = _submission_id(_html(_answer_everything(resident, slug)))
    first = resident.post(f"/s/{slug}/submit", data={"submission_id": submission_id})
    assert first.status_code == 302 and _path(first.location) == f"/s/{slug}/done"
    second = resident.post(f"/s/{slug}/submit", data={"submission_id": submission_id})
    assert second.status_code == 302 and _path(second.location) == f"/s/{slug}/done"
    assert _count(app) == 1
    done = resident.get(f"/s/{slug}/done")
    assert done.status_code == 200
    receipt = re.search(r'id="receipt"[^>]*>([A-Z0-9-]+)<', _html(done)).group(1)
    stored = client.get(f"/api/v1/responses/{receipt}")
    assert stored.status_code == 200
    assert stored.json["answers"] == {"park": "Rosehill", "travel": ["Bus", "Walk"], "comments": SCRIPT,
                                      "again": "yes", "who": "Carers", "rank": ["Lights", "Toilets", "Benches"],
                                      "score": 4}
    results = client.get(f"/api/v1/surveys/{survey['id']}/results", headers=alice).json
    assert results["responses"] == 1


def test_two_residents_on_one_device_are_two_responses(resident, survey, app):
    slug = survey["slug"]
    for park in ("Rosehill", "Meadow"):
        check = _answer_everything(resident, slug, park=park)
        assert resident.post(f"/s/{slug}/submit", data={"submission_id": _submission_id(_html(check))}).status_code == 302
    assert _count(app) == 2


def test_done_without_a_submission_goes_to_the_start(resident, survey):
    r = resident.get(f"/s/{survey['slug']}/done")
    assert r.status_code == 302 and _path(r.location) == f"/s/{survey['slug']}"


def test_submitting_after_closing_stores_nothing(resident, survey, app, client, alice):
    slug = survey["slug"]
    submission_id = _submission_id(_html(_answer_everything(resident, slug)))
    client.post(f"/api/v1/surveys/{survey['id']}/close", headers=alice)
    response = resident.post(f"/s/{slug}/submit", data={"submission_id": submission_id})
    assert response.status_code == 409
    assert _count(app) == 0


# -- your answers, by receipt ------------------------------------------------------------------------------------


def _submit_and_get_receipt(resident, slug, **kw):
    check = _answer_everything(resident, slug, **kw)
    resident.post(f"/s/{slug}/submit", data={"submission_id": _submission_id(_html(check))})
    return re.search(r'id="receipt"[^>]*>([A-Z0-9-]+)<', _html(resident.get(f"/s/{slug}/done"))).group(1)


def _form_key(html: str) -> str:
    return re.search(r'name="form_key" value="([^"]+)"', html).group(1)


def _open_answers(visitor, receipt: str):
    """What a resident does: open the receipt form, type the code, continue."""
    key = _form_key(_html(visitor.get("/your-answers")))
    return visitor.post("/your-answers", data={"receipt": receipt, "form_key": key})


def _again(visitor, page, path: str, **data):
    """Post one of the forms on ``page`` (they carry the receipt and the page's one-time key)."""
    html = _html(page)
    receipt = re.search(r'name="receipt" value="([^"]+)"', html).group(1)
    return visitor.post(path, data={"receipt": receipt, "form_key": _form_key(html), **data})


@pytest.mark.parametrize("code", ["", "banana", "AAAA-AAAA-AAAA"])
def test_receipt_form_with_a_bad_code_shows_an_error_summary(app, survey, code):
    visitor = app.test_client()
    response = _open_answers(visitor, code)
    assert response.status_code == 422
    html = _html(response)
    assert "There is a problem" in html and 'href="#receipt"' in html
    assert "govuk-error-message" in html
    assert _path(visitor.get("/your-answers/view").location) == "/your-answers"


def test_view_change_and_see_the_change_in_the_results(resident, survey, app, client, alice):
    slug = survey["slug"]
    receipt = _submit_and_get_receipt(resident, slug)
    visitor = app.test_client()  # another device, with only the receipt
    view = _open_answers(visitor, receipt.lower().replace("-", " "))
    assert view.status_code == 200 and view.headers["Cache-Control"] == "no-store"
    html = _html(view)
    assert receipt in html and "Rosehill" in html and "Change your answers" in html
    assert "&lt;script&gt;" in html and "<script>alert" not in html

    r = _again(visitor, view, "/your-answers/change")
    assert _path(r.location) == f"/s/{slug}/page/1"
    page = _html(visitor.get(f"/s/{slug}/page/1"))
    assert _checked(page, "park") == {"Rosehill"}  # the form starts from the stored answers
    visitor.post(f"/s/{slug}/page/1", data={"park": "Meadow", "travel": ["Car"]})
    visitor.post(f"/s/{slug}/page/2", data={"again": "no"})
    visitor.post(f"/s/{slug}/page/3", data={"why_not": "More bins"})
    visitor.post(f"/s/{slug}/page/4", data={"who": "Residents"})
    check = _html(visitor.get(f"/s/{slug}/check"))
    assert "Save changes" in check and "More bins" in check
    r = visitor.post(f"/s/{slug}/submit", data={"submission_id": _submission_id(check)})
    assert _path(r.location) == f"/s/{slug}/done"
    done = _html(visitor.get(f"/s/{slug}/done"))
    assert "Your receipt code has not changed" in done and receipt not in done  # the same receipt, not shown
    assert _count(app) == 1
    stored = client.get(f"/api/v1/responses/{receipt}").json["answers"]
    assert stored == {"park": "Meadow", "travel": ["Car"], "again": "no", "why_not": "More bins", "who": "Residents"}
    results = {q["id"]: q for q in client.get(f"/api/v1/surveys/{survey['id']}/results", headers=alice).json["questions"]}
    assert results["park"]["counts"] == {"Rosehill": 0, "Meadow": 1}
    assert results["who"]["counts"] == {"Carers": 0, "Residents": 1, "Other": 0}


def test_delete_after_confirming(resident, survey, app, client, alice):
    slug = survey["slug"]
    receipt = _submit_and_get_receipt(resident, slug)
    _submit_and_get_receipt(resident, slug, park="Meadow")
    visitor = app.test_client()
    view = _open_answers(visitor, receipt)
    confirm = _again(visitor, view, "/your-answers/delete", step="ask")
    assert "Are you sure" in _html(confirm)
    # "no" keeps them, and shows them again
    kept = _again(visitor, confirm, "/your-answers/delete", confirm="no")
    assert kept.status_code == 200 and "Your answers" in _html(kept)
    assert _count(app) == 2
    confirm = _again(visitor, kept, "/your-answers/delete", step="ask")
    missing = _again(visitor, confirm, "/your-answers/delete")
    assert "Select yes" in _html(missing) and missing.status_code == 422
    wrong = _again(visitor, missing, "/your-answers/delete", confirm="maybe")
    assert wrong.status_code == 422 and "Select yes" in _html(wrong)
    r = _again(visitor, wrong, "/your-answers/delete", confirm="yes")
    assert r.status_code == 200 and "Your answers have been deleted" in _html(r)
    assert _count(app) == 1
    assert client.get(f"/api/v1/responses/{receipt}").status_code == 404
    assert client.get(f"/api/v1/surveys/{survey['id']}/results", headers=alice).json["responses"] == 1
    assert _path(visitor.get("/your-answers/view").location) == "/your-answers"


def test_after_closing_answers_can_be_seen_and_deleted_but_not_changed(resident, survey, app, client, alice):
    slug = survey["slug"]
    receipt = _submit_and_get_receipt(resident, slug)
    client.post(f"/api/v1/surveys/{survey['id']}/close", headers=alice)
    visitor = app.test_client()
    view = _open_answers(visitor, receipt)
    assert "can no longer be changed" in _html(view) and "Change your answers" not in _html(view)
    assert _again(visitor, view, "/your-answers/change").status_code == 409
    view = _open_answers(visitor, receipt)
    r = _again(visitor, view, "/your-answers/delete", confirm="yes")
    assert r.status_code == 200
    assert _count(app) == 0


# -- QR codes -----------------------------------------------------------------------------------------------------


def test_qr_codes(resident, survey):
    svg = resident.get(f"/s/{survey['slug']}/qr.svg")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    assert "<svg" in svg.get_data(as_text=True)
    png = resident.get(f"/s/{survey['slug']}/qr.png")
    assert png.status_code == 200 and png.mimetype == "image/png"
    assert png.get_data().startswith(b"\x89PNG")
    assert resident.get(f"/s/{survey['slug']}/qr.gif").status_code == 404
    assert resident.get("/s/NOPE1234/qr.svg").status_code == 404


def test_submit_without_answers_in_progress_starts_again_and_stores_nothing(resident, survey, app):
    """An expired draft (or a forged post) never becomes an empty response."""
    response = resident.post(f"/s/{survey['slug']}/submit", data={"submission_id": "made-up"})
    assert response.status_code == 302
    assert _path(response.headers["Location"]) == f"/s/{survey['slug']}"
    assert _count(app) == 0


def test_a_change_that_reveals_a_required_question_goes_to_it(resident, app, world, team):
    alice = world.token("alice@example.org")
    questions = [
        {"id": "go", "type": "yes_no_maybe", "text": "Do you go?", "required": True},
        {"id": "how_often", "type": "single_choice", "text": "How often?", "options": ["Weekly", "Monthly"],
         "required": True, "show_if": {"question": "go", "equals": "yes"}},
        {"id": "more", "type": "free_text", "text": "Anything else?"},
    ]
    created = resident.post(f"/api/v1/commissions/{team['mine'].id}/surveys", headers=alice,
                            json={"title": "Change flow", "step": "initiate", "questions": questions}).json
    resident.post(f"/api/v1/surveys/{created['id']}/open", headers=alice)
    slug = created["links"]["public"].rsplit("/", 1)[1]
    resident.post(f"/s/{slug}/start")
    resident.post(f"/s/{slug}/page/1", data={"go": "no"})
    resident.post(f"/s/{slug}/page/3", data={"more": ""})
    assert "Check your answers" in _html(resident.get(f"/s/{slug}/check"))
    # Change "no" to "yes" from the check page: the newly shown required question comes next.
    response = resident.post(f"/s/{slug}/page/1?change=1", data={"go": "yes"})
    assert _path(response.headers["Location"]) == f"/s/{slug}/page/2"
    response = resident.post(f"/s/{slug}/page/2", data={"how_often": "Weekly"})
    assert _path(response.headers["Location"]) == f"/s/{slug}/page/3"
