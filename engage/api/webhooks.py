"""Webhook subscriptions of a commission on the API (``docs/webhooks.md``): its commissioners
create, change, pause, resume, rotate and delete them, send a test event and send a delivery
again; its evaluators read them and their delivery log. A secret is in the answer that makes it
(creating, rotating), never afterwards."""
from __future__ import annotations

from flask import url_for

from commissioning_steps import access
from commissioning_steps.db import utcnow
from surveys import catalogue
from surveys.webhooks import delivery, subscriptions

from ..common.webhooks import delivery_json, policy, subscription_json
from ..extensions import db_session
from . import bp
from .contract import body, described, paginate
from .helpers import current_staff, staff_required
from .response_schemas import DeliveriesOut, DeliveryOut, EventTypesOut, WebhookOut, WebhooksOut
from .schemas import WebhookIn, WebhookPatch


def _subscription(commission_id: int, webhook_id: int, action: str = access.READ):
    session = db_session()
    commission = access.require(session, current_staff(), commission_id, action)
    return session, commission, subscriptions.get(session, commission.id, webhook_id)


@bp.get("/webhook-event-types")
@staff_required
@described("The event catalogue: every type a subscription can ask for", out=EventTypesOut, paged="event_types")
def webhook_event_types():
    """The event catalogue: every type a subscription can ask for, with its ``data`` fields."""
    return {"event_types": [{"type": name, "description": catalogue.summary(cls),
                             "fields": [{"name": f, "type": t} for f, t in catalogue.fields_of(name)]}
                            for name, cls in paginate(list(catalogue.CATALOGUE.items()))]}


@bp.get("/commissions/<int:commission_id>/webhooks")
@staff_required
@described("The commission's webhook subscriptions", out=WebhooksOut, paged="webhooks")
def list_webhooks(commission_id: int):
    session = db_session()
    commission = access.require(session, current_staff(), commission_id)
    now = utcnow()
    return {"webhooks": [subscription_json(s, now) for s in paginate(subscriptions.listing(session, commission.id))]}


@bp.post("/commissions/<int:commission_id>/webhooks")
@staff_required
@described("Subscribe a URL to event types; the answer holds the signing secret, shown once", body=WebhookIn,
           out=WebhookOut, status=201, errors=(403,),
           example={"url": "https://crm.example.org/engage", "events": ["decision.recorded", "survey.closed"],
                    "description": "Our CRM"})
def create_webhook(commission_id: int):
    session = db_session()
    commission = access.require(session, current_staff(), commission_id, access.WRITE)
    data = body()
    sub, secret = subscriptions.create(session, commission, current_staff(), url=data["url"], events=data["events"],
                                       description=data.get("description"), policy=policy())
    return subscription_json(sub, utcnow(), secret=secret), 201, {
        "Location": url_for("api.get_webhook", commission_id=commission.id, webhook_id=sub.id)}


@bp.get("/commissions/<int:commission_id>/webhooks/<int:webhook_id>")
@staff_required
@described("One subscription (never its secret)", out=WebhookOut)
def get_webhook(commission_id: int, webhook_id: int):
    _session, _commission, sub = _subscription(commission_id, webhook_id)
    return subscription_json(sub, utcnow())


@bp.patch("/commissions/<int:commission_id>/webhooks/<int:webhook_id>")
@staff_required
@described("Change, pause (`status: paused`) or resume (`status: active`) a subscription",
           body=WebhookPatch(partial=True), out=WebhookOut, errors=(403, 409), example={"status": "paused"})
def update_webhook(commission_id: int, webhook_id: int):
    session, _commission, sub = _subscription(commission_id, webhook_id, access.WRITE)
    data = body()
    subscriptions.change(session, sub, url=data.get("url"), events=data.get("events"),
                         description=(data["description"] or "") if "description" in data else None,
                         status=data.get("status"), policy=policy())
    return subscription_json(sub, utcnow())


@bp.delete("/commissions/<int:commission_id>/webhooks/<int:webhook_id>")
@staff_required
@described("Delete a subscription and its delivery log", out=None, status=204, errors=(403,))
def delete_webhook(commission_id: int, webhook_id: int):
    session, _commission, sub = _subscription(commission_id, webhook_id, access.WRITE)
    subscriptions.delete(session, sub)
    return "", 204


@bp.post("/commissions/<int:commission_id>/webhooks/<int:webhook_id>/rotate-secret")
@staff_required
@described("A new signing secret (shown once); the old one keeps working for 24 hours", out=WebhookOut,
           errors=(403, 409))
def rotate_webhook_secret(commission_id: int, webhook_id: int):
    session, _commission, sub = _subscription(commission_id, webhook_id, access.WRITE)
    secret = subscriptions.rotate_secret(session, sub)
    return subscription_json(sub, utcnow(), secret=secret)


@bp.post("/commissions/<int:commission_id>/webhooks/<int:webhook_id>/test")
@staff_required
@described("Send a `webhook.test` event", out=DeliveryOut, status=202, errors=(403, 409))
def send_webhook_test(commission_id: int, webhook_id: int):
    """Queue a ``webhook.test`` delivery; the scheduler sends it within seconds."""
    session, _commission, sub = _subscription(commission_id, webhook_id, access.WRITE)
    return delivery_json(delivery.send_test(session, sub)), 202


@bp.get("/commissions/<int:commission_id>/webhooks/<int:webhook_id>/deliveries")
@staff_required
@described("The delivery log: the latest deliveries, newest first", out=DeliveriesOut, paged="deliveries")
def list_webhook_deliveries(commission_id: int, webhook_id: int):
    """Newest first, each with its attempts, paged like every list."""
    session, _commission, sub = _subscription(commission_id, webhook_id)
    return {"deliveries": [delivery_json(d) for d in paginate(delivery.recent(session, sub, limit=None))]}


@bp.get("/commissions/<int:commission_id>/webhooks/<int:webhook_id>/deliveries/<int:delivery_id>")
@staff_required
@described("One delivery with every attempt", out=DeliveryOut)
def get_webhook_delivery(commission_id: int, webhook_id: int, delivery_id: int):
    session, _commission, sub = _subscription(commission_id, webhook_id)
    return delivery_json(delivery.get_delivery(session, sub, delivery_id))


@bp.post("/commissions/<int:commission_id>/webhooks/<int:webhook_id>/deliveries/<int:delivery_id>/send-again")
@staff_required
@described("Send a delivery again", out=DeliveryOut, status=202, errors=(403, 409))
def send_webhook_again(commission_id: int, webhook_id: int, delivery_id: int):
    session, _commission, sub = _subscription(commission_id, webhook_id, access.WRITE)
    found = delivery.get_delivery(session, sub, delivery_id)
    return delivery_json(delivery.send_again(session, found)), 202
