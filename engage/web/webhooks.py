"""A commission's webhook subscriptions and their delivery log, for its staff: commissioners add,
pause, resume, test, rotate and delete them and send deliveries again; evaluators read. The
secret is shown on the response that made it, never stored in the session or shown again."""
from __future__ import annotations

import json

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from commissioning_steps import access
from commissioning_steps.db import utcnow
from commissioning_steps.errors import Conflict, Invalid
from surveys import catalogue
from surveys.webhooks import delivery, subscriptions
from surveys.webhooks.models import ACTIVE, PAUSED

from ..common.webhooks import policy
from ..extensions import db_session
from .forms import WebhookForm, apply_domain_errors

bp = Blueprint("webhooks", __name__, url_prefix="/commissions/<int:commission_id>/webhooks")


@bp.before_request
@login_required
def _signed_in():
    """Webhooks are for signed-in staff of the commission."""


def _form() -> WebhookForm:
    form = WebhookForm()
    form.events.choices = [(name, name) for name in catalogue.CATALOGUE]
    return form


def event_items() -> list[dict]:
    """Each event type's checkbox hint: what it reports."""
    return [{"hint": {"text": catalogue.summary(cls)}} for cls in catalogue.CATALOGUE.values()]


@bp.route("", methods=["GET", "POST"])
def index(commission_id: int):
    session = db_session()
    commission = access.require(session, current_user, commission_id)
    can_write = access.allowed(session, current_user, commission.id, access.WRITE)
    form = _form()
    created = None
    if form.is_submitted():
        access.require(session, current_user, commission_id, access.WRITE)
        if form.validate():
            try:
                sub, secret = subscriptions.create(session, commission, current_user, url=(form.url.data or "").strip(),
                                                   events=form.events.data, description=form.description.data,
                                                   policy=policy())
                created = {"subscription": sub, "secret": secret}
                form = _form()
                form.url.data, form.description.data, form.events.data = "", "", []
            except (Invalid, Conflict) as exc:
                unplaced = apply_domain_errors(form, exc.fields)
                if unplaced or not exc.fields:
                    form.url.errors = [*form.url.errors, *unplaced] or [exc.message]
                form._errors = None
    return render_template("staff/webhooks.html", commission=commission, can_write=can_write, form=form,
                           created=created, subscriptions=subscriptions.listing(session, commission.id),
                           event_items=event_items()), 422 if form.errors else (201 if created else 200)


def _subscription(commission_id: int, webhook_id: int, action: str = access.READ):
    session = db_session()
    commission = access.require(session, current_user, commission_id, action)
    return session, commission, subscriptions.get(session, commission.id, webhook_id)


def _show(commission, sub, secret=None, status=200):
    session = db_session()
    now = utcnow()
    return render_template(
        "staff/webhook.html", commission=commission, sub=sub, secret=secret, now=now,
        overlap=len(subscriptions.signing_secrets(sub, now)) > 1,
        deliveries=delivery.recent(session, sub), secret_hint=subscriptions.secret_hint(sub.secret),
        can_write=access.allowed(session, current_user, commission.id, access.WRITE),
        summaries={name: catalogue.summary(cls) for name, cls in catalogue.CATALOGUE.items()}), status


@bp.get("/<int:webhook_id>")
def show(commission_id: int, webhook_id: int):
    _session, commission, sub = _subscription(commission_id, webhook_id)
    return _show(commission, sub)


@bp.get("/<int:webhook_id>/deliveries/<int:delivery_id>")
def delivery_page(commission_id: int, webhook_id: int, delivery_id: int):
    session, commission, sub = _subscription(commission_id, webhook_id)
    found = delivery.get_delivery(session, sub, delivery_id)
    return render_template("staff/webhook_delivery.html", commission=commission, sub=sub, delivery=found,
                           pretty_body=json.dumps(json.loads(found.body), indent=2))


def _back(commission, sub, message, category="success"):
    flash(message, category)
    return redirect(url_for(".show", commission_id=commission.id, webhook_id=sub.id))


@bp.post("/<int:webhook_id>/test")
def send_test(commission_id: int, webhook_id: int):
    session, commission, sub = _subscription(commission_id, webhook_id, access.WRITE)
    try:
        delivery.send_test(session, sub)
    except Conflict as exc:
        return _back(commission, sub, exc.message, "info")
    return _back(commission, sub, "A test event is on its way: it appears in the delivery log within seconds")


@bp.post("/<int:webhook_id>/pause")
def pause(commission_id: int, webhook_id: int):
    session, commission, sub = _subscription(commission_id, webhook_id, access.WRITE)
    subscriptions.change(session, sub, status=PAUSED, policy=policy())
    return _back(commission, sub, "Webhook paused: events wait until you resume it")


@bp.post("/<int:webhook_id>/resume")
def resume(commission_id: int, webhook_id: int):
    session, commission, sub = _subscription(commission_id, webhook_id, access.WRITE)
    subscriptions.change(session, sub, status=ACTIVE, policy=policy())
    return _back(commission, sub, "Webhook resumed: waiting deliveries are sent now")


@bp.post("/<int:webhook_id>/rotate-secret")
def rotate(commission_id: int, webhook_id: int):
    session, commission, sub = _subscription(commission_id, webhook_id, access.WRITE)
    secret = subscriptions.rotate_secret(session, sub)
    return _show(commission, sub, secret=secret)


@bp.post("/<int:webhook_id>/delete")
def delete(commission_id: int, webhook_id: int):
    session, commission, sub = _subscription(commission_id, webhook_id, access.WRITE)
    subscriptions.delete(session, sub)
    flash("Webhook deleted, with its delivery log", "success")
    return redirect(url_for(".index", commission_id=commission.id))


@bp.post("/<int:webhook_id>/deliveries/<int:delivery_id>/send-again")
def send_again(commission_id: int, webhook_id: int, delivery_id: int):
    session, commission, sub = _subscription(commission_id, webhook_id, access.WRITE)
    try:
        delivery.send_again(session, delivery.get_delivery(session, sub, delivery_id))
    except Conflict as exc:
        return _back(commission, sub, exc.message, "info")
    return _back(commission, sub, "The delivery will be sent again within seconds")
