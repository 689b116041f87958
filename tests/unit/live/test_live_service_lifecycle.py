"""Issue 8 point 15: ending, archiving and deleting live sessions; changing and removing a
question while it has never been opened."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from commissioning_steps import evidence
from commissioning_steps.errors import Conflict, Invalid
from surveys.live import presence, results, running, sessions, voting
from surveys.live.errors import QuestionLocked, SessionEnded, UnknownSession
from surveys.live.events import (
    LiveQuestionChanged, LiveQuestionClosed, LiveQuestionRemoved, LiveSessionDeleted, LiveSessionEnded,
)
from surveys.live.models import (
    ARCHIVED, CLOSED, ENDED, NOT_STARTED, PENDING, RUNNING, LiveQuestion, LiveSession, ResultDisclosure,
)

from live_data import question

P1, P2 = "a" * 24, "b" * 24


def _poll_results(db, live):
    return [e for e in evidence.entries(db, live.commission_id) if e.kind == "poll_result"]


# -- ending ----------------------------------------------------------------------------------------


def test_ending_closes_the_open_question_with_its_evidence(db, live, owner, published):
    q = question(live, "multiple_choice", multiple=False)
    running.open_question(db, live, q.id, owner)
    voting.cast_vote(db, live, P1, q.id, "Lighting", "v1")
    assert live.status == RUNNING
    running.end_session(db, live, owner)
    assert q.state == CLOSED and live.ended and live.status == ENDED
    [entry] = _poll_results(db, live)
    assert entry.payload["question_id"] == q.id and entry.payload["total"] == 1
    kinds = [type(e) for e in published]
    assert kinds[-2:] == [LiveQuestionClosed, LiveSessionEnded]
    assert published[-1].closed_question_id == q.id


def test_ending_with_nothing_open_adds_no_evidence(db, live, owner, published):
    running.end_session(db, live, owner)
    assert _poll_results(db, live) == [] and published[-1].closed_question_id is None
    with pytest.raises(Conflict, match="ended already"):
        running.end_session(db, live, owner)


def test_an_ended_session_no_longer_joins_votes_or_runs(db, live, owner):
    q = question(live, "rating")
    running.open_question(db, live, q.id, owner)
    voting.cast_vote(db, live, P1, q.id, 4, "v1")
    running.end_session(db, live, owner)
    assert sessions.find_by_code(db, live.code).id == live.id  # still there, for the record
    with pytest.raises(SessionEnded, match="has ended"):
        sessions.find_joinable(db, live.code)
    assert voting.cast_vote(db, live, P1, q.id, 4, "v1").duplicate  # a late retry is still acknowledged
    with pytest.raises(SessionEnded):
        voting.cast_vote(db, live, P2, q.id, 3, "v2")
    for action in ("open", "reveal", "goto", "next"):
        with pytest.raises(SessionEnded):
            running.control(db, live, action, q.id, owner)
    with pytest.raises(SessionEnded):
        sessions.add_question(db, live, owner, {"type": "rating", "text": "More?"})
    assert results.tally(db, q)["total"] == 1


def test_moderation_still_applies_after_the_end(db, live, owner):
    q = question(live, "open_text")
    running.open_question(db, live, q.id, owner)
    outcome = voting.cast_vote(db, live, P1, q.id, "Something rude", "v1")
    running.end_session(db, live, owner)
    assert running.moderate(db, live, q.id, outcome.vote_id, "hide", owner) is True


# -- archiving -------------------------------------------------------------------------------------


def test_only_ended_sessions_are_archived_and_they_leave_the_default_list(db, live, owner, commission):
    with pytest.raises(Conflict, match="End the live session before archiving it"):
        sessions.archive_session(db, live, owner)
    running.end_session(db, live, owner)
    sessions.archive_session(db, live, owner)
    assert live.status == ARCHIVED
    assert sessions.sessions_for(db, commission.id) == []
    assert [s.id for s in sessions.sessions_for(db, commission.id, sessions.ONLY_ARCHIVED)] == [live.id]
    assert [s.id for s in sessions.sessions_for(db, commission.id, sessions.WITH_ARCHIVED)] == [live.id]
    assert sessions.archived_count(db, commission.id) == 1
    sessions.unarchive_session(db, live, owner)
    assert live.status == ENDED and [s.id for s in sessions.sessions_for(db, commission.id)] == [live.id]


# -- deleting --------------------------------------------------------------------------------------


def test_a_session_that_never_ran_can_be_deleted(db, live, owner, published):
    assert live.status == NOT_STARTED
    running.go_to(db, live, live.questions[0].id, owner)  # shown, never opened: still never ran
    running.record_watch(db, live, owner)
    presence.sync(db, "proc", {live.id: {P1}})
    session_id, code, count = live.id, live.code, len(live.questions)
    sessions.delete_session(db, live, owner)
    assert db.get(LiveSession, session_id) is None
    assert db.scalar(select(func.count()).select_from(LiveQuestion).where(LiveQuestion.session_id == session_id)) == 0
    assert db.scalar(select(func.count()).select_from(ResultDisclosure)) == 0
    assert isinstance(published[-1], LiveSessionDeleted) and published[-1].questions == count
    with pytest.raises(UnknownSession):
        sessions.find_by_code(db, code)


def test_a_session_that_ran_is_kept(db, live, owner):
    q = live.questions[0]
    running.open_question(db, live, q.id, owner)
    running.close_question(db, live, q.id, owner)
    with pytest.raises(Conflict, match="has been run, so it is kept"):
        sessions.delete_session(db, live, owner)
    running.end_session(db, live, owner)
    with pytest.raises(Conflict):
        sessions.delete_session(db, live, owner)
    assert db.get(LiveSession, live.id) is not None


# -- changing and removing questions ------------------------------------------------------------


def test_a_pending_question_can_be_changed_even_to_another_type(db, live, owner, published):
    q = question(live, "rating")
    sessions.edit_question(db, live, q.id, owner, {"type": "multiple_choice", "text": "Which night?",
                                                   "options": ["Friday", "Saturday"]})
    assert db.get(LiveQuestion, q.id).definition == {"type": "multiple_choice", "text": "Which night?",
                                                     "options": ["Friday", "Saturday"], "multiple": False}
    assert isinstance(published[-1], LiveQuestionChanged) and published[-1].question_id == q.id


def test_a_bad_change_is_refused_naming_the_field_and_changes_nothing(db, live, owner):
    q = question(live, "rating")
    before = dict(q.definition)
    index = live.questions.index(q)
    with pytest.raises(Invalid) as exc:
        sessions.edit_question(db, live, q.id, owner, {"type": "rating", "text": "How safe?", "min": 5, "max": 2})
    assert exc.value.fields == {f"questions.{index}.max": "The highest point must be more than the lowest"}
    db.rollback()
    assert db.get(LiveQuestion, q.id).definition == before


def test_an_opened_question_cannot_be_changed_or_removed(db, live, owner):
    q = question(live, "rating")
    running.open_question(db, live, q.id, owner)
    running.close_question(db, live, q.id, owner)
    with pytest.raises(QuestionLocked, match="has been opened for voting"):
        sessions.edit_question(db, live, q.id, owner, {"type": "rating", "text": "Changed"})
    with pytest.raises(QuestionLocked):
        sessions.remove_question(db, live, q.id, owner)


def test_removing_the_question_on_the_screen_leaves_phones_waiting(db, live, owner, published):
    first, second = live.questions[0], live.questions[1]
    running.go_to(db, live, first.id, owner)
    running.record_watch(db, live, owner)
    sessions.remove_question(db, live, first.id, owner)
    db.expire_all()
    live = db.get(LiveSession, live.id)
    assert live.current_question_id is None and db.get(LiveQuestion, first.id) is None
    assert live.questions[0].id == second.id and live.questions[0].state == PENDING
    [watch] = db.scalars(select(ResultDisclosure)).all()
    assert watch.question_id is None  # the viewing stays recorded, against the session
    assert isinstance(published[-1], LiveQuestionRemoved)
    sessions.add_question(db, live, owner, {"type": "rating", "text": "Added after a removal"})
    assert live.questions[-1].text == "Added after a removal"


def test_an_ended_session_keeps_its_questions(db, live, owner):
    running.end_session(db, live, owner)
    with pytest.raises(SessionEnded):
        sessions.edit_question(db, live, live.questions[0].id, owner, {"type": "rating", "text": "No"})
    with pytest.raises(SessionEnded):
        sessions.remove_question(db, live, live.questions[0].id, owner)
