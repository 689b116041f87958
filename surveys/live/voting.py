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

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from commissioning_steps.db import transactional, utcnow
from commissioning_steps.events import publish
from surveys import input_index, question_types
from surveys.errors import AnswerError

from surveys.question_types._base import plural

from .errors import InvalidValue, QuestionNotOpen, TooLong, UnknownEntry, UnknownQuestion
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


def lock_question(session: Session, live: LiveSession, question_id: Any) -> LiveQuestion:
    """The session's question ``question_id``, locked against concurrent votes and closes."""
    if not isinstance(question_id, int) or isinstance(question_id, bool):
        raise UnknownQuestion("No question with that id in this live session")
    question = session.get(LiveQuestion, question_id, with_for_update=True, populate_existing=True)
    if question is None or question.session_id != live.id:
        raise UnknownQuestion("No question with that id in this live session")
    return question


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


def _receipt(session: Session, live: LiveSession, participant: str, client_vote_id: str) -> LiveVoteReceipt | None:
    return session.scalar(select(LiveVoteReceipt).where(
        LiveVoteReceipt.session_id == live.id, LiveVoteReceipt.participant == participant,
        LiveVoteReceipt.client_vote_id == client_vote_id))


def votes_of(session: Session, question: LiveQuestion, participant: str) -> list[LiveVote]:
    """A participant's stored answers to a question, in the order they were sent."""
    return list(session.scalars(select(LiveVote).where(LiveVote.question_id == question.id,
                                                       LiveVote.participant == participant)
                                .order_by(LiveVote.id)))


@transactional
def cast_vote(session: Session, live: LiveSession, participant: str, question_id: Any, value: Any,
              client_vote_id: Any) -> VoteOutcome:
    """Store a participant's vote on the open question, replacing any earlier one (or, for a type
    that adds answers, adding it to theirs, up to the question's most).

    A ``client_vote_id`` this participant already used is acknowledged again and changes
    nothing, even if the question has closed since: the vote it carried was counted then.
    """
    client_vote_id = _check_client_vote_id(client_vote_id)
    question = lock_question(session, live, question_id)
    receipt = _receipt(session, live, participant, client_vote_id)
    if receipt is not None:
        vote_id = session.scalar(select(LiveVote.id).where(LiveVote.question_id == receipt.question_id,
                                                           LiveVote.participant == participant)
                                 .order_by(LiveVote.id.desc()).limit(1))
        return VoteOutcome(vote_id or 0, changed=False, duplicate=True)
    require_not_ended(live)
    _require_open(live, question)
    cleaned = _clean_value(question, value)
    qtype = question.kind
    mine = votes_of(session, question, participant)
    if qtype.adds_answers:
        return _add_answer(session, live, question, participant, cleaned, mine, client_vote_id)
    vote = mine[0] if mine else None
    session.add(LiveVoteReceipt(session_id=live.id, participant=participant, client_vote_id=client_vote_id,
                                question_id=question.id))
    if vote is not None and vote.value == cleaned:
        session.flush()
        return VoteOutcome(vote.id, changed=False)
    if vote is None:
        vote = LiveVote(question_id=question.id, participant=participant, value=cleaned)
        session.add(vote)
    else:
        vote.value = cleaned
        vote.hidden = False  # a new answer is not the one a moderator hid
        vote.updated_at = utcnow()
    return _stored(session, live, question, vote)


def _add_answer(session: Session, live: LiveSession, question: LiveQuestion, participant: str, cleaned: Any,
                mine: list[LiveVote], client_vote_id: str) -> VoteOutcome:
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
    session.add(LiveVoteReceipt(session_id=live.id, participant=participant, client_vote_id=client_vote_id,
                                question_id=question.id))
    vote = LiveVote(question_id=question.id, participant=participant, slot=slot, value=cleaned)
    session.add(vote)
    return _stored(session, live, question, vote)


def _stored(session: Session, live: LiveSession, question: LiveQuestion, vote: LiveVote) -> VoteOutcome:
    question.seq += 1
    session.flush()
    if question.kind.own_words:
        input_index.index_live_vote(session, live, question, vote)
    publish(session, VoteCast(live.commission_id, live.id, question.id, question.seq))
    return VoteOutcome(vote.id, changed=True)


@transactional
def withdraw(session: Session, live: LiveSession, participant: str, question_id: Any, value: Any,
             client_vote_id: Any) -> VoteOutcome:
    """Take back one of a participant's answers to the open question (a type that adds answers).

    ``value`` names the answer as it was sent (the same answer by the type's ``answer_key``,
    so "Transport" takes back "transport!"). It leaves the tally and the resident input; a
    retried ``client_vote_id`` is acknowledged again and changes nothing.
    """
    client_vote_id = _check_client_vote_id(client_vote_id)
    question = lock_question(session, live, question_id)
    if _receipt(session, live, participant, client_vote_id) is not None:
        return VoteOutcome(0, changed=False, duplicate=True)
    require_not_ended(live)
    qtype = question.kind
    if not qtype.adds_answers:
        raise InvalidValue("Answers to this question are changed, not taken back: send a different answer")
    _require_open(live, question)
    key = qtype.answer_key(question.definition, value) if isinstance(value, str) else None
    vote = next((v for v in votes_of(session, question, participant)
                 if key is not None and qtype.answer_key(question.definition, v.value) == key), None)
    if vote is None:
        raise UnknownEntry("You have not sent that answer to this question")
    session.add(LiveVoteReceipt(session_id=live.id, participant=participant, client_vote_id=client_vote_id,
                                question_id=question.id))
    vote_id = vote.id
    session.delete(vote)
    question.seq += 1
    session.flush()
    input_index.unindex_live_vote(session, vote_id)
    publish(session, VoteWithdrawn(live.commission_id, live.id, question.id, question.seq))
    return VoteOutcome(vote_id, changed=True)


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
