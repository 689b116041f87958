"""The activity feed without JavaScript: a plain list on the commission page (the newest few)
and on its own page (with a Refresh button that is an ordinary link), for the commission's team
only; everyone else gets the same 404 as for a commission that does not exist."""
from __future__ import annotations

from commissioning_steps.staff import StaffUser
from surveys import lifecycle, responses
from surveys.models import Survey

QUESTION = {"id": "park", "type": "single_choice", "text": "Which park?", "options": ["Rosehill", "Meadow"]}


def _signed_in(app, world, email):
    http = app.test_client()
    world.sign_in(http, email)
    return http


def _survey_with_responses(app, team, times):
    with app.extensions["engage.db"].session(write=True) as db:
        survey = lifecycle.create_survey(db, db.merge(team["mine"]), db.get(StaffUser, team["alice"].id),
                                         lifecycle.SurveyInput(title="Getting to day centres", step="initiate",
                                                               items=[QUESTION]))
        lifecycle.open_survey(db, survey)
        for _ in range(times):
            responses.submit(db, db.get(Survey, survey.id), {"park": "Meadow"}, secret=b"s")
        return survey.id


def test_the_team_sees_the_feed_as_a_list_that_a_reload_brings_up_to_date(app, world, team):
    _survey_with_responses(app, team, 2)
    for email in ("alice@example.org", "eve@example.org"):
        http = _signed_in(app, world, email)
        page = http.get(f"/commissions/{team['mine'].id}/activity")
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        assert "2 new responses to “Getting to day centres”" in html
        assert "Times are UK time" in html
        assert f'href="/commissions/{team["mine"].id}/activity" role="button"' in html  # Refresh: a reload, no script
        assert "Meadow" not in html  # counted, never shown
    _survey_responses_more(app, team)
    html = _signed_in(app, world, "alice@example.org").get(f"/commissions/{team['mine'].id}/activity").get_data(as_text=True)
    assert "3 new responses to “Getting to day centres”" in html


def _survey_responses_more(app, team):
    with app.extensions["engage.db"].session(write=True) as db:
        survey = db.query(Survey).filter_by(commission_id=team["mine"].id).one()
        responses.submit(db, survey, {"park": "Rosehill"}, secret=b"s")


def test_the_commission_page_shows_the_newest_activity_and_loads_the_live_module(app, world, team):
    _survey_with_responses(app, team, 1)
    html = _signed_in(app, world, "alice@example.org").get(f"/commissions/{team['mine'].id}").get_data(as_text=True)
    assert "1 new response to “Getting to day centres”" in html
    assert 'data-activity-feed' in html and 'aria-live="polite"' in html
    assert "js/activity-feed.mjs" in html and "All activity for the last 30 days" in html


def test_others_get_the_same_not_found_and_residents_are_asked_to_sign_in(app, world, team):
    bob = _signed_in(app, world, "bob@example.org")
    mine = bob.get(f"/commissions/{team['mine'].id}/activity")
    missing = bob.get("/commissions/999999/activity")
    assert mine.status_code == missing.status_code == 404
    for page in (mine, missing):
        assert "ask the commission" in page.get_data(as_text=True).replace("&#39;", "'").lower()
    assert "Day opportunities" not in mine.get_data(as_text=True)
    assert bob.get(f"/commissions/{team['theirs'].id}/activity").status_code == 200
    resident = app.test_client().get(f"/commissions/{team['mine'].id}/activity")
    assert resident.status_code == 302 and "/sign-in" in resident.headers["Location"]


def test_what_is_coming_up_is_listed_in_uk_time(app, world, team):
    from datetime import timedelta

    from commissioning_steps.db import utcnow
    from engage.common.times import uk_datetime

    closes = (utcnow() + timedelta(hours=5, minutes=-1)).replace(second=0, microsecond=0)
    with app.extensions["engage.db"].session(write=True) as db:
        survey = lifecycle.create_survey(db, db.merge(team["mine"]), db.get(StaffUser, team["alice"].id),
                                         lifecycle.SurveyInput(title="Evening activities", step="initiate",
                                                               items=[QUESTION], closes_at=closes))
        lifecycle.open_survey(db, survey)
    html = _signed_in(app, world, "eve@example.org").get(f"/commissions/{team['mine'].id}/activity").get_data(as_text=True)
    coming = html.split('id="activity-coming-up"')[1].split("</ul>")[0]
    assert "“Evening activities” closes in 5 hours" in coming
    with app.app_context():
        assert uk_datetime(closes) in coming  # 1 December 2026 at 6:59pm, in UK time
