"""Reading a commission's feed from the outbox (``domain_events``), in id order, from a cursor.

A client keeps the largest item ``id`` it has seen and asks for what came ``after`` it; the
answer holds the items that are new or have grown since (a count of responses that went on
growing keeps its ``key`` and has a larger ``id``), so a reconnecting screen catches up without
reading the whole feed again. Counts are always whole: the rows before the cursor are read too,
within the feed's reach, and only the items are filtered.

Reach: the last ``FEED_DAYS`` days, at most ``OTHER_LIMIT`` events other than responses and
``RESPONSE_LIMIT`` responses (and nothing older than the oldest response read, when that limit
is reached); a count that may have started beyond the reach says "or more".

On PostgreSQL an id is handed out before commit, so an event that commits after a larger one
can be missed by a cursor that has passed it (``docs/architecture.md``, decision 16); the page
(and a reload of it) always reads the whole reach, so such an item shows there.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from sqlalchemy import func, select, union
from sqlalchemy.orm import Session

from commissioning_steps.db import utcnow
from commissioning_steps.decisions import Decision
from commissioning_steps.events import StoredEvent

from ..live.models import LiveEntry, LiveQuestion, LiveSession, LiveVote
from ..models import Survey
from .coming_up import Coming, coming_up, needing_attention
from .items import FEED_EVENTS, RESPONSES, EventRow, Item, Names, items_from

FEED_DAYS = 30
OTHER_LIMIT = 200
RESPONSE_LIMIT = 5000
#: The most items one read gives (newest first).
ITEM_LIMIT = 50


@dataclasses.dataclass(frozen=True)
class Feed:
    items: list[Item]
    #: The largest event id read: the ``after`` of the next read.
    cursor: int
    coming_up: list[Coming]
    attention: list[Coming]


def _rows(session: Session, commission_id: int, since: datetime) -> tuple[list[EventRow], bool]:
    mine = (StoredEvent.commission_id == commission_id, StoredEvent.occurred_at >= since)
    others = session.execute(
        select(StoredEvent.id, StoredEvent.name, StoredEvent.payload, StoredEvent.occurred_at)
        .where(*mine, StoredEvent.name.in_([n for n in FEED_EVENTS if n != RESPONSES]))
        .order_by(StoredEvent.id.desc()).limit(OTHER_LIMIT)).all()
    # Responses are most of the rows: only the survey's id is read from each payload, by the database.
    responses_query = select(StoredEvent.id, StoredEvent.payload["survey_id"].as_integer(),
                             StoredEvent.occurred_at).where(*mine, StoredEvent.name == RESPONSES)
    if len(others) == OTHER_LIMIT:  # older events were not read: nor are the responses among them
        responses_query = responses_query.where(StoredEvent.id > others[-1].id)
    responses = session.execute(responses_query.order_by(StoredEvent.id.desc()).limit(RESPONSE_LIMIT)).all()
    rows = [EventRow(i, name, payload or {}, at) for i, name, payload, at in others]
    rows += [EventRow(i, RESPONSES, {"survey_id": survey_id}, at) for i, survey_id, at in responses]
    rows.sort(key=lambda r: r.id)
    cut = len(responses) == RESPONSE_LIMIT
    if cut:  # responses older than the oldest read are missing: so is everything from before it
        rows = [r for r in rows if r.id >= responses[-1].id]
    return rows, cut


def _ids(rows: Iterable[EventRow], field: str, names: Iterable[str] | None = None) -> list[int]:
    wanted = set(names) if names is not None else None
    return sorted({r.payload[field] for r in rows if isinstance(r.payload.get(field), int)
                   and (wanted is None or r.name in wanted)})


def names_for(session: Session, commission_id: int, rows: list[EventRow]) -> Names:
    """The titles the rows' items name things by, and the live polls' participant counts, each
    read once for all the rows (and only within this commission)."""
    survey_ids = _ids(rows, "survey_id")
    surveys = dict(session.execute(select(Survey.id, Survey.title).where(
        Survey.id.in_(survey_ids), Survey.commission_id == commission_id)).tuples().all()) if survey_ids else {}
    session_ids = _ids(rows, "session_id")
    sessions = dict(session.execute(select(LiveSession.id, LiveSession.title).where(
        LiveSession.id.in_(session_ids), LiveSession.commission_id == commission_id)).tuples().all()) \
        if session_ids else {}
    question_ids = _ids(rows, "question_id", ("live.question_opened", "live.question_closed"))
    questions = {qid: (definition or {}).get("text", "") for qid, definition in session.execute(
        select(LiveQuestion.id, LiveQuestion.definition).join(LiveSession, LiveSession.id == LiveQuestion.session_id)
        .where(LiveQuestion.id.in_(question_ids), LiveSession.commission_id == commission_id))} \
        if question_ids else {}
    decision_ids = _ids(rows, "decision_id")
    decision_titles = dict(session.execute(select(Decision.id, Decision.title).where(
        Decision.id.in_(decision_ids), Decision.commission_id == commission_id)).tuples().all()) \
        if decision_ids else {}
    return Names(
        surveys=surveys,
        sessions=sessions, questions=questions, decisions=decision_titles,
        question_participants=_people_by(session, LiveQuestion.id, _ids(rows, "question_id", ("live.question_closed",))),
        session_participants=_people_by(session, LiveQuestion.session_id, _ids(rows, "session_id", ("live.session_ended",))),
    )


def _people_by(session: Session, group, ids: list[int]) -> dict[int, int]:
    """Distinct participants (votes, answers and Q&A questions) per question or per session:
    a count, never who."""
    if not ids:
        return {}
    answered = union(
        select(group.label("g"), LiveVote.participant.label("p")).join(LiveQuestion, LiveQuestion.id == LiveVote.question_id)
        .where(group.in_(ids)),
        select(group.label("g"), LiveEntry.participant.label("p")).join(LiveQuestion, LiveQuestion.id == LiveEntry.question_id)
        .where(group.in_(ids)),
    ).subquery()
    return dict(session.execute(select(answered.c.g, func.count(func.distinct(answered.c.p)))
                                .group_by(answered.c.g)).tuples().all())


def read(session: Session, commission_id: int, *, after: int | None = None, now: datetime | None = None,
         today: date | None = None, limit: int = ITEM_LIMIT) -> Feed:
    """The feed: the newest ``limit`` items (those changed after ``after`` when given), what is
    coming up and what needs attention, as of ``now``."""
    now = now or utcnow()
    rows, cut = _rows(session, commission_id, now - timedelta(days=FEED_DAYS))
    items = items_from(rows, names_for(session, commission_id, rows), cut=cut)[:limit]
    if after is not None:
        items = [i for i in items if i.id > after]
    cursor = max([after or 0, *(r.id for r in rows)])
    return Feed(items=items, cursor=cursor, coming_up=coming_up(session, commission_id, now, today),
                attention=needing_attention(session, commission_id))
