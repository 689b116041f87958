"""Domain events of live polls.

They are stored in ``domain_events`` like every other event, so they carry ids and counters
only: never a participant id, never what a resident wrote. The broadcaster reads the current
state from the database when it needs more.
"""
from __future__ import annotations

import dataclasses
from typing import ClassVar

from commissioning_steps.events import DomainEvent


@dataclasses.dataclass(frozen=True)
class LiveSessionCreated(DomainEvent):
    name: ClassVar[str] = "live.session_created"
    session_id: int
    step: str
    questions: int


@dataclasses.dataclass(frozen=True)
class LiveQuestionAdded(DomainEvent):
    name: ClassVar[str] = "live.question_added"
    session_id: int
    question_id: int


@dataclasses.dataclass(frozen=True)
class QuestionEvent(DomainEvent):
    """A change phones and presenter screens show at once: the ``question`` message."""

    name: ClassVar[str] = "live.question"
    session_id: int
    question_id: int


@dataclasses.dataclass(frozen=True)
class CurrentQuestionChanged(QuestionEvent):
    name: ClassVar[str] = "live.current_changed"


@dataclasses.dataclass(frozen=True)
class QuestionOpened(QuestionEvent):
    name: ClassVar[str] = "live.question_opened"


@dataclasses.dataclass(frozen=True)
class LiveQuestionClosed(QuestionEvent):
    name: ClassVar[str] = "live.question_closed"
    total: int
    seq: int


@dataclasses.dataclass(frozen=True)
class ResultsRevealed(QuestionEvent):
    name: ClassVar[str] = "live.results_revealed"


@dataclasses.dataclass(frozen=True)
class ResultsHidden(QuestionEvent):
    name: ClassVar[str] = "live.results_hidden"


@dataclasses.dataclass(frozen=True)
class ResultsChanged(DomainEvent):
    """Votes, answers or Q&A entries of a question changed: the tally is due for a refresh."""

    name: ClassVar[str] = "live.results_changed"
    session_id: int
    question_id: int
    seq: int


@dataclasses.dataclass(frozen=True)
class VoteCast(ResultsChanged):
    name: ClassVar[str] = "vote.cast"


@dataclasses.dataclass(frozen=True)
class EntryPosted(ResultsChanged):
    name: ClassVar[str] = "live.entry_posted"
    entry_id: int


@dataclasses.dataclass(frozen=True)
class EntryUpvoted(ResultsChanged):
    name: ClassVar[str] = "live.entry_upvoted"
    entry_id: int


@dataclasses.dataclass(frozen=True)
class EntryModerated(ResultsChanged):
    name: ClassVar[str] = "live.entry_moderated"
    entry_id: int
    action: str


#: Events after which phones and presenters get a new ``question`` message.
QUESTION_EVENTS = (CurrentQuestionChanged, QuestionOpened, LiveQuestionClosed, ResultsRevealed, ResultsHidden)
#: Events after which a question's tally (or Q&A list) is out of date.
RESULT_EVENTS = (VoteCast, EntryPosted, EntryUpvoted, EntryModerated)


@dataclasses.dataclass(frozen=True)
class PresenterWatching(DomainEvent):
    """A staff screen started receiving a session's results, interim ones included."""

    name: ClassVar[str] = "live.presenter_watching"
    session_id: int
    staff_id: int
