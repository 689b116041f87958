"""The one registry of question types, shared by surveys and live polls.

Surveys and polls use the same types (a live multiple choice question is a survey multiple
choice question with ``multiple: false``), so validation, tallies and charts cannot drift
apart between the two. Each type lives in its own module and declares everything about itself;
this module only lists them and dispatches.

Functions here take a *normalised* definition (the output of ``normalise_question``), which
has every default filled in, so the hot paths (a vote, a tally refresh) do no re-checking.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any

from surveys.errors import DefinitionError
from surveys.question_types import (
    about_you,
    agreement,
    free_text,
    multiple_choice,
    number,
    qa,
    ranking,
    rating,
    single_choice,
    word_cloud,
    yes_no_maybe,
)
from surveys.question_types._base import OPERATORS, POLL, SURVEY, QuestionType, is_empty

__all__ = [
    "OPERATORS",
    "POLL",
    "SURVEY",
    "TYPES",
    "QuestionType",
    "chart",
    "clean_answer",
    "get_type",
    "is_empty",
    "normalise_question",
    "tally",
    "types_for",
]

TYPES: Mapping[str, QuestionType] = MappingProxyType(
    {
        t.name: t
        for t in (
            single_choice.TYPE,
            multiple_choice.TYPE,
            rating.TYPE,
            agreement.TYPE,
            yes_no_maybe.TYPE,
            number.TYPE,
            free_text.TYPE,
            ranking.TYPE,
            about_you.TYPE,
            word_cloud.TYPE,
            free_text.OPEN_TEXT,
            qa.TYPE,
        )
    }
)

_CONTEXT_NAMES = {SURVEY: "surveys", POLL: "live polls"}


def get_type(name: Any) -> QuestionType:
    """The type called ``name``; an unknown name is the definition's fault, so DefinitionError."""
    if not isinstance(name, str) or not name:
        raise DefinitionError({"type": "Choose a question type"})
    try:
        return TYPES[name]
    except KeyError:
        raise DefinitionError({"type": f'"{name}" is not a question type'}) from None


def types_for(context: str) -> list[QuestionType]:
    """Types offered in a context (``"survey"`` or ``"poll"``), for the question builder's menu."""
    return [t for t in TYPES.values() if context in t.contexts]


def normalise_question(raw: Mapping[str, Any], context: str | None = None) -> dict[str, Any]:
    """Check a question definition and return it normalised; dispatches on ``raw["type"]``.

    With ``context``, a type that does not belong there (a word cloud in a survey) is refused.
    """
    if not isinstance(raw, Mapping):
        raise DefinitionError({"": "Give the question as a set of named fields"})
    qtype = get_type(raw.get("type"))
    if context is not None and context not in qtype.contexts:
        where = " and ".join(_CONTEXT_NAMES[c] for c in sorted(qtype.contexts, reverse=True))
        raise DefinitionError({"type": f"{qtype.label} questions can only be used in {where}"})
    return qtype.normalise_definition(raw)


def clean_answer(definition: Mapping[str, Any], value: Any) -> Any:
    return get_type(definition.get("type")).clean_answer(definition, value)


def tally(definition: Mapping[str, Any], values: Iterable[Any]) -> dict[str, Any]:
    return get_type(definition.get("type")).tally(definition, values)


def tally_groups(definition: Mapping[str, Any], groups: Iterable[tuple[Any, int]]) -> dict[str, Any]:
    """``tally`` over ``(value, n)`` groups of equal answers (what SQL counted)."""
    return get_type(definition.get("type")).tally_groups(definition, groups)


def chart(definition: Mapping[str, Any], result: Mapping[str, Any]) -> list[dict[str, Any]]:
    return get_type(definition.get("type")).chart(definition, result)
