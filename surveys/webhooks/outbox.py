"""The outbox: stored catalogue events (``domain_events``) become webhook deliveries.

Services store their events in the same transaction as their change; the dispatcher, run by the
scheduler every few seconds, reads the events not yet dispatched in id order and makes one
delivery for each subscription of the event's commission that wants that type, marking each event
dispatched in that same transaction. A crash at any point loses nothing (an event is dispatched
by the transaction that makes its deliveries, or not at all), and a second run finds nothing left
to do, so dispatching is idempotent; a unique (subscription, event) pair means no event can be
delivered twice to one subscription even if two dispatchers raced. The mark is per event rather
than one high-water id because, on PostgreSQL, ids are handed out before commit and a
transaction that took a smaller id can commit after one that took a larger.
"""
from __future__ import annotations

import json
import uuid
from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from commissioning_steps.db import transactional, utcnow
from commissioning_steps.events import StoredEvent

from .models import ACTIVE, HELD, PAUSED, PENDING, WebhookDelivery, WebhookSubscription

BATCH = 500


def timestamp(value: datetime) -> str:
    return value.isoformat(timespec="microseconds") + "Z"


def message_body(kind: str, occurred_at: datetime, data: dict[str, Any], commission_id: int) -> str:
    """The JSON a receiver gets: ``{"type", "timestamp", "data": {..., "commission_id"}}``."""
    return json.dumps({"type": kind, "timestamp": timestamp(occurred_at),
                       "data": {**data, "commission_id": commission_id}}, separators=(",", ":"))


def message_id() -> str:
    """The ``webhook-id`` of a message: unique, and the same on every attempt to send it."""
    return f"msg_{uuid.uuid4().hex}"


def new_delivery(subscription: WebhookSubscription, kind: str, body: str, now: datetime,
                 event_id: int | None = None) -> WebhookDelivery:
    from .delivery import RETRY_FOR

    active = subscription.status == ACTIVE
    return WebhookDelivery(subscription_id=subscription.id, event_id=event_id, event_type=kind, message_id=message_id(),
                           body=body, status=PENDING if active else HELD, attempts=0, created_at=now,
                           next_attempt_at=now if active else None, retry_started_at=now,
                           retry_until=now + RETRY_FOR, last_outcome="")


@transactional
def dispatch(session: Session, now: datetime | None = None, limit: int = BATCH) -> int:
    """Make the deliveries of up to ``limit`` undispatched events, oldest first; returns how
    many deliveries were made. Paused subscriptions get theirs held until they resume."""
    now = now or utcnow()
    query = select(StoredEvent).where(StoredEvent.dispatched_at.is_(None)).order_by(StoredEvent.id).limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    rows = session.scalars(query).all()
    if not rows:
        return 0
    commission_ids = {r.commission_id for r in rows if r.commission_id is not None}
    by_commission: dict[int, list[WebhookSubscription]] = defaultdict(list)
    if commission_ids:
        for sub in session.scalars(select(WebhookSubscription).where(
                WebhookSubscription.commission_id.in_(commission_ids),
                WebhookSubscription.status.in_((ACTIVE, PAUSED))).order_by(WebhookSubscription.id)):
            by_commission[sub.commission_id].append(sub)
    made = 0
    for row in rows:
        for sub in by_commission.get(row.commission_id, ()):
            # A subscription hears of what happened after it was made, never of the past.
            if row.name in sub.events_list and row.occurred_at >= sub.created_at:
                session.add(new_delivery(sub, row.name, message_body(row.name, row.occurred_at, row.payload or {},
                                                                     row.commission_id), now, event_id=row.id))
                made += 1
        row.dispatched_at = now
    session.flush()
    return made


def undispatched(session: Session) -> int:
    from sqlalchemy import func

    return session.scalar(select(func.count()).select_from(StoredEvent).where(StoredEvent.dispatched_at.is_(None)))
