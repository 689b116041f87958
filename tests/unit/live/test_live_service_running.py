"""surveys.live.running: the presenter's controls, the evidence closing leaves, moderation, and
the record of who saw results when."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from commissioning_steps import evidence
from commissioning_steps.commissions import Commission
from commissioning_steps.errors import Conflict
from surveys.live import presence, results, running, voting
from surveys.live.errors import InvalidValue, QuestionNotOpen, UnknownEntry, UnknownQuestion
from surveys.live.events import (
    CurrentQuestionChanged, EntryModerated, PresenterWatching, LiveQuestionClosed,
    QuestionOpened, ResultsHidden, ResultsRevealed,
)
from surveys.live.models import CLOSED, OPEN, PENDING, LiveVote

from live_data import question

P1, P2, P3 = "a" * 24, "b" * 24, "c" * 24


def _do(db, fn, *args):
    out = fn(db, *args)
    db.commit()
    return out


def _states(live):
    return [q.state for q in live.questions]


def test_opening_makes_a_question_current_and_closes_any_other(db, live, owner, published):
    first, second = live.questions[0], live.questions[2]
    _do(db, running.open_question, live, first.id, owner)
    assert live.current_question_id == first.id and first.state == OPEN
    _do(db, running.open_question, live, second.id, owner)
    assert live.current_question_id == second.id
    assert (first.state, second.state) == (CLOSED, OPEN)
    assert [s for s in _states(live) if s == OPEN] == [OPEN]
    assert [type(e) for e in published] == [QuestionOpened, LiveQuestionClosed, QuestionOpened]


def test_opening_an_open_question_again_changes_nothing(db, live, owner, published):
    first = live.questions[0]
    _do(db, running.open_question, live, first.id, owner)
    _do(db, running.open_question, live, first.id, owner)
    assert [type(e) for e in published] == [QuestionOpened]


def test_moving_on_closes_the_open_question_and_shows_the_next_unopened(db, live, owner, published):
    first = live.questions[0]
    _do(db, running.move, live, 1, owner)
    assert live.current_question_id == first.id and first.state == PENDING
    _do(db, running.open_question, live, first.id, owner)
    _do(db, running.move, live, 1, owner)
    assert live.current_question_id == live.questions[1].id
    assert first.state == CLOSED and live.questions[1].state == PENDING
    _do(db, running.move, live, -1, owner)
    assert live.current_question_id == first.id and first.state == CLOSED
    assert [type(e) for e in published] == [CurrentQuestionChanged, QuestionOpened, LiveQuestionClosed,
                                            CurrentQuestionChanged, CurrentQuestionChanged]


def test_there_is_no_question_before_the_first_or_after_the_last(db, live, owner):
    _do(db, running.move, live, 1, owner)
    with pytest.raises(Conflict, match="no previous question"):
        running.move(db, live, -1, owner)
    db.rollback()
    running.go_to(db, live, live.questions[-1].id, owner)
    db.commit()
    with pytest.raises(Conflict, match="no next question"):
        running.move(db, live, 1, owner)


def test_a_session_without_questions_cannot_move(db, commission, owner):
    from surveys.live import sessions

    empty = sessions.create_session(db, commission, owner, title="Empty", step="initiate")
    db.commit()
    with pytest.raises(Conflict, match="no questions yet"):
        running.move(db, empty, 1, owner)


def test_closing_needs_an_open_question(db, live, owner):
    with pytest.raises(QuestionNotOpen):
        running.close_question(db, live, live.questions[0].id, owner)
    db.rollback()
    with pytest.raises(UnknownQuestion):
        running.close_question(db, live, 123456, owner)


def test_closing_appends_the_final_tally_to_the_steps_evidence(db, live, owner, commission):
    q = question(live, "multiple_choice", multiple=False)
    _do(db, running.open_question, live, q.id, owner)
    for participant, value in ((P1, "Lighting"), (P2, "Lighting"), (P3, "Benches")):
        voting.cast_vote(db, live, participant, q.id, value, "v")
        db.commit()
    presence.sync(db, "proc-a", {live.id: {P1, P2, P3, "d" * 24}})
    db.commit()
    _do(db, running.close_question, live, q.id, owner)
    entry = db.get(evidence.EvidenceEntry, q.evidence_entry_id)
    assert entry.kind == "poll_result" and entry.source == "automatic" and entry.author == "system"
    assert entry.step == "initiate"
    assert entry.practice_question.startswith("How can local people help collect information")
    assert entry.payload["counts"] == {"Playground": 0, "Lighting": 2, "Benches": 1}
    assert entry.payload["total"] == 3 and entry.payload["participants"] == 4
    assert entry.payload["results_shown_while_open"] is False
    assert "3 responses" in entry.summary and "4 participants" in entry.summary
    assert "Chosen most: “Lighting”" in entry.summary
    c = db.get(Commission, live.commission_id)
    assert evidence.verify(db, c).ok


def test_closing_again_after_reopening_adds_a_result_that_names_the_first(db, live, owner):
    q = question(live, "rating")
    _do(db, running.open_question, live, q.id, owner)
    _do(db, voting.cast_vote, live, P1, q.id, 2, "r1")
    _do(db, running.close_question, live, q.id, owner)
    first_entry = q.evidence_entry_id
    _do(db, running.open_question, live, q.id, owner)
    _do(db, voting.cast_vote, live, P2, q.id, 4, "r2")
    _do(db, running.close_question, live, q.id, owner)
    first = db.get(evidence.EvidenceEntry, first_entry)
    second = db.get(evidence.EvidenceEntry, q.evidence_entry_id)
    assert first.payload["total"] == 1 and first.payload["counts"]["2"] == 1
    assert second.id != first.id and second.payload["total"] == 2
    assert second.payload["counts"] == {"1": 0, "2": 1, "3": 0, "4": 1, "5": 0}
    assert second.payload["mean"] == 3.0 and second.payload["updates_entry"] == first.seq
    assert f"earlier result (entry {first.seq})" in second.summary
    assert evidence.verify(db, db.get(Commission, live.commission_id)).ok


def test_free_text_results_keep_residents_words_out_of_the_log(db, live, owner):
    open_text = question(live, "open_text")
    _do(db, running.open_question, live, open_text.id, owner)
    _do(db, voting.cast_vote, live, P1, open_text.id, "Email me at sam@example.org about lights", "o1")
    _do(db, voting.cast_vote, live, P2, open_text.id, "More bins", "o2")
    vote = db.scalar(select(LiveVote).where(LiveVote.participant == P1, LiveVote.question_id == open_text.id))
    _do(db, running.moderate, live, open_text.id, vote.id, "hide", owner)
    _do(db, running.close_question, live, open_text.id, owner)
    entry = db.get(evidence.EvidenceEntry, open_text.evidence_entry_id)
    assert entry.payload["total"] == 2 and entry.payload["hidden_by_moderator"] == 1
    assert "bins" not in str(entry.payload) and "resident input" in entry.summary

    cloud = question(live, "word_cloud")
    _do(db, running.open_question, live, cloud.id, owner)
    _do(db, voting.cast_vote, live, P1, cloud.id, "Greener", "w1")
    _do(db, voting.cast_vote, live, P2, cloud.id, "0208 123 4567", "w2")
    _do(db, running.close_question, live, cloud.id, owner)
    entry = db.get(evidence.EvidenceEntry, cloud.evidence_entry_id)
    assert entry.payload["phrases"] == {"greener": 1}  # the phone number is left out, not refused
    assert entry.payload["distinct_phrases"] == 2


def test_qa_results_count_questions_answered_and_hidden(db, live, owner):
    qa = question(live, "qa")
    _do(db, running.open_question, live, qa.id, owner)
    first = _do(db, voting.ask, live, P1, "Lit paths?")
    second = _do(db, voting.ask, live, P2, "Dogs?")
    _do(db, voting.ask, live, P3, "Bins?")
    _do(db, running.moderate, live, qa.id, first.id, "answered", owner)
    _do(db, running.moderate, live, qa.id, second.id, "hide", owner)
    _do(db, running.close_question, live, qa.id, owner)
    entry = db.get(evidence.EvidenceEntry, qa.evidence_entry_id)
    assert (entry.payload["total"], entry.payload["answered"], entry.payload["hidden_by_moderator"]) == (3, 1, 1)
    assert "3 questions from the room" in entry.summary


def test_revealing_and_hiding_are_recorded_with_the_state_of_the_vote(db, live, owner, published):
    q = question(live, "multiple_choice", multiple=False)
    _do(db, running.open_question, live, q.id, owner)
    _do(db, voting.cast_vote, live, P1, q.id, "Benches", "v")
    presence.sync(db, "proc-a", {live.id: {P1, P2}})
    db.commit()
    _do(db, running.reveal_results, live, q.id, owner)
    _do(db, running.reveal_results, live, q.id, owner)  # already shown: not recorded twice
    _do(db, running.hide_results, live, q.id, owner)
    rows = running.disclosures(db, live)
    assert [(d.action, d.question_state, d.responses, d.participants, d.staff_id) for d in rows] == [
        ("revealed", "open", 1, 2, owner.id), ("hidden", "open", 1, 2, owner.id)]
    assert [type(e) for e in published][-2:] == [ResultsRevealed, ResultsHidden]
    _do(db, running.close_question, live, q.id, owner)
    entry = db.get(evidence.EvidenceEntry, q.evidence_entry_id)
    assert entry.payload["results_shown_while_open"] is True


def test_a_staff_screen_receiving_results_is_recorded(db, live, owner, published):
    _do(db, running.open_question, live, live.questions[0].id, owner)
    row = _do(db, running.record_watch, live, owner)
    assert (row.action, row.staff_id, row.question_id, row.question_state) == (
        "watched", owner.id, live.questions[0].id, "open")
    assert isinstance(published[-1], PresenterWatching) and published[-1].staff_id == owner.id


def test_a_screen_that_reconnects_at_once_is_one_viewing(db, live, owner, world, monkeypatch):
    from datetime import timedelta

    from commissioning_steps import staff
    from commissioning_steps.db import utcnow

    first = _do(db, running.record_watch, live, owner)
    assert _do(db, running.record_watch, live, owner).id == first.id
    other = world.user("cara@example.org", staff.COMMISSIONER, "Cara")
    assert _do(db, running.record_watch, live, other).id != first.id
    later = utcnow() + running.WATCH_WINDOW + timedelta(seconds=1)
    monkeypatch.setattr(running, "utcnow", lambda: later)
    assert _do(db, running.record_watch, live, owner).id != first.id
    assert len(running.disclosures(db, live)) == 3


def test_moderation_hides_from_phones_but_not_from_staff_or_the_record(db, live, owner, published):
    q = question(live, "open_text")
    _do(db, running.open_question, live, q.id, owner)
    _do(db, voting.cast_vote, live, P1, q.id, "Rude words", "o1")
    _do(db, voting.cast_vote, live, P2, q.id, "Kind words", "o2")
    rude = db.scalar(select(LiveVote.id).where(LiveVote.participant == P1, LiveVote.question_id == q.id))
    assert _do(db, running.moderate, live, q.id, rude, "hide", owner) is True
    assert _do(db, running.moderate, live, q.id, rude, "hide", owner) is False
    assert [e["text"] for e in results.entries(db, q)["entries"]] == ["Kind words"]
    staff_view = results.entries(db, q, include_hidden=True)["entries"]
    assert {(e["text"], e["hidden"]) for e in staff_view} == {("Rude words", True), ("Kind words", False)}
    kept = results.resident_input(db, live.commission_id, session_id=live.id)
    assert {(i.text, i.hidden) for i in kept} == {("Rude words", True), ("Kind words", False)}
    assert len([e for e in published if isinstance(e, EntryModerated)]) == 1
    # A new answer from the same phone is not the one that was hidden.
    _do(db, voting.cast_vote, live, P1, q.id, "Sorry, kinder words", "o3")
    assert len(results.entries(db, q)["entries"]) == 2


@pytest.mark.parametrize("kind, action, error", [
    ("rating", "hide", InvalidValue), ("open_text", "answered", InvalidValue), ("qa", "delete", InvalidValue),
])
def test_moderation_only_fits_listed_answers(db, live, owner, kind, action, error):
    q = question(live, kind)
    with pytest.raises(error):
        running.moderate(db, live, q.id, 1, action, owner)


def test_moderating_an_entry_of_another_question_is_refused(db, live, owner):
    qa = question(live, "qa")
    _do(db, running.open_question, live, qa.id, owner)
    entry = _do(db, voting.ask, live, P1, "Why?")
    with pytest.raises(UnknownEntry):
        running.moderate(db, live, question(live, "open_text").id, entry.id, "hide", owner)
    with pytest.raises(UnknownEntry):
        running.moderate(db, live, qa.id, "1", "hide", owner)


def test_resident_input_gathers_words_from_every_session_of_the_commission(db, live, owner):
    cloud, qa = question(live, "word_cloud"), question(live, "qa")
    _do(db, running.open_question, live, cloud.id, owner)
    _do(db, voting.cast_vote, live, P1, cloud.id, "Trees", "w")
    _do(db, running.open_question, live, qa.id, owner)
    entry = _do(db, voting.ask, live, P2, "More trees?")
    _do(db, voting.upvote, live, P1, entry.id)
    items = results.resident_input(db, live.commission_id)
    assert [(i.kind, i.text, i.upvotes) for i in items] == [("word_cloud", "Trees", 0), ("qa", "More trees?", 1)]
    assert results.resident_input(db, live.commission_id, step="investigate") == []
