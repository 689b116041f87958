"""What the webhook adapters share: the address policy the app is configured with, the sender
the scheduler delivers through, and the JSON shapes of subscriptions and deliveries (the API
answers with them; pages draw the same fields)."""
from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from flask import Flask, current_app

from surveys.webhooks import subscriptions
from surveys.webhooks.addresses import Policy
from surveys.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookSubscription
from surveys.webhooks.transport import HttpSender


def policy(app: Flask | None = None) -> Policy:
    return Policy(allow_private=bool((app or current_app).config["WEBHOOK_ALLOW_PRIVATE"]))


def sender(app: Flask | None = None) -> HttpSender:
    return HttpSender(policy(app))


def _when(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") + "Z" if value else None


def subscription_json(sub: WebhookSubscription, now: datetime, secret: str | None = None) -> dict[str, Any]:
    """A subscription as the API shows it; ``secret`` only in the answer that made it."""
    doc: dict[str, Any] = {
        "id": sub.id, "commission_id": sub.commission_id, "url": sub.url, "description": sub.description,
        "events": sub.events_list, "status": sub.status, "status_reason": sub.status_reason,
        "status_changed_at": _when(sub.status_changed_at), "consecutive_failures": sub.consecutive_failures,
        "failing_since": _when(sub.failing_since), "last_success_at": _when(sub.last_success_at),
        "secret_hint": subscriptions.secret_hint(sub.secret),
        "previous_secret_expires_at": _when(sub.previous_secret_expires_at)
        if len(subscriptions.signing_secrets(sub, now)) > 1 else None,
        "created_at": _when(sub.created_at), "updated_at": _when(sub.updated_at),
    }
    if secret is not None:
        doc["secret"] = secret
    return doc


def attempt_json(attempt: WebhookAttempt) -> dict[str, Any]:
    return {"attempted_at": _when(attempt.attempted_at), "status_code": attempt.status_code,
            "duration_ms": attempt.duration_ms, "outcome": attempt.outcome, "detail": attempt.detail}


def delivery_json(delivery: WebhookDelivery, with_attempts: bool = True) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "id": delivery.id, "message_id": delivery.message_id, "type": delivery.event_type,
        "event_id": delivery.event_id, "status": delivery.status, "attempts": delivery.attempts,
        "last_status_code": delivery.last_status_code, "last_outcome": delivery.last_outcome,
        "created_at": _when(delivery.created_at), "next_attempt_at": _when(delivery.next_attempt_at),
        "retry_until": _when(delivery.retry_until), "delivered_at": _when(delivery.delivered_at),
        "body": json.loads(delivery.body),
    }
    if with_attempts:
        doc["attempt_log"] = [attempt_json(a) for a in delivery.attempt_log]
    return doc
