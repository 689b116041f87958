"""Signed checkpoints of the evidence log (``commissioning_steps.checkpoints``) and the key that
verifies them, published for anyone at ``GET /api/v1/checkpoint-key``."""
from __future__ import annotations

from flask import current_app

from commissioning_steps import access, checkpoints

from ..extensions import db_session
from . import bp
from .contract import described, paginate
from .helpers import current_staff, staff_required
from .response_schemas import CheckpointKeyOut, CheckpointOut, CheckpointsOut


def signer():
    return current_app.extensions["engage.checkpoint_signer"]


@bp.get("/checkpoint-key")
@described("The public key that signs evidence checkpoints (no sign-in)", out=CheckpointKeyOut, etag=True,
           tag="evidence")
def checkpoint_key():
    """The public key evidence checkpoints are signed with (Ed25519), for offline verification."""
    return signer().public_document()


@bp.post("/commissions/<int:commission_id>/checkpoints")
@staff_required
@described("Sign a checkpoint of the evidence log now", out=CheckpointOut, status=201, tag="evidence")
def issue_checkpoint(commission_id: int):
    """Its commissioners and evaluators (and administrators) may have the log signed at any time."""
    session = db_session()
    commission = access.require(session, current_staff(), commission_id)
    row = checkpoints.issue(session, commission, signer(), checkpoints.ON_DEMAND)
    return row.as_dict(), 201


@bp.get("/commissions/<int:commission_id>/checkpoints")
@staff_required
@described("The commission's signed checkpoints", out=CheckpointsOut, paged="checkpoints", tag="evidence")
def list_checkpoints(commission_id: int):
    session = db_session()
    commission = access.require(session, current_staff(), commission_id)
    return {"checkpoints": [c.as_dict() for c in paginate(checkpoints.listing(session, commission.id))]}
