"""Stored catalogue events into feed items, worded as the pages word things.

Pure: it takes the rows (in ``domain_events`` id order) and the titles they need, and gives the
items newest first. Responses are the one high-rate event the catalogue stores (a vote is never
stored), so they are counted rather than listed: the responses to one survey that arrive with
nothing else happening in between, within an hour of the first, are one item ("3 new responses
to ..."), and the item's ``id`` moves on with each. A client that has the item already replaces
it by its ``key``.

Items carry counts and the titles staff gave things (surveys, polls, questions, decisions,
themes), never what a resident answered. Times are left to the adapter (UK time).
"""
from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from commissioning_steps import decisions, evidence, journey

RESPONSES = "survey.response_submitted"
#: Responses to one survey within this long of the first are counted as one item.
RESPONSE_WINDOW = timedelta(hours=1)

#: Automatic evidence entries another item already tells of (the survey closing, the poll
#: question closing, the decision, the rating, the sign-off).
_TOLD_ELSEWHERE = frozenset({"survey_result", "poll_result", "decision", "decision_update", "assessment", "sign_off"})


@dataclasses.dataclass(frozen=True)
class EventRow:
    """One stored catalogue event, as the feed reads it."""

    id: int
    name: str
    payload: Mapping[str, Any]
    at: datetime


@dataclasses.dataclass(frozen=True)
class Names:
    """The titles and counts the items name things by, looked up by ``reading``."""

    surveys: Mapping[int, str] = dataclasses.field(default_factory=dict)
    sessions: Mapping[int, str] = dataclasses.field(default_factory=dict)
    questions: Mapping[int, str] = dataclasses.field(default_factory=dict)
    decisions: Mapping[int, str] = dataclasses.field(default_factory=dict)
    #: People who answered a live question, and who took part in a session (distinct participants).
    question_participants: Mapping[int, int] = dataclasses.field(default_factory=dict)
    session_participants: Mapping[int, int] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True)
class Item:
    """One line of the feed. ``key`` is stable while the item grows (counted responses); ``id``
    is the newest event in it, so a client's cursor is the largest ``id`` it has seen.

    ``link`` names the page it refers to and its ids (``("survey_results", {"survey_id": 3})``);
    the web adapter turns that into a URL."""

    key: str
    id: int
    kind: str
    text: str
    at: datetime
    count: int = 1
    link: tuple[str, dict[str, int]] | None = None
    #: True when the count may be short: its first events were beyond what was read.
    partial: bool = False
    #: When a counted item's first event happened (its ``at`` is the newest one's).
    since: datetime | None = None


def _quoted(title: str | None, fallback: str) -> str:
    return f"“{title}”" if title else fallback


def _survey(names: Names, payload: Mapping[str, Any]) -> str:
    return _quoted(names.surveys.get(payload.get("survey_id")), "a survey that has since been deleted")


def _poll(names: Names, payload: Mapping[str, Any]) -> str:
    return _quoted(names.sessions.get(payload.get("session_id")), "a live poll that has since been deleted")


def _question(names: Names, payload: Mapping[str, Any]) -> str:
    return _quoted(names.questions.get(payload.get("question_id")), "a question")


def _step_name(key: str | None) -> str:
    step = journey.get_step(key or "")
    return step.name if step else "an unknown step"


def _people(n: int) -> str:
    return "1 person" if n == 1 else f"{n:,} people"


def _count(n: int, one: str, many: str) -> str:
    return f"1 {one}" if n == 1 else f"{n:,} {many}"


def responses_text(count: int, survey: str, partial: bool = False) -> str:
    if partial:
        return f"{count:,} or more new responses to {survey}"
    return f"{_count(count, 'new response', 'new responses')} to {survey}"


def _describe(row: EventRow, names: Names) -> tuple[str, str, tuple[str, dict[str, int]] | None] | None:
    """(kind, text, link) of one event that is not a response; None for events the feed leaves out."""
    p = row.payload
    name = row.name
    survey_link = ("survey", {"survey_id": p.get("survey_id")}) if p.get("survey_id") in names.surveys else None
    poll_link = ("live_session", {"session_id": p.get("session_id")}) if p.get("session_id") in names.sessions else None
    if name == "survey.opened":
        return "survey", f"{_survey(names, p)} opened for answers", survey_link
    if name == "survey.closed":
        link = ("survey_results", {"survey_id": p["survey_id"]}) if survey_link else None
        return "survey", (f"{_survey(names, p)} closed with {_count(p.get('responses', 0), 'response', 'responses')}; "
                          "its results are in the evidence log"), link
    if name == "live.session_created":
        return "poll", f"Live poll {_poll(names, p)} created", poll_link
    if name == "live.question_opened":
        return "poll", f"Live poll {_poll(names, p)}: {_question(names, p)} opened for votes", poll_link
    if name == "live.question_closed":
        people = names.question_participants.get(p.get("question_id"), 0)
        answers = _count(p.get("total", 0), "answer", "answers")
        return "poll", (f"Live poll {_poll(names, p)}: {_question(names, p)} closed with {answers} "
                        f"from {_people(people)}"), poll_link
    if name == "live.session_ended":
        people = names.session_participants.get(p.get("session_id"), 0)
        return "poll", f"Live poll {_poll(names, p)} ended: {_people(people)} took part", poll_link
    if name == "evidence.appended":
        if p.get("source") == "automatic" and p.get("kind") in _TOLD_ELSEWHERE:
            return None
        kind = evidence.KINDS.get(p.get("kind", ""))
        label = kind.label if kind else "Evidence"
        verb = "added to" if p.get("source") == "manual" else "recorded under"
        return "evidence", f"{label} {verb} {_step_name(p.get('step'))}", ("evidence", {"entry_id": p.get("entry_id")})
    if name == "step.completed":
        step = journey.get_step(p.get("step", ""))
        label = f"Step {step.number}, {step.name}," if step else "A step"
        how = " with its gateway overridden (the reason is in the evidence log)" if p.get("overridden") else ""
        return "step", f"{label} completed{how}", ("step", {"key": p.get("step")}) if step else None
    if name == "step.activated":
        return "step", f"{_step_name(p.get('step'))} is now the active step", \
            ("step", {"key": p.get("step")}) if journey.get_step(p.get("step", "")) else None
    if name in ("decision.recorded", "decision.changed"):
        title = _quoted(names.decisions.get(p.get("decision_id")), "a decision that has since been removed")
        link = ("decision", {"decision_id": p["decision_id"]}) if p.get("decision_id") in names.decisions else None
        status = decisions.STATUSES.get(p.get("status", ""), p.get("status", "")).lower()
        if name == "decision.recorded":
            kind = decisions.KINDS.get(p.get("kind", ""), "Decision")
            return "decision", f"{kind} recorded: {title} ({status})", link
        if "status" in (p.get("changed") or ()):
            return "decision", f"Decision {title} is now {status}", link
        return "decision", f"Decision {title} changed", link
    if name == "assessment.recorded":
        return "evaluation", f"An evaluator rated {_step_name(p.get('step'))}: {p.get('rating', '')}", \
            ("evaluation", {})
    if name == "evaluation.signed_off":
        return "evaluation", "The evaluation was signed off", ("evaluation_report", {})
    if name == "theme.created":
        return "theme", f"Theme {_quoted(p.get('title'), 'a theme')} created", \
            ("theme", {"theme_id": p["theme_id"]}) if p.get("theme_id") else None
    if name == "you_said_we_did.published":
        return "you_said_we_did", f"“You said, we did” published (version {p.get('version')})", \
            ("you_said_we_did", {})
    if name == "commission.member_added":
        role = "an evaluator" if p.get("role") == "evaluator" else f"a {p.get('role', 'member')}"
        return "team", f"The team gained {role}", ("team", {})
    return None


#: The catalogue events the feed reads (the rest are builder edits and bookkeeping).
FEED_EVENTS: tuple[str, ...] = (
    RESPONSES, "survey.opened", "survey.closed", "live.session_created", "live.question_opened",
    "live.question_closed", "live.session_ended", "evidence.appended", "step.completed", "step.activated",
    "decision.recorded", "decision.changed", "assessment.recorded", "evaluation.signed_off", "theme.created",
    "you_said_we_did.published", "commission.member_added",
)


def _received(row: EventRow) -> int:
    """How many responses one event counts: the writer stores a group as one event; events
    stored before ``received`` existed count one each."""
    received = row.payload.get("received", 1)
    return received if isinstance(received, int) and received > 0 else 1


@dataclasses.dataclass
class _Count:
    """The responses to one survey being counted (mutable while it grows; made an ``Item`` once)."""

    survey_id: Any
    first: EventRow
    last: EventRow
    count: int
    partial: bool

    def item(self, names: Names) -> Item:
        survey_id = self.survey_id
        return Item(key=f"responses:{survey_id}:{self.first.id}", id=self.last.id, kind="responses",
                    text=responses_text(self.count, _survey(names, self.first.payload), self.partial),
                    at=self.last.at, count=self.count, since=self.first.at, partial=self.partial,
                    link=("survey_results", {"survey_id": survey_id}) if survey_id in names.surveys else None)


def items_from(rows: Iterable[EventRow], names: Names, *, cut: bool = False) -> list[Item]:
    """The feed items of ``rows`` (oldest first, as stored), newest first.

    ``cut``: the reader stopped at its limit, so responses before the first row may not have
    been read; a count that may have begun before it is then marked ``partial``."""
    done: list[Item] = []
    counting: dict[Any, _Count] = {}  # survey id -> its responses counted since anything else happened
    opening: datetime | None = None  # the first row's time, until anything but a response is seen
    for index, row in enumerate(rows):
        if index == 0:
            opening = row.at
        if row.name == RESPONSES:
            survey_id = row.payload.get("survey_id")
            received = _received(row)
            current = counting.get(survey_id)
            if current is not None and row.at - current.first.at <= RESPONSE_WINDOW:
                current.last, current.count = row, current.count + received
                continue
            if current is not None:
                done.append(current.item(names))
            # Its earlier responses may be among those not read.
            partial = cut and opening is not None and row.at - opening <= RESPONSE_WINDOW
            counting[survey_id] = _Count(survey_id, row, row, received, partial)
            continue
        described = _describe(row, names)
        if described is None:
            continue
        done.extend(c.item(names) for c in counting.values())
        counting, opening = {}, None
        kind, text, link = described
        done.append(Item(key=f"event:{row.id}", id=row.id, kind=kind, text=text, at=row.at, link=link))
    done.extend(c.item(names) for c in counting.values())
    return sorted(done, key=lambda i: i.id, reverse=True)
