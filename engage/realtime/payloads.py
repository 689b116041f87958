"""The JSON shapes of live sessions, shared by the socket namespaces and the REST API.

One module, so a question looks the same in a ``join`` acknowledgement, a ``question`` message
and ``POST …/open`` (docs/live-protocol.md describes these shapes).
"""
from __future__ import annotations

from typing import Any

from commissioning_steps import journey
from surveys.live.models import LiveQuestion, LiveSession

#: Definition keys residents' phones need to draw a question.
_PUBLIC_KEYS = ("type", "text", "help", "options", "multiple", "max", "min", "min_label", "max_label",
                "max_length")


def question(live: LiveSession, q: LiveQuestion | None) -> dict[str, Any] | None:
    if q is None:
        return None
    data: dict[str, Any] = {"id": q.id}
    data.update({key: q.definition[key] for key in _PUBLIC_KEYS if key in q.definition})
    data.update({"state": q.state, "revealed": q.revealed, "number": _number(live, q),
                 "of": len(live.questions)})
    return data


def _number(live: LiveSession, q: LiveQuestion) -> int:
    return [item.id for item in live.questions].index(q.id) + 1


def session(live: LiveSession) -> dict[str, Any]:
    return {"id": live.id, "title": live.title, "code": live.code}


def staff_session(live: LiveSession) -> dict[str, Any]:
    step = journey.get_step(live.step)
    return {
        **session(live),
        "commission_id": live.commission_id,
        "step": live.step,
        "step_name": step.name if step else live.step,
        "current_question_id": live.current_question_id,
        "questions": [question(live, q) for q in live.questions],
    }
