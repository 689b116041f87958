"""Decisions: "we did". Plan items, solution facets and decisions, each linked to the themes and
items that shaped it, or marked as not attributable to residents with a reason; and the answer
every theme gets: the decisions it shaped, or why it was not taken up.

Each change here answers a practice question (Collaborate: "Is collaboration with local people
demonstrable in your plans?"; Activate: "What facets of the eventual solution are directly
attributable to local people?"), so each is an automatic evidence entry against the decision's
step, holding the figures as they were: how many items and residents the linked themes held.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Iterable, Sequence

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, Text, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from . import evidence, journey
from .commissions import ACTIVE, COMPLETE, Commission
from .db import Base, transactional, utcnow
from .fields import parse_date
from .errors import Conflict, Invalid, NotFound
from .events import DecisionChanged, DecisionRecorded, ThemeChanged, publish
from .inputs import InputItem, respondents
from .staff import StaffUser
from .text import has_visible_text
from .themes import Theme, ThemeItem

PLAN_ITEM, SOLUTION_FACET, DECISION = "plan_item", "solution_facet", "decision"
KINDS = {PLAN_ITEM: "Plan item", SOLUTION_FACET: "Solution facet", DECISION: "Decision"}
#: Which steps each kind belongs to (``None``: any step that is active or complete).
KIND_STEPS: dict[str, tuple[str, ...] | None] = {
    PLAN_ITEM: ("collaborate", "incubate"), SOLUTION_FACET: ("activate",), DECISION: None,
}
PROPOSED, AGREED, IN_PLACE, DROPPED = "proposed", "agreed", "in_place", "dropped"
STATUSES = {PROPOSED: "Proposed", AGREED: "Agreed", IN_PLACE: "In place", DROPPED: "Dropped"}
TITLE_MAX, TEXT_MAX, BODY_MAX, REASON_MIN, REASON_MAX = 200, 4000, 200, 10, 2000


class Decision(Base):
    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    commission_id: Mapped[int] = mapped_column(ForeignKey("commissions.id"), index=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    description: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16))
    step: Mapped[str] = mapped_column(String(32))
    #: A body or role ("Adult social care commissioning board"), never a person's name.
    decided_by: Mapped[str] = mapped_column(String(BODY_MAX))
    decided_on: Mapped[date] = mapped_column(Date)
    takes_effect_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default=PROPOSED)
    not_attributable_reason: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    @property
    def kind_label(self) -> str:
        return KINDS.get(self.kind, self.kind)

    @property
    def status_label(self) -> str:
        return STATUSES.get(self.status, self.status)

    @property
    def step_name(self) -> str:
        step = journey.get_step(self.step)
        return step.name if step else self.step


class DecisionStatusChange(Base):
    __tablename__ = "decision_history"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    changed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class DecisionTheme(Base):
    __tablename__ = "decision_themes"

    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"), primary_key=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("themes.id"), primary_key=True, index=True)


class DecisionItem(Base):
    __tablename__ = "decision_items"

    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"), primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("input_items.id"), primary_key=True, index=True)


@dataclass
class DecisionInput:
    title: Any = None
    description: Any = None
    kind: Any = None
    step: Any = None
    decided_by: Any = None
    decided_on: Any = None
    takes_effect_on: Any = None
    status: Any = None


_date = parse_date  # one reading of dates for every service (commissioning_steps.fields)


def _text(value: Any, key: str, limit: int, errors: dict[str, str], what: str) -> str:
    if not has_visible_text(value):
        errors[key] = f"Enter {what}"
        return ""
    if len(value.strip()) > limit:
        errors[key] = f"{what[0].upper()}{what[1:]} must be {limit} characters or fewer"
    return value.strip()


def _check_step(commission: Commission, kind: str, step: Any, errors: dict[str, str]) -> None:
    step_def = journey.get_step(step) if isinstance(step, str) else None
    if step_def is None:
        errors["step"] = "Choose the journey step the decision belongs to"
        return
    allowed = KIND_STEPS.get(kind)
    if allowed is not None and step not in allowed:
        names = " or ".join(journey.get_step(k).name for k in allowed)
        errors["step"] = f"A {KINDS[kind].lower()} belongs to {names}"
    elif commission.step_status(step) not in (ACTIVE, COMPLETE):
        errors["step"] = f"{step_def.name} has not started yet: record decisions against active or complete steps"


def _ids(values: Any, key: str, errors: dict[str, str]) -> list[int]:
    if values is None:
        return []
    if not isinstance(values, (list, tuple)) or not all(
            isinstance(v, int) and not isinstance(v, bool) and 0 < v < 2**63 for v in values):
        errors[key] = f"Give {key} as a list of ids"
        return []
    return list(dict.fromkeys(values))


def _reason(value: Any, errors: dict[str, str], key: str = "not_attributable_reason") -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or len(value.strip()) < REASON_MIN:
        errors[key] = f"Give the reason in at least {REASON_MIN} characters"
        return None
    if len(value.strip()) > REASON_MAX:
        errors[key] = f"The reason must be {REASON_MAX} characters or fewer"
    return value.strip()


def _themes_in(session: Session, commission_id: int, ids: list[int], errors: dict[str, str]) -> list[Theme]:
    if not ids:
        return []
    found = {t.id: t for t in session.scalars(select(Theme).where(Theme.commission_id == commission_id,
                                                                  Theme.id.in_(ids)))}
    if len(found) != len(ids):
        errors["themes"] = "Choose themes of this commission"
    elif any(t.merged for t in found.values()):
        errors["themes"] = "A chosen theme was merged into another: choose the theme it was merged into"
    return [found[i] for i in ids if i in found]


def _items_in(session: Session, commission_id: int, refs_or_ids: Any, errors: dict[str, str]) -> list[int]:
    if refs_or_ids is None:
        return []
    if not isinstance(refs_or_ids, (list, tuple)):
        errors["items"] = "Give items as a list of inbox ids"
        return []
    refs = [r for r in refs_or_ids if isinstance(r, str)]
    ids = [r for r in refs_or_ids if isinstance(r, int) and not isinstance(r, bool) and 0 < r < 2**63]
    if len(refs) + len(ids) != len(refs_or_ids):
        errors["items"] = "Give items as inbox ids such as survey-answer:12:q3"
        return []
    query = select(InputItem.id, InputItem.ref).where(InputItem.commission_id == commission_id)
    found = session.execute(query.where((InputItem.ref.in_(refs)) | (InputItem.id.in_(ids)))).all()
    if len(found) != len(set(refs)) + len(set(ids)):
        errors["items"] = "Choose items from this commission's inbox"
    return [row.id for row in found]


def figures(session: Session, decision: Decision) -> dict[str, Any]:
    """How many items and residents the decision's themes and items hold, as of now."""
    theme_ids = list(session.scalars(select(DecisionTheme.theme_id).where(DecisionTheme.decision_id == decision.id)))
    item_ids = set(session.scalars(select(ThemeItem.item_id).where(ThemeItem.theme_id.in_(theme_ids)))) \
        if theme_ids else set()
    item_ids |= set(session.scalars(select(DecisionItem.item_id).where(DecisionItem.decision_id == decision.id)))
    return {"themes": sorted(theme_ids), "items": len(item_ids), "residents": respondents(session, item_ids)}


def _log(session: Session, commission: Commission, decision: Decision, actor: StaffUser, kind: str,
         summary: str, extra: dict[str, Any] | None = None) -> evidence.EvidenceEntry:
    payload = {"decision_id": decision.id, "decision_kind": decision.kind, "status": decision.status,
               "decided_by": decision.decided_by, "decided_on": decision.decided_on.isoformat(),
               "not_attributable_reason": decision.not_attributable_reason, **figures(session, decision),
               **(extra or {})}
    return evidence.append(session, commission, step=decision.step, kind=kind, summary=summary[:evidence.MAX_SUMMARY],
                           payload=payload, author=actor, source=evidence.AUTOMATIC)


@transactional
def record_decision(session: Session, commission: Commission, actor: StaffUser, data: DecisionInput, *,
                    themes: Any = None, items: Any = None, not_attributable_reason: Any = None) -> Decision:
    errors: dict[str, str] = {}
    title = _text(data.title, "title", TITLE_MAX, errors, "a title")
    description = _text(data.description, "description", TEXT_MAX, errors, "what was decided")
    kind = data.kind if data.kind in KINDS else None
    if kind is None:
        errors["kind"] = "Choose plan item, solution facet or decision"
    else:
        _check_step(commission, kind, data.step, errors)
    decided_by = _text(data.decided_by, "decided_by", BODY_MAX, errors, "who decided (a body or role)")
    if decided_by and evidence.personal_details_problem(decided_by):
        errors["decided_by"] = "Name the body or role that decided, without contact details"
    decided_on = _date(data.decided_on, "decided_on", errors, required=True)
    takes_effect_on = _date(data.takes_effect_on, "takes_effect_on", errors, required=False)
    if decided_on and takes_effect_on and takes_effect_on < decided_on:
        errors["takes_effect_on"] = "The date it takes effect must be on or after the date it was decided"
    status = data.status or PROPOSED
    if status not in STATUSES:
        errors["status"] = "Choose proposed, agreed, in place or dropped"
    theme_ids = _ids(themes, "themes", errors)
    chosen = _themes_in(session, commission.id, theme_ids, errors)
    item_ids = _items_in(session, commission.id, items, errors)
    reason = _reason(not_attributable_reason, errors)
    if not errors:
        if reason and (chosen or item_ids):
            errors["not_attributable_reason"] = "A decision linked to residents' input is attributable: remove the reason or the links"
        elif not reason and not (chosen or item_ids):
            errors["themes"] = "Link the themes or items that shaped the decision, or say why it is not attributable to residents"
    if errors:
        raise Invalid(errors)
    decision = Decision(commission_id=commission.id, title=title, description=description, kind=kind,
                        step=data.step, decided_by=decided_by, decided_on=decided_on, takes_effect_on=takes_effect_on,
                        status=status, not_attributable_reason=reason, created_by_id=actor.id)
    session.add(decision)
    session.flush()
    session.add(DecisionStatusChange(decision_id=decision.id, status=status, changed_by_id=actor.id))
    session.add_all(DecisionTheme(decision_id=decision.id, theme_id=t.id) for t in chosen)
    session.add_all(DecisionItem(decision_id=decision.id, item_id=i) for i in item_ids)
    for theme in chosen:
        theme.not_taken_up_reason = None
        theme.responded_at = utcnow()
    session.flush()
    _log(session, commission, decision, actor, "decision",
         f"{decision.kind_label} recorded: {decision.title}. Decided by {decision.decided_by}.")
    publish(session, DecisionRecorded(commission.id, decision.id, decision.kind, decision.step, decision.status))
    return decision


@transactional
def change_decision(session: Session, decision: Decision, actor: StaffUser, *, status: Any = None,
                    takes_effect_on: Any = ..., themes: Any = None, items: Any = None,
                    not_attributable_reason: Any = ...) -> Decision:
    """Change a decision's status or links; each change is logged with the figures as they are."""
    commission = session.get(Commission, decision.commission_id)
    errors: dict[str, str] = {}
    changed: list[str] = []
    if status is not None and status not in STATUSES:
        errors["status"] = "Choose proposed, agreed, in place or dropped"
    new_effect = decision.takes_effect_on
    if takes_effect_on is not ...:
        new_effect = _date(takes_effect_on, "takes_effect_on", errors, required=False)
        if new_effect and new_effect < decision.decided_on:
            errors["takes_effect_on"] = "The date it takes effect must be on or after the date it was decided"
    theme_ids = None if themes is None else _ids(themes, "themes", errors)
    chosen = _themes_in(session, commission.id, theme_ids, errors) if theme_ids else []
    item_ids = None if items is None else _items_in(session, commission.id, items, errors)
    reason = decision.not_attributable_reason
    if not_attributable_reason is not ...:
        reason = None if not_attributable_reason in (None, "") else _reason(not_attributable_reason, errors)
    if errors:
        raise Invalid(errors)
    current_themes = set(session.scalars(select(DecisionTheme.theme_id).where(DecisionTheme.decision_id == decision.id)))
    current_items = set(session.scalars(select(DecisionItem.item_id).where(DecisionItem.decision_id == decision.id)))
    new_themes = current_themes if theme_ids is None else set(theme_ids)
    new_items = current_items if item_ids is None else set(item_ids)
    if reason and (new_themes or new_items):
        raise Invalid({"not_attributable_reason": "A decision linked to residents' input is attributable: remove the reason or the links"})
    if not reason and not (new_themes or new_items):
        raise Invalid({"themes": "Link the themes or items that shaped the decision, or say why it is not attributable to residents"})
    if status is not None and status != decision.status:
        decision.status = status
        session.add(DecisionStatusChange(decision_id=decision.id, status=status, changed_by_id=actor.id))
        changed.append("status")
    if new_effect != decision.takes_effect_on:
        decision.takes_effect_on = new_effect
        changed.append("takes_effect_on")
    if new_themes != current_themes:
        session.execute(delete(DecisionTheme).where(DecisionTheme.decision_id == decision.id,
                                                    DecisionTheme.theme_id.in_(current_themes - new_themes)))
        session.add_all(DecisionTheme(decision_id=decision.id, theme_id=t) for t in new_themes - current_themes)
        for theme in chosen:
            theme.not_taken_up_reason = None
            theme.responded_at = utcnow()
        changed.append("themes")
    if new_items != current_items:
        session.execute(delete(DecisionItem).where(DecisionItem.decision_id == decision.id,
                                                   DecisionItem.item_id.in_(current_items - new_items)))
        session.add_all(DecisionItem(decision_id=decision.id, item_id=i) for i in new_items - current_items)
        changed.append("items")
    if reason != decision.not_attributable_reason:
        decision.not_attributable_reason = reason
        changed.append("not_attributable_reason")
    if not changed:
        return decision
    decision.updated_at = utcnow()
    session.flush()
    what = ", ".join({"status": f"status now {decision.status_label.lower()}", "takes_effect_on": "date it takes effect",
                      "themes": "linked themes", "items": "linked items",
                      "not_attributable_reason": "attribution"}[c] for c in changed)
    _log(session, commission, decision, actor, "decision_update", f"{decision.kind_label} changed: {decision.title} ({what}).",
         {"changed": changed})
    publish(session, DecisionChanged(commission.id, decision.id, tuple(changed), decision.status))
    return decision


@transactional
def respond_to_theme(session: Session, theme: Theme, actor: StaffUser, *, decisions: Any = None,
                     not_taken_up: Any = None) -> Theme:
    """Every theme gets an answer: the decisions it shaped, or "not taken up" and why."""
    if theme.merged:
        raise Conflict("That theme was merged into another one: answer the theme it was merged into")
    commission = session.get(Commission, theme.commission_id)
    errors: dict[str, str] = {}
    if (decisions is None) == (not_taken_up is None):
        raise Invalid({"decisions": "Choose the decisions this theme shaped, or say why it was not taken up"})
    if decisions is not None:
        ids = _ids(decisions, "decisions", errors)
        if not errors and not ids:
            errors["decisions"] = "Choose at least one decision"
        found = list(session.scalars(select(Decision).where(Decision.commission_id == commission.id,
                                                            Decision.id.in_(ids)))) if ids else []
        if not errors and len(found) != len(ids):
            errors["decisions"] = "Choose decisions of this commission"
        if errors:
            raise Invalid(errors)
        linked = set(session.scalars(select(DecisionTheme.decision_id).where(DecisionTheme.theme_id == theme.id)))
        for decision in found:
            if decision.id not in linked:
                change_decision(session, decision, actor, themes=sorted(
                    set(session.scalars(select(DecisionTheme.theme_id).where(DecisionTheme.decision_id == decision.id)))
                    | {theme.id}), not_attributable_reason=None)
        theme.not_taken_up_reason = None
        summary = f"Theme “{theme.name}” answered: it shaped {len(found)} decision{'s' if len(found) != 1 else ''}."
        step = found[0].step
        payload_extra = {"decisions": sorted(d.id for d in found)}
    else:
        reason = _reason(not_taken_up, errors, "not_taken_up")
        if errors:
            raise Invalid(errors)
        if session.scalar(select(DecisionTheme.decision_id).where(DecisionTheme.theme_id == theme.id)):
            raise Conflict("This theme shaped a decision: unlink it from the decision before saying it was not taken up")
        theme.not_taken_up_reason = reason
        summary = f"Theme “{theme.name}” not taken up: {reason}"
        step = commission.current_step.key if commission.current_step else journey.STEPS[-1].key
        payload_extra = {"not_taken_up": reason}
    theme.responded_at = theme.updated_at = utcnow()
    item_ids = list(session.scalars(select(ThemeItem.item_id).where(ThemeItem.theme_id == theme.id)))
    evidence.append(session, commission, step=step, kind="theme_response", summary=summary[:evidence.MAX_SUMMARY],
                    payload={"theme_id": theme.id, "theme": theme.name, "items": len(item_ids),
                             "residents": respondents(session, item_ids), **payload_extra},
                    author=actor, source=evidence.AUTOMATIC)
    publish(session, ThemeChanged(theme.commission_id, theme.id, ("answer",)))
    return theme


# -- reading --------------------------------------------------------------------------------


def get_decision(session: Session, decision_id: Any) -> Decision:
    decision = session.get(Decision, decision_id) if isinstance(decision_id, int) and 0 < decision_id < 2**63 else None
    if decision is None:
        raise NotFound("No decision with that id")
    return decision


def decisions_of(session: Session, commission_id: int) -> list[Decision]:
    return list(session.scalars(select(Decision).where(Decision.commission_id == commission_id)
                                .order_by(Decision.decided_on, Decision.id)))


def links(session: Session, decision_ids: Sequence[int]) -> dict[int, dict[str, list]]:
    """Each decision's linked theme ids, item ids and status history."""
    out: dict[int, dict[str, list]] = {i: {"themes": [], "items": [], "history": []} for i in decision_ids}
    if not out:
        return out
    ids = list(out)
    for d, t in session.execute(select(DecisionTheme.decision_id, DecisionTheme.theme_id)
                                .where(DecisionTheme.decision_id.in_(ids)).order_by(DecisionTheme.theme_id)):
        out[d]["themes"].append(t)
    for d, ref in session.execute(select(DecisionItem.decision_id, InputItem.ref)
                                  .join(InputItem, InputItem.id == DecisionItem.item_id)
                                  .where(DecisionItem.decision_id.in_(ids)).order_by(InputItem.id)):
        out[d]["items"].append(ref)
    for change in session.scalars(select(DecisionStatusChange).where(DecisionStatusChange.decision_id.in_(ids))
                                  .order_by(DecisionStatusChange.id)):
        out[change.decision_id]["history"].append(change)
    return out


def decisions_for_themes(session: Session, theme_ids: Iterable[int]) -> dict[int, list[Decision]]:
    ids = list(theme_ids)
    if not ids:
        return {}
    out: dict[int, list[Decision]] = {}
    for theme_id, decision in session.execute(select(DecisionTheme.theme_id, Decision)
                                              .join(Decision, Decision.id == DecisionTheme.decision_id)
                                              .where(DecisionTheme.theme_id.in_(ids)).order_by(Decision.id)):
        out.setdefault(theme_id, []).append(decision)
    return out
