"""Internal signals of outbound webhooks, on the bus after commit (for the activity feed and
anything else in process that wants them). They are not catalogue events: not stored, never
delivered (a failing receiver's news must not be sent to failing receivers)."""
from __future__ import annotations

import dataclasses
from typing import ClassVar

from commissioning_steps.events import DomainEvent


@dataclasses.dataclass(frozen=True)
class SubscriptionStatusChanged(DomainEvent):
    """Internal signal: a webhook was paused, disabled (410 Gone) or resumed."""

    name: ClassVar[str] = "webhook.status_changed"
    stored: ClassVar[bool] = False
    subscription_id: int
    status: str


@dataclasses.dataclass(frozen=True)
class DeliveryFailed(DomainEvent):
    """Internal signal: one attempt to deliver a webhook failed."""

    name: ClassVar[str] = "webhook.delivery_failed"
    stored: ClassVar[bool] = False
    subscription_id: int
    delivery_id: int
    outcome: str
