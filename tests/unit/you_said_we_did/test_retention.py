"""Erasing residents' own words after the retention period: words go, counts, themes and the
evidence chain stay; running twice changes nothing more."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from commissioning_steps import commissions, evidence, inputs, themes
from commissioning_steps.errors import Invalid
from commissioning_steps.inputs import Filters, InputItem
from surveys import lifecycle, responses, results, retention
from surveys.live import running, sessions, voting
from surveys.live.models import LiveEntry, LiveVote
from surveys.models import SurveyResponse


@pytest.fixture
def survey(db, commission, owner):
    created = lifecycle.create_survey(db, commission, owner, lifecycle.SurveyInput(
        title="Spring survey", step="investigate", items=[
            {"id": "change", "type": "free_text", "text": "What would you change?"},
            {"id": "travel", "type": "single_choice", "text": "How do you travel?", "options": ["Bus", "Car"],
             "other": True}]))
    lifecycle.open_survey(db, created)
    return created


def test_words_older_than_the_period_are_erased_and_counts_stay(db, commission, owner, survey):
    old, _, _ = responses.submit(db, survey, {"change": "Sunday buses please", "travel": "Bus"}, secret=b"s")
    recent, _, _ = responses.submit(db, survey, {"change": "Later opening", "travel": "On foot"}, secret=b"s")
    theme = themes.create_theme(db, commission, owner, name="Transport")
    themes.tag(db, theme, [i.id for i in inputs.search(db, commission.id).items], owner)
    lifecycle.close_survey(db, survey, owner)
    head_before = commission.evidence_head
    old.submitted_at = datetime(2020, 1, 1)
    db.query(InputItem).filter(InputItem.respondent_key == f"survey-response:{old.id}").update(
        {"created_at": datetime(2020, 1, 1)})
    db.commit()
    commission.retention_days = 365
    db.commit()

    done = retention.erase_expired(db)
    assert done[commission.id].responses == 1 and done[commission.id].inbox_items == 1
    stored = db.get(SurveyResponse, old.id)
    assert stored.answers == {"change": retention.ERASED, "travel": "Bus"}  # options are counts, kept
    assert db.get(SurveyResponse, recent.id).answers["change"] == "Later opening"
    assert inputs.search(db, commission.id, Filters(q="Sunday")).total == 0  # gone from search too
    [summary] = themes.summaries(db, commission.id)
    assert (summary.items, summary.residents) == (3, 2)  # theme counts still true
    figures = results.survey_results(survey, db.scalars(select(SurveyResponse)).all())
    assert next(q for q in figures["questions"] if q["id"] == "change")["answered"] == 2
    assert commission.evidence_head == head_before and evidence.verify(db, commission).ok
    assert retention.erase_expired(db)[commission.id].total == 0  # idempotent


def test_live_words_are_erased_too(db, commission, owner):
    live = sessions.create_session(db, commission, owner, title="Market day", step="investigate", questions=[
        {"type": "word_cloud", "text": "One word"}, {"type": "qa", "text": "Questions"}])
    running.open_question(db, live, live.questions[0].id, owner)
    voting.cast_vote(db, live, "p" * 24, live.questions[0].id, "Friendly", "v1")
    running.open_question(db, live, live.questions[1].id, owner)
    entry = voting.ask(db, live, "p" * 24, "Who pays?")
    done = retention.erase_commission(db, commission, datetime.utcnow() + timedelta(seconds=1))
    assert done.live_answers == 2
    assert db.scalar(select(LiveVote.value)) == retention.ERASED
    assert db.get(LiveEntry, entry.id).text == retention.ERASED
    assert all(i.text == retention.ERASED for i in inputs.search(db, commission.id).items)


def test_a_commission_without_a_period_keeps_everything(db, commission, survey):
    commission.retention_days = None
    db.commit()
    responses.submit(db, survey, {"change": "Keep me"}, secret=b"s")
    assert commission.id not in retention.erase_expired(db, datetime(2100, 1, 1))


@pytest.mark.parametrize("days", [0, 29, 3651, True, 1.5])
def test_the_period_is_checked(db, owner, days):
    with pytest.raises(Invalid) as exc:
        commissions.create_commission(db, owner, commissions.CommissionInput(title="X", retention_days=days))
    assert "retention_days" in exc.value.fields
