"""Reading a commission's feed from the outbox with a cursor, and what is coming up, against a
clock the test sets: real services write the events, so the feed reads what they store."""
from __future__ import annotations

from datetime import timedelta

import pytest

from commissioning_steps import benefits, journey, progression
from commissioning_steps.benefits import BenefitInput
from commissioning_steps.commissions import Commission
from commissioning_steps.db import utcnow
from commissioning_steps.staff import StaffUser
from surveys import activity, lifecycle, responses
from surveys.webhooks import addresses
from surveys.webhooks.addresses import Policy
from surveys.webhooks import subscriptions

QUESTION = {"id": "park", "type": "single_choice", "text": "Which park?", "options": ["Rosehill", "Meadow"]}


@pytest.fixture
def db(store):
    s = store.session(write=True)
    yield s
    s.close()


def _survey(db, team, title="Getting to day centres", **kw):
    owner = db.get(StaffUser, team["alice"].id)
    commission = db.get(Commission, team["mine"].id)
    return lifecycle.create_survey(db, commission, owner, lifecycle.SurveyInput(title=title, step="initiate",
                                                                                items=[QUESTION], **kw))


def test_responses_arrive_counted_and_a_cursor_reads_only_what_changed(db, team):
    survey = _survey(db, team)
    lifecycle.open_survey(db, survey)
    for _ in range(3):
        responses.submit(db, survey, {"park": "Meadow"}, secret=b"s")
    feed = activity.read(db, team["mine"].id)
    assert [i.text for i in feed.items] == ["3 new responses to “Getting to day centres”",
                                            "“Getting to day centres” opened for answers",
                                            "The team gained an evaluator"]
    assert feed.cursor == feed.items[0].id
    assert activity.read(db, team["mine"].id, after=feed.cursor).items == []

    responses.submit(db, survey, {"park": "Rosehill"}, secret=b"s")
    later = activity.read(db, team["mine"].id, after=feed.cursor)
    [grown] = later.items
    assert grown.key == feed.items[0].key and grown.text == "4 new responses to “Getting to day centres”"
    assert later.cursor > feed.cursor
    assert "Meadow" not in repr(later) and "Rosehill" not in repr(later)  # counts, never answers


def test_the_feed_is_one_commissions_own(db, team):
    survey = _survey(db, team)
    lifecycle.open_survey(db, survey)
    responses.submit(db, survey, {"park": "Meadow"}, secret=b"s")
    assert activity.read(db, team["theirs"].id).items == []


def test_surveys_closing_or_opening_within_a_day_are_coming_up(db, team):
    closes = (utcnow() + timedelta(days=2)).replace(microsecond=0)
    closing = _survey(db, team, "Getting to day centres", closes_at=closes)
    lifecycle.open_survey(db, closing)
    _survey(db, team, "Evening activities", opens_at=closes - timedelta(hours=1))
    commission = team["mine"].id
    assert activity.coming_up(db, commission, closes - timedelta(hours=30)) == []
    texts = [c.text for c in activity.coming_up(db, commission, closes - timedelta(hours=24))]
    assert texts == ["“Evening activities” opens in 23 hours", "“Getting to day centres” closes in 24 hours"]
    soon = activity.coming_up(db, commission, closes - timedelta(minutes=40))
    assert [c.text for c in soon] == ["“Getting to day centres” closes in 40 minutes"]
    assert soon[0].at == closes and soon[0].link == ("survey", {"survey_id": closing.id})
    assert activity.coming_up(db, commission, closes + timedelta(seconds=1)) == []


def _benefit(db, team, **dates):
    owner = db.get(StaffUser, team["alice"].id)
    commission = db.get(Commission, team["mine"].id)
    return benefits.create_benefit(db, commission, owner, BenefitInput(
        title="Carers' time back", description="Carers spend less time arranging transport",
        stakeholders=["Family carers"], outputs=["Door-to-door transport"], outcome="Reliable pick-ups",
        objectives=["Carers can stay in work"], measure="Hours a week", unit="hours", method="Diaries",
        baseline_value=6, baseline_date="2026-09-01", target_value=2, target_date="2027-09-01",
        owner_role="Head of day services", **dates))


def test_benefit_reviews_and_measurements_due_are_coming_up_until_done(db, team):
    today = utcnow().date()  # a measurement cannot be dated in the future, so the dates follow today
    days = lambda n: (today + timedelta(days=n)).isoformat()  # noqa: E731
    benefit = _benefit(db, team, review_dates=[days(3), days(90)], measurement_dates=[days(-3)])
    now = utcnow()
    texts = [c.text for c in activity.coming_up(db, team["mine"].id, now, today)]
    assert texts == ["Measurement of benefit “Carers' time back” was due 3 days ago",
                     "Review of benefit “Carers' time back” due in 3 days"]
    assert [c.text for c in activity.coming_up(db, team["mine"].id, now, today - timedelta(days=11))] == []
    assert [c.text for c in activity.coming_up(db, team["mine"].id, now, today + timedelta(days=3))][-1] == \
        "Review of benefit “Carers' time back” due today"
    owner = db.get(StaffUser, team["alice"].id)
    commission = db.get(Commission, team["mine"].id)
    for step in journey.STEPS[:6]:  # measurements are recorded from Consolidate on
        progression.complete_step(db, commission, step.key, owner, override_reason="Recorded on paper for this test")
    benefits.record_measurement(db, benefit, owner, measured_on=today.isoformat(), value=5, source="Carers' diaries")
    texts = [c.text for c in activity.coming_up(db, team["mine"].id, now, today)]
    assert texts == ["Review of benefit “Carers' time back” due in 3 days"]  # measured since it fell due: done


def test_failing_and_stopped_webhooks_need_attention(db, team, monkeypatch):
    monkeypatch.setattr(addresses, "resolve", lambda host, port: ["93.184.216.34"])  # no DNS query leaves the machine
    owner = db.get(StaffUser, team["alice"].id)
    commission = db.get(Commission, team["mine"].id)
    sub, _secret = subscriptions.create(db, commission, owner, url="https://crm.example.org/hooks/s3cr3t-path",
                                        events=["survey.opened"], policy=Policy(allow_private=True))
    assert activity.needing_attention(db, commission.id) == []
    sub.consecutive_failures, sub.failing_since = 3, utcnow()
    db.commit()
    [item] = activity.needing_attention(db, commission.id)
    assert item.text == "Deliveries of the webhook to crm.example.org are failing: 3 attempts in a row"
    assert "s3cr3t" not in item.text and item.link == ("webhook", {"webhook_id": sub.id})
    subscriptions.set_status(db, sub, "paused", "Paused: deliveries failed for three days", utcnow())
    db.commit()
    assert activity.needing_attention(db, commission.id)[0].text == \
        "The webhook to crm.example.org is paused: deliveries to it kept failing"
    assert activity.needing_attention(db, team["theirs"].id) == []


def test_past_the_response_limit_the_oldest_count_says_or_more(db, team, monkeypatch):
    from surveys.activity import reading

    monkeypatch.setattr(reading, "RESPONSE_LIMIT", 3)
    survey = _survey(db, team)
    lifecycle.open_survey(db, survey)
    for _ in range(5):
        responses.submit(db, survey, {"park": "Meadow"}, secret=b"s")
    [item] = activity.read(db, team["mine"].id).items  # the opening and the older events are beyond the reach
    assert item.text == "3 or more new responses to “Getting to day centres”" and item.partial
