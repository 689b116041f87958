"""The evidence log on the API: append, list (JSON or CSV), verify, assess."""
from __future__ import annotations

from flask import current_app, jsonify, request

from commissioning_steps import access, checkpoint_signing, checkpoints, evaluation, evidence

from ..extensions import db_session
from ..common.downloads import download, evidence_csv
from . import bp
from .helpers import current_staff, load_json, staff_required
from .schemas import AssessmentIn, EvidenceIn


def entry_json(entry: evidence.EvidenceEntry, superseded_by: int | None = None, signed: int | None = None) -> dict:
    """An entry as listed: with its kind's label, the entry that corrects it, and whether it came
    after the latest sign-off of the evaluation (``signed``: the log's count at that sign-off)."""
    data = entry.as_dict()
    data["kind_label"] = entry.kind_label
    data["superseded_by"] = superseded_by
    data["after_sign_off"] = signed is not None and entry.seq > signed
    return data


@bp.post("/commissions/<int:commission_id>/evidence")
@staff_required
def add_evidence(commission_id: int):
    session = db_session()
    commission = access.require(session, current_staff(), commission_id, access.WRITE)
    data = load_json(EvidenceIn())
    entry = evidence.record_manual(session, commission, current_staff(), step=data["step"], kind=data["kind"],
                                   summary=data["summary"], payload=data["payload"],
                                   supersedes=data["supersedes"])
    return jsonify(entry_json(entry)), 201


@bp.get("/commissions/<int:commission_id>/evidence")
@staff_required
def list_evidence(commission_id: int):
    session = db_session()
    commission = access.require(session, current_staff(), commission_id)
    step = request.args.get("step") or None
    rows = evidence.entries(session, commission.id, step)
    wants_csv = request.args.get("format") == "csv" or (
        request.accept_mimetypes.best_match(["application/json", "text/csv"]) == "text/csv")
    if wants_csv:
        return download(evidence_csv(rows), "text/csv", f"commission-{commission.id}-evidence.csv")
    if request.args.get("format") == "export":
        return jsonify(evidence.export(session, commission))
    replaced = evidence.superseded_by(session, commission.id)
    signed = evaluation.signed_count(session, commission.id)
    return jsonify(commission_id=commission.id, count=len(rows), head=commission.evidence_head,
                   signed_off_count=signed, entries=[entry_json(e, replaced.get(e.id), signed) for e in rows])


@bp.get("/commissions/<int:commission_id>/evidence/<int:entry_id>")
@staff_required
def get_evidence_entry(commission_id: int, entry_id: int):
    session = db_session()
    commission = access.require(session, current_staff(), commission_id)
    entry = evidence.get_entry(session, commission.id, entry_id)
    return jsonify(entry_json(entry, evidence.superseded_by(session, commission.id).get(entry.id),
                              evaluation.signed_count(session, commission.id)))


@bp.get("/commissions/<int:commission_id>/evidence/verify")
@staff_required
def verify_evidence(commission_id: int):
    session = db_session()
    commission = access.require(session, current_staff(), commission_id)
    result = evidence.verify(session, commission).as_dict()
    # The chain alone cannot catch a rewrite by someone with database access; the latest signed
    # checkpoint can (the same check as ``verify-evidence --checkpoint``, with the app's key).
    last = checkpoints.latest(session, commission.id)
    if last is not None:
        against = checkpoint_signing.verify_extends(
            evidence.export(session, commission), last.as_dict(),
            current_app.extensions["engage.checkpoint_signer"].public_key)
        result["checkpoint"] = {**against.as_dict(), "checkpoint_id": last.id}
        result["ok"] = result["ok"] and against.ok
    else:
        result["checkpoint"] = None
    return jsonify(result)


@bp.post("/commissions/<int:commission_id>/steps/<key>/assessments")
@staff_required
def add_assessment(commission_id: int, key: str):
    """The route assessments were recorded through before the evaluation's ``.../rating``: the
    same service, which also reads the old rating names ("partly answered")."""
    session = db_session()
    commission = access.require(session, current_staff(), commission_id, access.ASSESS)
    data = load_json(AssessmentIn())
    entry = evaluation.rate_step(session, commission, current_staff(), step=key, rating=data["rating"],
                                 commentary=data["commentary"])
    return jsonify(entry_json(entry)), 201
