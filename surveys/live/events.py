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
class LiveSessionEnded(DomainEvent):
    """No more joining or voting; ``closed_question_id`` is the question ending it closed."""

    name: ClassVar[str] = "live.session_ended"
    session_id: int
    closed_question_id: int | None


@dataclasses.dataclass(frozen=True)
class LiveSessionArchived(DomainEvent):
    name: ClassVar[str] = "live.session_archived"
    session_id: int


@dataclasses.dataclass(frozen=True)
class LiveSessionUnarchived(DomainEvent):
    name: ClassVar[str] = "live.session_unarchived"
    session_id: int


@dataclasses.dataclass(frozen=True)
class LiveSessionDeleted(DomainEvent):
    """A session that never ran was removed (its questions, and any staff viewings, with it)."""

    name: ClassVar[str] = "live.session_deleted"
    session_id: int
    questions: int


#: Events after which phones and screens hear that the session is over.
SESSION_END_EVENTS = (LiveSessionEnded, LiveSessionDeleted)


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
class LiveQuestionChanged(QuestionEvent):
    """A question not yet opened was edited (phones showing it draw it again)."""

    name: ClassVar[str] = "live.question_changed"


@dataclasses.dataclass(frozen=True)
class LiveQuestionRemoved(QuestionEvent):
    """A question not yet opened was removed; if it was on the screen, nothing is now."""

    name: ClassVar[str] = "live.question_removed"


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
    """Internal signal: votes on a question were stored (never stored itself: one row per vote
    that nothing reads was most of a vote's cost; the question's close carries the count)."""

    name: ClassVar[str] = "vote.cast"
    stored: ClassVar[bool] = False


@dataclasses.dataclass(frozen=True)
class VoteWithdrawn(ResultsChanged):
    """A participant took back one of their answers (a word-cloud word) while voting was open."""

    name: ClassVar[str] = "vote.withdrawn"


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
QUESTION_EVENTS = (CurrentQuestionChanged, QuestionOpened, LiveQuestionClosed, ResultsRevealed, ResultsHidden,
                   LiveQuestionChanged, LiveQuestionRemoved)
#: Events after which a question's tally (or Q&A list) is out of date.
RESULT_EVENTS = (VoteCast, VoteWithdrawn, EntryPosted, EntryUpvoted, EntryModerated)


@dataclasses.dataclass(frozen=True)
class PresenterWatching(DomainEvent):
    """A staff screen started receiving a session's results, interim ones included."""

    name: ClassVar[str] = "live.presenter_watching"
    session_id: int
    staff_id: int
