"""A survey closing while the submission writer stores a group, on real PostgreSQL, where
(unlike SQLite, whose one writer puts them one after the other) the two transactions run at
once, in one process or in two: the close must count every response stored before it, and
nothing may be stored after it."""
from __future__ import annotations

import threading
import uuid

import pytest
from sqlalchemy import func, select

from commissioning_steps import commissions, evidence, staff
from commissioning_steps.errors import Conflict
from surveys import lifecycle, responses
from surveys.models import Survey, SurveyResponse, SurveyResponseTotal

pytestmark = pytest.mark.integration

QUESTIONS = [{"id": "again", "type": "yes_no_maybe", "text": "Would you go again?", "required": True}]


@pytest.fixture(scope="module")
def store(pg_store):
    return pg_store


@pytest.fixture
def survey_id(store):
    with store.session(write=True) as s:
        owner = staff.create_user(s, email=f"close-{uuid.uuid4().hex[:8]}@example.org", name="Closer", role=staff.COMMISSIONER,
                                  password_hash="x")
        commission = commissions.create_commission(s, owner, commissions.CommissionInput(title="Closing race"))
        survey = lifecycle.create_survey(s, commission, owner, lifecycle.SurveyInput(
            title="Race", step="initiate", items=QUESTIONS))
        lifecycle.open_survey(s, survey)
        return survey.id


def _close(store, survey_id, outcome):
    with store.session(write=True) as s:
        entry = lifecycle.close_survey(s, s.get(Survey, survey_id))
        outcome["counted"] = entry.payload["responses"]


def test_a_close_waits_for_a_group_under_way_and_counts_it(store, survey_id, monkeypatch):
    """The group has read the survey (open) and stops before writing; the close starts
    meanwhile. Without the survey's row held by the group, the close would count nothing and
    commit, and the group's response would land after it."""
    inside, release = threading.Event(), threading.Event()
    real = responses._checked

    def paused(*args):
        inside.set()
        assert release.wait(30)
        return real(*args)

    monkeypatch.setattr(responses, "_checked", paused)
    stored = {}

    def group():
        with store.session(write=True) as s:
            stored["results"] = responses.submit_many(s, [responses.Submission(survey_id, {"again": "yes"})],
                                                      secret=b"race")

    writer = threading.Thread(target=group)
    writer.start()
    assert inside.wait(30)
    closed: dict = {}
    closer = threading.Thread(target=_close, args=(store, survey_id, closed))
    closer.start()
    closer.join(2)  # without the lock the close is done by now, having counted nothing
    release.set()
    writer.join(30)
    closer.join(30)
    assert isinstance(stored["results"][0], responses.Submitted)
    with store.session() as s:
        kept = s.scalar(select(func.count()).select_from(SurveyResponse).where(SurveyResponse.survey_id == survey_id))
    assert kept == 1
    assert closed["counted"] == kept  # the evidence entry counts every stored response


def test_a_group_after_the_close_is_refused(store, survey_id):
    closed: dict = {}
    _close(store, survey_id, closed)
    with store.session(write=True) as s:
        results = responses.submit_many(s, [responses.Submission(survey_id, {"again": "no"})], secret=b"race")
    assert isinstance(results[0], Conflict)
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(SurveyResponse)
                        .where(SurveyResponse.survey_id == survey_id)) == 0
        assert [e.payload["responses"] for e in s.scalars(select(evidence.EvidenceEntry)
                .where(evidence.EvidenceEntry.kind == "survey_result"))][-1] == 0


def test_a_surveys_total_is_kept_by_its_statement_triggers(store, survey_id):
    """PostgreSQL keeps ``survey_response_totals`` with statement-level triggers: a group's
    one multi-row INSERT adds its rows at once, a DELETE of several takes them off."""
    with store.session(write=True) as s:
        results = responses.submit_many(s, [responses.Submission(survey_id, {"again": a}) for a in
                                            ("yes", "no", "maybe", "yes")], secret=b"totals")
    assert all(isinstance(r, responses.Submitted) for r in results)
    with store.session(write=True) as s:
        for stored in s.scalars(select(SurveyResponse).where(SurveyResponse.survey_id == survey_id).limit(3)):
            responses.delete(s, stored)
    with store.session() as s:
        total = s.scalar(select(SurveyResponseTotal.responses).where(SurveyResponseTotal.survey_id == survey_id))
        counted = s.scalar(select(func.count()).select_from(SurveyResponse)
                           .where(SurveyResponse.survey_id == survey_id))
    assert total == counted == 1
