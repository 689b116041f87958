"""Where one resident's words went: each thing they wrote, the themes it is part of (with how
many others said the same), and the decisions those themes shaped, or why a theme was not
taken up. A decision linked to the resident's own item (not through a theme) is shown with that
item too.

A resident is known here only by the pseudonymous key their input was indexed under (their
survey response, or their live-poll participant token), which only they hold the way to. Nothing
returned names anyone else or shows anyone else's words.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from . import decisions, themes
from .inputs import InputItem


def _decision_json(d: decisions.Decision) -> dict[str, Any]:
    return {"title": d.title, "kind": d.kind_label, "status": d.status, "status_label": d.status_label,
            "decided_by": d.decided_by, "decided_on": d.decided_on.isoformat(),
            "takes_effect_on": d.takes_effect_on.isoformat() if d.takes_effect_on else None}


def influence(session: Session, respondent_keys: list[str]) -> list[dict[str, Any]]:
    if not respondent_keys:
        return []
    items = list(session.scalars(select(InputItem).where(InputItem.respondent_key.in_(respondent_keys))
                                 .order_by(InputItem.created_at, InputItem.id)))
    by_item = themes.themes_by_item(session, [i.id for i in items])
    theme_ids = sorted({t.id for ts in by_item.values() for t in ts})
    shaped = decisions.decisions_for_themes(session, theme_ids)
    # How many residents each theme holds, in one grouped query; "others" leaves this resident out.
    resident = func.coalesce(InputItem.respondent_key, "item:" + func.cast(InputItem.id, themes.String))
    residents = dict(session.execute(
        select(themes.ThemeItem.theme_id, func.count(func.distinct(resident)))
        .join(InputItem, InputItem.id == themes.ThemeItem.item_id)
        .where(themes.ThemeItem.theme_id.in_(theme_ids)).group_by(themes.ThemeItem.theme_id)).all()) \
        if theme_ids else {}
    direct: dict[int, list[decisions.Decision]] = {}
    if items:
        for item_id, decision in session.execute(
                select(decisions.DecisionItem.item_id, decisions.Decision)
                .join(decisions.Decision, decisions.Decision.id == decisions.DecisionItem.decision_id)
                .where(decisions.DecisionItem.item_id.in_([i.id for i in items])).order_by(decisions.Decision.id)):
            direct.setdefault(item_id, []).append(decision)
    out = []
    for item in items:
        entries = []
        for theme in by_item.get(item.id, []):
            entries.append({
                "theme": theme.name,
                "others": max(0, residents.get(theme.id, 1) - 1),
                "minority": theme.minority,
                "decisions": [_decision_json(d) for d in shaped.get(theme.id, [])],
                "not_taken_up": theme.not_taken_up_reason,
            })
        out.append({"ref": item.ref, "text": item.text, "question": item.question_text, "activity": item.activity_title,
                    "kind": item.kind_label, "themes": entries,
                    "decisions": [_decision_json(d) for d in direct.get(item.id, [])]})
    return out
