"""The evaluation report: one document for the workspace, the API, the HTML and PDF report, the
JSON and CSV exports and the audit pack, so none of them can show different figures.

``content`` assembles it from the record as it stands: the commission, every step with its
principle and practice question word for word, status and dates, rating and commentary,
indicators and evidence list, the "you said, we did" summary, benefits with their measurements
and reviews, and the challenges with their answers. ``sign_off`` fixes it as a report version
(``commissioning_steps.evaluation``); ``report`` gives a version back as it was signed, or the
draft (never signed off) as the record stands now.

It lives in ``surveys`` because the indicators read surveys and live polls.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from commissioning_steps import benefits, decisions, evaluation, evidence_chain, journey
from commissioning_steps.commissions import Commission
from commissioning_steps.db import transactional, utcnow
from commissioning_steps.evaluation import REPORT_FORMAT
from commissioning_steps.evidence import EvidenceEntry
from commissioning_steps.staff import StaffUser

from . import evaluation_indicators, you_said_we_did

DRAFT_NOTICE = "Draft, not signed off"


def _iso(value: datetime | date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds") + "Z"
    return value.isoformat()


def _names(session: Session, ids) -> dict[int, str]:
    ids = {i for i in ids if i}
    if not ids:
        return {}
    return {u.id: f"{u.name} ({u.role_label.lower()})" for u in session.scalars(
        select(StaffUser).where(StaffUser.id.in_(ids)))}


def _entry(e: EvidenceEntry) -> dict[str, Any]:
    return {"id": e.id, "seq": e.seq, "kind": e.kind, "kind_label": e.kind_label, "source": e.source,
            "summary": e.summary, "author": e.author, "recorded_at": _iso(e.recorded_at), "hash": e.hash,
            "supersedes": e.supersedes}


def benefits_section(session: Session, commission: Commission) -> dict[str, Any]:
    """The strategy, every profile with its links, measurements and reviews, and the map."""
    rows = benefits.benefits_of(session, commission.id)
    ids = [b.id for b in rows]
    measured = benefits.measurements_of(session, ids)
    reviewed = benefits.reviews_of(session, ids)
    links = benefits.links_of(session, ids)
    strategy = benefits.strategy_of(session, commission.id)
    titles = {b.id: b.title for b in rows}
    decided = {d.id: d.title for d in decisions.decisions_of(session, commission.id)} if rows else {}
    return {
        "strategy": {"approach": strategy.approach, "partner_benefits": strategy.partner_benefits,
                     "updated_at": _iso(strategy.updated_at)} if strategy else None,
        "profiles": [{
            "id": b.id, "kind": b.kind, "kind_label": b.kind_label, "title": b.title, "description": b.description,
            "stakeholders": b.stakeholders, "attributes": b.attributes, "outputs": b.outputs, "outcome": b.outcome,
            "objectives": b.objectives, "measure": b.measure, "unit": b.unit, "method": b.method,
            "baseline": {"value": b.baseline_value, "date": _iso(b.baseline_date)},
            "target": {"value": b.target_value, "date": _iso(b.target_date)},
            "owner_role": b.owner_role, "owner_id": b.owner_id, "measurement_dates": b.measurement_dates,
            "review_dates": b.review_dates,
            "depends_on": links[b.id]["depends_on"], "decisions": links[b.id]["decisions"],
            "depends_on_titles": [f"Benefit: {titles[d]}" for d in links[b.id]["depends_on"] if d in titles],
            "decision_titles": [f"Decision: {decided[d]}" for d in links[b.id]["decisions"] if d in decided],
            "measurements": [{"id": m.id, "date": _iso(m.measured_on), "value": m.value, "source": m.source,
                              "note": m.note, "evidence_entry_id": m.evidence_entry_id} for m in measured[b.id]],
            "reviews": [{"id": r.id, "date": _iso(r.held_on), "extent": r.extent, "extent_label": r.extent_label,
                         "findings": r.findings,
                         "new_target": {"value": r.new_target_value, "date": _iso(r.new_target_date)}
                         if r.new_target_value is not None else None,
                         "evidence_entry_id": r.evidence_entry_id} for r in reviewed[b.id]],
        } for b in rows],
        "map": benefits.benefits_map(session, commission.id),
    }


def challenges_section(session: Session, commission: Commission) -> list[dict[str, Any]]:
    threads = evaluation.challenges(session, commission.id)
    names = _names(session, [t.challenge.raised_by_id for t in threads]
                   + [a.answered_by_id for t in threads for a in t.answers])
    out = []
    for t in threads:
        c = t.challenge
        out.append({"id": c.id, "step": c.step, "step_name": c.step_name, "entry_id": c.entry_id, "text": c.text,
                    "raised_by": names.get(c.raised_by_id), "raised_at": _iso(c.raised_at), "open": c.is_open,
                    "evidence_entry_id": c.evidence_entry_id,
                    "answers": [{"id": a.id, "text": a.text, "answered_by": names.get(a.answered_by_id),
                                 "answered_at": _iso(a.answered_at), "evidence_entry_id": a.evidence_entry_id}
                                for a in t.answers]})
    return out


def _you_said_we_did(session: Session, commission: Commission) -> dict[str, Any]:
    full = you_said_we_did.report(session, commission)
    return {"took_part": full["took_part"]["total"], "themes": len(full["said"]), "decisions": len(full["did"]),
            "said": [{"name": s["name"], "residents": s["residents"], "items": s["items"], "minority": s["minority"],
                      "decisions": len(s["decisions"]), "not_taken_up": s["not_taken_up"]} for s in full["said"]],
            "did": [{"title": d["title"], "kind_label": d["kind_label"], "step_name": d["step_name"],
                     "status_label": d["status_label"], "themes": d["themes"], "residents": d["residents"],
                     "decided_by": d["decided_by"], "decided_on": d["decided_on"]} for d in full["did"]],
            "unanswered_themes": full["unanswered_themes"]}


def content(session: Session, commission: Commission) -> dict[str, Any]:
    """The report as the record stands now (everything but the version, head and sign-off)."""
    rated = evaluation.ratings(session, commission.id)
    names = _names(session, [r.author_id for r in rated.values()])
    dates = evaluation.step_dates(session, commission)
    per_step = evaluation_indicators.for_steps(session, commission)
    entries: dict[str, list[dict[str, Any]]] = {k: [] for k in journey.STEP_KEYS}
    for e in evaluation.filtered_entries(session, commission.id):
        entries.setdefault(e.step, []).append(_entry(e))
    steps = []
    for stage in journey.STAGES:
        for step in stage.steps:
            r = rated.get(step.key)
            steps.append({
                "key": step.key, "number": step.number, "name": step.name, "stage": stage.name,
                "principle": step.principle, "practice_question": step.practice_question, "tools": list(step.tools),
                "status": commission.step_status(step.key),
                "started": _iso(dates[step.key]["started"]), "completed": _iso(dates[step.key]["completed"]),
                "evidence_count": len(entries[step.key]),
                "rating": r.rating if r else None, "rating_label": r.label if r else None,
                "commentary": r.commentary if r else None, "rated_by": names.get(r.author_id) if r else None,
                "rated_at": _iso(r.recorded_at) if r else None, "rating_entry_id": r.entry_id if r else None,
                "indicators": [i.as_dict() for i in per_step[step.key]],
                "evidence": entries[step.key],
            })
    return {
        "format": REPORT_FORMAT,
        "journey_version": journey.JOURNEY_VERSION,
        "generated_at": _iso(utcnow()),
        "commission": {"id": commission.id, "title": commission.title, "summary": commission.summary,
                       "area": commission.area, "partners": list(commission.partners),
                       "created_at": _iso(commission.created_at),
                       "started": _iso(dates[journey.STEP_KEYS[0]]["started"]),
                       "completed": _iso(dates[journey.STEP_KEYS[-1]]["completed"]),
                       "population_groups": [{"name": g.name, "target_share": g.target_share}
                                             for g in commission.population_groups]},
        "throughout": [i.as_dict() for i in evaluation_indicators.overall(session, commission)],
        "steps": steps,
        "you_said_we_did": _you_said_we_did(session, commission),
        "benefits": benefits_section(session, commission),
        "challenges": challenges_section(session, commission),
    }


def _verification(session: Session, commission: Commission, count: int, head: str) -> dict[str, Any]:
    """The chain up to the report's version, checked against its head and count."""
    rows = session.scalars(select(EvidenceEntry).where(EvidenceEntry.commission_id == commission.id,
                                                       EvidenceEntry.seq <= count).order_by(EvidenceEntry.seq))
    return evidence_chain.verify((e.as_dict() for e in rows), expected_head=head, expected_count=count).as_dict()


def report(session: Session, commission: Commission, version: int | None = None, draft: bool = False) -> dict[str, Any]:
    """A signed-off version (``version``; the latest when None), or the draft when ``draft`` or
    never signed off. Adds the version, the head and count, the verification at that version,
    the sign-off and the list of versions."""
    versions = evaluation.sign_offs(session, commission.id)
    chosen = None
    if not draft:
        chosen = evaluation.get_sign_off(session, commission.id, version) if version is not None else \
            (versions[0] if versions else None)
    if chosen is None:
        body = content(session, commission)
        head, count, signed = commission.evidence_head, commission.evidence_count, None
    else:
        body = dict(chosen.content)
        head, count = chosen.head, chosen.entry_count
        signer = _names(session, [chosen.signed_by_id]).get(chosen.signed_by_id)
        signed = {"version": chosen.version, "by": signer, "by_ref": f"staff#{chosen.signed_by_id}",
                  "at": _iso(chosen.signed_at), "content_sha256": chosen.content_sha256,
                  "evidence_entry_id": chosen.evidence_entry_id, "checkpoint_id": chosen.checkpoint_id}
    latest_count = versions[0].entry_count if versions else None
    return {
        **body,
        "version": chosen.version if chosen else None,
        "draft": chosen is None,
        "notice": None if chosen else DRAFT_NOTICE,
        "head": head,
        "entry_count": count,
        "verification": _verification(session, commission, count, head),
        "signed_off": signed,
        "entries_after_sign_off": (commission.evidence_count - latest_count) if latest_count is not None else 0,
        "latest_signed_count": latest_count,
        "versions": [{"version": v.version, "signed_at": _iso(v.signed_at), "head": v.head,
                      "entry_count": v.entry_count} for v in versions],
    }


@transactional
def sign_off(session: Session, commission: Commission, evaluator: StaffUser, signer=None) -> evaluation.SignOff:
    """Sign the evaluation off: refused unless every step is rated and no challenge is open; the
    report as it stands becomes the next version, anchored to the log (and, given the app's
    checkpoint ``signer``, to a signed checkpoint issued at once)."""
    evaluation.check_can_sign_off(session, commission, evaluator)
    return evaluation.record_sign_off(session, commission, evaluator, content(session, commission), signer)


__all__ = ["DRAFT_NOTICE", "benefits_section", "challenges_section", "content", "report", "sign_off"]
