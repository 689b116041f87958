"""Between HTML form fields and answer values: the web adapter's side of the question types.

Each type in the registry (``surveys.question_types``) says how its field is drawn (its
``field_renderer``, a macro in ``templates/surveys/renderers/``), how it is read back from a
posted form, how a kept answer is shown again and how an answer reads on the check page. This
module only loops over a page's questions and asks each one's type.
"""
from __future__ import annotations

from typing import Any, Mapping, Sequence

from surveys.pages import Page, Reveal
from surveys.question_types import get_type


def answers_from_form(step: Page | Sequence[Mapping[str, Any]], form) -> tuple[dict[str, Any], dict[str, str]]:
    """Answers in the API's shapes, plus problems only the form can have (ranking positions).

    ``step`` is a page of the form (or a list of questions). A follow-up drawn in place has a
    copy under each option that reveals it (``surveys.pages.Reveal``): only the copy under the
    option the resident chose is read, under the follow-up's own id; with no such option
    chosen, the follow-up is not answered.
    """
    questions = step.questions if isinstance(step, Page) else step
    answers: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for q in questions:
        get_type(q["type"]).read_form(q, form, answers, errors)
    for reveal in _chosen_copies(step, form).values():
        copy_answers: dict[str, Any] = {}
        copy_errors: dict[str, str] = {}
        get_type(reveal.question["type"]).read_form(reveal.copy, form, copy_answers, copy_errors)
        qid = reveal.question["id"]
        answers[qid] = copy_answers.get(reveal.copy_id, "")
        if reveal.copy_id in copy_errors:
            errors[qid] = copy_errors[reveal.copy_id]
    for reveal in getattr(step, "reveals", ()):
        answers.setdefault(reveal.question["id"], "")
    return answers, errors


def _chosen_copies(step, form) -> dict[str, Reveal]:
    """Follow-up id -> the copy under the chosen option (the first, should several be chosen)."""
    chosen: dict[str, Reveal] = {}
    for reveal in getattr(step, "reveals", ()):
        if reveal.value in form.getlist(reveal.controller):
            chosen.setdefault(reveal.question["id"], reveal)
    return chosen


def error_anchors(step: Page, form=None) -> dict[str, str]:
    """Question id -> the id of the field its error summary entry links to. A follow-up drawn in
    place links to its copy under the option chosen on the posted ``form``."""
    anchors = {q["id"]: q["id"] for q in step.questions}
    for reveal in getattr(step, "reveals", ()):
        anchors.setdefault(reveal.question["id"], reveal.copy_id)
    if form is not None:
        anchors.update({qid: r.copy_id for qid, r in _chosen_copies(step, form).items()})
    return anchors


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
