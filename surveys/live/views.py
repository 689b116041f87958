"""What a live session looks like from outside: the JSON shapes of sessions, questions and
their results, for phones, staff screens, pages and the REST API alike.

One module, so a question looks the same in a ``join`` acknowledgement, a ``question`` message,
a presenter page and ``POST …/open``, and the question + tally + entries a screen draws from
is assembled in one place (``results_for``, ``snapshot``). They are pure views of domain state:
reading only, no web framework (docs/live-protocol.md describes the shapes).

A question's payload carries what its type says phones need (``QuestionType.live_keys``) and
how to draw it (``renderer``, ``label``, ``hint``, ``answers``, ``max_length``, ``choices``,
``moderation``, ``adds_answers``, ``max_answers``), so no client branches on the type's name.

Audiences: ``STAFF`` (presenter and moderation screens: every result, hidden entries too) and
``ROOM`` (phones, and the projector view, which joins as the room does: results only once
they are shown).
"""
from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from commissioning_steps import journey

from . import presence, results
from .models import LiveQuestion, LiveSession
from .sessions import current_question

STAFF, ROOM = "staff", "room"
_COMMON_KEYS = ("type", "text", "help")


def question(live: LiveSession, q: LiveQuestion | None) -> dict[str, Any] | None:
    if q is None:
        return None
    qtype = q.kind
    definition = q.definition
    data: dict[str, Any] = {"id": q.id}
    data.update({key: definition[key] for key in (*_COMMON_KEYS, *qtype.live_keys) if key in definition})
    data.update({
        "renderer": qtype.renderer, "label": qtype.live_label(definition), "hint": qtype.live_hint(definition),
        "answers": qtype.answers, "asks": qtype.asks, "noun": list(qtype.response_noun), "moderation": list(qtype.moderation),
        "adds_answers": qtype.adds_answers, "max_answers": qtype.most_answers(definition),
    })
    limit = qtype.max_length_for(definition)
    if limit is not None:
        data["max_length"] = limit
    choices = qtype.live_choices(definition)
    if choices is not None:
        data["choices"] = choices
    data.update({"state": q.state, "revealed": q.revealed, "number": _number(live, q), "of": len(live.questions)})
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
        "status": live.status,
        "ended": live.ended,
        "questions": [question(live, q) for q in live.questions],
    }


def results_for(db: Session, live: LiveSession, q: LiveQuestion | None,
                audiences: tuple[str, ...] = (STAFF, ROOM),
                tallies: results.TallyCache | None = None) -> dict[str, dict[str, Any]]:
    """``{audience: {"tally", "entries"}}`` for a question, following the hiding rule.

    Staff screens (``STAFF``) always see results, hidden entries included. The room (``ROOM``:
    phones) sees them only for the current question, and only while its results are shown;
    otherwise both are ``None``. ``entries`` is ``None`` for types whose answers are counted.
    The tally is read once, whichever audiences are asked for (and reused from ``tallies``
    when it was already counted at the question's ``seq``).
    """
    empty = {"tally": None, "entries": None}
    out = {audience: dict(empty) for audience in audiences}
    if q is None or q.session_id != live.id:
        return out
    room_sees = q.revealed and live.current_question_id == q.id
    if STAFF not in audiences and not room_sees:
        return out
    tally = results.tally(db, q, tallies)
    listed = q.kind.listed
    if STAFF in audiences:
        out[STAFF] = {"tally": tally, "entries": results.entries(db, q, include_hidden=True) if listed else None}
    if ROOM in audiences and room_sees:
        out[ROOM] = {"tally": tally, "entries": results.entries(db, q) if listed else None}
    return out


def snapshot(db: Session, live: LiveSession, audience: str, *, with_results: bool = True,
             tallies: results.TallyCache | None = None) -> dict[str, Any]:
    """What a screen needs to draw itself from scratch: the session, its current question and
    that question's results as ``audience`` may see them (staff also get the participant count).

    ``with_results=False`` is the ``question`` message: the results follow in their own messages.
    """
    current = current_question(live)
    if audience == STAFF:
        data = {"session": staff_session(live), "question": question(live, current),
                "participants": presence.count(db, live.id)}
    else:
        data = {"session": session(live), "question": question(live, current)}
    if with_results:
        data.update(results_for(db, live, current, (audience,), tallies)[audience])
    return data


def projector(db: Session, live: LiveSession) -> dict[str, Any]:
    """What the projector view draws from: the room's view (results only once shown), the
    participant count, and whether the session has ended."""
    return {**snapshot(db, live, ROOM), "session": {**session(live), "ended": live.ended},
            "participants": presence.count(db, live.id)}
