"""Domain events and the one bus they travel on.

Services call ``publish(session, event)`` inside their transaction: the event is stored in the
``domain_events`` table (so there is a durable record of what happened and when) and queued on
the session. Subscribers are called only after the transaction commits, and the queue is
dropped on rollback, so no subscriber ever reacts to a change that did not happen.

There is no process-wide bus: each ``db.Store`` (one per app) owns an ``EventBus`` and its
session factories carry it, so the events of one app never reach another app's subscribers.

``grep -rn "publish("`` finds every producer.
"""
from __future__ import annotations

import dataclasses
import logging
from collections import defaultdict
from datetime import datetime
from typing import Any, Callable, ClassVar

from sqlalchemy import JSON, DateTime, Integer, String, event
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from .db import Base, utcnow

log = logging.getLogger(__name__)
_PENDING = "engage.pending_events"
BUS_INFO = "engage.bus"


@dataclasses.dataclass(frozen=True)
class DomainEvent:
    name: ClassVar[str] = "event"
    #: False for high-rate internal signals: dispatched on the bus after commit, never stored.
    stored: ClassVar[bool] = True
    commission_id: int | None

    def payload(self) -> dict[str, Any]:
        return {k: v for k, v in dataclasses.asdict(self).items() if k != "commission_id"}


@dataclasses.dataclass(frozen=True)
class CommissionCreated(DomainEvent):
    name: ClassVar[str] = "commission.created"
    title: str


@dataclasses.dataclass(frozen=True)
class CommissionUpdated(DomainEvent):
    name: ClassVar[str] = "commission.updated"
    changed: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class MemberAdded(DomainEvent):
    name: ClassVar[str] = "commission.member_added"
    user_id: int
    role: str


@dataclasses.dataclass(frozen=True)
class EvidenceAppended(DomainEvent):
    name: ClassVar[str] = "evidence.appended"
    entry_id: int
    seq: int
    step: str
    kind: str
    source: str
    hash: str


@dataclasses.dataclass(frozen=True)
class StepCompleted(DomainEvent):
    name: ClassVar[str] = "step.completed"
    step: str
    overridden: bool


@dataclasses.dataclass(frozen=True)
class StepActivated(DomainEvent):
    name: ClassVar[str] = "step.activated"
    step: str


@dataclasses.dataclass(frozen=True)
class ThemeCreated(DomainEvent):
    name: ClassVar[str] = "theme.created"
    theme_id: int
    title: str


@dataclasses.dataclass(frozen=True)
class ThemeMerged(DomainEvent):
    name: ClassVar[str] = "theme.merged"
    theme_id: int
    into_id: int
    items_moved: int


@dataclasses.dataclass(frozen=True)
class DecisionRecorded(DomainEvent):
    name: ClassVar[str] = "decision.recorded"
    decision_id: int
    kind: str
    step: str
    status: str


@dataclasses.dataclass(frozen=True)
class DecisionChanged(DomainEvent):
    name: ClassVar[str] = "decision.changed"
    decision_id: int
    changed: tuple[str, ...]
    status: str


@dataclasses.dataclass(frozen=True)
class YouSaidWeDidPublished(DomainEvent):
    name: ClassVar[str] = "you_said_we_did.published"
    version: int


class StoredEvent(Base):
    """The durable trail of domain events, written in the same transaction as the change."""

    __tablename__ = "domain_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), index=True)
    commission_id: Mapped[int | None] = mapped_column(Integer, index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    occurred_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


Subscriber = Callable[[DomainEvent], None]


class EventBus:
    """Synchronous fan-out to subscribers, by event name or ``"*"`` for all.

    A failing subscriber is logged and skipped: the change it reacts to has already committed,
    and one broken listener must not stop the others.
    """

    def __init__(self) -> None:
        self._subscribers: dict[str, list[Subscriber]] = defaultdict(list)

    def subscribe(self, name: str, fn: Subscriber) -> Subscriber:
        if fn not in self._subscribers[name]:
            self._subscribers[name].append(fn)
        return fn

    def unsubscribe(self, name: str, fn: Subscriber) -> None:
        if fn in self._subscribers[name]:
            self._subscribers[name].remove(fn)

    def dispatch(self, evt: DomainEvent) -> None:
        for fn in [*self._subscribers.get(evt.name, ()), *self._subscribers.get("*", ())]:
            try:
                fn(evt)
            except Exception:  # noqa: BLE001 - see class docstring
                log.exception("subscriber %r failed on %s", fn, evt.name)


def publish(session: Session, evt: DomainEvent) -> None:
    """Store the event and queue it for the subscribers once ``session`` commits (an
    internal signal, ``stored = False``, is only queued)."""
    if evt.stored:
        session.add(StoredEvent(name=evt.name, commission_id=evt.commission_id, payload=evt.payload()))
    session.info.setdefault(_PENDING, []).append(evt)


def _after_commit(session: Session) -> None:
    pending = session.info.pop(_PENDING, [])
    bus: EventBus | None = session.info.get(BUS_INFO)
    if bus is None:
        return
    for evt in pending:
        bus.dispatch(evt)


def _after_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)


def attach(factory: sessionmaker) -> None:
    event.listen(factory, "after_commit", _after_commit)
    event.listen(factory, "after_rollback", _after_rollback)
