"""Domain events and the one bus they travel on.

Services call ``publish(session, event)`` inside their transaction: a catalogue event is stored in
the ``domain_events`` table (the outbox that webhook deliveries are made from, so a crash between
commit and delivery loses nothing) and every event is queued on the session. Subscribers are
called only after the transaction commits, and the queue is dropped on rollback, so no subscriber
ever reacts to a change that did not happen, and a rolled-back change stores no event.

Each event class declares its ``name`` and whether it is ``stored``: catalogue events (the
default) are stored and deliverable (``docs/events.md``); high-rate internal signals (a single
vote, an up-vote, a phrase posted to a live question) say ``stored = False`` and only travel on
the bus, for the live broadcaster. Every concrete class registers itself (``catalogue()``);
classes that only share fields (``abstract=True``) do not.

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

from sqlalchemy import JSON, DateTime, Integer, String, event, insert
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from .db import Base, utcnow

log = logging.getLogger(__name__)
_PENDING = "engage.pending_events"
BUS_INFO = "engage.bus"


_REGISTRY: dict[str, type["DomainEvent"]] = {}


@dataclasses.dataclass(frozen=True)
class DomainEvent:
    name: ClassVar[str] = "event"
    #: False for high-rate internal signals: dispatched on the bus after commit, never stored.
    stored: ClassVar[bool] = True
    commission_id: int | None

    def __init_subclass__(cls, abstract: bool = False, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if abstract:
            return
        other = _REGISTRY.get(cls.name)
        if other is not None and other.__qualname__ != cls.__qualname__:
            raise TypeError(f"event name {cls.name!r} is taken by {other.__qualname__}")
        _REGISTRY[cls.name] = cls

    def payload(self) -> dict[str, Any]:
        return {k: v for k, v in dataclasses.asdict(self).items() if k != "commission_id"}


def registered() -> dict[str, type[DomainEvent]]:
    """Every concrete event class defined so far, by name (internal signals included). The
    complete list, survey and live-poll events too, is ``surveys.catalogue``."""
    return dict(sorted(_REGISTRY.items()))


def catalogue() -> dict[str, type[DomainEvent]]:
    """The stored, deliverable events among those defined so far, by name."""
    return {name: cls for name, cls in registered().items() if cls.stored}


def payload_fields(cls: type[DomainEvent]) -> list[tuple[str, str]]:
    """(name, annotation) of each payload field, in declaration order (``commission_id`` aside)."""
    return [(f.name, str(f.type)) for f in dataclasses.fields(cls) if f.name != "commission_id"]


@dataclasses.dataclass(frozen=True)
class CommissionCreated(DomainEvent):
    """A commission was created; its first step is active."""

    name: ClassVar[str] = "commission.created"
    title: str


@dataclasses.dataclass(frozen=True)
class CommissionChanged(DomainEvent):
    """A commission's details changed (title, summary, area, partners, population groups)."""

    name: ClassVar[str] = "commission.changed"
    changed: tuple[str, ...]


CommissionUpdated = CommissionChanged  # its name before the catalogue


@dataclasses.dataclass(frozen=True)
class MemberAdded(DomainEvent):
    """A staff account joined the commission's team."""

    name: ClassVar[str] = "commission.member_added"
    user_id: int
    role: str


@dataclasses.dataclass(frozen=True)
class EvidenceAppended(DomainEvent):
    """An entry was appended to the commission's evidence log (by hand or by Engage itself)."""

    name: ClassVar[str] = "evidence.appended"
    entry_id: int
    seq: int
    step: str
    kind: str
    source: str
    hash: str


@dataclasses.dataclass(frozen=True)
class StepCompleted(DomainEvent):
    """A step of the journey was completed through its gateway (or with a recorded override)."""

    name: ClassVar[str] = "step.completed"
    step: str
    overridden: bool


@dataclasses.dataclass(frozen=True)
class StepActivated(DomainEvent):
    """The next step of the journey opened (became the active step)."""

    name: ClassVar[str] = "step.activated"
    step: str


@dataclasses.dataclass(frozen=True)
class AssessmentRecorded(DomainEvent):
    """An evaluator recorded an assessment of a completed step."""

    name: ClassVar[str] = "assessment.recorded"
    entry_id: int
    step: str
    rating: str


@dataclasses.dataclass(frozen=True)
class EvaluationSignedOff(DomainEvent):
    """An evaluator signed off the commission's evaluation."""

    name: ClassVar[str] = "evaluation.signed_off"
    evaluation_id: int
    entry_id: int


@dataclasses.dataclass(frozen=True)
class CheckpointIssued(DomainEvent):
    """A signed checkpoint of the evidence log was issued (on demand, or by the hourly job)."""

    name: ClassVar[str] = "checkpoint.issued"
    checkpoint_id: int
    count: int
    head: str
    reason: str


@dataclasses.dataclass(frozen=True)
class ThemeCreated(DomainEvent):
    """A theme was created in the input inbox."""

    name: ClassVar[str] = "theme.created"
    theme_id: int
    title: str


@dataclasses.dataclass(frozen=True)
class ThemeChanged(DomainEvent):
    """A theme was renamed, described, re-marked, tagged or untagged, split, answered or had a
    quote picked or unpicked; ``changed`` says which."""

    name: ClassVar[str] = "theme.changed"
    theme_id: int
    changed: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class ThemeMerged(DomainEvent):
    """A theme was merged into another; it stays on the record, pointing at the one that remains."""

    name: ClassVar[str] = "theme.merged"
    theme_id: int
    into_id: int
    items_moved: int


@dataclasses.dataclass(frozen=True)
class ThemeDeleted(DomainEvent):
    """A theme nothing rested on was deleted."""

    name: ClassVar[str] = "theme.deleted"
    theme_id: int


@dataclasses.dataclass(frozen=True)
class DecisionRecorded(DomainEvent):
    """A decision, plan item or solution facet was recorded."""

    name: ClassVar[str] = "decision.recorded"
    decision_id: int
    kind: str
    step: str
    status: str


@dataclasses.dataclass(frozen=True)
class DecisionChanged(DomainEvent):
    """A decision changed (its status, wording, dates, themes or items); ``changed`` says which."""

    name: ClassVar[str] = "decision.changed"
    decision_id: int
    changed: tuple[str, ...]
    status: str


@dataclasses.dataclass(frozen=True)
class YouSaidWeDidPublished(DomainEvent):
    """A new version of the public "you said, we did" page was published."""

    name: ClassVar[str] = "you_said_we_did.published"
    version: int


class StoredEvent(Base):
    """The durable trail of catalogue events, written in the same transaction as the change, and
    the outbox webhook deliveries are made from: ``dispatched_at`` stays empty until the
    dispatcher (``surveys.webhooks.outbox``) has made this event's deliveries, in the same
    transaction as it makes them."""

    __tablename__ = "domain_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), index=True)
    commission_id: Mapped[int | None] = mapped_column(Integer, index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    occurred_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    dispatched_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)


_INSERT_EVENT = insert(StoredEvent.__table__)

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
    """Store a catalogue event and queue it for the subscribers once ``session`` commits (an
    internal signal, ``stored = False``, is only queued)."""
    if evt.stored:
        # A Core INSERT at once, not an ORM object flushed later: the unit of work cost a group of
        # survey submissions more than the statement did (the table has no foreign keys to wait for).
        session.connection().execute(_INSERT_EVENT, {"name": evt.name, "commission_id": evt.commission_id,
                                                     "payload": evt.payload()})
    # Each event remembers the innermost SAVEPOINT it was queued in, so rolling that savepoint
    # back drops it (and only it) while the enclosing transaction goes on.
    session.info.setdefault(_PENDING, []).append((session.get_nested_transaction(), evt))


def _enclosing_savepoint(transaction):
    parent = transaction.parent
    while parent is not None and not parent.nested:
        parent = parent.parent
    return parent


def _within(scope, transaction) -> bool:
    while scope is not None:
        if scope is transaction:
            return True
        scope = scope.parent
    return False


def _after_commit(session: Session) -> None:
    # SQLAlchemy also calls this when a SAVEPOINT is released: nothing is committed yet then, and
    # the outer transaction may still roll back, so the events only move to the enclosing scope.
    ending = session.get_nested_transaction()
    if ending is not None:
        enclosing = _enclosing_savepoint(ending)
        session.info[_PENDING] = [(enclosing if _within(scope, ending) else scope, evt)
                                  for scope, evt in session.info.get(_PENDING, [])]
        return
    pending = session.info.pop(_PENDING, [])
    bus: EventBus | None = session.info.get(BUS_INFO)
    if bus is None:
        return
    for _scope, evt in pending:
        bus.dispatch(evt)


def _after_rollback(session: Session) -> None:
    ending = session.get_nested_transaction()
    if ending is not None:  # a SAVEPOINT rolled back: only what was queued inside it goes
        session.info[_PENDING] = [(scope, evt) for scope, evt in session.info.get(_PENDING, [])
                                  if not _within(scope, ending)]
        return
    session.info.pop(_PENDING, None)


def attach(factory: sessionmaker) -> None:
    event.listen(factory, "after_commit", _after_commit)
    event.listen(factory, "after_rollback", _after_rollback)
