"""Pages anyone can see: the home page, the journey, the health check."""
from __future__ import annotations

from flask import Blueprint, jsonify, render_template
from sqlalchemy import text

from commissioning_steps import journey

from ..extensions import db_session

bp = Blueprint("public", __name__)


@bp.get("/")
def home():
    return render_template("public/home.html", stages=journey.STAGES)


@bp.get("/journey")
def journey_page():
    return render_template("public/journey.html", stages=journey.STAGES, version=journey.JOURNEY_VERSION)


@bp.get("/healthz")
def healthz():
    """200 once the app can reach its database and the schema is in place."""
    try:
        db_session().execute(text("SELECT 1 FROM commissions LIMIT 1"))
    except Exception:  # noqa: BLE001 - any failure means not ready
        return jsonify(status="unavailable"), 503
    return jsonify(status="ok")
