"""A commission's activity page: the feed as a plain list for its team, which a reload (the
Refresh button, an ordinary link) brings up to date. With JavaScript, ``static/js/activity-feed.mjs``
keeps the same list up to date over the ``/activity`` socket."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from commissioning_steps import access

from ..common.activity import feed_view
from ..extensions import db_session

bp = Blueprint("activity", __name__, url_prefix="/commissions")


@bp.before_request
@login_required
def _signed_in():
    """Only signed-in staff on the commission's team see its activity."""


@bp.get("/<int:commission_id>/activity")
def page(commission_id: int):
    session = db_session()
    commission = access.require(session, current_user, commission_id)
    return render_template("staff/activity.html", commission=commission,
                           feed=feed_view(commission.id, session=session))
