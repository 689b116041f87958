"""Domain events of surveys, on the same bus as the journey's (``commissioning_steps.events``).

Stored and delivered like every catalogue event (``docs/events.md``), so they carry ids and
counts only: never what a resident answered."""
from __future__ import annotations

import dataclasses
from typing import ClassVar

from commissioning_steps.events import DomainEvent


@dataclasses.dataclass(frozen=True)
class SurveyOpened(DomainEvent):
    """A survey opened for answers (by hand, or at its scheduled time)."""

    name: ClassVar[str] = "survey.opened"
    survey_id: int


@dataclasses.dataclass(frozen=True)
class SurveyClosed(DomainEvent):
    """A survey closed; its results were appended to the evidence log."""

    name: ClassVar[str] = "survey.closed"
    survey_id: int
    responses: int
    evidence_entry_id: int


@dataclasses.dataclass(frozen=True)
class ResponseSubmitted(DomainEvent):
    """Residents sent responses: counted, never what they answered. Responses stored together
    (the submission writer's group) are one event, and ``received`` says how many."""

    name: ClassVar[str] = "survey.response_submitted"
    survey_id: int
    responses: int
    received: int = 1


@dataclasses.dataclass(frozen=True)
class ResponseChanged(DomainEvent):
    """A resident changed their response (with its receipt code)."""

    name: ClassVar[str] = "survey.response_changed"
    survey_id: int


@dataclasses.dataclass(frozen=True)
class ResponseDeleted(DomainEvent):
    """A resident deleted their response (with its receipt code)."""

    name: ClassVar[str] = "survey.response_deleted"
    survey_id: int


@dataclasses.dataclass(frozen=True)
class SurveyCreated(DomainEvent):
    """A survey was created (as a draft)."""

    name: ClassVar[str] = "survey.created"
    survey_id: int
    questions: int


@dataclasses.dataclass(frozen=True)
class SurveyChanged(DomainEvent):
    """Title, texts, schedule or step changed (the builder's events below say which question)."""

    name: ClassVar[str] = "survey.changed"
    survey_id: int
    version: int
    changed: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class SurveyQuestionEvent(DomainEvent, abstract=True):
    """A draft's questions changed through the builder; ``version`` is the definition's new one."""

    name: ClassVar[str] = "survey.question"
    survey_id: int
    question_id: str
    version: int
    questions: int


@dataclasses.dataclass(frozen=True)
class SurveyQuestionAdded(SurveyQuestionEvent):
    """A question was added to a draft survey."""

    name: ClassVar[str] = "survey.question_added"


@dataclasses.dataclass(frozen=True)
class SurveyQuestionChanged(SurveyQuestionEvent):
    """A draft survey's question was edited."""

    name: ClassVar[str] = "survey.question_changed"


@dataclasses.dataclass(frozen=True)
class SurveyQuestionMoved(SurveyQuestionEvent):
    """A draft survey's question was moved to another position."""

    name: ClassVar[str] = "survey.question_moved"


@dataclasses.dataclass(frozen=True)
class SurveyQuestionRemoved(SurveyQuestionEvent):
    """A question was removed from a draft survey."""

    name: ClassVar[str] = "survey.question_removed"


@dataclasses.dataclass(frozen=True)
class SurveySectionEvent(DomainEvent, abstract=True):
    """A draft's pages (sections) changed through the builder; ``sections`` is how many it has."""

    name: ClassVar[str] = "survey.section"
    survey_id: int
    section_id: str
    version: int
    sections: int


@dataclasses.dataclass(frozen=True)
class SurveySectionAdded(SurveySectionEvent):
    """A page (section) was added to a draft survey."""

    name: ClassVar[str] = "survey.section_added"


@dataclasses.dataclass(frozen=True)
class SurveySectionChanged(SurveySectionEvent):
    """A draft survey's page was renamed or described again."""

    name: ClassVar[str] = "survey.section_changed"


@dataclasses.dataclass(frozen=True)
class SurveySectionMoved(SurveySectionEvent):
    """A draft survey's page moved up or down."""

    name: ClassVar[str] = "survey.section_moved"


@dataclasses.dataclass(frozen=True)
class SurveySectionRemoved(SurveySectionEvent):
    """A page was removed from a draft survey (its questions with it, or moved)."""

    name: ClassVar[str] = "survey.section_removed"


@dataclasses.dataclass(frozen=True)
class SurveyDeleted(DomainEvent):
    """A draft nobody answered was deleted."""

    name: ClassVar[str] = "survey.deleted"
    survey_id: int


@dataclasses.dataclass(frozen=True)
class SurveyArchived(DomainEvent):
    """A closed survey left the default list (``archived`` false: it came back)."""

    name: ClassVar[str] = "survey.archived"
    survey_id: int
    archived: bool


@dataclasses.dataclass(frozen=True)
class CollectorInvited(DomainEvent):
    """A community researcher was invited to collect for a survey (by id: their label stays on
    staff pages)."""

    name: ClassVar[str] = "survey.collector_invited"
    survey_id: int
    collector_id: int


@dataclasses.dataclass(frozen=True)
class CollectorWithdrawn(DomainEvent):
    """A collector's link was withdrawn; what they collected stays, marked."""

    name: ClassVar[str] = "survey.collector_withdrawn"
    collector_id: int


@dataclasses.dataclass(frozen=True)
class ObservationRecorded(DomainEvent):
    """A collector recorded an observation (with or without a photo): ids only."""

    name: ClassVar[str] = "survey.observation_recorded"
    survey_id: int
    observation_id: int
    collector_id: int
    photo: bool
