"""surveys.live.voting.cast_votes: many phones' ballots in one transaction, each with exactly the
rules and outcome of one vote; a close between batches refuses the later batch; no stored event
row per vote; a counted tally from the database's GROUP BY equals one counted vote by vote."""
from __future__ import annotations

from sqlalchemy import func, select

from commissioning_steps.events import StoredEvent
from surveys import question_types
from surveys.live import results, running, sessions, voting
from surveys.live.errors import InvalidValue, QuestionNotOpen, SessionEnded, TooLong, UnknownQuestion
from surveys.live.events import VoteCast
from surveys.live.models import LiveQuestion, LiveVote, LiveVoteReceipt
from surveys.live.voting import Ballot, VoteOutcome, WITHDRAW

from live_data import question

OPTIONS = ["Playground", "Lighting", "Benches"]


def _open(db, live, owner, kind="multiple_choice", multiple=False):
    q = question(live, kind, multiple=multiple if kind == "multiple_choice" else None)
    running.open_question(db, live, q.id, owner)
    db.commit()
    return q


def _ballots(live, q, n, start=0, value=lambda i: OPTIONS[i % 3]):
    return [Ballot(live.id, f"p{i:023d}", q.id, value(i), f"cv-{i}") for i in range(start, start + n)]


def _stored(db, q):
    return db.scalar(select(func.count()).select_from(LiveVote).where(LiveVote.question_id == q.id))


def _receipts(db):
    return db.scalar(select(func.count()).select_from(LiveVoteReceipt))


def test_a_batch_stores_every_vote_once_with_an_outcome_each_in_order(db, live, owner, published):
    q = _open(db, live, owner)
    ballots = _ballots(live, q, 300)
    outcomes = voting.cast_votes(db, ballots)
    assert len(outcomes) == 300 and all(isinstance(o, VoteOutcome) and o.changed for o in outcomes)
    assert [o.yours for o in outcomes] == [b.value for b in ballots]
    assert len({o.vote_id for o in outcomes}) == 300 and all(o.vote_id for o in outcomes)
    assert _stored(db, q) == 300 and _receipts(db) == 300
    assert results.tally(db, q)["counts"] == {"Playground": 100, "Lighting": 100, "Benches": 100}
    # One signal for the question, carrying its seq after the batch; no stored event row per vote.
    cast = [e for e in published if isinstance(e, VoteCast)]
    assert [(e.question_id, e.seq) for e in cast] == [(q.id, 300)]
    assert db.scalar(select(LiveQuestion.seq).where(LiveQuestion.id == q.id)) == 300
    assert db.scalar(select(func.count()).select_from(StoredEvent).where(StoredEvent.name == VoteCast.name)) == 0


def test_retries_count_once_inside_a_batch_and_across_batches(db, live, owner):
    q = _open(db, live, owner)
    first = voting.cast_votes(db, [Ballot(live.id, "a" * 24, q.id, "Lighting", "same"),
                                   Ballot(live.id, "a" * 24, q.id, "Lighting", "same"),  # resent at once
                                   Ballot(live.id, "b" * 24, q.id, "Benches", "same")])  # ids are per participant
    assert [o.duplicate for o in first] == [False, True, False]
    assert first[1].vote_id == first[0].vote_id and first[1].yours == "Lighting"
    # The ack was lost; the phone sends the same vote again later, after a vote of its own since.
    voting.cast_votes(db, [Ballot(live.id, "a" * 24, q.id, "Benches", "second")])
    again = voting.cast_votes(db, [Ballot(live.id, "a" * 24, q.id, "Lighting", "same")])[0]
    assert again.duplicate and not again.changed and again.yours == "Benches"
    assert _stored(db, q) == 2 and _receipts(db) == 3
    assert results.tally(db, q)["counts"] == {"Playground": 0, "Lighting": 0, "Benches": 2}


def test_a_refused_ballot_changes_nothing_and_the_others_are_stored(db, live, owner):
    q = _open(db, live, owner)
    other = question(live, "rating")
    ballots = [Ballot(live.id, "a" * 24, q.id, "Lighting", "ok-1"),
               Ballot(live.id, "b" * 24, q.id, "Swimming pool", "bad-value"),
               Ballot(live.id, "c" * 24, q.id, "Benches", None),
               Ballot(live.id, "d" * 24, q.id, "Benches", "x" * 65),
               Ballot(live.id, "e" * 24, 999_999, "Benches", "unknown-question"),
               Ballot(live.id, "f" * 24, other.id, 3, "not-open"),
               Ballot(live.id, "g" * 24, q.id, "Playground", "ok-2")]
    outcomes = voting.cast_votes(db, ballots)
    kinds = [type(o) for o in outcomes]
    assert kinds == [VoteOutcome, InvalidValue, InvalidValue, TooLong, UnknownQuestion, UnknownQuestion, VoteOutcome]
    assert _stored(db, q) == 2 and _stored(db, other) == 0 and _receipts(db) == 2
    # The refusals are the ones the same vote gets on its own.
    assert str(outcomes[1]) == str(_alone(db, live, ballots[1]))


def _alone(db, live, ballot):
    try:
        voting.cast_vote(db, live, ballot.participant, ballot.question_id, ballot.value, ballot.client_vote_id)
    except Exception as exc:  # noqa: BLE001 - the refusal is what is compared
        db.rollback()
        return exc
    raise AssertionError("expected a refusal")


def test_a_participant_voting_twice_in_one_batch_keeps_one_vote_the_last(db, live, owner):
    q = _open(db, live, owner)
    outcomes = voting.cast_votes(db, [Ballot(live.id, "a" * 24, q.id, "Lighting", "1"),
                                      Ballot(live.id, "a" * 24, q.id, "Benches", "2"),
                                      Ballot(live.id, "a" * 24, q.id, "Benches", "3")])
    assert [o.changed for o in outcomes] == [True, True, False]
    assert [o.yours for o in outcomes] == ["Lighting", "Benches", "Benches"]
    assert _stored(db, q) == 1 and results.vote_of(db, q, "a" * 24) == "Benches"
    assert db.scalar(select(LiveQuestion.seq).where(LiveQuestion.id == q.id)) == 2


def test_a_close_between_two_batches_refuses_the_whole_later_one_but_its_retries(db, live, owner):
    q = _open(db, live, owner)
    early = voting.cast_votes(db, _ballots(live, q, 40))
    db.commit()
    running.close_question(db, live, q.id, owner)
    db.commit()
    late = voting.cast_votes(db, _ballots(live, q, 40, start=40) + [_ballots(live, q, 1)[0]])
    assert all(isinstance(o, VoteOutcome) for o in early)
    assert all(isinstance(o, QuestionNotOpen) for o in late[:-1])
    assert late[-1].duplicate  # a retry of a vote counted before the close is acknowledged again
    assert _stored(db, q) == 40 and _receipts(db) == 40
    assert results.tally(db, q)["total"] == 40


def test_a_batch_after_the_session_ended_stores_nothing(db, live, owner):
    q = _open(db, live, owner)
    sessions_end = running.end_session(db, live, owner)
    db.commit()
    assert sessions_end is not None
    outcomes = voting.cast_votes(db, _ballots(live, q, 5))
    assert all(isinstance(o, SessionEnded) for o in outcomes) and _stored(db, q) == 0


def test_word_cloud_words_added_and_taken_back_in_one_batch(db, live, owner):
    q = _open(db, live, owner, "word_cloud")
    p = "a" * 24
    outcomes = voting.cast_votes(db, [Ballot(live.id, p, q.id, "Trees", "w1"),
                                      Ballot(live.id, p, q.id, "trees!", "w2"),  # the same word again
                                      Ballot(live.id, p, q.id, "Safer", "w3"),
                                      Ballot(live.id, p, q.id, "Trees", "w4", WITHDRAW),
                                      Ballot(live.id, p, q.id, "Greener", "w5")])
    assert [type(o) for o in outcomes] == [VoteOutcome, InvalidValue, VoteOutcome, VoteOutcome, VoteOutcome]
    assert outcomes[-1].yours == ["Safer", "Greener"]
    assert results.vote_of(db, q, p) == ["Safer", "Greener"]
    assert sorted(db.scalars(select(LiveVote.slot).where(LiveVote.question_id == q.id))) == [0, 1]


def test_an_open_text_answer_changed_in_the_same_batch_is_stored_and_indexed_as_changed(db, live, owner):
    from commissioning_steps.inputs import InputItem

    q = _open(db, live, owner, "open_text")
    p = "a" * 24
    voting.cast_votes(db, [Ballot(live.id, p, q.id, "More benches", "t1"), Ballot(live.id, p, q.id, "More bins", "t2")])
    db.commit()
    assert results.vote_of(db, q, p) == "More bins"
    assert list(db.scalars(select(InputItem.text))) == ["More bins"]


def test_the_grouped_tally_of_a_counted_type_equals_counting_every_vote(db, live, owner):
    for kind, multiple, values in [
        ("multiple_choice", False, ["Benches", "Lighting", "Benches", "Playground", "Lighting", "Benches"]),
        ("multiple_choice", True, [["Bus"], ["Bike", "Car"], ["Bus"], ["Car", "Bike"], ["Bus", "Car"]]),
        ("rating", None, [5, 1, 3, 5, 2, 5, 4]),
        ("ranking", None, [["A", "B", "C"], ["C", "A", "B"], ["A", "B", "C"]]),
    ]:
        q = question(live, kind, multiple=multiple)
        running.open_question(db, live, q.id, owner)
        db.commit()
        voting.cast_votes(db, [Ballot(live.id, f"{kind}{multiple}{i}".ljust(24, "x"), q.id, v, f"c{i}")
                               for i, v in enumerate(values)])
        db.commit()
        stored = list(db.scalars(select(LiveVote.value).where(LiveVote.question_id == q.id).order_by(LiveVote.id)))
        expected = question_types.tally(q.definition, stored)
        got = results.tally(db, q)
        assert got["total"] == expected["total"], kind
        assert got["counts"] == {str(k): n for k, n in expected["counts"].items()}, kind
        assert got["chart"] == question_types.chart(q.definition, expected), kind
        for extra in ("mean", "median"):
            assert got.get(extra) == expected.get(extra), (kind, extra)


def test_the_tally_cache_serves_a_seq_once_and_a_new_vote_is_counted_afresh(db, live, owner):
    q = _open(db, live, owner)
    cache = results.TallyCache()
    voting.cast_votes(db, _ballots(live, q, 3))
    db.commit()
    first = results.tally(db, q, cache)
    assert results.tally(db, q, cache) is first and cache.hits == 1
    voting.cast_votes(db, _ballots(live, q, 1, start=3))
    db.commit()
    assert results.tally(db, q, cache)["total"] == 4 and cache.misses == 2
