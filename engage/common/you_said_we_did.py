"""How "you said, we did" things look as JSON, for the API and the public page alike."""
from __future__ import annotations

from typing import Any

from commissioning_steps import decisions


def _iso(value) -> str | None:
    return value.isoformat() + "Z" if value is not None else None


def item_json(item, item_themes) -> dict[str, Any]:
    return {
        "id": item.ref, "text": item.text, "kind": item.kind, "kind_label": item.kind_label,
        "source": {"activity_kind": item.activity_kind, "activity_id": item.activity_id,
                   "activity": item.activity_title, "step": item.step, "question_id": item.question_ref,
                   "question": item.question_text, "date": _iso(item.created_at)},
        "respondent_group": item.respondent_group, "area": item.area, "about": item.about or {},
        "hidden": item.hidden, "themes": [{"id": t.id, "name": t.name} for t in item_themes],
    }


def theme_json(summary) -> dict[str, Any]:
    theme = summary.theme
    return {
        "id": theme.id, "commission_id": theme.commission_id, "name": theme.name, "description": theme.description,
        "minority": theme.minority, "items": summary.items, "residents": summary.residents,
        "by_group": [{"group": g, "residents": n} for g, n in summary.by_group],
        "by_activity": [{"activity": a, "items": n} for a, n in summary.by_activity],
        "quotes": [{"item": item.ref, "text": item.text, "minority": minority} for item, minority in summary.quotes],
        "response": {"decisions": summary.decision_ids, "not_taken_up": theme.not_taken_up_reason,
                     "answered": summary.answered},
        "merged_into": None,
    }


def merged_theme_json(theme) -> dict[str, Any]:
    return {"id": theme.id, "commission_id": theme.commission_id, "name": theme.name,
            "description": theme.description, "minority": theme.minority, "merged_into": theme.merged_into_id}


def decision_json(session, decision, links) -> dict[str, Any]:
    return {
        "id": decision.id, "commission_id": decision.commission_id, "title": decision.title,
        "description": decision.description, "kind": decision.kind, "step": decision.step,
        "decided_by": decision.decided_by, "decided_on": decision.decided_on.isoformat(),
        "takes_effect_on": decision.takes_effect_on.isoformat() if decision.takes_effect_on else None,
        "status": decision.status, "themes": links["themes"], "items": links["items"],
        "not_attributable_reason": decision.not_attributable_reason,
        "history": [{"status": h.status, "at": _iso(h.changed_at)} for h in links["history"]],
        "figures": decisions.figures(session, decision),
    }


def publication_json(publication) -> dict[str, Any]:
    return {"version": publication.version, "published_at": _iso(publication.published_at), **publication.content}


def influence_json(answers: list[dict[str, Any]], report: str | None, page: str | None) -> dict[str, Any]:
    """One resident's words and where they went. The stable item id is left out: it names the
    response or participant, which the resident does not need and should not pass around."""
    return {"answers": [{k: v for k, v in a.items() if k != "ref"} for a in answers],
            "published": {"api": report, "page": page} if report else None}
