"""Translating between HTML form fields and answer values, for each question type.

The registry in ``surveys`` judges answers; this module only knows how each type is drawn as a
GOV.UK form control and how to read it back (a checkbox list, an "other, please say" box, one
position select per option for ranking, which works without JavaScript).
"""
from __future__ import annotations

from typing import Any, Mapping, Sequence

OTHER = "__other__"


def _multiple(q: Mapping[str, Any]) -> bool:
    return q["type"] == "multiple_choice" and q.get("multiple", True)


def answers_from_form(questions: Sequence[Mapping[str, Any]], form) -> tuple[dict[str, Any], dict[str, str]]:
    """Answers in the API's shapes, plus problems only the form can have (ranking positions)."""
    answers: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for q in questions:
        qid = q["id"]
        if _multiple(q):
            answers[qid] = form.getlist(qid)
        elif q["type"] == "ranking":
            positions = {}
            for i, option in enumerate(q.get("options", [])):
                raw = form.get(f"{qid}-rank-{i}", "")
                if raw:
                    positions[option] = raw
            if positions:
                if len(positions) != len(q["options"]):
                    errors[qid] = "Give every option a position"
                elif len(set(positions.values())) != len(positions):
                    errors[qid] = "Give each option a different position"
                else:
                    answers[qid] = [o for o, _ in sorted(positions.items(), key=lambda item: int(item[1]))]
        elif q["type"] == "single_choice" and form.get(qid) == OTHER:
            answers[qid] = form.get(f"{qid}-other", "").strip() or None
            if answers[qid] is None:
                errors[qid] = "Say what your other answer is"
        else:
            answers[qid] = form.get(qid, "")
    return answers, errors


def form_state(q: Mapping[str, Any], value: Any) -> dict[str, Any]:
    """What a control needs to redisplay an answer (kept when a page is shown again)."""
    state: dict[str, Any] = {"value": value}
    if q["type"] == "single_choice" and isinstance(value, str) and value and value not in q.get("options", []):
        state.update(value=OTHER, other=value)
    if q["type"] == "ranking" and isinstance(value, list):
        state["positions"] = {option: str(value.index(option) + 1) for option in value}
    if _multiple(q):
        state["values"] = value if isinstance(value, list) else ([value] if value else [])
    return state


def display_answer(q: Mapping[str, Any], value: Any) -> str:
    if value is None or value == "" or value == []:
        return "Not answered"
    if q["type"] == "ranking" and isinstance(value, list):
        return "; ".join(f"{i}. {v}" for i, v in enumerate(value, start=1))
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if q["type"] == "yes_no_maybe":
        return str(value).capitalize()
    return str(value)
