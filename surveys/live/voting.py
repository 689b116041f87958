"""What residents do in a live session: vote, ask a question, up-vote someone else's.

Each function locks the question's row first (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite
write transactions are exclusive already). Closing a question takes the same lock, so a vote is
either stored before the close, and counted in the final tally, or refused after it: never
stored after the final tally was read. The same lock makes ``seq`` and the votes move together.

"One vote per participant" means one per participant token, which is one per browser: polls
are anonymous, so this limits devices, not people. Types that add answers (a word cloud's
words, ``QuestionType.adds_answers``) keep up to ``most_answers`` per participant, one row each:
sending another adds one (never silently replacing an earlier one), the same answer twice is
refused (it would count once anyway), and ``withdraw`` takes one back while voting is open.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, insert, select, tuple_, update
from sqlalchemy.orm import Session

from commissioning_steps.db import transactional, utcnow
from commissioning_steps.errors import DomainError
from commissioning_steps.events import publish
from surveys import input_index, question_types
from surveys.errors import AnswerError

from surveys.question_types._base import plural

from .errors import InvalidValue, QuestionNotOpen, TooLong, UnknownEntry, UnknownQuestion, UnknownSession
from .events import EntryPosted, EntryUpvoted, VoteCast, VoteWithdrawn
from .sessions import require_not_ended
from .models import OPEN, PENDING, LiveEntry, LiveQuestion, LiveSession, LiveUpvote, LiveVote, LiveVoteReceipt

#: Questions one participant may post to one Q&A: enough for anyone with something to ask,
#: too few to bury everyone else's.
ASK_LIMIT_PER_PARTICIPANT = 20
CLIENT_VOTE_ID_MAX = 64


@dataclass(frozen=True)
class VoteOutcome:
    vote_id: int
    #: False when the vote repeated one already stored (a retry, or the same answer again).
    changed: bool
    duplicate: bool = False
    #: The participant's answer to the ballot's question as stored once this ballot is applied
    #: (``results.vote_of``'s shape), for the acknowledgement; a retry's says the same as the first.
    yours: Any = None


VOTE, WITHDRAW = "vote", "withdraw"


@dataclass(frozen=True)
class Ballot:
    """One vote (or, for a type that adds answers, one answer taken back) as a phone sent it."""

    session_id: int
    participant: str
    question_id: Any
    value: Any
    client_vote_id: Any
    action: str = VOTE


#: What ``cast_votes`` answers for each ballot: what happened, or why it was refused.
BallotResult = VoteOutcome | DomainError


def lock_question(session: Session, live: LiveSession, question_id: Any) -> LiveQuestion:
    """The session's question ``question_id``, locked against concurrent votes and closes."""
    if not _is_id(question_id):
        raise UnknownQuestion("No question with that id in this live session")
    question = session.get(LiveQuestion, question_id, with_for_update=True, populate_existing=True)
    if question is None or question.session_id != live.id:
        raise UnknownQuestion("No question with that id in this live session")
    return question


def _is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _require_open(live: LiveSession, question: LiveQuestion) -> None:
    # Only the current question is ever open (see ``running``), so the state decides; the
    # current-question check is for the message.
    if question.state == OPEN:
        return
    if live.current_question_id != question.id:
        raise UnknownQuestion("That question is not the one on the screen")
    if question.state == PENDING:
        raise QuestionNotOpen("Voting on this question has not opened yet")
    raise QuestionNotOpen("Voting on this question has closed")


def _clean_value(question: LiveQuestion, value: Any) -> Any:
    definition = question.definition
    qtype = question.kind
    if qtype.asks:
        raise InvalidValue(f"This is a {qtype.label}: send your question instead of a vote")
    if question_types.is_empty(value):
        raise InvalidValue(qtype.required_message_for(definition))
    if isinstance(value, str):
        limit = qtype.max_length_for(definition)
        if limit is not None and qtype.answer_length(value) > limit:
            raise TooLong(f"Your answer must be {limit} characters or fewer")
    try:
        return question_types.clean_answer(definition, value)
    except AnswerError as exc:
        raise InvalidValue(next(iter(exc.fields.values()))) from exc


def _check_client_vote_id(client_vote_id: Any) -> str:
    if not isinstance(client_vote_id, str) or not client_vote_id.strip():
        raise InvalidValue("Send a client_vote_id with every vote", field="client_vote_id")
    if len(client_vote_id) > CLIENT_VOTE_ID_MAX:
        raise TooLong(f"client_vote_id must be {CLIENT_VOTE_ID_MAX} characters or fewer", field="client_vote_id")
    return client_vote_id


def votes_of(session: Session, question: LiveQuestion, participant: str) -> list[LiveVote]:
    """A participant's stored answers to a question, in the order they were sent."""
    return list(session.scalars(select(LiveVote).where(LiveVote.question_id == question.id,
                                                       LiveVote.participant == participant)
                                .order_by(LiveVote.id)))


def _chunks(items: list, size: int = 300):
    for start in range(0, len(items), size):
        yield items[start:start + size]


@dataclass(eq=False)
class _NewVote:
    """A vote this batch adds, inserted with the batch's others in one statement (an ORM
    object per vote cost more than everything else a vote does). It answers to the same
    attributes as a ``LiveVote`` for everything the batch reads of it."""

    question_id: int
    participant: str
    slot: int
    value: Any
    id: int | None = None
    hidden: bool = False
    updated_at: Any = None
    stored_value: bool = True  # False once the value changed after the row was inserted


class _Ledger:
    """What one batch of ballots reads, loaded with a few queries rather than a few per ballot,
    and kept up to date as the batch applies its ballots in order; what it adds is written with
    one statement per table (``write``).

    The questions are locked first (``SELECT … FOR UPDATE`` on PostgreSQL, in id order so two
    processes never wait on each other; SQLite's write transaction is exclusive already) and
    their sessions read after the locks, so a close or an end that committed before this batch
    took the lock is seen by every ballot in it, and one that comes later waits for the batch.
    """

    def __init__(self, session: Session, ballots: list[Ballot]) -> None:
        self.session = session
        self.questions: dict[int, LiveQuestion | None] = {}
        for qid in sorted({b.question_id for b in ballots if _is_id(b.question_id)}):
            self.questions[qid] = session.get(LiveQuestion, qid, with_for_update=True, populate_existing=True)
        self.lives: dict[int, LiveSession | None] = {
            sid: session.get(LiveSession, sid, populate_existing=True) for sid in sorted({b.session_id for b in ballots})}
        keys = sorted({(b.session_id, b.participant, b.client_vote_id) for b in ballots
                       if isinstance(b.client_vote_id, str)})
        #: (session id, participant, client_vote_id) -> the question the receipt was for
        self.receipts: dict[tuple[int, str, str], int] = {}
        for chunk in _chunks(keys):
            rows = session.execute(select(LiveVoteReceipt.session_id, LiveVoteReceipt.participant,
                                          LiveVoteReceipt.client_vote_id, LiveVoteReceipt.question_id)
                                   .where(tuple_(LiveVoteReceipt.session_id, LiveVoteReceipt.participant,
                                                 LiveVoteReceipt.client_vote_id).in_(chunk)))
            self.receipts.update({(sid, p, c): q for sid, p, c, q in rows})
        #: (question id, participant) -> that participant's answers, in the order they were sent
        self.votes: dict[tuple[int, str], list[LiveVote | _NewVote]] = {}
        pairs = sorted({(b.question_id, b.participant) for b in ballots if self.questions.get(b.question_id)})
        for chunk in _chunks(pairs):
            rows = session.scalars(select(LiveVote).where(tuple_(LiveVote.question_id, LiveVote.participant)
                                                          .in_(chunk)).order_by(LiveVote.id))
            for vote in rows:
                self.votes.setdefault((vote.question_id, vote.participant), []).append(vote)
        for pair in pairs:
            self.votes.setdefault(pair, [])
        self.touched: dict[int, LiveQuestion] = {}  # questions whose votes changed, for their event
        self._receipts_to_write: list[dict[str, Any]] = []
        self._votes_to_write: list[_NewVote] = []
        self._inserted: list[_NewVote] = []  # rows this batch inserted, whose values may change again

    def question(self, live: LiveSession, question_id: Any) -> LiveQuestion:
        question = self.questions.get(question_id) if _is_id(question_id) else None
        if question is None or question.session_id != live.id:
            raise UnknownQuestion("No question with that id in this live session")
        return question

    def mine(self, question: LiveQuestion, participant: str) -> list[LiveVote | _NewVote]:
        return self.votes[(question.id, participant)]

    def receipt(self, live: LiveSession, participant: str, client_vote_id: str) -> int | None:
        return self.receipts.get((live.id, participant, client_vote_id))

    def keep_receipt(self, live: LiveSession, participant: str, client_vote_id: str, question: LiveQuestion) -> None:
        self.receipts[(live.id, participant, client_vote_id)] = question.id
        self._receipts_to_write.append({"session_id": live.id, "participant": participant,
                                        "client_vote_id": client_vote_id, "question_id": question.id})

    def add_vote(self, question: LiveQuestion, participant: str, value: Any, slot: int = 0) -> _NewVote:
        vote = _NewVote(question.id, participant, slot, value, updated_at=utcnow())
        self.mine(question, participant).append(vote)
        self._votes_to_write.append(vote)
        return vote

    def change_vote(self, vote: LiveVote | _NewVote, value: Any) -> None:
        vote.value = value
        vote.hidden = False  # a new answer is not the one a moderator hid
        vote.updated_at = utcnow()
        if isinstance(vote, _NewVote) and vote.id is not None:
            vote.stored_value = False

    def remove_vote(self, question: LiveQuestion, vote: LiveVote | _NewVote) -> int:
        """Delete a stored answer (written first if this batch added it); returns its id."""
        self.write()
        self.mine(question, vote.participant).remove(vote)
        if isinstance(vote, _NewVote):
            self.session.execute(delete(LiveVote.__table__).where(LiveVote.__table__.c.id == vote.id))
            self._inserted.remove(vote)
        else:
            self.session.delete(vote)
            self.session.flush()
        return vote.id

    def write(self) -> None:
        """Insert what the batch added so far (one statement a table) and give new votes their ids."""
        self.session.flush()
        if self._receipts_to_write:
            self.session.execute(insert(LiveVoteReceipt.__table__), self._receipts_to_write)
            self._receipts_to_write = []
        changed = [v for v in self._inserted if not v.stored_value]
        for vote in changed:
            self.session.execute(update(LiveVote.__table__).where(LiveVote.__table__.c.id == vote.id)
                                 .values(value=vote.value, hidden=vote.hidden, updated_at=vote.updated_at))
            vote.stored_value = True
        if self._votes_to_write:
            table = LiveVote.__table__
            rows = [{"question_id": v.question_id, "participant": v.participant, "slot": v.slot, "value": v.value,
                     "hidden": v.hidden, "created_at": v.updated_at, "updated_at": v.updated_at}
                    for v in self._votes_to_write]
            ids = self.session.execute(insert(table).returning(table.c.id, sort_by_parameter_order=True),
                                       rows).scalars().all()
            for vote, vote_id in zip(self._votes_to_write, ids):
                vote.id = vote_id
            self._inserted += self._votes_to_write
            self._votes_to_write = []

    def yours(self, question: LiveQuestion, participant: str) -> Any:
        """``results.vote_of`` as it will read once the batch is stored."""
        values = [vote.value for vote in self.mine(question, participant)]
        if question.kind.adds_answers:
            return values or None
        return values[0] if values else None

    def latest_vote_id(self, question_id: int, participant: str) -> int:
        """The id a retried ``client_vote_id`` is acknowledged with (its question's latest vote)."""
        known = self.votes.get((question_id, participant))
        if known is None:
            return self.session.scalar(select(LiveVote.id).where(LiveVote.question_id == question_id,
                                                                 LiveVote.participant == participant)
                                       .order_by(LiveVote.id.desc()).limit(1)) or 0
        return max((vote.id for vote in known), default=0)


@transactional
def cast_vote(session: Session, live: LiveSession, participant: str, question_id: Any, value: Any,
              client_vote_id: Any) -> VoteOutcome:
    """Store a participant's vote on the open question, replacing any earlier one (or, for a type
    that adds answers, adding it to theirs, up to the question's most).

    A ``client_vote_id`` this participant already used is acknowledged again and changes
    nothing, even if the question has closed since: the vote it carried was counted then.
    One vote is a batch of one (``cast_votes``): the rules are the same whoever sends it.
    """
    return _raise_refusal(cast_votes(session, [Ballot(live.id, participant, question_id, value, client_vote_id)])[0])


@transactional
def withdraw(session: Session, live: LiveSession, participant: str, question_id: Any, value: Any,
             client_vote_id: Any) -> VoteOutcome:
    """Take back one of a participant's answers to the open question (a type that adds answers).

    ``value`` names the answer as it was sent (the same answer by the type's ``answer_key``,
    so "Transport" takes back "transport!"). It leaves the tally and the resident input; a
    retried ``client_vote_id`` is acknowledged again and changes nothing.
    """
    return _raise_refusal(cast_votes(session, [Ballot(live.id, participant, question_id, value, client_vote_id,
                                                      WITHDRAW)])[0])


def _raise_refusal(result: BallotResult) -> VoteOutcome:
    if isinstance(result, DomainError):
        raise result
    return result


@transactional
def cast_votes(session: Session, ballots: list[Ballot]) -> list[BallotResult]:
    """Apply many phones' ballots in one transaction, in the order given, with exactly the rules
    of one vote: each gets its own outcome, or the refusal it would have had on its own (a
    refused ballot changes nothing, and the others are stored all the same).

    A few queries serve the whole batch (``_Ledger``) rather than a few per vote, and each
    question whose votes changed gets one ``VoteCast`` carrying its last ``seq``, so a batch of
    500 votes costs a handful of statements and one commit. Nothing is stored for a question
    that has closed, or in a session that has ended: a close that committed before the batch
    refuses every ballot in it that is not a retry of a vote already counted.
    """
    ballots = list(ballots)
    ledger = _Ledger(session, ballots)
    done: list[Callable[[], VoteOutcome] | DomainError] = []
    for ballot in ballots:
        try:
            apply = _withdraw_one if ballot.action == WITHDRAW else _cast_one
            done.append(apply(session, ledger, ballot))
        except DomainError as refusal:
            done.append(refusal)
    ledger.write()  # new votes get their ids, which the outcomes name
    for question in ledger.touched.values():
        live = ledger.lives[question.session_id]
        publish(session, VoteCast(live.commission_id, live.id, question.id, question.seq))
    return [item if isinstance(item, DomainError) else item() for item in done]


def _live(ledger: _Ledger, ballot: Ballot) -> LiveSession:
    live = ledger.lives.get(ballot.session_id)
    if live is None:
        raise UnknownSession("No live session with that id")
    return live


def _cast_one(session: Session, ledger: _Ledger, ballot: Ballot) -> Callable[[], VoteOutcome]:
    client_vote_id = _check_client_vote_id(ballot.client_vote_id)
    live = _live(ledger, ballot)
    question = ledger.question(live, ballot.question_id)
    participant = ballot.participant
    receipt = ledger.receipt(live, participant, client_vote_id)
    if receipt is not None:
        yours = ledger.yours(question, participant)
        return lambda: VoteOutcome(ledger.latest_vote_id(receipt, participant), changed=False, duplicate=True,
                                   yours=yours)
    require_not_ended(live)
    _require_open(live, question)
    cleaned = _clean_value(question, ballot.value)
    qtype = question.kind
    mine = ledger.mine(question, participant)
    if qtype.adds_answers:
        return _add_answer(session, ledger, live, question, participant, cleaned, mine, client_vote_id)
    vote = mine[0] if mine else None
    ledger.keep_receipt(live, participant, client_vote_id, question)
    if vote is not None and vote.value == cleaned:
        yours = ledger.yours(question, participant)
        return lambda: VoteOutcome(vote.id, changed=False, yours=yours)
    if vote is None:
        vote = ledger.add_vote(question, participant, cleaned)
    else:
        ledger.change_vote(vote, cleaned)
    return _stored(session, ledger, live, question, vote)


def _add_answer(session: Session, ledger: _Ledger, live: LiveSession, question: LiveQuestion, participant: str,
                cleaned: Any, mine: list[LiveVote], client_vote_id: str) -> Callable[[], VoteOutcome]:
    qtype, definition = question.kind, question.definition
    key = qtype.answer_key(definition, cleaned)
    if any(qtype.answer_key(definition, vote.value) == key for vote in mine):
        raise InvalidValue(f"You have sent “{cleaned}” already: each of your answers counts once")
    most = qtype.most_answers(definition)
    if len(mine) >= most:
        raise InvalidValue(f"You can send {plural(most, 'answer')} to this question and have sent "
                           f"{'it' if most == 1 else 'them all'}. Remove one of yours to send another.")
    used = {vote.slot for vote in mine}
    slot = next(n for n in range(most) if n not in used)
    ledger.keep_receipt(live, participant, client_vote_id, question)
    vote = ledger.add_vote(question, participant, cleaned, slot)
    return _stored(session, ledger, live, question, vote)


def _stored(session: Session, ledger: _Ledger, live: LiveSession, question: LiveQuestion,
            vote: LiveVote | _NewVote) -> Callable[[], VoteOutcome]:
    question.seq += 1
    ledger.touched[question.id] = question
    if question.kind.own_words:  # the inbox names the vote by its id: it needs one now
        ledger.write()
        input_index.index_live_vote(session, live, question, vote)
    yours = ledger.yours(question, vote.participant)
    return lambda: VoteOutcome(vote.id, changed=True, yours=yours)


def _withdraw_one(session: Session, ledger: _Ledger, ballot: Ballot) -> Callable[[], VoteOutcome]:
    client_vote_id = _check_client_vote_id(ballot.client_vote_id)
    live = _live(ledger, ballot)
    question = ledger.question(live, ballot.question_id)
    participant, value = ballot.participant, ballot.value
    if ledger.receipt(live, participant, client_vote_id) is not None:
        yours = ledger.yours(question, participant)
        return lambda: VoteOutcome(0, changed=False, duplicate=True, yours=yours)
    require_not_ended(live)
    qtype = question.kind
    if not qtype.adds_answers:
        raise InvalidValue("Answers to this question are changed, not taken back: send a different answer")
    _require_open(live, question)
    key = qtype.answer_key(question.definition, value) if isinstance(value, str) else None
    mine = ledger.mine(question, participant)
    vote = next((v for v in mine if key is not None and qtype.answer_key(question.definition, v.value) == key), None)
    if vote is None:
        raise UnknownEntry("You have not sent that answer to this question")
    ledger.keep_receipt(live, participant, client_vote_id, question)
    vote_id = ledger.remove_vote(question, vote)
    question.seq += 1
    session.flush()
    input_index.unindex_live_vote(session, vote_id)
    publish(session, VoteWithdrawn(live.commission_id, live.id, question.id, question.seq))
    yours = ledger.yours(question, participant)
    return lambda: VoteOutcome(vote_id, changed=True, yours=yours)


@transactional
def ask(session: Session, live: LiveSession, participant: str, text: Any) -> LiveEntry:
    """Post a question to the current question, which must be an open Q&A."""
    question_id = live.current_question_id
    if question_id is None:
        raise UnknownQuestion("There is no question on the screen yet")
    question = lock_question(session, live, question_id)
    require_not_ended(live)
    if not question.kind.asks:
        raise InvalidValue("The question on the screen is not a Q&A", field="text")
    _require_open(live, question)
    if not isinstance(text, str) or not text.strip():
        raise InvalidValue("Enter your question", field="text")
    text = text.strip()
    if "\x00" in text:
        raise InvalidValue("Your question contains a character that cannot be saved", field="text")
    limit = question.kind.max_length_for(question.definition)
    if limit is not None and len(text) > limit:
        raise TooLong(f"Your question must be {limit} characters or fewer", field="text")
    asked = session.scalar(select(func.count()).select_from(LiveEntry).where(
        LiveEntry.question_id == question.id, LiveEntry.participant == participant))
    if asked >= ASK_LIMIT_PER_PARTICIPANT:
        raise InvalidValue(f"You have asked {ASK_LIMIT_PER_PARTICIPANT} questions already", field="text")
    entry = LiveEntry(question_id=question.id, participant=participant, text=text)
    session.add(entry)
    question.seq += 1
    session.flush()
    input_index.index_live_entry(session, live, question, entry)
    publish(session, EntryPosted(live.commission_id, live.id, question.id, question.seq, entry.id))
    return entry


@transactional
def upvote(session: Session, live: LiveSession, participant: str, entry_id: Any) -> bool:
    """Up-vote a Q&A entry of the open question; returns False when this participant already had."""
    if not isinstance(entry_id, int) or isinstance(entry_id, bool):
        raise UnknownEntry("No question from the room with that id")
    entry = session.get(LiveEntry, entry_id)
    if entry is None:
        raise UnknownEntry("No question from the room with that id")
    try:
        question = lock_question(session, live, entry.question_id)
    except UnknownQuestion:
        raise UnknownEntry("No question from the room with that id") from None
    if entry.hidden:
        raise UnknownEntry("That question has been hidden by the moderator")
    require_not_ended(live)
    _require_open(live, question)
    already = session.scalar(select(LiveUpvote.id).where(LiveUpvote.entry_id == entry.id,
                                                         LiveUpvote.participant == participant))
    if already is not None:
        return False
    session.add(LiveUpvote(entry_id=entry.id, participant=participant))
    question.seq += 1
    session.flush()
    publish(session, EntryUpvoted(live.commission_id, live.id, question.id, question.seq, entry.id))
    return True
