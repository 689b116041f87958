"""Webhooks on real PostgreSQL: migration 0013, the outbox dispatcher and the delivery worker
with their row locks (FOR UPDATE SKIP LOCKED), two dispatchers and two workers at once sending
each message exactly once, to a receiver on 127.0.0.1."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select
from standardwebhooks import Webhook

from commissioning_steps import commissions, staff
from commissioning_steps.commissions import Commission
from surveys.webhooks import delivery, outbox, subscriptions
from surveys.webhooks.addresses import Policy
from surveys.webhooks.models import DELIVERED, WebhookDelivery
from surveys.webhooks.transport import HttpSender

from webhook_receiver import start_receiver, stop_receiver

pytestmark = pytest.mark.integration
LOCAL = Policy(allow_private=True)


@pytest.fixture
def receiver():
    r = start_receiver()
    yield r
    stop_receiver(r)


def test_each_event_is_delivered_once_with_two_dispatchers_and_two_workers(pg_store, receiver):
    with pg_store.session(write=True) as s:
        owner = staff.create_user(s, email="hooks@example.org", name="Hooks", role=staff.COMMISSIONER,
                                  password_hash="x")
        commission = commissions.create_commission(s, owner, commissions.CommissionInput(title="PG hooks"))
        outbox.dispatch(s)  # what came before the subscription
        sub, secret = subscriptions.create(s, commission, owner, url=receiver.url, events=["commission.changed"],
                                           policy=LOCAL)
        for n in range(20):
            commissions.update_commission(s, s.get(Commission, commission.id),
                                          commissions.CommissionInput(title=f"PG hooks {n}"))

    def work(fn):
        with pg_store.session(write=True) as s:
            fn(s)

    barrier = threading.Barrier(2)

    def dispatcher():
        barrier.wait()
        work(lambda s: [outbox.dispatch(s, limit=3) for _ in range(10)])

    threads = [threading.Thread(target=dispatcher) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with pg_store.session() as s:
        assert outbox.undispatched(s) == 0
        assert s.scalar(select(func.count()).select_from(WebhookDelivery)) == 20

    workers = [threading.Thread(target=work, args=(lambda s: delivery.deliver_due(s, HttpSender(LOCAL)),))
               for _ in range(2)]
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    with pg_store.session() as s:
        assert set(s.scalars(select(WebhookDelivery.status))) == {DELIVERED}
    assert len(receiver.received) == 20
    assert len({r.headers["webhook-id"] for r in receiver.received}) == 20
    titles = sorted(Webhook(secret).verify(r.body, r.headers)["data"]["changed"][0] for r in receiver.received)
    assert titles == ["title"] * 20
