"""Themes: "you said". Commissioners group what residents wrote into themes, pick the quotes that
represent each, and record minority and dissenting views as such.

A merged theme is kept, pointing at the theme it was merged into, so a decision's trail back to
residents' words survives every merge (the thing Decidim's users have asked for for years). A
theme can only be deleted while nothing rests on it: no items and no decisions.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Iterable, Sequence

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text, delete, func, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from . import evidence
from .commissions import Commission
from .db import Base, transactional, utcnow
from .errors import Conflict, Invalid, NotFound
from .events import ThemeChanged, ThemeCreated, ThemeDeleted, ThemeMerged, publish
from .inputs import InputItem
from .staff import StaffUser
from .text import has_visible_text

NAME_MAX = 120
DESCRIPTION_MAX = 2000


class Theme(Base):
    __tablename__ = "themes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    commission_id: Mapped[int] = mapped_column(ForeignKey("commissions.id"), index=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    description: Mapped[str] = mapped_column(Text, default="")
    minority: Mapped[bool] = mapped_column(Boolean, default=False)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("themes.id"))
    #: The answer when no decision took the theme up ("we did not, because ...").
    not_taken_up_reason: Mapped[str | None] = mapped_column(Text)
    responded_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    @property
    def merged(self) -> bool:
        return self.merged_into_id is not None


class ThemeItem(Base):
    """An item tagged with a theme; ``quoted`` when the commissioner picked it to represent it."""

    __tablename__ = "theme_items"

    theme_id: Mapped[int] = mapped_column(ForeignKey("themes.id"), primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("input_items.id"), primary_key=True, index=True)
    quoted: Mapped[bool] = mapped_column(Boolean, default=False)
    minority: Mapped[bool] = mapped_column(Boolean, default=False)
    evidence_entry_id: Mapped[int | None] = mapped_column(ForeignKey("evidence_entries.id"))
    tagged_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    tagged_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


def _clean_name(name: Any, errors: dict[str, str]) -> str:
    if not has_visible_text(name):
        errors["name"] = "Enter a name for the theme"
        return ""
    if len(name.strip()) > NAME_MAX:
        errors["name"] = f"Theme name must be {NAME_MAX} characters or fewer"
    return name.strip()


def _clean_description(value: Any, errors: dict[str, str]) -> str:
    if value is None:
        return ""
    if not isinstance(value, str) or len(value.strip()) > DESCRIPTION_MAX:
        errors["description"] = f"Description must be text of {DESCRIPTION_MAX} characters or fewer"
        return ""
    return value.strip()


def _name_taken(session: Session, commission_id: int, name: str, but: int | None = None) -> bool:
    query = select(Theme.id).where(Theme.commission_id == commission_id, Theme.merged_into_id.is_(None),
                                   func.lower(Theme.name) == name.lower())
    if but is not None:
        query = query.where(Theme.id != but)
    return session.scalar(query) is not None


@transactional
def create_theme(session: Session, commission: Commission, actor: StaffUser, *, name: Any,
                 description: Any = None, minority: bool = False) -> Theme:
    errors: dict[str, str] = {}
    name = _clean_name(name, errors)
    description = _clean_description(description, errors)
    if not isinstance(minority, bool):
        errors["minority"] = "Say whether this is a minority view with true or false"
    if errors:
        raise Invalid(errors)
    if _name_taken(session, commission.id, name):
        raise Conflict(f"There is already a theme called “{name}”", {"name": "Choose a name no other theme has"})
    theme = Theme(commission_id=commission.id, name=name, description=description, minority=minority,
                  created_by_id=actor.id)
    session.add(theme)
    session.flush()
    publish(session, ThemeCreated(commission.id, theme.id, theme.name))
    return theme


@transactional
def update_theme(session: Session, theme: Theme, *, name: Any = None, description: Any = None,
                 minority: Any = None) -> Theme:
    """Rename, describe, or mark as a minority or dissenting view (``None`` leaves a field as is)."""
    _require_current(theme)
    errors: dict[str, str] = {}
    if name is not None:
        name = _clean_name(name, errors)
    if description is not None:
        description = _clean_description(description, errors)
    if minority is not None and not isinstance(minority, bool):
        errors["minority"] = "Say whether this is a minority view with true or false"
    if errors:
        raise Invalid(errors)
    if name is not None:
        if _name_taken(session, theme.commission_id, name, but=theme.id):
            raise Conflict(f"There is already a theme called “{name}”", {"name": "Choose a name no other theme has"})
        theme.name = name
    if description is not None:
        theme.description = description
    changed = [f for f, v in (("name", name), ("description", description), ("minority", minority)) if v is not None]
    if minority is not None:
        theme.minority = minority
    theme.updated_at = utcnow()
    if changed:
        publish(session, ThemeChanged(theme.commission_id, theme.id, tuple(changed)))
    return theme


def _require_current(theme: Theme) -> None:
    if theme.merged_into_id is not None:
        raise Conflict("That theme was merged into another one: change the theme it was merged into")


def _items_of(session: Session, commission_id: int, item_ids: Iterable[Any]) -> list[int]:
    ids = list(item_ids)
    if not ids or not all(isinstance(i, int) and not isinstance(i, bool) and 0 < i < 2**63 for i in ids):
        raise Invalid({"items": "Choose at least one item from the inbox"})
    found = set(session.scalars(select(InputItem.id).where(InputItem.commission_id == commission_id,
                                                           InputItem.id.in_(ids))))
    missing = [i for i in ids if i not in found]
    if missing:
        raise Invalid({"items": f"{len(missing)} of the chosen items are not in this commission's inbox"})
    return list(dict.fromkeys(ids))


@transactional
def tag(session: Session, theme: Theme, item_ids: Iterable[Any], actor: StaffUser) -> int:
    """Tag items with the theme (an item may carry several themes); returns how many were new."""
    _require_current(theme)
    ids = _items_of(session, theme.commission_id, item_ids)
    already = set(session.scalars(select(ThemeItem.item_id).where(ThemeItem.theme_id == theme.id,
                                                                   ThemeItem.item_id.in_(ids))))
    new = [i for i in ids if i not in already]
    session.add_all(ThemeItem(theme_id=theme.id, item_id=i, tagged_by_id=actor.id) for i in new)
    theme.updated_at = utcnow()
    session.flush()
    if new:
        publish(session, ThemeChanged(theme.commission_id, theme.id, ("items",)))
    return len(new)


@transactional
def untag(session: Session, theme: Theme, item_ids: Iterable[Any]) -> int:
    _require_current(theme)
    ids = _items_of(session, theme.commission_id, item_ids)
    result = session.execute(delete(ThemeItem).where(ThemeItem.theme_id == theme.id, ThemeItem.item_id.in_(ids)))
    theme.updated_at = utcnow()
    if result.rowcount:
        publish(session, ThemeChanged(theme.commission_id, theme.id, ("items",)))
    return result.rowcount or 0


@transactional
def merge(session: Session, theme: Theme, into: Theme, actor: StaffUser) -> Theme:
    """Move every item, quote and decision link of ``theme`` to ``into``; ``theme`` stays on the
    record as merged, pointing at ``into``."""
    from .decisions import DecisionTheme

    _require_current(theme)
    _require_current(into)
    if into.id == theme.id:
        raise Invalid({"into": "Choose a different theme to merge into"})
    if into.commission_id != theme.commission_id:
        raise Invalid({"into": "Choose a theme of the same commission"})
    moving = session.scalars(select(ThemeItem).where(ThemeItem.theme_id == theme.id)).all()
    kept = {row.item_id: row for row in session.scalars(select(ThemeItem).where(ThemeItem.theme_id == into.id))}
    for row in moving:
        if row.item_id in kept:
            target = kept[row.item_id]
            target.quoted = target.quoted or row.quoted
            target.minority = target.minority or row.minority
            target.evidence_entry_id = target.evidence_entry_id or row.evidence_entry_id
            session.delete(row)
        else:
            session.add(ThemeItem(theme_id=into.id, item_id=row.item_id, quoted=row.quoted, minority=row.minority,
                                  evidence_entry_id=row.evidence_entry_id, tagged_by_id=row.tagged_by_id,
                                  tagged_at=row.tagged_at))
            session.delete(row)
    linked = set(session.scalars(select(DecisionTheme.decision_id).where(DecisionTheme.theme_id == into.id)))
    for link in session.scalars(select(DecisionTheme).where(DecisionTheme.theme_id == theme.id)).all():
        if link.decision_id not in linked:
            session.add(DecisionTheme(decision_id=link.decision_id, theme_id=into.id))
        session.delete(link)
    session.execute(update(Theme).where(Theme.merged_into_id == theme.id).values(merged_into_id=into.id))
    theme.merged_into_id = into.id
    theme.updated_at = into.updated_at = utcnow()
    if theme.minority and not into.minority:
        into.minority = True  # a dissenting view must not vanish into a majority theme
    session.flush()
    publish(session, ThemeMerged(theme.commission_id, theme.id, into.id, len(moving)))
    return into


@transactional
def split(session: Session, theme: Theme, item_ids: Iterable[Any], actor: StaffUser, *, name: Any,
          description: Any = None) -> Theme:
    """Move the chosen items (with their quotes) from ``theme`` to a new theme."""
    _require_current(theme)
    ids = _items_of(session, theme.commission_id, item_ids)
    rows = session.scalars(select(ThemeItem).where(ThemeItem.theme_id == theme.id, ThemeItem.item_id.in_(ids))).all()
    if len(rows) != len(ids):
        raise Invalid({"items": "Choose items that carry this theme"})
    commission = session.get(Commission, theme.commission_id)
    new = create_theme(session, commission, actor, name=name, description=description, minority=theme.minority)
    for row in rows:
        session.add(ThemeItem(theme_id=new.id, item_id=row.item_id, quoted=row.quoted, minority=row.minority,
                              evidence_entry_id=row.evidence_entry_id, tagged_by_id=actor.id))
        session.delete(row)
    theme.updated_at = utcnow()
    session.flush()
    publish(session, ThemeChanged(theme.commission_id, theme.id, ("items", "split")))
    return new


@transactional
def delete_theme(session: Session, theme: Theme) -> None:
    from .decisions import DecisionTheme

    if theme.merged:
        raise Conflict("A merged theme stays on the record, so decisions can be traced through the merge")
    if session.scalar(select(func.count()).where(ThemeItem.theme_id == theme.id)):
        raise Conflict("Only an empty theme can be deleted: move or untag its items first")
    if session.scalar(select(func.count()).where(DecisionTheme.theme_id == theme.id)):
        raise Conflict("A decision rests on this theme: unlink it from the decision first")
    if session.scalar(select(func.count()).where(Theme.merged_into_id == theme.id)):
        raise Conflict("Other themes were merged into this one, so it stays on the record")
    session.delete(theme)
    publish(session, ThemeDeleted(theme.commission_id, theme.id))


@transactional
def pick_quote(session: Session, theme: Theme, item_id: Any, actor: StaffUser, *,
               minority: bool = False) -> evidence.EvidenceEntry:
    """A resident's words chosen to represent the theme enter the evidence log as a resident
    quote, and only then; words with contact details in them are refused, saying why."""
    _require_current(theme)
    row = session.get(ThemeItem, (theme.id, item_id)) if isinstance(item_id, int) else None
    if row is None:
        raise Invalid({"item": "Choose an item that carries this theme"})
    if row.quoted:
        raise Conflict("That quote is already picked for this theme")
    item = session.get(InputItem, item_id)
    if item.hidden:
        raise Invalid({"item": "A moderator hid this from the room during the live poll, so it cannot be "
                               "shown on the public page as a quote. Pick another quote."})
    if evidence.personal_details_problem(item.text):
        raise Invalid({"item": "This quote holds an email address or phone number, so it cannot enter the "
                               "evidence log, which is kept and shared. Pick another quote."})
    commission = session.get(Commission, theme.commission_id)
    step = item.step if commission.step_status(item.step) != "not started" else commission.current_step.key
    entry = evidence.append(
        session, commission, step=step, kind="resident_quote", summary=item.text[: evidence.MAX_SUMMARY],
        payload={"theme_id": theme.id, "theme": theme.name, "item": item.ref, "activity": item.activity_title,
                 "minority": bool(minority or theme.minority)},
        author=actor, source=evidence.AUTOMATIC)
    row.quoted, row.minority, row.evidence_entry_id = True, bool(minority), entry.id
    publish(session, ThemeChanged(theme.commission_id, theme.id, ("quotes",)))
    return entry


@transactional
def unpick_quote(session: Session, theme: Theme, item_id: Any) -> None:
    """The quote stops representing the theme; its evidence entry stays, as the log is append-only."""
    row = session.get(ThemeItem, (theme.id, item_id)) if isinstance(item_id, int) else None
    if row is None or not row.quoted:
        raise Invalid({"item": "That item is not a picked quote of this theme"})
    row.quoted = False
    publish(session, ThemeChanged(theme.commission_id, theme.id, ("quotes",)))


# -- reading --------------------------------------------------------------------------------


@dataclass
class ThemeSummary:
    theme: Theme
    items: int = 0
    residents: int = 0
    by_group: list[tuple[str, int]] = field(default_factory=list)
    by_activity: list[tuple[str, int]] = field(default_factory=list)
    quotes: list[tuple[InputItem, bool]] = field(default_factory=list)
    decision_ids: list[int] = field(default_factory=list)

    @property
    def answered(self) -> bool:
        return bool(self.decision_ids) or bool(self.theme.not_taken_up_reason)


def get_theme(session: Session, theme_id: Any) -> Theme:
    theme = session.get(Theme, theme_id) if isinstance(theme_id, int) and 0 < theme_id < 2**63 else None
    if theme is None:
        raise NotFound("No theme with that id")
    return theme


def themes_of(session: Session, commission_id: int, include_merged: bool = False) -> list[Theme]:
    query = select(Theme).where(Theme.commission_id == commission_id)
    if not include_merged:
        query = query.where(Theme.merged_into_id.is_(None))
    return list(session.scalars(query.order_by(func.lower(Theme.name))))


def summaries(session: Session, commission_id: int, theme_ids: Sequence[int] | None = None) -> list[ThemeSummary]:
    """Each current theme with its counts: items, residents, per group and per activity, its
    picked quotes and the decisions it shaped. Aggregates are SQL GROUP BYs, one query each."""
    from .decisions import DecisionTheme

    themes = themes_of(session, commission_id)
    if theme_ids is not None:
        themes = [t for t in themes if t.id in set(theme_ids)]
    out = {t.id: ThemeSummary(t) for t in themes}
    if not out:
        return []
    ids = list(out)
    joined = select(ThemeItem.theme_id).join(InputItem, InputItem.id == ThemeItem.item_id).where(
        ThemeItem.theme_id.in_(ids))
    resident = func.coalesce(InputItem.respondent_key, "item:" + func.cast(InputItem.id, String))
    for theme_id, items, residents in session.execute(
            joined.add_columns(func.count(), func.count(func.distinct(resident))).group_by(ThemeItem.theme_id)):
        out[theme_id].items, out[theme_id].residents = items, residents
    for theme_id, group, n in session.execute(
            joined.add_columns(InputItem.respondent_group, func.count(func.distinct(resident)))
            .group_by(ThemeItem.theme_id, InputItem.respondent_group).order_by(InputItem.respondent_group)):
        out[theme_id].by_group.append((group or "Not said", n))
    for theme_id, title, n in session.execute(
            joined.add_columns(InputItem.activity_title, func.count())
            .group_by(ThemeItem.theme_id, InputItem.activity_title).order_by(InputItem.activity_title)):
        out[theme_id].by_activity.append((title, n))
    for row, item in session.execute(select(ThemeItem, InputItem).join(InputItem, InputItem.id == ThemeItem.item_id)
                                     .where(ThemeItem.theme_id.in_(ids), ThemeItem.quoted.is_(True))
                                     .order_by(InputItem.created_at)):
        out[row.theme_id].quotes.append((item, row.minority))
    for theme_id, decision_id in session.execute(select(DecisionTheme.theme_id, DecisionTheme.decision_id)
                                                 .where(DecisionTheme.theme_id.in_(ids))
                                                 .order_by(DecisionTheme.decision_id)):
        out[theme_id].decision_ids.append(decision_id)
    return list(out.values())


def themes_by_item(session: Session, item_ids: Sequence[int]) -> dict[int, list[Theme]]:
    if not item_ids:
        return {}
    out: dict[int, list[Theme]] = {}
    for item_id, theme in session.execute(select(ThemeItem.item_id, Theme).join(Theme, Theme.id == ThemeItem.theme_id)
                                          .where(ThemeItem.item_id.in_(list(item_ids))).order_by(Theme.name)):
        out.setdefault(item_id, []).append(theme)
    return out
