"""Moving a commission along the journey, one gateway at a time.

Completing a step asks for evidence against its practice question (``journey.Gateway``). A
commissioner can still move on without it, but only by saying why; that reason goes into the
evidence log as a ``gateway_override`` entry, so the evaluation sees exactly where and why the
journey went ahead without residents' evidence.
"""
from __future__ import annotations

from sqlalchemy.orm import Session

from . import evidence, journey
from .commissions import ACTIVE, Commission
from .db import transactional
from .errors import Conflict, Invalid
from .events import StepActivated, StepCompleted, publish
from .staff import StaffUser

MIN_OVERRIDE_REASON = 10


def gateway_shortfall(session: Session, commission: Commission, step: journey.Step) -> int:
    """How many more evidence entries the step's gateway asks for (0 when it is satisfied)."""
    have = evidence.count_answering(session, commission.id, step.key)
    return max(0, step.gateway.min_evidence - have)


@transactional
def complete_step(session: Session, commission: Commission, step_key: str, actor: StaffUser,
                  override_reason: str | None = None) -> journey.Step | None:
    """Complete the active step; returns the step that becomes active next (None at the end)."""
    step = journey.get_step(step_key)
    if step is None:
        raise Invalid({"step": f"Step must be one of: {', '.join(journey.STEP_KEYS)}"})
    status = commission.step_status(step.key)
    if status != ACTIVE:
        current = commission.current_step
        where = f"the active step is {current.name}" if current else "every step is complete"
        raise Conflict(f"{step.name} is {status}, not active: {where}", {"step": f"{step.name} is {status}"})
    reason = (override_reason or "").strip()
    shortfall = gateway_shortfall(session, commission, step)
    if shortfall:
        if not reason:
            raise Conflict(
                f"{step.name} has no evidence against its practice question yet. Record evidence, "
                "or give a reason for completing the step without it.",
                {"override_reason": "Give a reason for completing this step without evidence"},
            )
        if len(reason) < MIN_OVERRIDE_REASON:
            raise Invalid({"override_reason": f"Give a reason of at least {MIN_OVERRIDE_REASON} characters"})
        if len(reason) > evidence.MAX_SUMMARY:
            raise Invalid({"override_reason": f"Give a reason of {evidence.MAX_SUMMARY} characters or fewer"})
        problem = evidence.personal_details_problem(reason)
        if problem:
            raise Invalid({"override_reason": problem})
        evidence.append(session, commission, step=step.key, kind="gateway_override", summary=reason,
                        payload={"evidence_entries": step.gateway.min_evidence - shortfall,
                                 "required": step.gateway.min_evidence},
                        author=actor)
    commission.current_step_index = journey.STEP_KEYS.index(step.key) + 1
    session.flush()
    publish(session, StepCompleted(commission.id, step.key, overridden=bool(shortfall)))
    nxt = commission.current_step
    if nxt:
        publish(session, StepActivated(commission.id, nxt.key))
    return nxt
