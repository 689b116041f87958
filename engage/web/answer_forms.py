"""Between HTML form fields and answer values: the web adapter's side of the question types.

Each type in the registry (``surveys.question_types``) says how its field is drawn (its
``field_renderer``, a macro in ``templates/surveys/renderers/``), how it is read back from a
posted form, how a kept answer is shown again and how an answer reads on the check page. This
module only loops over a page's questions and asks each one's type.
"""
from __future__ import annotations

from typing import Any, Mapping, Sequence

from surveys.question_types import get_type


def answers_from_form(questions: Sequence[Mapping[str, Any]], form) -> tuple[dict[str, Any], dict[str, str]]:
    """Answers in the API's shapes, plus problems only the form can have (ranking positions)."""
    answers: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for q in questions:
        get_type(q["type"]).read_form(q, form, answers, errors)
    return answers, errors


def form_state(q: Mapping[str, Any], value: Any) -> dict[str, Any]:
    """What a control needs to redisplay an answer (kept when a page is shown again)."""
    return get_type(q["type"]).form_state(q, value)


def display_answer(q: Mapping[str, Any], value: Any) -> str:
    return get_type(q["type"]).display_answer(q, value)


def question_view(q: Mapping[str, Any]) -> dict[str, Any]:
    """What ``surveys/question_field.html`` needs of a question's type to draw it."""
    qtype = get_type(q["type"])
    return {"renderer": qtype.field_renderer_for(q), "hint": qtype.field_hint(q), "choices": qtype.choices(q),
            "inline": qtype.inline_choices, "label": qtype.label}
