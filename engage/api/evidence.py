"""The evidence log on the API: append, list (JSON or CSV), verify, assess."""
from __future__ import annotations

from flask import current_app, request
from marshmallow import EXCLUDE, Schema, fields, validate

from commissioning_steps import access, checkpoint_signing, checkpoints, evaluation, evidence

from ..extensions import db_session
from ..common.downloads import download, evidence_csv
from . import bp
from .contract import Alternative, args, body, described, paginate
from .helpers import current_staff, staff_required
from .response_schemas import EvidenceEntryOut, EvidenceExportOut, EvidenceListOut, VerificationOut
from .schemas import AssessmentIn, EvidenceIn


class EvidenceQuery(Schema):
    class Meta:
        unknown = EXCLUDE

    step = fields.String(metadata={"description": "Only this step's entries"})
    format = fields.String(validate=validate.OneOf(("json", "csv", "export")),
                           metadata={"description": "`csv` for a spreadsheet, `export` for the whole signed log "
                                                    "(as `flask verify-evidence` reads it)"})


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
@described("Append an entry to the evidence log", body=EvidenceIn, out=EvidenceEntryOut, status=201, errors=(403,),
           example={"step": "initiate", "kind": "meeting", "summary": "Met the carers' forum: 14 came",
                    "payload": {"attendance": 14}})
def add_evidence(commission_id: int):
    session = db_session()
    commission = access.require(session, current_staff(), commission_id, access.WRITE)
    data = body()
    entry = evidence.record_manual(session, commission, current_staff(), step=data["step"], kind=data["kind"],
                                   summary=data["summary"], payload=data["payload"],
                                   supersedes=data["supersedes"])
    return entry_json(entry), 201


@bp.get("/commissions/<int:commission_id>/evidence")
@staff_required
@described("The evidence log, oldest first (or as CSV, or the whole signed export)", query=EvidenceQuery,
           out=EvidenceListOut, responses={200: [EvidenceExportOut, "text/csv"]}, paged="entries")
def list_evidence(commission_id: int):
    session = db_session()
    commission = access.require(session, current_staff(), commission_id)
    step = args().get("step") or None
    rows = evidence.entries(session, commission.id, step)
    wants_csv = args().get("format") == "csv" or (
        request.accept_mimetypes.best_match(["application/json", "text/csv"]) == "text/csv")
    if wants_csv:
        return download(evidence_csv(rows), "text/csv", f"commission-{commission.id}-evidence.csv")
    if args().get("format") == "export":
        return Alternative(EvidenceExportOut, evidence.export(session, commission))
    replaced = evidence.superseded_by(session, commission.id)
    signed = evaluation.signed_count(session, commission.id)
    count = len(rows)
    return {"commission_id": commission.id, "count": count, "head": commission.evidence_head,
            "signed_off_count": signed, "entries": [entry_json(e, replaced.get(e.id), signed) for e in paginate(rows)]}


@bp.get("/commissions/<int:commission_id>/evidence/<int:entry_id>")
@staff_required
@described("One evidence entry", out=EvidenceEntryOut, etag=True)
def get_evidence_entry(commission_id: int, entry_id: int):
    session = db_session()
    commission = access.require(session, current_staff(), commission_id)
    entry = evidence.get_entry(session, commission.id, entry_id)
    return entry_json(entry, evidence.superseded_by(session, commission.id).get(entry.id),
                      evaluation.signed_count(session, commission.id))


@bp.get("/commissions/<int:commission_id>/evidence/verify")
@staff_required
@described("Check the log's hash chain, and that it extends the latest signed checkpoint", out=VerificationOut)
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
    return result


@bp.post("/commissions/<int:commission_id>/steps/<key>/assessments")
@staff_required
@described("Rate a completed step (the older route; see `.../rating`)", body=AssessmentIn, out=EvidenceEntryOut,
           status=201, errors=(403, 409), example={"rating": "fully_evidenced", "commentary": None})
def add_assessment(commission_id: int, key: str):
    """The route assessments were recorded through before the evaluation's ``.../rating``: the
    same service, which also reads the old rating names ("partly answered")."""
    session = db_session()
    commission = access.require(session, current_staff(), commission_id, access.ASSESS)
    data = body()
    entry = evaluation.rate_step(session, commission, current_staff(), step=key, rating=data["rating"],
                                 commentary=data["commentary"])
    return entry_json(entry), 201
