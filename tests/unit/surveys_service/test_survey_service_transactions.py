"""Survey services own their transactions: each change commits on its own (another session sees
it at once) or rolls back whole; composite changes (send a draft and drop it) are one; the
schedule runs each survey alone; creating and changing a survey publish their events."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from commissioning_steps.commissions import Commission
from commissioning_steps.db import transaction, utcnow
from commissioning_steps.errors import Conflict, Forbidden, Invalid
from commissioning_steps.staff import StaffUser
from surveys import drafts, lifecycle, pages, responses
from surveys.errors import AnswerError
from surveys.models import ResponseDraft, Survey, SurveyResponse

SECRET = b"unit-test-secret"
QUESTIONS = [
    {"id": "park", "type": "single_choice", "text": "Which park?", "options": ["Rosehill", "Meadow"], "required": True},
    {"id": "again", "type": "yes_no_maybe", "text": "Again?"},
]


@pytest.fixture
def events(store):
    seen = []
    store.bus.subscribe("*", seen.append)
    yield seen
    store.bus.unsubscribe("*", seen.append)


def _create(session, team, **extra):
    owner = session.get(StaffUser, team["alice"].id)
    commission = session.get(Commission, team["mine"].id)
    return lifecycle.create_survey(session, commission, owner, lifecycle.SurveyInput(
        title="Parks", step="initiate", items=QUESTIONS, **extra))


def _fresh(store, model, row_id):
    with store.session() as other:
        return other.get(model, row_id)


def _count(store, model):
    with store.session() as other:
        return other.scalar(select(func.count()).select_from(model))


# -- lifecycle ---------------------------------------------------------------------------------------


def test_creating_and_changing_a_survey_commit_and_publish_ids_and_counts(store, session, team, events):
    survey = _create(session, team)
    assert _fresh(store, Survey, survey.id).title == "Parks"
    created = events[-1]
    assert created.name == "survey.created"
    assert created.payload() == {"survey_id": survey.id, "questions": 2}

    lifecycle.update_survey(session, survey, lifecycle.SurveyInput(title="Parks and green spaces",
                                                                   items=QUESTIONS[:1]))
    stored = _fresh(store, Survey, survey.id)
    assert stored.title == "Parks and green spaces" and stored.version == 2
    changed = events[-1]
    assert changed.name == "survey.changed"
    assert changed.payload() == {"survey_id": survey.id, "version": 2, "changed": ("title", "questions")}


def test_a_refused_change_rolls_back_and_publishes_nothing(store, session, team, events):
    survey = _create(session, team)
    before = len(events)
    with pytest.raises(Invalid):
        lifecycle.update_survey(session, survey, lifecycle.SurveyInput(title="", items=QUESTIONS))
    assert _fresh(store, Survey, survey.id).title == "Parks"
    assert len(events) == before


def test_update_survey_owns_the_rules_the_adapters_used_to_check(session, team):
    survey = _create(session, team)
    with pytest.raises(Forbidden):
        lifecycle.update_survey(session, survey, lifecycle.SurveyInput(template="collaborative_appetite"))
    lifecycle.open_survey(session, survey)
    with pytest.raises(Invalid) as exc:
        lifecycle.update_survey(session, survey, lifecycle.SurveyInput(opens_at=utcnow() + timedelta(days=1)))
    assert exc.value.fields == {"opens_at": "The survey is already open"}
    with pytest.raises(Conflict):
        lifecycle.update_survey(session, survey, lifecycle.SurveyInput(items=QUESTIONS[:1]))
    # Texts and the closing time can still change while it is open.
    lifecycle.update_survey(session, survey, lifecycle.SurveyInput(description="Tell us about the parks"))


def test_answerable_refuses_a_survey_that_is_not_open(session, team):
    survey = _create(session, team)
    with pytest.raises(Conflict):
        lifecycle.answerable(session, survey.slug)
    lifecycle.open_survey(session, survey)
    assert lifecycle.answerable(session, survey.slug.lower()).id == survey.id


def test_services_called_inside_an_outer_transaction_join_it(store, session, team):
    with pytest.raises(RuntimeError):
        with transaction(session):
            survey = _create(session, team)
            lifecycle.open_survey(session, survey)
            raise RuntimeError("the caller's step fails")
    assert _count(store, Survey) == 0


# -- schedules ---------------------------------------------------------------------------------------


def test_apply_schedules_commits_each_survey_alone(store, session, team, monkeypatch):
    start = utcnow()
    first = _create(session, team, closes_at=start + timedelta(minutes=1))
    second = _create(session, team, closes_at=start + timedelta(minutes=1))
    for s in (first, second):
        lifecycle.open_survey(session, s)
    real_append = lifecycle.evidence.append

    def failing_for_first(s, commission, **kw):
        if kw["payload"]["survey_id"] == first.id:
            raise Invalid({"summary": "refused"})
        return real_append(s, commission, **kw)

    monkeypatch.setattr(lifecycle.evidence, "append", failing_for_first)
    done = lifecycle.apply_schedules(session, start + timedelta(minutes=2))
    assert done == {"opened": [], "closed": [second.id]}
    # The first one's half-done close (status set, then the evidence refused) was rolled back
    # on its own; the second one closed and is committed.
    assert _fresh(store, Survey, first.id).status == "open"
    assert _fresh(store, Survey, second.id).status == "closed"


# -- residents' answers ------------------------------------------------------------------------------


def _open(session, team):
    survey = _create(session, team)
    lifecycle.open_survey(session, survey)
    return survey


def test_save_page_checks_the_page_and_keeps_nothing_when_it_is_wrong(store, session, team):
    survey = _open(session, team)
    _, draft = drafts.start(session, survey)
    page = pages.all_pages(survey.definition)[0]
    with pytest.raises(AnswerError):
        drafts.save_page(session, survey, draft, page, {"park": "Nowhere"})
    assert _fresh(store, ResponseDraft, draft.id).answers == {}
    assert drafts.save_page(session, survey, draft, page, {"park": " Meadow "}) == {"park": "Meadow"}
    assert _fresh(store, ResponseDraft, draft.id).answers == {"park": "Meadow"}


def test_send_draft_submits_and_drops_the_draft_in_one_transaction(store, session, team, events):
    survey = _open(session, team)
    _, draft = drafts.start(session, survey)
    drafts.save(session, draft, {"park": "Meadow"})
    response, receipt = responses.send_draft(session, draft, secret=SECRET, submission_key="form-1")
    assert receipt == responses.receipt_for_key(SECRET, survey.id, "form-1")
    assert _fresh(store, SurveyResponse, response.id).answers == {"park": "Meadow"}
    assert _count(store, ResponseDraft) == 0
    assert events[-1].name == "survey.response_submitted"


def test_send_draft_of_a_change_keeps_the_receipt_and_drops_the_draft(store, session, team):
    survey = _open(session, team)
    response, receipt, _ = responses.submit(session, survey, {"park": "Meadow"}, secret=SECRET)
    _, draft = drafts.start(session, survey, response)
    assert draft.answers == {"park": "Meadow"}
    drafts.save(session, draft, {"park": "Rosehill", "again": "no"})
    changed, same_receipt = responses.send_draft(session, draft, secret=SECRET)
    assert changed.id == response.id and same_receipt is None
    assert responses.find(session, receipt).answers == {"park": "Rosehill", "again": "no"}
    assert _count(store, ResponseDraft) == 0 and _count(store, SurveyResponse) == 1


def test_a_refused_draft_stays_for_the_resident_to_correct(store, session, team):
    survey = _open(session, team)
    _, draft = drafts.start(session, survey)
    drafts.save(session, draft, {"again": "yes"})  # the required park is missing
    with pytest.raises(Invalid):
        responses.send_draft(session, draft, secret=SECRET)
    assert _count(store, ResponseDraft) == 1 and _count(store, SurveyResponse) == 0
    lifecycle.close_survey(session, session.get(Survey, survey.id))
    with pytest.raises(Conflict):
        responses.send_draft(session, session.get(ResponseDraft, draft.id), secret=SECRET)
    assert _count(store, ResponseDraft) == 1


def test_purge_expired_commits(store, session, team):
    survey = _open(session, team)
    _, old = drafts.start(session, survey)
    old.updated_at = utcnow() - timedelta(hours=25)
    session.commit()
    assert drafts.purge_expired(session) == 1
    assert _count(store, ResponseDraft) == 0
