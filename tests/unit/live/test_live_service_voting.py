"""surveys.live.voting: one vote per participant per question, replaced while open, retries
counted once, refusals that change nothing; Q&A questions and up-votes."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from surveys.live import results, running, voting
from surveys.live.errors import InvalidValue, QuestionNotOpen, TooLong, UnknownEntry, UnknownQuestion
from surveys.live.events import EntryPosted, EntryUpvoted, VoteCast
from surveys.live.models import LiveEntry, LiveQuestion, LiveUpvote, LiveVote, LiveVoteReceipt

from live_data import question

P1, P2 = "a" * 24, "b" * 24


def _open(db, live, owner, q):
    running.open_question(db, live, q.id, owner)
    db.commit()
    return q


def _vote(db, live, participant, q, value, cvid):
    outcome = voting.cast_vote(db, live, participant, q.id, value, cvid)
    db.commit()
    return outcome


def _stored(db, q):
    return db.scalar(select(func.count()).select_from(LiveVote).where(LiveVote.question_id == q.id))


def _seq(db, q):
    return db.scalar(select(LiveQuestion.seq).where(LiveQuestion.id == q.id))


def test_a_vote_is_stored_once_and_voting_again_replaces_it(db, live, owner, published):
    q = _open(db, live, owner, question(live, "multiple_choice", multiple=False))
    _vote(db, live, P1, q, "Lighting", "v1")
    _vote(db, live, P2, q, "Benches", "v2")
    _vote(db, live, P1, q, "Benches", "v3")
    assert _stored(db, q) == 2
    assert results.tally(db, q)["counts"] == {"Playground": 0, "Lighting": 0, "Benches": 2}
    assert results.vote_of(db, q, P1) == "Benches"
    votes = [e for e in published if isinstance(e, VoteCast)]
    assert [e.seq for e in votes] == [1, 2, 3] and _seq(db, q) == 3


def test_the_same_answer_again_is_accepted_without_a_new_seq(db, live, owner, published):
    q = _open(db, live, owner, question(live, "rating"))
    _vote(db, live, P1, q, 4, "v1")
    outcome = _vote(db, live, P1, q, "4", "v2")  # a form's text is the same whole number
    assert outcome.changed is False and _seq(db, q) == 1
    assert len([e for e in published if isinstance(e, VoteCast)]) == 1


def test_a_retried_client_vote_id_counts_once_even_after_a_later_vote(db, live, owner):
    q = _open(db, live, owner, question(live, "multiple_choice", multiple=False))
    first = _vote(db, live, P1, q, "Lighting", "retry-me")
    _vote(db, live, P1, q, "Benches", "second")
    again = _vote(db, live, P1, q, "Lighting", "retry-me")  # the first vote's ack was lost; it arrives late
    assert again.duplicate and not again.changed and again.vote_id == first.vote_id
    assert results.vote_of(db, q, P1) == "Benches"
    assert _seq(db, q) == 2
    assert db.scalar(select(func.count()).select_from(LiveVoteReceipt)) == 2


def test_a_retry_after_the_close_is_acknowledged_because_the_vote_was_counted(db, live, owner):
    q = _open(db, live, owner, question(live, "word_cloud"))
    _vote(db, live, P1, q, "Safer", "w1")
    running.close_question(db, live, q.id, owner)
    db.commit()
    assert _vote(db, live, P1, q, "Safer", "w1").duplicate
    with pytest.raises(QuestionNotOpen):
        voting.cast_vote(db, live, P1, q.id, "Greener", "w2")


def test_client_vote_ids_are_per_participant(db, live, owner):
    q = _open(db, live, owner, question(live, "rating"))
    _vote(db, live, P1, q, 2, "same-id")
    assert not _vote(db, live, P2, q, 5, "same-id").duplicate
    assert results.tally(db, q)["total"] == 2


@pytest.mark.parametrize("cvid, error", [(None, InvalidValue), ("", InvalidValue), ("   ", InvalidValue),
                                         ("x" * 65, TooLong), (7, InvalidValue)])
def test_a_vote_needs_a_client_vote_id(db, live, owner, cvid, error):
    q = _open(db, live, owner, question(live, "rating"))
    with pytest.raises(error):
        voting.cast_vote(db, live, P1, q.id, 3, cvid)


def test_votes_on_a_question_that_is_not_open_are_refused_with_a_reason(db, live, owner):
    mc = question(live, "multiple_choice", multiple=False)
    rating = question(live, "rating")
    with pytest.raises(UnknownQuestion, match="not the one on the screen"):
        voting.cast_vote(db, live, P1, mc.id, "Lighting", "a")
    db.rollback()
    running.go_to(db, live, mc.id, owner)
    db.commit()
    with pytest.raises(QuestionNotOpen, match="not opened yet"):
        voting.cast_vote(db, live, P1, mc.id, "Lighting", "a")
    db.rollback()
    _open(db, live, owner, mc)
    with pytest.raises(UnknownQuestion, match="not the one on the screen"):
        voting.cast_vote(db, live, P1, rating.id, 3, "b")
    db.rollback()
    running.close_question(db, live, mc.id, owner)
    db.commit()
    with pytest.raises(QuestionNotOpen, match="has closed"):
        voting.cast_vote(db, live, P1, mc.id, "Lighting", "c")
    db.rollback()
    assert _stored(db, mc) == 0 and db.scalar(select(func.count()).select_from(LiveVoteReceipt)) == 0


@pytest.mark.parametrize("question_id", [999999, "7", None, True, 3.0])
def test_unknown_question_ids_are_refused(db, live, owner, question_id):
    _open(db, live, owner, question(live, "rating"))
    with pytest.raises(UnknownQuestion):
        voting.cast_vote(db, live, P1, question_id, 3, "x")


@pytest.mark.parametrize("kind, multiple, value, error, words", [
    ("multiple_choice", False, "Swings", InvalidValue, "Choose one of the options"),
    ("multiple_choice", False, ["Lighting", "Benches"], InvalidValue, "Choose one option"),
    ("multiple_choice", False, "", InvalidValue, "Choose at least one option"),
    ("multiple_choice", True, ["Bus", "Bus"], InvalidValue, "only once"),
    ("multiple_choice", True, ["Tram"], InvalidValue, "from the options"),
    ("rating", None, 6, InvalidValue, "between 1 and 5"),
    ("rating", None, 2.5, InvalidValue, "whole number"),
    ("rating", None, True, InvalidValue, "whole number"),
    ("rating", None, {"n": 3}, InvalidValue, "whole number"),
    ("word_cloud", None, "x" * 41, TooLong, "40 characters"),
    ("word_cloud", None, "!!!", InvalidValue, "word or short phrase"),
    ("word_cloud", None, 12, InvalidValue, "word or short phrase"),
    ("ranking", None, ["A", "B"], InvalidValue, "all 3 options"),
    ("ranking", None, ["A", "A", "B"], InvalidValue, "only once"),
    ("ranking", None, "A", InvalidValue, "all 3 options"),
    ("open_text", None, "y" * 281, TooLong, "280 characters"),
    ("open_text", None, "   ", InvalidValue, "Enter your answer"),
    ("open_text", None, "nul\x00here", InvalidValue, "cannot be saved"),
    ("qa", None, "A question?", InvalidValue, "send your question instead"),
])
def test_values_that_do_not_fit_the_question_are_refused_and_store_nothing(db, live, owner, kind, multiple, value,
                                                                           error, words):
    q = _open(db, live, owner, question(live, kind, multiple))
    with pytest.raises(error) as caught:
        voting.cast_vote(db, live, P1, q.id, value, "v")
    db.rollback()
    assert words in caught.value.message
    assert _stored(db, q) == 0 and _seq(db, q) == 0


def test_values_are_stored_in_their_clean_form(db, live, owner):
    checks = [("multiple_choice", True, ["Car", "Bus"], ["Bus", "Car"]),
              ("rating", None, "3", 3),
              ("word_cloud", None, "  Safer streets ", ["Safer streets"]),
              ("ranking", None, ["C", "A", "B"], ["C", "A", "B"])]
    for kind, multiple, value, stored in checks:
        q = _open(db, live, owner, question(live, kind, multiple))
        _vote(db, live, P1, q, value, f"v-{kind}")
        assert results.vote_of(db, q, P1) == stored


def test_tallies_follow_the_registry_with_string_keys(db, live, owner):
    rating = _open(db, live, owner, question(live, "rating"))
    for i, value in enumerate([5, 4, 4, 1]):
        _vote(db, live, f"{i:024d}", rating, value, "r")
    tally = results.tally(db, rating)
    assert tally["counts"] == {"1": 1, "2": 0, "3": 0, "4": 2, "5": 1}
    assert tally["total"] == 4 and tally["mean"] == 3.5 and tally["seq"] == 4
    assert [row["label"] for row in tally["chart"]] == ["1", "2", "3", "4", "5"]
    cloud = _open(db, live, owner, question(live, "word_cloud"))
    for i, value in enumerate(["Green", "green!", "Safe"]):
        _vote(db, live, f"{i:024d}", cloud, value, "w")
    assert results.tally(db, cloud)["counts"] == {"green": 2, "safe": 1}
    ranking = _open(db, live, owner, question(live, "ranking"))
    _vote(db, live, P1, ranking, ["C", "A", "B"], "k1")
    _vote(db, live, P2, ranking, ["C", "B", "A"], "k2")
    tally = results.tally(db, ranking)
    assert tally["counts"] == {"A": 1, "B": 1, "C": 4}
    assert tally["chart"][0]["label"] == "C"  # best first: the order is the result


def test_a_big_word_cloud_sends_only_its_most_frequent_phrases(db, live, owner):
    q = _open(db, live, owner, question(live, "word_cloud"))
    for i in range(results.WORD_CLOUD_LIMIT + 5):
        db.add(LiveVote(question_id=q.id, participant=f"{i:024d}", value=f"word{i:03d}"))
    db.commit()
    tally = results.tally(db, q)
    assert len(tally["counts"]) == len(tally["chart"]) == results.WORD_CLOUD_LIMIT and tally["more"] == 5
    assert tally["total"] == results.WORD_CLOUD_LIMIT + 5


# -- Q&A --------------------------------------------------------------------------------------


def test_asking_and_up_voting_on_an_open_qa(db, live, owner, published):
    q = _open(db, live, owner, question(live, "qa"))
    first = voting.ask(db, live, P1, "  Will the path be lit in winter?  ")
    db.commit()
    second = voting.ask(db, live, P2, "When does work start?")
    db.commit()
    assert first.text == "Will the path be lit in winter?"
    assert voting.upvote(db, live, P2, first.id) is True
    db.commit()
    assert voting.upvote(db, live, P2, first.id) is False  # repeating is a no-op
    db.commit()
    assert voting.upvote(db, live, P1, second.id) is True
    db.commit()
    voting.upvote(db, live, P2, second.id)
    db.commit()
    listed = results.entries(db, q)
    assert [(e["text"], e["upvotes"]) for e in listed["entries"]] == [
        ("Will the path be lit in winter?", 1), ("When does work start?", 2)][::-1]
    assert results.upvoted_by(db, q, P2) == [first.id, second.id]
    assert [type(e) for e in published if isinstance(e, (EntryPosted, EntryUpvoted))] == [
        EntryPosted, EntryPosted, EntryUpvoted, EntryUpvoted, EntryUpvoted]
    assert listed["seq"] == _seq(db, q) == 5


def test_ties_in_upvotes_keep_the_oldest_first(db, live, owner):
    q = _open(db, live, owner, question(live, "qa"))
    ids = []
    for text in ("First", "Second", "Third"):
        ids.append(voting.ask(db, live, P1, text).id)
        db.commit()
    assert [e["id"] for e in results.entries(db, q)["entries"]] == ids


@pytest.mark.parametrize("text, error", [("", InvalidValue), ("   ", InvalidValue), (None, InvalidValue),
                                         ("x" * 281, TooLong), ("a\x00b", InvalidValue)])
def test_bad_questions_from_the_room_are_refused(db, live, owner, text, error):
    _open(db, live, owner, question(live, "qa"))
    with pytest.raises(error):
        voting.ask(db, live, P1, text)


def test_asking_needs_an_open_qa_on_the_screen(db, live, owner):
    with pytest.raises(UnknownQuestion):
        voting.ask(db, live, P1, "Anyone there?")
    db.rollback()
    _open(db, live, owner, question(live, "rating"))
    with pytest.raises(InvalidValue, match="not a Q&A"):
        voting.ask(db, live, P1, "Is this a Q&A?")
    db.rollback()
    qa = question(live, "qa")
    running.go_to(db, live, qa.id, owner)
    db.commit()
    with pytest.raises(QuestionNotOpen):
        voting.ask(db, live, P1, "Open yet?")


def test_one_participant_cannot_bury_the_qa(db, live, owner):
    q = _open(db, live, owner, question(live, "qa"))
    for i in range(voting.ASK_LIMIT_PER_PARTICIPANT):
        voting.ask(db, live, P1, f"Question {i}")
    db.commit()
    with pytest.raises(InvalidValue, match="asked 20 questions already"):
        voting.ask(db, live, P1, "One more")
    db.rollback()
    voting.ask(db, live, P2, "Mine")
    db.commit()
    assert db.scalar(select(func.count()).select_from(LiveEntry).where(LiveEntry.question_id == q.id)) == 21


def test_up_votes_need_a_visible_entry_of_this_session_on_an_open_qa(db, live, owner, commission):
    from surveys.live import sessions

    q = _open(db, live, owner, question(live, "qa"))
    entry = voting.ask(db, live, P1, "Lit paths?")
    db.commit()
    with pytest.raises(UnknownEntry):
        voting.upvote(db, live, P2, 999999)
    other = sessions.create_session(db, commission, owner, title="Other", step="initiate",
                                    questions=[{"type": "qa", "text": "Other Q&A"}])
    db.commit()
    with pytest.raises(UnknownEntry):
        voting.upvote(db, other, P2, entry.id)
    running.moderate(db, live, q.id, entry.id, "hide", owner)
    db.commit()
    with pytest.raises(UnknownEntry, match="hidden"):
        voting.upvote(db, live, P2, entry.id)
    db.rollback()
    running.moderate(db, live, q.id, entry.id, "show", owner)
    running.close_question(db, live, q.id, owner)
    db.commit()
    with pytest.raises(QuestionNotOpen):
        voting.upvote(db, live, P2, entry.id)
    db.rollback()
    assert db.scalar(select(func.count()).select_from(LiveUpvote)) == 0
