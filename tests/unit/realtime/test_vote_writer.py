"""engage.realtime.vote_writer: one writer per process, batches, acknowledgements only after the
commit, retries counted once and a close during a burst of votes. Real threads stand in for the
socket handlers; nothing here depends on how fast anything runs (waits only ever wait for a
condition, with a generous limit)."""
from __future__ import annotations

import threading
import time
from contextlib import closing

import pytest
from sqlalchemy import func, select

from commissioning_steps import commissions, staff
from commissioning_steps.commissions import Commission
from engage.realtime.vote_writer import VoteWriter
from surveys.live import running, sessions, voting
from surveys.live.errors import QuestionNotOpen
from surveys.live.events import LiveQuestionClosed
from surveys.live.models import LiveQuestion, LiveVote, LiveVoteReceipt
from surveys.live.voting import Ballot, VoteOutcome

OPTIONS = ["Playground", "Lighting", "Benches"]


@pytest.fixture
def poll(store):
    with closing(store.session(write=True)) as db:
        owner = staff.create_user(db, email="casey@example.org", name="Casey", role=staff.COMMISSIONER,
                                  password_hash="x")
        commission = commissions.create_commission(db, owner, commissions.CommissionInput(title="Park"))
        live = sessions.create_session(db, db.get(Commission, commission.id), owner, title="Hall", step="initiate",
                                       questions=[{"type": "multiple_choice", "text": "Which first?",
                                                   "options": OPTIONS}])
        question = live.questions[0]
        running.open_question(db, live, question.id, owner)
        return {"session_id": live.id, "question_id": question.id, "owner_id": owner.id}


def _wait_for(condition, what: str, limit: float = 30.0) -> None:
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.005)


def _ballot(poll, i: int, cvid: str | None = None, value: str | None = None) -> Ballot:
    return Ballot(poll["session_id"], f"p{i:023d}", poll["question_id"], value or OPTIONS[i % 3], cvid or f"cv-{i}")


def _stored_receipts(store) -> set[str]:
    with closing(store.session()) as db:
        return set(db.scalars(select(LiveVoteReceipt.client_vote_id)))


def _submit_all(writer, ballots, on_ack=None):
    results: dict[int, object] = {}

    def one(i, ballot):
        results[i] = writer.submit(ballot)
        if on_ack is not None:
            on_ack(ballot, results[i])

    threads = [threading.Thread(target=one, args=(i, b)) for i, b in enumerate(ballots)]
    for t in threads:
        t.start()
    return threads, results


def test_votes_queued_meanwhile_are_stored_in_one_batch_and_each_acknowledged_after_its_commit(store, poll):
    tasks = []
    writer = VoteWriter(store, start_task=tasks.append)
    stored_at_ack: list[bool] = []

    def on_ack(ballot, outcome):
        stored_at_ack.append(ballot.client_vote_id in _stored_receipts(store))

    threads, results = _submit_all(writer, [_ballot(poll, i) for i in range(60)], on_ack)
    _wait_for(lambda: writer.queue.qsize() == 60, "the 60 votes to queue")
    assert not results  # nothing is answered before the writer has stored it
    threading.Thread(target=tasks[0], daemon=True).start()
    for t in threads:
        t.join(30)
    writer.stop()
    assert writer.batches == 1 and writer.votes == 60
    assert len(results) == 60 and all(isinstance(r, VoteOutcome) and r.changed for r in results.values())
    assert stored_at_ack == [True] * 60  # every acknowledgement came after its vote was committed
    assert len(_stored_receipts(store)) == 60


def test_a_retry_sent_while_the_first_is_still_queued_counts_once(store, poll):
    tasks = []
    writer = VoteWriter(store, start_task=tasks.append)
    same = [_ballot(poll, 1, cvid="again"), _ballot(poll, 1, cvid="again"), _ballot(poll, 2, cvid="again")]
    threads, results = _submit_all(writer, same)
    _wait_for(lambda: writer.queue.qsize() == 3, "the votes to queue")
    threading.Thread(target=tasks[0], daemon=True).start()
    for t in threads:
        t.join(30)
    writer.stop()
    outcomes = list(results.values())
    assert sorted(o.duplicate for o in outcomes) == [False, False, True]
    assert {o.yours for o in outcomes} == {OPTIONS[1], OPTIONS[2]}
    with closing(store.session()) as db:
        assert db.scalar(select(func.count()).select_from(LiveVote)) == 2
        assert db.scalar(select(func.count()).select_from(LiveVoteReceipt)) == 2


def test_a_close_during_a_burst_of_votes_stores_exactly_the_acknowledged_ones(store, poll):
    writer = VoteWriter(store)  # its own thread, as in the server
    acked, refused, lock = set(), set(), threading.Lock()
    counter = iter(range(10**6))

    def phone(n: int) -> None:
        while True:
            with lock:
                i = next(counter)
            ballot = _ballot(poll, i)
            outcome = writer.submit(ballot)
            with lock:
                (acked if isinstance(outcome, VoteOutcome) else refused).add(ballot.client_vote_id)
            if isinstance(outcome, QuestionNotOpen):
                return
            assert isinstance(outcome, VoteOutcome), outcome

    closes: list[LiveQuestionClosed] = []
    store.bus.subscribe(LiveQuestionClosed.name, closes.append)
    phones = [threading.Thread(target=phone, args=(n,)) for n in range(12)]
    for t in phones:
        t.start()
    _wait_for(lambda: len(acked) >= 150, "150 acknowledged votes")
    with closing(store.session(write=True)) as db:
        live = sessions.get_session(db, poll["session_id"])
        running.close_question(db, live, poll["question_id"], db.get(staff.StaffUser, poll["owner_id"]))
    for t in phones:
        t.join(30)
    writer.stop()
    stored = _stored_receipts(store)
    assert stored == acked  # nothing acknowledged and not stored, nothing stored and refused
    assert refused and not (refused & stored)
    with closing(store.session()) as db:
        votes = db.scalar(select(func.count()).select_from(LiveVote))
        seq = db.scalar(select(LiveQuestion.seq).where(LiveQuestion.id == poll["question_id"]))
    # The close counted every vote there is: none was stored after it.
    assert closes and closes[-1].total == votes == len(acked) == seq


def test_a_batch_that_fails_as_a_whole_is_written_vote_by_vote(store, poll, monkeypatch):
    real = voting.cast_votes

    def fussy(session, ballots):
        if len(ballots) > 1:
            raise RuntimeError("one of these broke the batch")
        return real(session, ballots)

    monkeypatch.setattr(voting, "cast_votes", fussy)
    tasks = []
    writer = VoteWriter(store, start_task=tasks.append)
    threads, results = _submit_all(writer, [_ballot(poll, i) for i in range(5)])
    _wait_for(lambda: writer.queue.qsize() == 5, "the votes to queue")
    threading.Thread(target=tasks[0], daemon=True).start()
    for t in threads:
        t.join(30)
    writer.stop()
    assert all(isinstance(r, VoteOutcome) for r in results.values()) and len(results) == 5
    assert len(_stored_receipts(store)) == 5 and writer.batches == 5
