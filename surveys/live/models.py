"""The tables behind live polls.

Residents have no accounts: a vote, an answer or a Q&A question is tied to a *participant*, a
random id the server signs into a token that only the resident's browser holds. Participant ids
are per live session, so two sessions cannot be linked through them, and nothing here holds a
name, an address or a network address.

Invariants the services keep (and the constraints back up):

- one stored vote per participant per question (one ``slot``); voting again replaces it.
  Types that add answers (a word cloud's several words, ``QuestionType.adds_answers``) store
  each answer in a slot of its own, up to the question's most (``most_answers``): sending
  another adds one, and a participant can take one of theirs back while voting is open;
- a ``client_vote_id`` is accepted once per participant (``live_vote_receipts``), so a retry
  after a lost acknowledgement is never counted twice, whatever order the retries arrive in;
- at most one question of a session is open, and it is the session's current question;
- ``LiveQuestion.seq`` goes up in the same transaction as every change to a question's votes,
  answers or Q&A entries, so a tally labelled with a ``seq`` always shows the same figures.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON, Boolean, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from commissioning_steps.db import Base, utcnow
from surveys import question_types
from surveys.question_types import QuestionType

PENDING, OPEN, CLOSED = "pending", "open", "closed"
QUESTION_STATES = (PENDING, OPEN, CLOSED)
#: What a session is, as pages and the API name it: set up and never run, running (a question
#: has been opened), ended (no more joining or voting), ended and archived (off the list).
NOT_STARTED, RUNNING, ENDED, ARCHIVED = "not_started", "running", "ended", "archived"


class LiveSession(Base):
    """One live poll session run in a room, for one step of one commission."""

    __tablename__ = "live_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    commission_id: Mapped[int] = mapped_column(ForeignKey("commissions.id"), index=True)
    step: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(200))
    code: Mapped[str] = mapped_column(String(6), unique=True)
    #: The question phones show. No foreign key: it would make the two tables refer to each
    #: other, and the services only ever set it to one of this session's questions.
    current_question_id: Mapped[int | None] = mapped_column(Integer)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    #: Once set, the code no longer joins and nothing can be opened, voted on or changed.
    ended_at: Mapped[datetime | None] = mapped_column(DateTime)
    #: An ended session off the default list; kept, with everything it recorded.
    archived_at: Mapped[datetime | None] = mapped_column(DateTime)
    #: The most participants that joined from one client address (a count: the address is
    #: never stored); shown with every result so that stuffing from one address is visible.
    busiest_address_participants: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    questions: Mapped[list["LiveQuestion"]] = relationship(
        order_by="LiveQuestion.position", back_populates="live_session",
    )

    @property
    def ended(self) -> bool:
        return self.ended_at is not None

    @property
    def status(self) -> str:
        if self.archived_at is not None:
            return ARCHIVED
        if self.ended_at is not None:
            return ENDED
        if any(q.opened_at is not None for q in self.questions):
            return RUNNING
        return NOT_STARTED


class LiveQuestion(Base):
    __tablename__ = "live_questions"
    __table_args__ = (UniqueConstraint("session_id", "position", name="uq_live_questions_session_position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("live_sessions.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    #: The definition as ``surveys.question_types.normalise_question`` returned it.
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(16), default=PENDING)
    revealed: Mapped[bool] = mapped_column(Boolean, default=False)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    opened_at: Mapped[datetime | None] = mapped_column(DateTime)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    #: The latest poll result entry in the evidence log; closing again names it as updated.
    evidence_entry_id: Mapped[int | None] = mapped_column(ForeignKey("evidence_entries.id"))

    live_session: Mapped[LiveSession] = relationship(back_populates="questions")

    @property
    def type(self) -> str:
        return self.definition["type"]

    @property
    def text(self) -> str:
        return self.definition["text"]

    @property
    def kind(self) -> QuestionType:
        """The question's type from the registry, which says everything that depends on it."""
        return question_types.get_type(self.type)


class LiveVote(Base):
    """A participant's current answer to a question (a vote, a word, a text).

    One row per answer: a vote, an open-text answer, or one of a participant's word-cloud
    words (each in its own ``slot``), so every word is stored, counted, moderated and
    indexed as resident input on its own, under its own id.
    """

    __tablename__ = "live_votes"
    __table_args__ = (UniqueConstraint("question_id", "participant", "slot",
                                       name="uq_live_votes_question_participant_slot"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("live_questions.id"), index=True)
    participant: Mapped[str] = mapped_column(String(32))
    #: 0 for a type with one answer each; 0 to ``most_answers - 1`` for one that adds answers.
    slot: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    value: Mapped[Any] = mapped_column(JSON)
    #: Open-text answers a moderator has hidden: kept (they are still what was said) but not shown.
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class LiveVoteReceipt(Base):
    """Every ``client_vote_id`` a participant's accepted votes carried."""

    __tablename__ = "live_vote_receipts"
    __table_args__ = (
        UniqueConstraint("session_id", "participant", "client_vote_id", name="uq_live_vote_receipts_client_vote"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("live_sessions.id"))
    participant: Mapped[str] = mapped_column(String(32))
    client_vote_id: Mapped[str] = mapped_column(String(64))
    question_id: Mapped[int] = mapped_column(ForeignKey("live_questions.id"))
    received_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class LiveEntry(Base):
    """A question a resident posted in a Q&A."""

    __tablename__ = "live_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("live_questions.id"), index=True)
    participant: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    answered: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class LiveUpvote(Base):
    __tablename__ = "live_upvotes"
    __table_args__ = (UniqueConstraint("entry_id", "participant", name="uq_live_upvotes_entry_participant"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("live_entries.id"), index=True)
    participant: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ResultDisclosure(Base):
    """Who saw results before the end, and when.

    Showing interim results can sway the votes still to come, so every reveal and hide is
    recorded with the state of the vote at that moment, and so is every staff member who opens
    a presenter screen (staff screens receive tallies while voting is still open).
    """

    __tablename__ = "live_disclosures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("live_sessions.id"), index=True)
    question_id: Mapped[int | None] = mapped_column(ForeignKey("live_questions.id"))
    #: "revealed" or "hidden" (results on phones and the projector), or "watched" (a staff screen)
    action: Mapped[str] = mapped_column(String(16))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    question_state: Mapped[str | None] = mapped_column(String(16))
    responses: Mapped[int | None] = mapped_column(Integer)
    participants: Mapped[int | None] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class LivePresence(Base):
    """Which participants each server process has connected, refreshed by that process.

    Every process writes only its own rows; the count of a room is the distinct participants
    across the rows refreshed recently, so it is right with any number of processes and forgets
    a process that died within ``presence.STALE_AFTER``.
    """

    __tablename__ = "live_presence"
    __table_args__ = (Index("ix_live_presence_session_seen", "session_id", "seen_at"),)

    process: Mapped[str] = mapped_column(String(64), primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("live_sessions.id"), primary_key=True)
    participant: Mapped[str] = mapped_column(String(32), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
