"""Commissions on the API: list, create, read, change, members, completing steps."""
from __future__ import annotations

from flask import url_for

from commissioning_steps import access, commissions, evidence, journey, progression
from commissioning_steps.errors import Forbidden, Invalid

from ..extensions import db_session
from . import bp
from .contract import body, described, paginate
from .helpers import current_staff, staff_required
from .response_schemas import CommissionOut, CommissionsOut, MemberAddedOut, MembersOut
from .schemas import CommissionIn, CompleteIn, MemberIn

COMMISSION_EXAMPLE = {"title": "Day opportunities", "summary": "Day services with the people who use them",
                      "area": "Rosehill", "partners": ["Rosehill NHS Trust"],
                      "population_groups": [{"name": "Carers", "target_share": 30}], "retention_days": 730}


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
@described("The commissions this account can see", out=CommissionsOut, paged="commissions")
def list_commissions():
    rows = paginate(access.visible_commissions(current_staff()))
    return {"commissions": [commission_json(c) for c in rows]}


@bp.post("/commissions")
@staff_required
@described("Create a commission (commissioners and administrators)", body=CommissionIn, out=CommissionOut,
           status=201, errors=(403,), example=COMMISSION_EXAMPLE)
def create_commission():
    user = current_staff()
    if not access.can_create_commission(user):
        raise Forbidden("Only commissioners and administrators create commissions")
    data = body()
    session = db_session()
    commission = commissions.create_commission(session, user, _input(data))
    return commission_json(commission), 201, {"Location": url_for("api.get_commission", commission_id=commission.id)}


@bp.get("/commissions/<int:commission_id>")
@staff_required
@described("One commission, with its steps and evidence log head", out=CommissionOut, etag=True)
def get_commission(commission_id: int):
    commission = access.require(db_session(), current_staff(), commission_id)
    return commission_json(commission)


@bp.patch("/commissions/<int:commission_id>")
@staff_required
@described("Change a commission (only the fields sent)", body=CommissionIn(partial=True), out=CommissionOut,
           errors=(403,), example={"summary": "Day services, chosen with the people who use them"})
def update_commission(commission_id: int):
    session = db_session()
    commission = access.require(session, current_staff(), commission_id, access.WRITE)
    data = body()
    commissions.update_commission(session, commission, _input(data, commission))
    return commission_json(commission)


@bp.post("/commissions/<int:commission_id>/steps/<key>/complete")
@staff_required
@described("Complete a step through its gateway (or with an override reason)", body=CompleteIn, out=CommissionOut,
           errors=(403, 409, 422), example={"override_reason": None})
def complete_step(commission_id: int, key: str):
    session = db_session()
    commission = access.require(session, current_staff(), commission_id, access.WRITE)
    if journey.get_step(key) is None:
        raise Invalid({"step": f"Step must be one of: {', '.join(journey.STEP_KEYS)}"})
    data = body()
    progression.complete_step(session, commission, key, current_staff(), data.get("override_reason"))
    return commission_json(commission)


@bp.get("/commissions/<int:commission_id>/members")
@staff_required
@described("The commission's team", out=MembersOut, paged="members")
def list_members(commission_id: int):
    session = db_session()
    commission = access.require(session, current_staff(), commission_id)
    return {"members": [{"id": u.id, "name": u.name, "role": role}
                        for u, role in paginate(commissions.members(session, commission))]}


@bp.post("/commissions/<int:commission_id>/members")
@staff_required
@described("Add a member of staff to the team, by email", body=MemberIn, out=MemberAddedOut, status=201,
           errors=(403, 409), example={"email": "eve@example.org", "role": "evaluator"})
def add_member(commission_id: int):
    session = db_session()
    commission = access.require(session, current_staff(), commission_id, access.WRITE)
    data = body()
    member = commissions.add_member(session, commission, data["email"], data["role"])
    return {"user_id": member.user_id, "role": member.role}, 201
