"""Domain events of live polls.

The catalogue events among them are stored in ``domain_events`` and delivered like every other
(``docs/events.md``), so they carry ids and counters only: never a participant id, never what a
resident wrote. A single vote, a phrase or question posted from the room and an up-vote are
high-rate internal signals (``stored = False``): the broadcaster hears them after commit, and a
question's close carries its final count. The broadcaster reads the current state from the
database when it needs more.
"""
from __future__ import annotations

import dataclasses
from typing import ClassVar

from commissioning_steps.events import DomainEvent


@dataclasses.dataclass(frozen=True)
class LiveSessionCreated(DomainEvent):
    """A live poll session was created with its questions."""

    name: ClassVar[str] = "live.session_created"
    session_id: int
    step: str
    questions: int


@dataclasses.dataclass(frozen=True)
class LiveQuestionAdded(DomainEvent):
    """A question was added to a live poll session."""

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
    """An ended session was archived: off the default list, still on the record."""

    name: ClassVar[str] = "live.session_archived"
    session_id: int


@dataclasses.dataclass(frozen=True)
class LiveSessionUnarchived(DomainEvent):
    """An archived session was put back on the default list."""

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
class QuestionEvent(DomainEvent, abstract=True):
    """A change phones and presenter screens show at once: the ``question`` message."""

    name: ClassVar[str] = "live.question"
    session_id: int
    question_id: int


@dataclasses.dataclass(frozen=True)
class CurrentQuestionChanged(QuestionEvent):
    """The presenter moved the session to another question."""

    name: ClassVar[str] = "live.current_changed"


@dataclasses.dataclass(frozen=True)
class QuestionOpened(QuestionEvent):
    """A live question opened for votes."""

    name: ClassVar[str] = "live.question_opened"


@dataclasses.dataclass(frozen=True)
class LiveQuestionClosed(QuestionEvent):
    """A live question closed; ``total`` is its final count (its result is in the evidence log)."""

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
    """A live question's results were shown on phones and the projector."""

    name: ClassVar[str] = "live.results_revealed"


@dataclasses.dataclass(frozen=True)
class ResultsHidden(QuestionEvent):
    """A live question's results were hidden again."""

    name: ClassVar[str] = "live.results_hidden"


@dataclasses.dataclass(frozen=True)
class ResultsChanged(DomainEvent, abstract=True):
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
    """Internal signal: a participant took back one of their answers (a word-cloud word) while
    voting was open (never stored, like the vote it takes back)."""

    name: ClassVar[str] = "vote.withdrawn"
    stored: ClassVar[bool] = False


@dataclasses.dataclass(frozen=True)
class EntryPosted(ResultsChanged):
    """Internal signal: a phrase or question posted from the room (never stored)."""

    name: ClassVar[str] = "live.entry_posted"
    stored: ClassVar[bool] = False
    entry_id: int


@dataclasses.dataclass(frozen=True)
class EntryUpvoted(ResultsChanged):
    """Internal signal: one up-vote of a question from the room (never stored)."""

    name: ClassVar[str] = "live.entry_upvoted"
    stored: ClassVar[bool] = False
    entry_id: int


@dataclasses.dataclass(frozen=True)
class EntryModerated(ResultsChanged):
    """A moderator hid or showed again an entry from the room, or marked it answered or not."""

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
    """Internal signal: a staff screen started receiving a session's results, interim ones
    included (recorded in ``live_disclosures``, so not stored here as well)."""

    name: ClassVar[str] = "live.presenter_watching"
    stored: ClassVar[bool] = False
    session_id: int
    staff_id: int
