"""The delivery worker: sign and send what is due, record each attempt, retry with backoff.

Run by the scheduler (``engage.jobs``), never by the request that caused an event. Each attempt
is claimed in a short transaction of its own (its next attempt moved a lease ahead, so a crash
mid-send retries it later rather than never), sent outside any transaction (a slow receiver never
holds a database lock), and recorded in another. A failure (timeout, connection error, a
non-2xx answer, an address the guard refuses) is retried after ``retry_delay``: exponential from
10 seconds, capped at 6 hours, with jitter, for up to three days; then the delivery fails, and a
subscription that has not had one success in those three days is paused (its commissioners see
it on their dashboard). ``410 Gone`` disables the subscription at once. The clock and the random
source are arguments, so the tests drive time by hand.

Signatures are made by the ``standardwebhooks`` package (the specification's own library):
``webhook-signature`` is ``v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`` keyed by the
secret's decoded bytes, one per secret in force, separated by spaces.
"""
from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session
from standardwebhooks import Webhook

from commissioning_steps.db import transactional, utcnow
from commissioning_steps.errors import Conflict
from commissioning_steps.events import publish

from .. import catalogue
from . import outbox
from .events import DeliveryFailed
from .models import (
    ACTIVE, DELIVERED, DISABLED, FAILED, PAUSED, PENDING, WebhookAttempt, WebhookDelivery, WebhookSubscription,
)
from .subscriptions import set_status, signing_secrets
from .transport import GONE, Result, Sender

RETRY_FOR = timedelta(days=3)
BASE_DELAY = timedelta(seconds=10)
MAX_DELAY = timedelta(hours=6)
LEASE = timedelta(minutes=2)
BATCH = 50


def retry_delay(attempt: int, rng: random.Random | None = None) -> timedelta:
    """How long to wait after the ``attempt``-th failure: 10 s, 20 s, 40 s … up to 6 hours, each
    drawn between half and all of that ("equal jitter"), so receivers coming back after an outage
    are not hit by every sender at once."""
    ceiling = min(BASE_DELAY * (2 ** min(attempt - 1, 20)), MAX_DELAY)
    return ceiling * (rng or random).uniform(0.5, 1.0)


def headers_for(message_id: str, body: str, secrets: list[str], now: datetime) -> dict[str, str]:
    """The three Standard Webhooks headers of one attempt made at ``now`` (naive UTC)."""
    signatures = " ".join(Webhook(secret).sign(message_id, now, body) for secret in secrets)
    return {"webhook-id": message_id,
            "webhook-timestamp": str(int(now.replace(tzinfo=timezone.utc).timestamp())),
            "webhook-signature": signatures}


@dataclass(frozen=True)
class Claimed:
    delivery_id: int
    subscription_id: int
    url: str
    body: str
    headers: dict[str, str]


@transactional
def _claim(session: Session, now: datetime, skip: set[int]) -> Claimed | None:
    query = (select(WebhookDelivery).join(WebhookSubscription)
             .where(WebhookDelivery.status == PENDING, WebhookDelivery.next_attempt_at <= now,
                    WebhookSubscription.status == ACTIVE)
             .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id).limit(1))
    if skip:
        query = query.where(WebhookDelivery.subscription_id.not_in(skip))
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(of=WebhookDelivery, skip_locked=True)
    delivery = session.scalars(query).first()
    if delivery is None:
        return None
    subscription = delivery.subscription
    delivery.next_attempt_at = now + LEASE  # if this process dies mid-send, the attempt is made again
    return Claimed(delivery.id, subscription.id, subscription.url, delivery.body,
                   headers_for(delivery.message_id, delivery.body, signing_secrets(subscription, now), now))


@transactional
def _record(session: Session, delivery_id: int, result: Result, now: datetime, rng: random.Random | None) -> str:
    delivery = session.get(WebhookDelivery, delivery_id)
    if delivery is None:  # its subscription was deleted while it was being sent
        return "gone"
    subscription = delivery.subscription
    delivery.attempts += 1
    delivery.last_status_code = result.status_code
    delivery.last_outcome = result.outcome
    session.add(WebhookAttempt(delivery_id=delivery.id, attempted_at=now, status_code=result.status_code,
                               duration_ms=result.duration_ms, outcome=result.outcome, detail=result.detail[:200]))
    if result.ok:
        delivery.status, delivery.delivered_at, delivery.next_attempt_at = DELIVERED, now, None
        subscription.consecutive_failures, subscription.failing_since = 0, None
        subscription.last_success_at = now
        return DELIVERED
    subscription.consecutive_failures += 1
    subscription.failing_since = subscription.failing_since or now
    publish(session, DeliveryFailed(subscription.commission_id, subscription.id, delivery.id, result.outcome))
    if result.outcome == GONE:
        delivery.status, delivery.next_attempt_at = FAILED, None
        set_status(session, subscription, DISABLED, "Disabled: the receiver answered 410 Gone", now)
        return DISABLED
    if delivery.status != PENDING:  # held (paused) while it was being sent: it waits for the resume
        return delivery.status
    retry_at = now + retry_delay(delivery.attempts, rng)
    if retry_at <= delivery.retry_until:
        delivery.next_attempt_at = retry_at
        return "retrying"
    delivery.status, delivery.next_attempt_at = FAILED, None
    if subscription.status == ACTIVE and (subscription.last_success_at is None
                                          or subscription.last_success_at < delivery.retry_started_at):
        set_status(session, subscription, PAUSED, "Paused: deliveries failed for three days without a success", now)
        return PAUSED
    return FAILED


def deliver_due(session: Session, send: Sender, *, clock: Callable[[], datetime] = utcnow,
                rng: random.Random | None = None, limit: int = BATCH) -> Counter:
    """Attempt up to ``limit`` due deliveries, oldest due first; after one failure a
    subscription's other deliveries wait for the next run, so one slow receiver cannot hold up
    the rest. Returns counts by outcome."""
    done: Counter = Counter()
    failed_here: set[int] = set()
    for _ in range(limit):
        claimed = _claim(session, clock(), failed_here)
        if claimed is None:
            break
        result = send(claimed.url, claimed.body.encode("utf-8"), claimed.headers)
        done[_record(session, claimed.delivery_id, result, clock(), rng)] += 1
        if not result.ok:
            failed_here.add(claimed.subscription_id)
    return done


def run(session: Session, send: Sender, *, clock: Callable[[], datetime] = utcnow,
        rng: random.Random | None = None) -> Counter:
    """One round of the scheduler's job: dispatch the outbox, then deliver what is due."""
    made = outbox.dispatch(session, clock())
    done = deliver_due(session, send, clock=clock, rng=rng)
    if made:
        done["made"] = made
    return done


@transactional
def send_again(session: Session, delivery: WebhookDelivery, now: datetime | None = None) -> WebhookDelivery:
    """Queue a delivery once more (the same message, the same ``webhook-id``), due now, with three
    days of retries of its own."""
    now = now or utcnow()
    if delivery.subscription.status != ACTIVE:
        raise Conflict("Resume the subscription before sending again")
    delivery.status, delivery.next_attempt_at = PENDING, now
    delivery.retry_started_at, delivery.retry_until = now, now + RETRY_FOR
    return delivery


@transactional
def send_test(session: Session, subscription: WebhookSubscription, now: datetime | None = None) -> WebhookDelivery:
    """Queue a ``webhook.test`` message for the subscription, due now."""
    now = now or utcnow()
    if subscription.status != ACTIVE:
        raise Conflict("Resume the subscription before sending a test event")
    body = outbox.message_body(catalogue.TEST_EVENT, now, {"subscription_id": subscription.id},
                               subscription.commission_id)
    delivery = outbox.new_delivery(subscription, catalogue.TEST_EVENT, body, now)
    session.add(delivery)
    session.flush()
    return delivery


def get_delivery(session: Session, subscription: WebhookSubscription, delivery_id: object) -> WebhookDelivery:
    from commissioning_steps.errors import NotFound

    found = session.get(WebhookDelivery, delivery_id) if isinstance(delivery_id, int) and 0 < delivery_id < 2**63 \
        else None
    if found is None or found.subscription_id != subscription.id:
        raise NotFound("No delivery with that id")
    return found


def recent(session: Session, subscription: WebhookSubscription, limit: int = 50) -> list[WebhookDelivery]:
    return list(session.scalars(select(WebhookDelivery).where(WebhookDelivery.subscription_id == subscription.id)
                                .order_by(WebhookDelivery.id.desc()).limit(limit)))
