"""Webhook subscriptions of a commission on the API (``docs/webhooks.md``): its commissioners
create, change, pause, resume, rotate and delete them, send a test event and send a delivery
again; its evaluators read them and their delivery log. A secret is in the answer that makes it
(creating, rotating), never afterwards."""
from __future__ import annotations

from flask import jsonify, url_for

from commissioning_steps import access
from commissioning_steps.db import utcnow
from surveys import catalogue
from surveys.webhooks import delivery, subscriptions

from ..common.webhooks import delivery_json, policy, subscription_json
from ..extensions import db_session
from . import bp
from .helpers import current_staff, load_json, staff_required
from .schemas import WebhookIn, WebhookPatch


def _subscription(commission_id: int, webhook_id: int, action: str = access.READ):
    session = db_session()
    commission = access.require(session, current_staff(), commission_id, action)
    return session, commission, subscriptions.get(session, commission.id, webhook_id)


@bp.get("/webhook-event-types")
@staff_required
def webhook_event_types():
    """The event catalogue: every type a subscription can ask for, with its ``data`` fields."""
    return jsonify(event_types=[{"type": name, "description": catalogue.summary(cls),
                                 "fields": [{"name": f, "type": t} for f, t in catalogue.fields_of(name)]}
                                for name, cls in catalogue.CATALOGUE.items()])


@bp.get("/commissions/<int:commission_id>/webhooks")
@staff_required
def list_webhooks(commission_id: int):
    session = db_session()
    commission = access.require(session, current_staff(), commission_id)
    now = utcnow()
    return jsonify(webhooks=[subscription_json(s, now) for s in subscriptions.listing(session, commission.id)])


@bp.post("/commissions/<int:commission_id>/webhooks")
@staff_required
def create_webhook(commission_id: int):
    session = db_session()
    commission = access.require(session, current_staff(), commission_id, access.WRITE)
    data = load_json(WebhookIn())
    sub, secret = subscriptions.create(session, commission, current_staff(), url=data["url"], events=data["events"],
                                       description=data.get("description"), policy=policy())
    response = jsonify(subscription_json(sub, utcnow(), secret=secret))
    response.status_code = 201
    response.headers["Location"] = url_for("api.get_webhook", commission_id=commission.id, webhook_id=sub.id)
    return response


@bp.get("/commissions/<int:commission_id>/webhooks/<int:webhook_id>")
@staff_required
def get_webhook(commission_id: int, webhook_id: int):
    _session, _commission, sub = _subscription(commission_id, webhook_id)
    return jsonify(subscription_json(sub, utcnow()))


@bp.patch("/commissions/<int:commission_id>/webhooks/<int:webhook_id>")
@staff_required
def update_webhook(commission_id: int, webhook_id: int):
    session, _commission, sub = _subscription(commission_id, webhook_id, access.WRITE)
    data = load_json(WebhookPatch(), partial=True)
    subscriptions.change(session, sub, url=data.get("url"), events=data.get("events"),
                         description=(data["description"] or "") if "description" in data else None,
                         status=data.get("status"), policy=policy())
    return jsonify(subscription_json(sub, utcnow()))


@bp.delete("/commissions/<int:commission_id>/webhooks/<int:webhook_id>")
@staff_required
def delete_webhook(commission_id: int, webhook_id: int):
    session, _commission, sub = _subscription(commission_id, webhook_id, access.WRITE)
    subscriptions.delete(session, sub)
    return "", 204


@bp.post("/commissions/<int:commission_id>/webhooks/<int:webhook_id>/rotate-secret")
@staff_required
def rotate_webhook_secret(commission_id: int, webhook_id: int):
    session, _commission, sub = _subscription(commission_id, webhook_id, access.WRITE)
    secret = subscriptions.rotate_secret(session, sub)
    return jsonify(subscription_json(sub, utcnow(), secret=secret))


@bp.post("/commissions/<int:commission_id>/webhooks/<int:webhook_id>/test")
@staff_required
def send_webhook_test(commission_id: int, webhook_id: int):
    """Queue a ``webhook.test`` delivery; the scheduler sends it within seconds."""
    session, _commission, sub = _subscription(commission_id, webhook_id, access.WRITE)
    return jsonify(delivery_json(delivery.send_test(session, sub))), 202


@bp.get("/commissions/<int:commission_id>/webhooks/<int:webhook_id>/deliveries")
@staff_required
def list_webhook_deliveries(commission_id: int, webhook_id: int):
    """The latest 50 deliveries, newest first, each with its attempts."""
    session, _commission, sub = _subscription(commission_id, webhook_id)
    return jsonify(deliveries=[delivery_json(d) for d in delivery.recent(session, sub)])


@bp.get("/commissions/<int:commission_id>/webhooks/<int:webhook_id>/deliveries/<int:delivery_id>")
@staff_required
def get_webhook_delivery(commission_id: int, webhook_id: int, delivery_id: int):
    session, _commission, sub = _subscription(commission_id, webhook_id)
    return jsonify(delivery_json(delivery.get_delivery(session, sub, delivery_id)))


@bp.post("/commissions/<int:commission_id>/webhooks/<int:webhook_id>/deliveries/<int:delivery_id>/send-again")
@staff_required
def send_webhook_again(commission_id: int, webhook_id: int, delivery_id: int):
    session, _commission, sub = _subscription(commission_id, webhook_id, access.WRITE)
    found = delivery.get_delivery(session, sub, delivery_id)
    return jsonify(delivery_json(delivery.send_again(session, found))), 202
