"""Webhook deliveries against a real local receiver (127.0.0.1, in a thread): signed so the
``standardwebhooks`` package's own verifier accepts them, retried with backoff under a clock the
test moves by hand, disabled by 410, paused after three days of failures, made from the outbox
exactly once even across a restart."""
from __future__ import annotations

import json
import random
from datetime import timedelta, timezone

import pytest
from sqlalchemy import func, select
from standardwebhooks import Webhook, WebhookVerificationError

from commissioning_steps import commissions, db, staff
from commissioning_steps.commissions import Commission
from commissioning_steps.db import utcnow
from commissioning_steps.errors import Conflict
from commissioning_steps.events import StoredEvent
from surveys.webhooks import delivery, outbox, subscriptions
from surveys.webhooks.addresses import Policy
from surveys.webhooks.models import (
    ACTIVE, DELIVERED, DISABLED, FAILED, HELD, PAUSED, PENDING, WebhookAttempt, WebhookDelivery, WebhookSubscription,
)
from surveys.webhooks.transport import HttpSender

from webhook_receiver import start_receiver, stop_receiver

LOCAL = Policy(allow_private=True)


class Clock:
    """Time as the test says; starts at the real time so signatures verify (5-minute tolerance)."""

    def __init__(self):
        self.now = utcnow()

    def __call__(self):
        return self.now

    def advance(self, **kw):
        self.now += timedelta(**kw)


@pytest.fixture
def receiver():
    r = start_receiver()
    yield r
    stop_receiver(r)


@pytest.fixture
def db_session(store):
    s = store.session(write=True)
    yield s
    s.close()


@pytest.fixture
def owner(world):
    return world.user("casey@example.org", staff.COMMISSIONER, "Casey")


@pytest.fixture
def commission(world, owner, db_session):
    return db_session.get(Commission, world.commission(owner, "Rosehill Park").id)


@pytest.fixture
def clock():
    return Clock()


def subscribe(db_session, commission, owner, receiver, events=("commission.changed",)):
    return subscriptions.create(db_session, commission, owner, url=receiver.url, events=list(events), policy=LOCAL)


def change_title(db_session, commission, title="Rosehill Park and gardens"):
    commissions.update_commission(db_session, commission, commissions.CommissionInput(title=title))


def run(db_session, clock, rng=None):
    return delivery.run(db_session, HttpSender(LOCAL), clock=clock, rng=rng or random.Random(7))


def test_a_delivery_verifies_with_the_standardwebhooks_package(db_session, commission, owner, receiver, clock):
    sub, secret = subscribe(db_session, commission, owner, receiver)
    assert secret.startswith("whsec_") and len(subscriptions.new_secret()) == len(secret)
    change_title(db_session, commission)
    assert receiver.received == []  # nothing is sent by the change itself
    done = run(db_session, clock)
    assert done[DELIVERED] == 1 and len(receiver.received) == 1
    got = receiver.received[0]
    message = Webhook(secret).verify(got.body, got.headers)
    assert message["type"] == "commission.changed"
    assert message["data"] == {"changed": ["title"], "commission_id": commission.id}
    assert message["timestamp"].endswith("Z")
    assert got.headers["content-type"] == "application/json"
    assert got.headers["webhook-id"].startswith("msg_")
    assert got.headers["webhook-timestamp"] == str(int(clock.now.replace(tzinfo=timezone.utc).timestamp()))
    assert got.headers["webhook-signature"].startswith("v1,")
    with pytest.raises(WebhookVerificationError):
        Webhook(subscriptions.new_secret()).verify(got.body, got.headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(got.body.replace(b"title", b"tItle"), got.headers)
    row = db_session.scalars(select(WebhookDelivery)).one()
    assert (row.status, row.attempts, row.last_status_code) == (DELIVERED, 1, 200)
    attempt = db_session.scalars(select(WebhookAttempt)).one()
    assert attempt.status_code == 200 and attempt.outcome == "delivered" and attempt.duration_ms >= 0
    # A second round finds nothing to send.
    assert run(db_session, clock) == {} and len(receiver.received) == 1


def test_only_the_event_types_asked_for_and_only_after_subscribing(db_session, commission, owner, receiver, clock):
    change_title(db_session, commission, "Before the subscription existed")
    sub, _secret = subscribe(db_session, commission, owner, receiver, events=["step.completed"])
    change_title(db_session, commission, "After, but not a type it wants")
    run(db_session, clock)
    assert receiver.received == []
    assert outbox.undispatched(db_session) == 0


def test_failures_retry_with_backoff_under_the_clock(db_session, commission, owner, receiver, clock):
    sub, secret = subscribe(db_session, commission, owner, receiver)
    receiver.answers = [500, 503]
    change_title(db_session, commission)
    run(db_session, clock)
    row = db_session.scalars(select(WebhookDelivery)).one()
    db_session.refresh(row)
    assert (row.status, row.attempts, row.last_status_code) == (PENDING, 1, 500)
    first_wait = row.next_attempt_at - clock.now
    assert timedelta(seconds=5) <= first_wait <= timedelta(seconds=10)
    # Not due yet: nothing is sent however often the job runs.
    clock.now = row.next_attempt_at - timedelta(seconds=1)
    run(db_session, clock)
    assert len(receiver.received) == 1
    clock.now = row.next_attempt_at
    run(db_session, clock)
    db_session.refresh(row)
    assert (row.attempts, row.last_status_code) == (2, 503)
    second_wait = row.next_attempt_at - clock.now
    assert timedelta(seconds=10) <= second_wait <= timedelta(seconds=20)
    clock.now = row.next_attempt_at
    run(db_session, clock)
    db_session.refresh(row)
    assert (row.status, row.attempts) == (DELIVERED, 3)
    # The same message each time: one webhook-id, and every attempt verifies.
    assert len({r.headers["webhook-id"] for r in receiver.received}) == 1
    assert {r.body for r in receiver.received} == {receiver.received[0].body}
    codes = [a.status_code for a in db_session.scalars(select(WebhookAttempt).order_by(WebhookAttempt.id))]
    assert codes == [500, 503, 200]


def test_the_backoff_doubles_with_jitter_up_to_six_hours():
    rng = random.Random(1)
    for attempt, ceiling in [(1, 10), (2, 20), (3, 40), (10, 5120), (12, 20480), (13, 6 * 3600), (40, 6 * 3600)]:
        for _ in range(20):
            wait = delivery.retry_delay(attempt, rng).total_seconds()
            assert ceiling / 2 <= wait <= ceiling
    draws = {delivery.retry_delay(5, rng) for _ in range(10)}
    assert len(draws) > 1  # jittered, not a fixed schedule


def test_three_days_of_failures_fail_the_delivery_and_pause_the_subscription(db_session, commission, owner,
                                                                            receiver, clock):
    sub, _secret = subscribe(db_session, commission, owner, receiver)
    receiver.default = 500
    change_title(db_session, commission)
    start = clock.now
    run(db_session, clock)
    row = db_session.scalars(select(WebhookDelivery)).one()
    waits = []
    while True:
        db_session.refresh(row)
        if row.status != PENDING:
            break
        waits.append(row.next_attempt_at - clock.now)
        clock.now = row.next_attempt_at
        run(db_session, clock)
    db_session.refresh(sub)
    assert row.status == FAILED
    assert clock.now - start <= timedelta(days=3)
    assert row.attempts == len(receiver.received) > 15
    assert max(waits) <= timedelta(hours=6) and waits[-1] > timedelta(hours=2)
    assert sub.status == PAUSED and "three days" in sub.status_reason
    # While paused, new events wait (held), and are sent once it is resumed.
    change_title(db_session, commission, "While paused")
    run(db_session, clock)
    held = db_session.scalars(select(WebhookDelivery).where(WebhookDelivery.id != row.id)).one()
    assert held.status == HELD and len(receiver.received) == row.attempts
    receiver.default = 200
    subscriptions.change(db_session, sub, status=ACTIVE, policy=LOCAL, now=clock.now)
    run(db_session, clock)
    db_session.refresh(held)
    assert held.status == DELIVERED
    assert json.loads(receiver.received[-1].body)["data"]["changed"] == ["title"]


def test_gone_disables_the_subscription_at_once(db_session, commission, owner, receiver, clock):
    sub, _secret = subscribe(db_session, commission, owner, receiver)
    receiver.answers = [410]
    change_title(db_session, commission, "One")
    change_title(db_session, commission, "Two")
    run(db_session, clock)
    db_session.refresh(sub)
    assert sub.status == DISABLED and "410" in sub.status_reason
    assert len(receiver.received) == 1  # the second delivery was never tried
    assert set(db_session.scalars(select(WebhookDelivery.status))) == {FAILED}
    change_title(db_session, commission, "Three")
    clock.advance(hours=1)
    run(db_session, clock)
    assert len(receiver.received) == 1
    assert db_session.scalar(select(func.count()).select_from(WebhookDelivery)) == 2  # none made while disabled


def test_redirects_are_never_followed(db_session, commission, owner, receiver, clock):
    elsewhere = start_receiver()
    try:
        receiver.default = (302, {"Location": elsewhere.url})
        sub, _secret = subscribe(db_session, commission, owner, receiver)
        change_title(db_session, commission)
        run(db_session, clock)
        assert len(receiver.received) == 1 and elsewhere.received == []
        row = db_session.scalars(select(WebhookDelivery)).one()
        assert (row.status, row.last_status_code, row.last_outcome) == (PENDING, 302, "redirect not followed")
    finally:
        stop_receiver(elsewhere)


def test_a_rotated_secret_keeps_the_old_one_valid_for_a_day(db_session, commission, owner, receiver, clock):
    sub, old = subscribe(db_session, commission, owner, receiver)
    new = subscriptions.rotate_secret(db_session, sub, now=clock.now)
    assert new != old and new.startswith("whsec_")
    change_title(db_session, commission)
    run(db_session, clock)
    got = receiver.received[-1]
    assert len(got.headers["webhook-signature"].split(" ")) == 2
    Webhook(old).verify(got.body, got.headers)
    Webhook(new).verify(got.body, got.headers)
    headers = delivery.headers_for("msg_x", "{}", subscriptions.signing_secrets(sub, clock.now + timedelta(hours=25)),
                                   utcnow())
    assert len(headers["webhook-signature"].split(" ")) == 1
    Webhook(new).verify("{}", headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(old).verify("{}", headers)


def test_send_again_and_a_test_event(db_session, commission, owner, receiver, clock):
    sub, secret = subscribe(db_session, commission, owner, receiver)
    change_title(db_session, commission)
    run(db_session, clock)
    row = db_session.scalars(select(WebhookDelivery)).one()
    delivery.send_again(db_session, row, now=clock.now)
    run(db_session, clock)
    assert len(receiver.received) == 2
    assert receiver.received[0].headers["webhook-id"] == receiver.received[1].headers["webhook-id"]
    test = delivery.send_test(db_session, sub, now=clock.now)
    run(db_session, clock)
    message = Webhook(secret).verify(receiver.received[-1].body, receiver.received[-1].headers)
    assert message["type"] == "webhook.test"
    assert message["data"] == {"subscription_id": sub.id, "commission_id": commission.id}
    db_session.refresh(test)
    assert test.status == DELIVERED and test.event_id is None
    subscriptions.change(db_session, sub, status=PAUSED, policy=LOCAL)
    with pytest.raises(Conflict):
        delivery.send_test(db_session, sub)
    with pytest.raises(Conflict):
        delivery.send_again(db_session, row)


def test_a_crash_between_commit_and_delivery_loses_nothing(database_url, world, receiver, clock):
    first = db.Store(database_url)
    owner = world.user("casey@example.org", staff.COMMISSIONER, "Casey")
    with first.session(write=True) as s:
        commission = s.get(Commission, world.commission(owner, "Rosehill Park").id)
        sub, secret = subscribe(s, commission, owner, receiver)
        change_title(s, commission)
    first.dispose()  # the process dies: the event was committed, nothing was sent
    assert receiver.received == []

    restarted = db.Store(database_url)
    try:
        with restarted.session(write=True) as s:
            assert outbox.undispatched(s) == 2  # commission.created, commission.changed
            run(s, clock)
            run(s, clock)
        with restarted.session(write=True) as s:
            run(s, clock)
            assert s.scalar(select(func.count()).select_from(WebhookDelivery)) == 1
    finally:
        restarted.dispose()
    assert len(receiver.received) == 1
    assert Webhook(secret).verify(receiver.received[0].body, receiver.received[0].headers)["type"] == \
        "commission.changed"


def test_a_crash_mid_send_retries_after_the_lease(db_session, commission, owner, receiver, clock):
    subscribe(db_session, commission, owner, receiver)
    change_title(db_session, commission)
    outbox.dispatch(db_session, clock.now)
    claimed = delivery._claim(db_session, clock.now, set())
    assert claimed is not None  # ... and the process died before recording the attempt
    assert delivery._claim(db_session, clock.now + timedelta(seconds=30), set()) is None
    clock.advance(minutes=3)
    run(db_session, clock)
    assert len(receiver.received) == 1


def test_dispatching_is_idempotent_and_in_event_order(db_session, commission, owner, receiver, clock):
    subscribe(db_session, commission, owner, receiver)
    for title in ("One", "Two", "Three"):
        change_title(db_session, commission, title)
    assert outbox.dispatch(db_session, clock.now) == 3
    assert outbox.dispatch(db_session, clock.now) == 0
    events = [d.event_id for d in db_session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id))]
    assert events == sorted(events)
    run(db_session, clock)
    assert len(receiver.received) == 3
    # Undispatched rows are marked even when no subscription wants them.
    assert db_session.scalar(select(func.count()).select_from(StoredEvent)
                             .where(StoredEvent.dispatched_at.is_(None))) == 0


def test_deleting_a_subscription_takes_its_deliveries(db_session, commission, owner, receiver, clock):
    sub, _ = subscribe(db_session, commission, owner, receiver)
    change_title(db_session, commission)
    run(db_session, clock)
    subscriptions.delete(db_session, sub)
    assert db_session.scalar(select(func.count()).select_from(WebhookDelivery)) == 0
    assert db_session.scalar(select(func.count()).select_from(WebhookAttempt)) == 0
    assert db_session.scalar(select(func.count()).select_from(WebhookSubscription)) == 0
