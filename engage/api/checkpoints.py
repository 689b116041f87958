"""Signed checkpoints of the evidence log (``commissioning_steps.checkpoints``) and the key that
verifies them, published for anyone at ``GET /api/v1/checkpoint-key``."""
from __future__ import annotations

from flask import current_app, jsonify

from commissioning_steps import access, checkpoints

from ..extensions import db_session
from . import bp
from .helpers import current_staff, staff_required


def signer():
    return current_app.extensions["engage.checkpoint_signer"]


@bp.get("/checkpoint-key")
def checkpoint_key():
    """The public key evidence checkpoints are signed with (Ed25519), for offline verification."""
    return jsonify(signer().public_document())


@bp.post("/commissions/<int:commission_id>/checkpoints")
@staff_required
def issue_checkpoint(commission_id: int):
    """Its commissioners and evaluators (and administrators) may have the log signed at any time."""
    session = db_session()
    commission = access.require(session, current_staff(), commission_id)
    row = checkpoints.issue(session, commission, signer(), checkpoints.ON_DEMAND)
    return jsonify(row.as_dict()), 201


@bp.get("/commissions/<int:commission_id>/checkpoints")
@staff_required
def list_checkpoints(commission_id: int):
    session = db_session()
    commission = access.require(session, current_staff(), commission_id)
    return jsonify(checkpoints=[c.as_dict() for c in checkpoints.listing(session, commission.id)])
