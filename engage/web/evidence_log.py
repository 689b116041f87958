"""The evidence log page, its verification status, and downloads (CSV and JSON)."""
from __future__ import annotations

import json

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from sqlalchemy import select

from commissioning_steps import access, evaluation, evidence
from commissioning_steps.staff import StaffUser

from ..common.downloads import download, evidence_csv
from ..extensions import db_session

bp = Blueprint("evidence_log", __name__, url_prefix="/commissions/<int:commission_id>")

@bp.before_request
@login_required
def _signed_in():
    """Evidence is for signed-in staff assigned to the commission."""


def author_names(session, entries) -> dict[str, str]:
    """Staff see who recorded an entry; the log itself names only ``staff#id``."""
    ids = {e.author_id for e in entries if e.author_id}
    if not ids:
        return {}
    users = session.scalars(select(StaffUser).where(StaffUser.id.in_(ids)))
    return {u.reference: f"{u.name} ({u.role_label.lower()})" for u in users}


@bp.get("/evidence")
def log_page(commission_id: int):
    session = db_session()
    commission = access.require(session, current_user, commission_id)
    rows = evidence.entries(session, commission.id)
    return render_template("staff/evidence_log.html", commission=commission, entries=rows,
                           names=author_names(session, rows),
                           superseded=evidence.superseded_by(session, commission.id),
                           signed=evaluation.signed_count(session, commission.id),
                           verification=evidence.verify(session, commission))


@bp.get("/evidence.csv")
def log_csv(commission_id: int):
    session = db_session()
    commission = access.require(session, current_user, commission_id)
    return download(evidence_csv(evidence.entries(session, commission.id)), "text/csv",
                    f"commission-{commission.id}-evidence.csv")


@bp.get("/evidence.json")
def log_json(commission_id: int):
    session = db_session()
    commission = access.require(session, current_user, commission_id)
    body = json.dumps(evidence.export(session, commission), ensure_ascii=False, indent=2)
    return download(body, "application/json", f"commission-{commission.id}-evidence.json")
