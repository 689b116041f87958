"""How surveys are named to the people who build them: questions by their text, answers as the
form shows them, conditions in words.

The registry and the branching rules name things by id and setting (``question "agree_with_plan"``,
``in``), which suits an API client who sent those ids. A commissioner never sees an id: the builder
and the staff pages say "shown only if ‘Do you agree with the plan?’ is No or Maybe". Everything
here is worked out from a question's definition through the registry (``label_for``, ``describe``),
so nothing branches on a type.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from .errors import AnswerError, DefinitionError
from .question_types import get_type

#: How each branching operator reads after the question ("‘How old are you?’ is at least 18").
OPERATOR_WORDS = {
    "equals": "is", "not_equals": "is not", "in": "is", "includes": "includes",
    "gte": "is at least", "lte": "is at most", "answered": "is answered",
}
#: The same operators as the builder offers them, in a menu.
OPERATOR_CHOICES = {
    "equals": "is", "not_equals": "is not", "in": "is one of", "includes": "includes",
    "gte": "is at least", "lte": "is at most", "answered": "is answered (any answer)",
}
#: How many answers a message lists before it stops listing.
LIST_LIMIT = 10


def quoted(text: str) -> str:
    return f"‘{text}’"


def either(words: Sequence[str], joiner: str = "or") -> str:
    """"A", "A or B", "A, B or C"."""
    words = [w for w in words if w]
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {joiner} {words[-1]}"


def question_name(question: Mapping[str, Any] | None) -> str:
    return quoted(question["text"]) if question else "an earlier question"


def answer_words(question: Mapping[str, Any] | None, value: Any) -> str:
    """A stored answer (or a condition's value) as the form shows it: ``"no"`` -> ``No``."""
    if question is None:
        return str(value)
    try:
        return get_type(question.get("type")).label_for(question, value)
    except (DefinitionError, KeyError, TypeError, ValueError):  # say the value as stored
        return str(value)


def possible_answers(question: Mapping[str, Any]) -> list[str]:
    """The answers a resident can pick, in words (empty for typed answers such as numbers)."""
    try:
        return [text for _, text in get_type(question.get("type")).choices(question)]
    except (DefinitionError, KeyError, TypeError, ValueError):
        return []


def condition_words(condition: Mapping[str, Any], questions: Mapping[str, Mapping[str, Any]]) -> str:
    """A ``show_if`` in words: "‘Do you agree with the plan?’ is No or Maybe"."""
    ref = questions.get(condition.get("question"))
    name = question_name(ref)
    ops = [key for key in condition if key != "question"]
    if len(ops) != 1:
        return f"{name} meets a condition"
    op = ops[0]
    value = condition[op]
    if op == "answered":
        return f"{name} is answered" if value else f"{name} is not answered"
    if op == "in":
        values = value if isinstance(value, (list, tuple)) else [value]
        return f"{name} is {either([answer_words(ref, v) for v in values])}"
    return f"{name} {OPERATOR_WORDS.get(op, op)} {answer_words(ref, value)}"


def shown_if_words(item: Mapping[str, Any], questions: Mapping[str, Mapping[str, Any]]) -> str | None:
    """"shown only if ‘…’ is Yes" for a question or page with a condition, else ``None``."""
    condition = item.get("show_if")
    if not condition:
        return None
    return f"shown only if {condition_words(condition, questions)}"


def by_id(questions: Iterable[Mapping[str, Any]]) -> dict[str, Mapping[str, Any]]:
    return {q["id"]: q for q in questions if isinstance(q, Mapping) and q.get("id")}


def operator_problem(op: str, ref: Mapping[str, Any]) -> str:
    """Why a condition's operator does not suit the question it looks at, and what does."""
    qtype = get_type(ref.get("type"))
    allowed = [OPERATOR_CHOICES[o] for o in OPERATOR_CHOICES if o in qtype.allowed_operators(ref)]
    said = OPERATOR_CHOICES.get(op, op)
    if not allowed:
        return f"{question_name(ref)} has no answers to show a question after: choose another question"
    return (f"“{said}” does not work with {question_name(ref)}, which is {qtype.describe(ref)}: "
            f"choose {either([f'“{a}”' for a in allowed])}")


def _is_answer(ref: Mapping[str, Any], value: Any) -> bool:
    try:
        get_type(ref.get("type")).clean_answer(ref, value)
        return True
    except (AnswerError, DefinitionError, KeyError, TypeError, ValueError):
        return False


def value_problem(value: Any, ref: Mapping[str, Any], op: str = "equals") -> str:
    """Why a condition's value (or one of its values) is not an answer the question it looks at
    can get, naming the answers it can."""
    values = list(value) if isinstance(value, (list, tuple)) else [value]
    if op == "includes":
        wrong = [v for v in values if v not in (ref.get("options") or [])] or values
    else:
        wrong = [v for v in values if not _is_answer(ref, v)] or values
    shown = str(wrong[0])
    choices = possible_answers(ref)
    if choices and len(choices) <= LIST_LIMIT:
        return f"“{shown}” is not an answer to {question_name(ref)}: use {either(choices)}"
    return f"“{shown}” is not a possible answer to {question_name(ref)}"
