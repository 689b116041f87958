"""Surveys and residents' responses, as stored.

A survey's questions are stored as one JSON definition (normalised by the question-type
registry), with a ``version`` that moves whenever the definition changes, and every response
records the version it answered. Residents are never identified: a response is found again
only by its receipt code, of which only a SHA-256 is stored, so a copy of the database cannot
be used to read or change anyone's answers by receipt.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from commissioning_steps.db import Base, utcnow

DRAFT, OPEN, CLOSED = "draft", "open", "closed"
STATES = (DRAFT, OPEN, CLOSED)


class Survey(Base):
    __tablename__ = "surveys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    commission_id: Mapped[int] = mapped_column(ForeignKey("commissions.id"), index=True)
    step: Mapped[str] = mapped_column(String(32))
    practice_question: Mapped[str] = mapped_column(Text)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    privacy_notice: Mapped[str] = mapped_column(Text, default="")
    #: What the survey asks residents about (a plan to judge), shown on the start page before
    #: any question: a heading, text, and an https link to the document or page.
    material_title: Mapped[str] = mapped_column(String(200), default="")
    material_text: Mapped[str] = mapped_column(Text, default="")
    material_url: Mapped[str] = mapped_column(String(2000), default="")
    status: Mapped[str] = mapped_column(String(16), default=DRAFT)
    version: Mapped[int] = mapped_column(Integer, default=1)
    slug: Mapped[str] = mapped_column(String(16), unique=True)
    definition: Mapped[list[Any]] = mapped_column(JSON, default=list)
    template: Mapped[str | None] = mapped_column(String(64))
    opens_at: Mapped[datetime | None] = mapped_column(DateTime)
    closes_at: Mapped[datetime | None] = mapped_column(DateTime)
    opened_at: Mapped[datetime | None] = mapped_column(DateTime)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    #: A closed survey put away: left out of the default lists, still on the record (its
    #: responses, results and evidence entry are all kept).
    archived_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class SurveyResponse(Base):
    __tablename__ = "survey_responses"
    __table_args__ = (UniqueConstraint("survey_id", "submission_key", name="uq_survey_responses_submission"),
                      # the order every export and listing reads a survey's responses in
                      Index("ix_survey_responses_survey_submitted", "survey_id", "submitted_at", "id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    receipt_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: SHA-256 of the form's one-time submission id or the client's Idempotency-Key.
    submission_key: Mapped[str | None] = mapped_column(String(64))
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    survey_version: Mapped[int] = mapped_column(Integer)
    #: The community researcher who recorded it on someone's behalf (``SurveyCollector``), if any.
    collector_id: Mapped[int | None] = mapped_column(ForeignKey("survey_collectors.id"), index=True)
    submitted_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class SurveyAnswer(Base):
    """One answer of one stored response, so results are counted with ``GROUP BY`` over an index
    instead of parsing every response's JSON: at 100k responses SQLite needs over a second to
    read one question's answers out of ``survey_responses.answers``, and a results page asks
    about ten questions, an evaluation more.

    Kept by database triggers from ``survey_responses.answers`` (created by migration 0018, on
    insert and on a change of answers; a deleted response takes its rows with it), so no writer
    (the services, the retention job, a bulk load) can leave it out of step. ``value`` is the
    answer as JSON text; equal answers may be written differently (``[1,2]``, ``[1, 2]``), so
    readers parse it and never compare the text for meaning. Never written by the ORM.
    """

    __tablename__ = "survey_answers"
    # Counting by value reads this index in order, with no sort (SQLite). Not on PostgreSQL, whose
    # b-tree entries cannot hold a long free-text answer; it counts with a hash aggregate instead.
    __table_args__ = (Index("ix_survey_answers_value", "survey_id", "question_id", "value",
                            "response_id").ddl_if(dialect="sqlite"),
                      {"sqlite_with_rowid": False})

    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), primary_key=True)
    question_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("survey_responses.id", ondelete="CASCADE"),
                                             primary_key=True, index=True)
    value: Mapped[str] = mapped_column(Text)


class SurveyResponseTotal(Base):
    """How many responses a survey holds, kept by database triggers on ``survey_responses``
    (created by migration 0020; one more on insert, one fewer on delete), so no writer can leave
    it out of step. The submission writer's event says how many responses the survey holds after
    each group: counting them, once a group, cost a survey of 100k responses 8 ms and of 1M
    80 ms, a statement that holds up the whole server while SQLite runs it. Never written by
    the ORM."""

    __tablename__ = "survey_response_totals"

    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), primary_key=True)
    responses: Mapped[int] = mapped_column(Integer)


class ResponseDraft(Base):
    """Answers in progress on the page-by-page form, so the form works without JavaScript and
    without squeezing answers into a cookie. Found by a random token kept in the resident's
    session; purged a day after it was last touched."""

    __tablename__ = "survey_drafts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: When the draft edits an existing response (the resident came back with their receipt).
    response_id: Mapped[int | None] = mapped_column(ForeignKey("survey_responses.id", ondelete="CASCADE"))
    #: Ids of the questions put to the resident so far that still apply (``surveys.pages``): a
    #: question that applies and is neither answered nor asked is still due.
    asked: Mapped[list[str] | None] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class SurveyCollector(Base):
    """A community researcher who records responses and observations for a commission's surveys
    with a personal link, no account. Known by a pseudonymous label the commissioner chose
    (\"Researcher A\"); only a SHA-256 of their secret code is stored. Withdrawing stops the code
    at once and keeps what they collected, marked."""

    __tablename__ = "survey_collectors"
    __table_args__ = (UniqueConstraint("commission_id", "label", name="uq_survey_collectors_label"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    commission_id: Mapped[int] = mapped_column(ForeignKey("commissions.id"), index=True)
    label: Mapped[str] = mapped_column(String(60))
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime)


class CollectorSurvey(Base):
    """Which surveys a collector collects for (one link serves all of them)."""

    __tablename__ = "collector_surveys"

    collector_id: Mapped[int] = mapped_column(ForeignKey("survey_collectors.id", ondelete="CASCADE"),
                                              primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), primary_key=True,
                                           index=True)
    added_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class CollectorObservation(Base):
    """What a collector saw (a walkabout's broken paving, a bus stop with no shelter), with an
    optional photo stored here re-encoded without its metadata, never in the static folder."""

    __tablename__ = "collector_observations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    collector_id: Mapped[int] = mapped_column(ForeignKey("survey_collectors.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    photo: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    photo_type: Mapped[str | None] = mapped_column(String(32))
    photo_size: Mapped[int | None] = mapped_column(Integer)
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class SurveyDocument(Base):
    """The document a survey asks residents to judge (a plan as a PDF), checked by its content
    and kept in the database rather than the static folder, so only the survey's routes serve it."""

    __tablename__ = "survey_documents"

    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    content_type: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(8))
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
