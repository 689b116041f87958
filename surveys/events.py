"""Domain events of surveys, on the same bus as the journey's (``commissioning_steps.events``)."""
from __future__ import annotations

import dataclasses
from typing import ClassVar

from commissioning_steps.events import DomainEvent


@dataclasses.dataclass(frozen=True)
class SurveyOpened(DomainEvent):
    name: ClassVar[str] = "survey.opened"
    survey_id: int


@dataclasses.dataclass(frozen=True)
class SurveyClosed(DomainEvent):
    name: ClassVar[str] = "survey.closed"
    survey_id: int
    responses: int
    evidence_entry_id: int


@dataclasses.dataclass(frozen=True)
class ResponseSubmitted(DomainEvent):
    name: ClassVar[str] = "survey.response_submitted"
    survey_id: int


@dataclasses.dataclass(frozen=True)
class ResponseChanged(DomainEvent):
    name: ClassVar[str] = "survey.response_changed"
    survey_id: int


@dataclasses.dataclass(frozen=True)
class ResponseDeleted(DomainEvent):
    name: ClassVar[str] = "survey.response_deleted"
    survey_id: int
