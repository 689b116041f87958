"""Commissions on the API: list, create, read, change, members, completing steps."""
from __future__ import annotations

from flask import jsonify, url_for

from commissioning_steps import access, commissions, evidence, journey, progression
from commissioning_steps.errors import Forbidden, Invalid

from ..extensions import db_session
from . import bp
from .helpers import current_staff, load_json, staff_required
from .schemas import CommissionIn, CompleteIn, MemberIn


def commission_json(commission: commissions.Commission) -> dict:
    counts = evidence.counts_by_step(db_session(), commission.id)
    current = commission.current_step
    return {
        "id": commission.id,
        "title": commission.title,
        "summary": commission.summary,
        "area": commission.area,
        "partners": list(commission.partners),
        "population_groups": [{"name": g.name, "target_share": g.target_share}
                              for g in commission.population_groups],
        "retention_days": commission.retention_days,
        "current_step": current.key if current else None,
        "journey_complete": commission.journey_complete,
        "journey_version": journey.JOURNEY_VERSION,
        "steps": [{"key": s.key, "name": s.name, "stage": s.stage, "status": commission.step_status(s.key),
                   "evidence_count": counts[s.key]} for s in journey.STEPS],
        "evidence": {"count": commission.evidence_count, "head": commission.evidence_head},
        "created_at": commission.created_at.isoformat() + "Z",
        "updated_at": commission.updated_at.isoformat() + "Z",
        "links": {"self": url_for("api.get_commission", commission_id=commission.id),
                  "evidence": url_for("api.list_evidence", commission_id=commission.id)},
    }


def _input(data: dict, base: commissions.Commission | None = None) -> commissions.CommissionInput:
    groups = data.get("population_groups")
    if groups is None and base is not None:
        groups = [{"name": g.name, "target_share": g.target_share} for g in base.population_groups]
    return commissions.CommissionInput(
        title=data.get("title", base.title if base else ""),
        summary=data.get("summary", base.summary if base else ""),
        area=data.get("area", base.area if base else ""),
        partners=data.get("partners", list(base.partners) if base else []),
        population_groups=[(g["name"], g["target_share"]) for g in groups or []],
        retention_days=data.get("retention_days", base.retention_days if base else commissions.DEFAULT_RETENTION_DAYS),
    )


@bp.get("/commissions")
@staff_required
def list_commissions():
    rows = db_session().scalars(access.visible_commissions(current_staff())).all()
    return jsonify(commissions=[commission_json(c) for c in rows])


@bp.post("/commissions")
@staff_required
def create_commission():
    user = current_staff()
    if not access.can_create_commission(user):
        raise Forbidden("Only commissioners and administrators create commissions")
    data = load_json(CommissionIn())
    session = db_session()
    commission = commissions.create_commission(session, user, _input(data))
    response = jsonify(commission_json(commission))
    response.status_code = 201
    response.headers["Location"] = url_for("api.get_commission", commission_id=commission.id)
    return response


@bp.get("/commissions/<int:commission_id>")
@staff_required
def get_commission(commission_id: int):
    commission = access.require(db_session(), current_staff(), commission_id)
    return jsonify(commission_json(commission))


@bp.patch("/commissions/<int:commission_id>")
@staff_required
def update_commission(commission_id: int):
    session = db_session()
    commission = access.require(session, current_staff(), commission_id, access.WRITE)
    data = load_json(CommissionIn(), partial=True)
    commissions.update_commission(session, commission, _input(data, commission))
    return jsonify(commission_json(commission))


@bp.post("/commissions/<int:commission_id>/steps/<key>/complete")
@staff_required
def complete_step(commission_id: int, key: str):
    session = db_session()
    commission = access.require(session, current_staff(), commission_id, access.WRITE)
    if journey.get_step(key) is None:
        raise Invalid({"step": f"Step must be one of: {', '.join(journey.STEP_KEYS)}"})
    data = load_json(CompleteIn())
    progression.complete_step(session, commission, key, current_staff(), data.get("override_reason"))
    return jsonify(commission_json(commission))


@bp.get("/commissions/<int:commission_id>/members")
@staff_required
def list_members(commission_id: int):
    session = db_session()
    commission = access.require(session, current_staff(), commission_id)
    return jsonify(members=[{"id": u.id, "name": u.name, "role": role}
                            for u, role in commissions.members(session, commission)])


@bp.post("/commissions/<int:commission_id>/members")
@staff_required
def add_member(commission_id: int):
    session = db_session()
    commission = access.require(session, current_staff(), commission_id, access.WRITE)
    data = load_json(MemberIn())
    member = commissions.add_member(session, commission, data["email"], data["role"])
    return jsonify(user_id=member.user_id, role=member.role), 201
