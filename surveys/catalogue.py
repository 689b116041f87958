"""The event catalogue: every event type Engage stores and delivers, with its payload fields.

Built from the event classes themselves (``commissioning_steps.events``, ``surveys.events``,
``surveys.live.events``, ``surveys.webhooks.events``), which register on definition; importing
this module imports all of them, so ``CATALOGUE`` is complete here (and only here is it
guaranteed to be: a new events module must be imported here too). It lives in
``surveys`` because it needs both domain packages. ``docs/events.md`` carries the reference
section ``markdown()`` writes; a test fails when the two differ.
"""
from __future__ import annotations

import json
from typing import Any

from commissioning_steps import events as journey_events
from commissioning_steps.events import DomainEvent, payload_fields

from . import events as _survey_events  # noqa: F401  (registers the survey events)
from .live import events as _live_events  # noqa: F401  (registers the live-poll events)
from .webhooks import events as _webhook_events  # noqa: F401  (registers the webhooks' signals)

#: Every catalogue event (stored, deliverable), by name.
CATALOGUE: dict[str, type[DomainEvent]] = journey_events.catalogue()
#: High-rate internal signals: on the bus after commit, never stored or delivered.
SIGNALS: dict[str, type[DomainEvent]] = {n: c for n, c in journey_events.registered().items() if not c.stored}
#: The type of the delivery "send a test event" makes (not a domain event).
TEST_EVENT = "webhook.test"

#: What each payload field means, by field name (one meaning per name across the catalogue).
FIELD_NOTES: dict[str, str] = {
    "commission_id": "the commission (`GET /api/v1/commissions/{id}`); in every event",
    "title": "the commission's or theme's title as it was then",
    "changed": "which fields changed",
    "user_id": "the staff account that joined",
    "role": "`commissioner` or `evaluator`",
    "entry_id": "the evidence entry (`GET /api/v1/commissions/{id}/evidence`), or the entry from the room",
    "seq": "the entry's position in the log (1, 2, …); for live questions, the tally's sequence number",
    "step": "the journey step's key (`initiate`, `investigate`, … `evaluate`)",
    "kind": "the entry's or decision's kind",
    "source": "`manual` (recorded by hand) or `automatic` (recorded by Engage)",
    "hash": "the entry's SHA-256 hash in the evidence chain",
    "overridden": "whether the gateway was overridden with a recorded reason",
    "rating": "the evaluator's rating: `fully answered`, `partly answered` or `not answered`",
    "evaluation_id": "the evaluation",
    "checkpoint_id": "the checkpoint (`GET /api/v1/commissions/{id}/checkpoints`)",
    "count": "how many evidence entries the checkpoint signs",
    "head": "the hash of the last entry it signs",
    "reason": "`on demand` or `scheduled`",
    "theme_id": "the theme",
    "into_id": "the theme it was merged into",
    "items_moved": "how many tagged items moved",
    "decision_id": "the decision",
    "status": "the decision's status",
    "version": "the new version number",
    "survey_id": "the survey (`GET /api/v1/surveys/{id}`)",
    "responses": "how many responses the survey has (counts only, never answers)",
    "received": "how many new responses this event counts (those stored together are one event)",
    "evidence_entry_id": "the evidence entry holding the survey's results",
    "questions": "how many questions it has",
    "question_id": "the question",
    "session_id": "the live poll session",
    "archived": "true when it left the default list, false when it came back",
    "section_id": "the page (section) of the survey",
    "sections": "how many pages the survey has now",
    "closed_question_id": "the question that was still open and was closed by ending the session, if any",
    "total": "the question's final count of votes or entries",
    "action": "`hide`, `show`, `answered` or `unanswered`",
    "collector_id": "the community researcher collecting data (`GET /api/v1/commissions/{id}/surveys/{id}/collectors`); never their label",
    "observation_id": "the observation the collector recorded",
    "photo": "whether the observation came with a photo",
}

_SAMPLES: dict[str, Any] = {
    "title": "Day opportunities", "user_id": 12, "role": "evaluator", "entry_id": 31, "seq": 7, "step": "investigate",
    "kind": "note", "source": "manual", "hash": "9f2c" + "0" * 60, "overridden": False, "rating": "partly answered",
    "evaluation_id": 3, "checkpoint_id": 5, "count": 7, "head": "9f2c" + "0" * 60, "reason": "scheduled",
    "theme_id": 4, "into_id": 2, "items_moved": 9, "decision_id": 8, "status": "agreed", "version": 3,
    "survey_id": 6, "responses": 128, "received": 1, "evidence_entry_id": 32, "questions": 5, "question_id": 14, "session_id": 2, "archived": True, "section_id": "s2", "sections": 3, "closed_question_id": 14,
    "total": 64, "action": "hide", "collector_id": 3, "observation_id": 11, "photo": True,
}
_SAMPLE_CHANGED = {"commission.changed": ["title", "area"], "survey.changed": ["closes_at"],
                   "decision.changed": ["status"], "theme.changed": ["name"]}
_SAMPLE_OVERRIDES = {"survey.question_added": {"question_id": "q6"}, "survey.question_changed": {"question_id": "q2"},
                     "survey.question_moved": {"question_id": "q2"}, "survey.question_removed": {"question_id": "q4"},
                     "decision.recorded": {"kind": "decision", "status": "proposed"},
                     "evidence.appended": {"kind": "workshop"}}


def json_type(annotation: str) -> str:
    """The JSON type a payload field's Python annotation becomes."""
    plain = annotation.replace(" ", "")
    if plain.startswith("tuple[str") or plain.startswith("list[str"):
        return "array of strings"
    optional = plain.endswith("|None")
    base = plain.removesuffix("|None")
    name = {"int": "integer", "str": "string", "bool": "boolean", "float": "number"}.get(base, base)
    return f"{name} or null" if optional else name


def fields_of(name: str) -> list[tuple[str, str]]:
    """(field, JSON type) of an event's ``data``, ``commission_id`` last, as delivered."""
    return [(f, json_type(t)) for f, t in payload_fields(CATALOGUE[name])] + [("commission_id", "integer")]


def example(name: str) -> dict[str, Any]:
    """A delivery body of this event type, with plausible values."""
    data: dict[str, Any] = {}
    for field, _type in payload_fields(CATALOGUE[name]):
        value = _SAMPLE_OVERRIDES.get(name, {}).get(field, _SAMPLES.get(field))
        if field == "changed":
            value = _SAMPLE_CHANGED.get(name, ["name"])
        data[field] = value
    data["commission_id"] = 1
    return {"type": name, "timestamp": "2026-12-03T10:15:00.000000Z", "data": data}


def summary(cls: type[DomainEvent]) -> str:
    doc = cls.__dict__.get("__doc__") or ""
    if not doc or doc.startswith(cls.__name__ + "("):  # dataclass's generated signature
        return ""
    return " ".join(doc.split())


BEGIN, END = "<!-- catalogue: generated by surveys.catalogue.markdown(); do not edit by hand -->", \
    "<!-- end of catalogue -->"


def markdown() -> str:
    """The reference section of ``docs/events.md``: each type, its payload and an example."""
    lines = [BEGIN, ""]
    for name, cls in CATALOGUE.items():
        lines += [f"### `{name}`", "", summary(cls), "", "| field | type | meaning |", "|---|---|---|"]
        for field, kind in fields_of(name):
            lines.append(f"| `{field}` | {kind} | {FIELD_NOTES[field]} |")
        lines += ["", "```json", json.dumps(example(name), indent=2), "```", ""]
    lines += [END]
    return "\n".join(lines)


if __name__ == "__main__":  # python -m surveys.catalogue > the section of docs/events.md
    print(markdown())
