"""What the evaluation's pages, API and downloads share: the report and challenges as JSON, and
the report as CSV. One builder each, so the page, the API and the files never disagree."""
from __future__ import annotations

import csv
import io
from typing import Any

from commissioning_steps import evaluation

STEP_FIELDS = ("key", "number", "name", "stage", "principle", "practice_question", "status", "started", "completed",
               "evidence_count", "indicators", "rating", "rating_label", "commentary", "rated_by", "rated_at")


def _iso(value) -> str | None:
    return value.isoformat() + "Z" if value is not None else None


def report_json(report: dict[str, Any], problems: dict[str, str] | None = None) -> dict[str, Any]:
    """The API's shape of a report: every step with the named fields and its evidence ids."""
    return {
        "commission": report["commission"],
        "version": report["version"], "draft": report["draft"], "notice": report["notice"],
        "head": report["head"], "entry_count": report["entry_count"], "verification": report["verification"],
        "signed_off": report["signed_off"], "versions": report["versions"],
        "entries_after_sign_off": report["entries_after_sign_off"],
        "can_sign_off": not problems, "sign_off_problems": problems or {},
        "throughout": report["throughout"],
        "steps": [{**{f: s[f] for f in STEP_FIELDS}, "evidence": [e["id"] for e in s["evidence"]]}
                  for s in report["steps"]],
        "you_said_we_did": report["you_said_we_did"],
        "challenges": report["challenges"],
    }


def challenge_json(thread: evaluation.Thread) -> dict[str, Any]:
    c = thread.challenge
    return {"id": c.id, "commission_id": c.commission_id, "step": c.step, "entry_id": c.entry_id, "text": c.text,
            "raised_by": f"staff#{c.raised_by_id}", "raised_at": _iso(c.raised_at), "open": c.is_open,
            "answered_at": _iso(c.answered_at), "evidence_entry_id": c.evidence_entry_id,
            "answers": [{"id": a.id, "text": a.text, "answered_by": f"staff#{a.answered_by_id}",
                         "answered_at": _iso(a.answered_at), "evidence_entry_id": a.evidence_entry_id}
                        for a in thread.answers]}


CSV_COLUMNS = ("step_number", "step", "stage", "practice_question", "item", "key", "label", "value", "detail")


def report_csv(report: dict[str, Any]) -> str:
    """One row per rating and per indicator of every step, then the report's version and head."""
    from .downloads import csv_cell

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for s in report["steps"]:
        base = [s["number"], s["name"], s["stage"], s["practice_question"]]
        writer.writerow([csv_cell(v) for v in (*base, "rating", s["rating"] or "", s["rating_label"] or "Not rated",
                                               s["rating_label"] or "", s["commentary"] or "")])
        for i in s["indicators"]:
            writer.writerow([csv_cell(v) for v in (*base, "indicator", i["key"], i["label"], i["value"],
                                                   f"{i['display']}. {i['definition']}")])
    for key in ("version", "head", "entry_count"):
        writer.writerow([csv_cell(v) for v in ("", "", "", "", "report", key, key, report[key], "")])
    writer.writerow([csv_cell(v) for v in ("", "", "", "", "report", "signed_off", "signed_off",
                                           "yes" if report["signed_off"] else "no",
                                           report["notice"] or "")])
    return out.getvalue()
