"""The survey submission writer (engage/common/submissions.py): groups of submissions in one
transaction, a SAVEPOINT each, every acknowledged one stored exactly once, a bad one failing
alone, retries with the same Idempotency-Key counted once. No timing is asserted."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from commissioning_steps.errors import Conflict, Invalid, NotFound
from commissioning_steps.events import StoredEvent
from commissioning_steps.inputs import InputItem
from engage.common import submissions
from engage.common.submissions import SubmissionWriter, WriteFailed
from surveys import input_index, lifecycle
from surveys.models import Survey, SurveyResponse
from surveys.responses import Submission, Submitted

from test_survey_api_answers import FULL, QUESTIONS


@pytest.fixture
def survey(client, alice, team):
    response = client.post(f"/api/v1/commissions/{team['mine'].id}/surveys", headers=alice,
                           json={"title": "Parks", "step": "initiate", "questions": QUESTIONS})
    assert response.status_code == 201, response.json
    sid = response.json["id"]
    assert client.post(f"/api/v1/surveys/{sid}/open", headers=alice).status_code == 200
    return sid


@pytest.fixture
def writer(app, store):
    return SubmissionWriter(store, app.config["SECRET_KEY"].encode(), loop=False)


def _stored(store, sid) -> list[SurveyResponse]:
    with store.session() as s:
        return list(s.scalars(select(SurveyResponse).where(SurveyResponse.survey_id == sid).order_by(SurveyResponse.id)))


def _count(store, model, *where) -> int:
    with store.session() as s:
        return s.scalar(select(func.count()).select_from(model).where(*where))


def _events(store, sid) -> list[dict]:
    with store.session() as s:
        return [e.payload for e in s.scalars(select(StoredEvent).where(StoredEvent.name == "survey.response_submitted")
                                             .order_by(StoredEvent.id)) if e.payload["survey_id"] == sid]


def test_a_group_is_one_transaction_and_a_bad_submission_fails_alone(writer, store, survey, monkeypatch):
    other = {**FULL, "comments": "Keep the benches"}
    broken = {**FULL, "comments": "the inbox fails on this one"}
    real = input_index.ResponseWords.items

    def words(self, response_id, answers, submitted_at):
        if answers.get("comments") == broken["comments"]:
            raise RuntimeError("a fault while indexing this response")
        return real(self, response_id, answers, submitted_at)

    # The group's write fails as a whole on this fault; then each is tried alone.
    monkeypatch.setattr(input_index.ResponseWords, "items", words)
    group = [
        Submission(survey, FULL),
        Submission(survey, {"park": "Nowhere"}),                     # invalid answers
        Submission(999_999, FULL),                                    # no such survey
        Submission(survey, broken),                                  # fails inside its SAVEPOINT
        Submission(survey, other, submission_key="key-1"),
        Submission(survey, other, submission_key="key-1"),           # a retry in the same group
        Submission(survey, FULL, submission_key="key-1"),            # the key reused for other answers
    ]
    results = writer.write(group)

    assert writer.batches == 1
    assert isinstance(results[0], Submitted) and results[0].created
    assert isinstance(results[1], Invalid)
    assert isinstance(results[2], NotFound)
    assert isinstance(results[3], RuntimeError)
    assert isinstance(results[4], Submitted) and results[4].created
    assert isinstance(results[5], Submitted) and not results[5].created
    assert results[5].receipt == results[4].receipt and results[5].response_id == results[4].response_id
    assert isinstance(results[6], Invalid) and "Idempotency-Key" in results[6].fields
    stored = _stored(store, survey)
    assert [r.id for r in stored] == [results[0].response_id, results[4].response_id]
    assert [r.answers["comments"] for r in stored] == ["Lovely", "Keep the benches"]
    # The failed one left nothing behind: no inbox words, no event; the others have theirs.
    assert _count(store, InputItem, InputItem.text == broken["comments"]) == 0
    assert _count(store, InputItem, InputItem.respondent_key.in_([f"survey-response:{r.id}" for r in stored])) == 4
    assert [e["responses"] for e in _events(store, survey)] == [1, 2]


def test_a_group_that_stores_cleanly_is_one_event_per_survey_counting_its_responses(writer, store, survey):
    writer.write([Submission(survey, FULL)])
    group = [Submission(survey, {**FULL, "comments": f"Idea {n}"}, submission_key=f"k{n}") for n in range(5)]
    group.append(Submission(survey, {**FULL, "comments": "Idea 2"}, submission_key="k2"))  # a retry within it
    group.append(Submission(survey, {"park": "Nowhere"}))  # refused: needs no write, sinks nothing
    results = writer.write(group)
    assert [r.created for r in results[:5]] == [True] * 5
    assert results[5].response_id == results[2].response_id and results[5].receipt == results[2].receipt
    assert isinstance(results[6], Invalid)
    assert [r.id for r in _stored(store, survey)][1:] == [r.response_id for r in results[:5]]
    assert _events(store, survey) == [{"survey_id": survey, "responses": 1, "received": 1},
                                      {"survey_id": survey, "responses": 6, "received": 5}]
    assert _count(store, InputItem, InputItem.text.like("Idea %")) == 5


def test_retries_with_the_same_key_in_later_groups_are_counted_once(writer, store, survey):
    first = writer.submit(Submission(survey, FULL, submission_key="resident-7"))
    again = writer.submit(Submission(survey, FULL, submission_key="resident-7"))
    assert first.created and not again.created and again.receipt == first.receipt
    with pytest.raises(Invalid):
        writer.submit(Submission(survey, {**FULL, "score": 1}, submission_key="resident-7"))
    assert len(_stored(store, survey)) == 1


def test_the_writer_decides_whether_the_survey_is_open(app, writer, store, survey):
    with store.session(write=True) as s:
        lifecycle.close_survey(s, s.get(Survey, survey))
    with pytest.raises(Conflict):
        writer.submit(Submission(survey, FULL, cleaned=FULL, survey_version=1))
    assert _stored(store, survey) == []


def test_a_group_that_fails_as_a_whole_is_written_one_by_one(writer, store, survey, monkeypatch):
    from surveys import responses

    real = responses.submit_many
    calls = []

    def flaky(session, group, *, secret):
        calls.append(len(group))
        if len(calls) == 1:
            raise RuntimeError("the connection went away mid-commit")
        return real(session, group, secret=secret)

    monkeypatch.setattr(responses, "submit_many", flaky)
    results = writer.write([Submission(survey, FULL, submission_key=f"k{i}") for i in range(3)])
    assert calls == [3, 1, 1, 1]
    assert all(isinstance(r, Submitted) and r.created for r in results)
    assert len(_stored(store, survey)) == 3


def test_a_submission_that_cannot_be_stored_raises_write_failed(writer, survey, monkeypatch):
    from surveys import responses

    def broken(session, group, *, secret):
        raise RuntimeError("disk full")

    monkeypatch.setattr(responses, "submit_many", broken)
    with pytest.raises(WriteFailed):
        writer.submit(Submission(survey, FULL))


def test_the_api_through_the_running_writer_stores_every_acknowledged_submission_once(app, store, survey):
    """Many residents at once, each sending twice with its own key (a retry): the writer's task
    groups them; every 201 is stored, each key once, each retry answered with the same receipt."""
    with app.app_context():
        writer = submissions.writer()
    assert writer.loop_enabled
    answers: dict[int, list] = {}

    def resident(i: int) -> None:
        client = app.test_client()
        got = []
        for _ in range(2):
            r = client.post(f"/api/v1/surveys/{survey}/responses", json={"answers": {**FULL, "visits": i}},
                            headers={"Idempotency-Key": f"resident-{i}"})
            got.append((r.status_code, r.json["receipt"]))
        answers[i] = got

    threads = [threading.Thread(target=resident, args=(i,)) for i in range(24)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(answers) == 24
    for got in answers.values():
        assert [status for status, _ in got] == [201, 200]
        assert got[0][1] == got[1][1]
    stored = _stored(store, survey)
    assert sorted(r.answers["visits"] for r in stored) == list(range(24))
    assert writer.submissions >= 48
    # One event per group: the running counts rise to 24 and the groups' counts add up to it.
    events = _events(store, survey)
    assert sum(e["received"] for e in events) == 24 and events[-1]["responses"] == 24
    assert [e["responses"] for e in events] == [sum(e["received"] for e in events[:n + 1]) for n in range(len(events))]


def test_the_survey_cache_prepares_a_held_surveys_rules_once(store, survey):
    """The endpoint checks every submission of the second against one set of rules: the cache
    prepares them on first use for the survey it holds, and afresh for any other copy."""
    cache = submissions.SurveyCache(seconds=60)
    loads = []

    def load(sid):
        loads.append(sid)
        with store.session() as s:
            return lifecycle.get_survey(s, sid)

    held = cache.get(survey, load)
    assert cache.get(survey, load) is held and loads == [survey]
    rules = cache.rules(held)
    assert cache.rules(held) is rules
    assert rules.clean(FULL) == submissions.responses.clean_answers(held, FULL)
    other_copy = load(survey)
    assert cache.rules(other_copy) is not rules  # not the survey the cache holds: prepared afresh

    expired = submissions.SurveyCache(seconds=0)
    first = expired.get(survey, load)
    first_rules = expired.rules(first)
    again = expired.get(survey, load)  # reloaded: a new copy gets its own rules
    assert again is not first and expired.rules(again) is not first_rules


def test_the_apps_writer_lingers_as_configured(app, database_url):
    """A group's look-ups, event and commit are shared by its submissions, so the writer waits
    ``SUBMISSION_WRITER_LINGER`` (2 ms) for others to join; a deployment can set it."""
    from engage import create_app

    with app.app_context():
        assert submissions.writer().linger == 0.002
    other = create_app({"DATABASE_URL": database_url, "SUBMISSION_WRITER_LINGER": 0.01})
    with other.app_context():
        assert submissions.writer().linger == 0.01
    other.extensions["engage.db"].engine.dispose()
