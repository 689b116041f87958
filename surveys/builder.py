"""Building a draft survey one question at a time: add, edit, move and remove a question.

These are the survey counterparts of ``surveys.live.sessions.add_question``. Each one works on a
copy of the stored definition, has the whole survey checked again by the registry and the
branching rules (``lifecycle.set_definition``: a condition may only look back, ids stay unique),
bumps the definition's version, refuses once the survey is open or closed (people who already
answered must have answered the survey that is reported), and publishes one event naming the
question. Each is one transaction: it commits, or on any error rolls back and changes nothing.

Errors about the question being added or edited are keyed by that question's own settings
(``options``, ``show_if.question``), so a form can put them beside its fields; any other
problem keeps the survey-wide path the registry gave it (``questions.4.show_if``).
"""
from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from commissioning_steps.db import transactional
from commissioning_steps.errors import Invalid, NotFound
from commissioning_steps.events import publish

from . import branching, lifecycle
from .events import (
    SurveyQuestionAdded,
    SurveyQuestionChanged,
    SurveyQuestionEvent,
    SurveyQuestionMoved,
    SurveyQuestionRemoved,
)
from .models import Survey


def _items(survey: Survey) -> list[dict[str, Any]]:
    return copy.deepcopy(list(survey.definition or []))


def _sectioned(items: list[dict[str, Any]]) -> bool:
    return any("questions" in item for item in items)


def _locate(items: list[dict[str, Any]], question_id: str) -> tuple[list[dict[str, Any]], int, str]:
    """The list holding the question (the survey, or its section), its index there, and the
    path prefix the registry uses for it."""
    if _sectioned(items):
        for s, section in enumerate(items):
            for i, q in enumerate(section.get("questions", [])):
                if q.get("id") == question_id:
                    return section["questions"], i, f"sections.{s}.questions.{i}"
    else:
        for i, q in enumerate(items):
            if q.get("id") == question_id:
                return items, i, f"questions.{i}"
    raise NotFound("No question with that id in this survey")


def _store(session: Session, survey: Survey, items: list[dict[str, Any]], prefix: str | None = None) -> None:
    """Check and save the new definition; ``prefix`` names the question whose errors are its own."""
    try:
        lifecycle.set_definition(session, survey, items)
    except Invalid as exc:
        if prefix is None:
            raise
        fields = {}
        for path, message in exc.fields.items():
            if path == prefix or path.startswith(prefix + "."):
                fields[path[len(prefix) + 1:] or "text"] = message
            else:
                fields.setdefault(path, message)
        raise Invalid(fields, exc.message) from exc


def _publish(session: Session, survey: Survey, event: type[SurveyQuestionEvent], question_id: str) -> None:
    publish(session, event(survey.commission_id, survey.id, question_id, survey.version,
                           len(branching.flatten(survey.definition))))


def _question(raw: Mapping[str, Any]) -> dict[str, Any]:
    if not isinstance(raw, Mapping):
        raise Invalid({"": "Give the question as a set of named fields"})
    return dict(raw)


@transactional
def add_question(session: Session, survey: Survey, raw: Mapping[str, Any]) -> dict[str, Any]:
    """Add a question at the end (of the last section, in a survey with sections); returns it
    as stored, with its id."""
    lifecycle.require_draft(survey)
    items = _items(survey)
    question = _question(raw)
    if _sectioned(items):
        items[-1].setdefault("questions", []).append(question)
        prefix = f"sections.{len(items) - 1}.questions.{len(items[-1]['questions']) - 1}"
    else:
        items.append(question)
        prefix = f"questions.{len(items) - 1}"
    _store(session, survey, items, prefix)
    added = _stored_at(survey, prefix)
    _publish(session, survey, SurveyQuestionAdded, added["id"])
    return added


def _stored_at(survey: Survey, prefix: str) -> dict[str, Any] | None:
    parts = prefix.split(".")
    try:
        if parts[0] == "sections":
            return survey.definition[int(parts[1])]["questions"][int(parts[3])]
        return survey.definition[int(parts[1])]
    except (IndexError, KeyError):
        return None


@transactional
def edit_question(session: Session, survey: Survey, question_id: str, raw: Mapping[str, Any]) -> dict[str, Any]:
    """Replace a question's settings; it keeps its id (so conditions on it still point at it)."""
    lifecycle.require_draft(survey)
    items = _items(survey)
    holder, index, prefix = _locate(items, question_id)
    holder[index] = {**_question(raw), "id": question_id}
    _store(session, survey, items, prefix)
    _publish(session, survey, SurveyQuestionChanged, question_id)
    return _stored_at(survey, prefix)


@transactional
def move_question(session: Session, survey: Survey, question_id: str, position: int) -> None:
    """Move a question to ``position`` (from 0) among the questions of its list (the survey, or
    its section). Refused if it would put a condition before the question it depends on."""
    lifecycle.require_draft(survey)
    items = _items(survey)
    holder, index, _ = _locate(items, question_id)
    if isinstance(position, bool) or not isinstance(position, int) or not 0 <= position < len(holder):
        raise Invalid({"position": f"Choose a position from 1 to {len(holder)}"})
    holder.insert(position, holder.pop(index))
    _store(session, survey, items)
    _publish(session, survey, SurveyQuestionMoved, question_id)


@transactional
def remove_question(session: Session, survey: Survey, question_id: str) -> None:
    """Remove a question (and its section, if it was the section's last). Refused while a later
    question's condition depends on it."""
    lifecycle.require_draft(survey)
    items = _items(survey)
    holder, index, _ = _locate(items, question_id)
    holder.pop(index)
    if _sectioned(items):
        items = [s for s in items if s.get("questions")]
    _store(session, survey, items)
    _publish(session, survey, SurveyQuestionRemoved, question_id)
