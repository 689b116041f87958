"""Issue 8 point 19: a word cloud takes several words per participant (``max_words``, 3 unless
set), each stored and counted on its own; nothing is replaced silently, a participant's words
count once each, and one can be taken back while voting is open."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from commissioning_steps import evidence
from surveys.live import results, running, sessions, voting
from surveys.live.errors import InvalidValue, QuestionNotOpen, UnknownEntry
from surveys.live.events import VoteCast, VoteWithdrawn
from surveys.live.models import LiveVote

from live_data import question

P1, P2, P3 = "a" * 24, "b" * 24, "c" * 24


@pytest.fixture
def cloud(db, live, owner):
    q = question(live, "word_cloud")
    assert q.definition["max_words"] == 3  # the default
    running.open_question(db, live, q.id, owner)
    return q


def _rows(db, q, participant=P1):
    return [(v.slot, v.value) for v in db.scalars(select(LiveVote).where(
        LiveVote.question_id == q.id, LiveVote.participant == participant).order_by(LiveVote.id))]


def test_every_word_a_phone_sends_is_stored_and_counted(db, live, cloud):
    voting.cast_vote(db, live, P1, cloud.id, "Transport", "v1")
    voting.cast_vote(db, live, P1, cloud.id, "Parking", "v2")
    voting.cast_vote(db, live, P2, cloud.id, "transport!", "v3")
    assert _rows(db, cloud) == [(0, "Transport"), (1, "Parking")]
    assert results.vote_of(db, cloud, P1) == ["Transport", "Parking"]
    tally = results.tally(db, cloud)
    assert tally["counts"] == {"transport": 2, "parking": 1}
    assert tally["total"] == 2 and tally["words"] == 3  # two people, three words
    assert [row["percent"] for row in tally["chart"]] == [100.0, 50.0]  # of the people who answered


def test_the_same_word_twice_is_refused_not_counted_twice(db, live, cloud):
    voting.cast_vote(db, live, P1, cloud.id, "Transport", "v1")
    with pytest.raises(InvalidValue, match="You have sent “transport.” already"):
        voting.cast_vote(db, live, P1, cloud.id, "transport.", "v2")
    db.rollback()
    assert _rows(db, cloud) == [(0, "Transport")]
    assert results.tally(db, cloud)["counts"] == {"transport": 1}


def test_one_more_than_allowed_is_refused_saying_what_to_do(db, live, cloud, published):
    for n, word in enumerate(("Buses", "Trees", "Bins"), start=1):
        voting.cast_vote(db, live, P1, cloud.id, word, f"v{n}")
    with pytest.raises(InvalidValue, match="You can send 3 answers to this question and have sent them all. "
                                           "Remove one of yours to send another."):
        voting.cast_vote(db, live, P1, cloud.id, "Lights", "v4")
    db.rollback()
    assert [value for _, value in _rows(db, cloud)] == ["Buses", "Trees", "Bins"]  # nothing replaced
    voting.withdraw(db, live, P1, cloud.id, "TREES", "v5")
    voting.cast_vote(db, live, P1, cloud.id, "Lights", "v6")
    assert _rows(db, cloud) == [(0, "Buses"), (2, "Bins"), (1, "Lights")]  # the freed slot is reused
    kinds = [type(e) for e in published if isinstance(e, (VoteCast, VoteWithdrawn))]
    assert kinds == [VoteCast, VoteCast, VoteCast, VoteWithdrawn, VoteCast]
    assert [e.seq for e in published if isinstance(e, (VoteCast, VoteWithdrawn))] == [1, 2, 3, 4, 5]


def test_one_word_each_is_a_setting_and_is_never_replaced_silently(db, live, owner):
    q = sessions.add_question(db, live, owner, {"type": "word_cloud", "text": "One word", "max_words": 1})
    running.open_question(db, live, q.id, owner)
    voting.cast_vote(db, live, P1, q.id, "Shade", "v1")
    with pytest.raises(InvalidValue, match="You can send 1 answer to this question and have sent it"):
        voting.cast_vote(db, live, P1, q.id, "Sun", "v2")
    db.rollback()
    assert results.vote_of(db, q, P1) == ["Shade"]


def test_retries_count_once_for_sending_and_taking_back(db, live, cloud):
    voting.cast_vote(db, live, P1, cloud.id, "Buses", "v1")
    assert voting.cast_vote(db, live, P1, cloud.id, "Buses", "v1").duplicate
    assert voting.withdraw(db, live, P1, cloud.id, "Buses", "w1").changed
    assert voting.withdraw(db, live, P1, cloud.id, "Buses", "w1").duplicate
    voting.cast_vote(db, live, P1, cloud.id, "Buses", "v2")  # sent again on purpose: a new id
    assert _rows(db, cloud) == [(0, "Buses")]


def test_taking_back_applies_to_ones_own_words_while_open(db, live, owner, cloud):
    voting.cast_vote(db, live, P1, cloud.id, "Buses", "v1")
    with pytest.raises(UnknownEntry):
        voting.withdraw(db, live, P2, cloud.id, "Buses", "w1")  # someone else's word
    with pytest.raises(UnknownEntry):
        voting.withdraw(db, live, P1, cloud.id, "Trains", "w2")
    running.close_question(db, live, cloud.id, owner)
    with pytest.raises(QuestionNotOpen):
        voting.withdraw(db, live, P1, cloud.id, "Buses", "w3")
    rating = question(live, "rating")
    running.open_question(db, live, rating.id, owner)
    voting.cast_vote(db, live, P1, rating.id, 4, "r1")
    with pytest.raises(InvalidValue, match="changed, not taken back"):
        voting.withdraw(db, live, P1, rating.id, 4, "w4")


def test_the_poll_result_counts_people_and_words(db, live, owner, cloud):
    for participant, words in ((P1, ["Buses", "Trees"]), (P2, ["buses"]), (P3, ["Bins", "Lights", "Trees"])):
        for n, word in enumerate(words):
            voting.cast_vote(db, live, participant, cloud.id, word, f"{participant}-{n}")
    running.close_question(db, live, cloud.id, owner)
    entry = db.get(evidence.EvidenceEntry, cloud.evidence_entry_id)
    assert entry.payload["total"] == 3 and entry.payload["words"] == 6 and entry.payload["max_words"] == 3
    assert entry.payload["phrases"] == {"buses": 2, "trees": 2, "bins": 1, "lights": 1}
    assert "3 responses" in entry.summary
    assert "6 words or phrases in all, up to 3 from each participant." in entry.summary
