"""Webhook subscriptions of a commission: create, change, pause and resume, rotate the secret,
delete; and the signing secrets in force.

A secret is ``whsec_`` followed by the base64 of 32 random bytes (the Standard Webhooks form). It
is handed back once, when it is made; afterwards only its last characters are shown. Rotating
keeps the previous secret valid for ``ROTATION_OVERLAP`` (24 hours), and deliveries meanwhile
carry a signature with each, so a receiver can switch over whenever it likes.
"""
from __future__ import annotations

import base64
import secrets as random_secrets
from datetime import datetime, timedelta
from typing import Any, Iterable

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from commissioning_steps.commissions import Commission
from commissioning_steps.db import transactional, utcnow
from commissioning_steps.errors import Conflict, Invalid, NotFound
from commissioning_steps.events import publish
from commissioning_steps.staff import StaffUser
from commissioning_steps.text import has_visible_text

from .. import catalogue
from . import addresses
from .addresses import AddressRefused, Policy
from .events import SubscriptionStatusChanged
from .models import ACTIVE, DISABLED, FAILED, HELD, PAUSED, PENDING, WebhookDelivery, WebhookSubscription

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32
ROTATION_OVERLAP = timedelta(hours=24)
MAX_PER_COMMISSION = 20
MAX_DESCRIPTION = 200
#: The states a commissioner may set by hand (disabled is the receiver's doing: 410 Gone).
SETTABLE_STATES = (ACTIVE, PAUSED)


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(random_secrets.token_bytes(SECRET_BYTES)).decode("ascii")


def secret_hint(secret: str) -> str:
    """Enough of a secret to tell which one a receiver holds, and no more."""
    return f"{SECRET_PREFIX}…{secret[-4:]}"


def signing_secrets(subscription: WebhookSubscription, now: datetime) -> list[str]:
    """The secrets a delivery is signed with now: the current one, and the previous one during
    the 24 hours after a rotation."""
    found = [subscription.secret]
    if subscription.previous_secret and subscription.previous_secret_expires_at \
            and now < subscription.previous_secret_expires_at:
        found.append(subscription.previous_secret)
    return found


def _clean_url(url: Any, policy: Policy, errors: dict[str, str]) -> str | None:
    try:
        return addresses.check_url(url, policy)
    except AddressRefused as exc:
        errors["url"] = str(exc)
        return None


def _clean_events(events: Any, errors: dict[str, str]) -> list[str] | None:
    if not isinstance(events, (list, tuple)) or not events:
        errors["events"] = "Choose at least one event type"
        return None
    if not all(isinstance(e, str) for e in events):
        errors["events"] = "Event types are names, like commission.changed"
        return None
    unknown = [e for e in events if e not in catalogue.CATALOGUE]
    if unknown:
        errors["events"] = (f"Not an event type Engage sends: {', '.join(sorted(set(unknown))[:5])[:150]}. "
                            "See the event catalogue")
        return None
    wanted = set(events)
    return [name for name in catalogue.CATALOGUE if name in wanted]  # catalogue order, no repeats


def _clean_description(description: Any, errors: dict[str, str]) -> str:
    if description is None:
        return ""
    if not isinstance(description, str):
        errors["description"] = "The description must be text"
        return ""
    description = description.strip()
    if len(description) > MAX_DESCRIPTION:
        errors["description"] = f"The description must be {MAX_DESCRIPTION} characters or fewer"
    elif description and not has_visible_text(description):
        errors["description"] = "The description must have some visible text, or be left empty"
    return description


def get(session: Session, commission_id: int, subscription_id: Any) -> WebhookSubscription:
    found = session.get(WebhookSubscription, subscription_id) \
        if isinstance(subscription_id, int) and 0 < subscription_id < 2**63 else None
    if found is None or found.commission_id != commission_id:
        raise NotFound("No webhook subscription with that id")
    return found


def listing(session: Session, commission_id: int) -> list[WebhookSubscription]:
    return list(session.scalars(select(WebhookSubscription).where(WebhookSubscription.commission_id == commission_id)
                                .order_by(WebhookSubscription.id)))


def needing_attention(session: Session, commission_ids: Iterable[int]) -> list[WebhookSubscription]:
    """Paused and disabled subscriptions of these commissions (their dashboards say so)."""
    ids = list(commission_ids)
    if not ids:
        return []
    return list(session.scalars(select(WebhookSubscription).where(
        WebhookSubscription.commission_id.in_(ids), WebhookSubscription.status.in_((PAUSED, DISABLED)))
        .order_by(WebhookSubscription.commission_id, WebhookSubscription.id)))


@transactional
def create(session: Session, commission: Commission, actor: StaffUser, *, url: Any, events: Any,
           description: Any = None, policy: Policy) -> tuple[WebhookSubscription, str]:
    """A new active subscription; returns it with its secret (the only time the secret is shown)."""
    errors: dict[str, str] = {}
    clean_url = _clean_url(url, policy, errors)
    clean_events = _clean_events(events, errors)
    clean_description = _clean_description(description, errors)
    if errors:
        raise Invalid(errors)
    if len(listing(session, commission.id)) >= MAX_PER_COMMISSION:
        raise Conflict(f"A commission can have at most {MAX_PER_COMMISSION} webhook subscriptions: "
                       "delete one you no longer use first")
    secret = new_secret()
    now = utcnow()
    subscription = WebhookSubscription(
        commission_id=commission.id, url=clean_url, events=clean_events, description=clean_description,
        secret=secret, status=ACTIVE, status_reason="", status_changed_at=now, consecutive_failures=0,
        created_by_id=actor.id, created_at=now, updated_at=now)
    session.add(subscription)
    session.flush()
    return subscription, secret


@transactional
def change(session: Session, subscription: WebhookSubscription, *, url: Any = None, events: Any = None,
           description: Any = None, status: Any = None, policy: Policy,
           now: datetime | None = None) -> WebhookSubscription:
    """Change what is given (``None`` leaves a field as it is). ``status`` pauses
    (``paused``) or resumes (``active``, from paused or disabled: held deliveries go out again)."""
    now = now or utcnow()
    errors: dict[str, str] = {}
    clean_url = _clean_url(url, policy, errors) if url is not None else None
    clean_events = _clean_events(events, errors) if events is not None else None
    clean_description = _clean_description(description, errors) if description is not None else None
    if status is not None and status not in SETTABLE_STATES:
        errors["status"] = "Status must be active (to resume) or paused"
    if errors:
        raise Invalid(errors)
    if clean_url is not None:
        subscription.url = clean_url
    if clean_events is not None:
        subscription.events = clean_events
    if clean_description is not None:
        subscription.description = clean_description
    if status == PAUSED and subscription.status != PAUSED:
        set_status(session, subscription, PAUSED, "Paused by a commissioner", now)
    elif status == ACTIVE and subscription.status != ACTIVE:
        resume(session, subscription, now)
    subscription.updated_at = now
    return subscription


def set_status(session: Session, subscription: WebhookSubscription, status: str, reason: str,
               now: datetime) -> None:
    """Pause (deliveries waiting are held until it resumes) or disable (they fail: the receiver
    is gone). Part of the caller's transaction."""
    subscription.status, subscription.status_reason, subscription.status_changed_at = status, reason[:200], now
    if status == PAUSED:
        session.execute(update(WebhookDelivery).where(
            WebhookDelivery.subscription_id == subscription.id, WebhookDelivery.status == PENDING)
            .values(status=HELD, next_attempt_at=None))
    elif status == DISABLED:
        session.execute(update(WebhookDelivery).where(
            WebhookDelivery.subscription_id == subscription.id, WebhookDelivery.status.in_((PENDING, HELD)))
            .values(status=FAILED, next_attempt_at=None, last_outcome="subscription disabled"))
    publish(session, SubscriptionStatusChanged(subscription.commission_id, subscription.id, status))


def resume(session: Session, subscription: WebhookSubscription, now: datetime) -> None:
    from .delivery import RETRY_FOR

    subscription.status, subscription.status_reason, subscription.status_changed_at = ACTIVE, "", now
    subscription.consecutive_failures, subscription.failing_since = 0, None
    session.execute(update(WebhookDelivery).where(
        WebhookDelivery.subscription_id == subscription.id, WebhookDelivery.status.in_((HELD, PENDING)))
        .values(status=PENDING, next_attempt_at=now, retry_started_at=now, retry_until=now + RETRY_FOR))
    publish(session, SubscriptionStatusChanged(subscription.commission_id, subscription.id, ACTIVE))


@transactional
def rotate_secret(session: Session, subscription: WebhookSubscription, now: datetime | None = None) -> str:
    """A new secret; the one it replaces stays valid (deliveries are signed with both) for 24 hours."""
    now = now or utcnow()
    subscription.previous_secret = subscription.secret
    subscription.previous_secret_expires_at = now + ROTATION_OVERLAP
    subscription.secret = new_secret()
    subscription.updated_at = now
    return subscription.secret


@transactional
def delete(session: Session, subscription: WebhookSubscription) -> None:
    """The subscription goes, with its deliveries and their log."""
    session.delete(subscription)
    session.flush()
