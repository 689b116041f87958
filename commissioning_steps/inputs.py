"""The input inbox: everything residents wrote in a commission, in one table, searchable.

Residents' words arrive from several activities (survey free text and "other" answers, open-text
and word-cloud answers in live polls, Q&A questions, and evidence entries of resident quotes and
data residents collected). Each source indexes what it stores here, in the same transaction, as
one ``InputItem`` named by a stable reference that says where it came from
(``survey-answer:123:q5``, ``live-vote:67``, ``live-entry:89``, ``evidence:12``). Themes and
decisions link to items, so "you said, we did" can trace one resident's words to what changed.

The inbox is an index, not the record: the survey response or live vote stays the source of
truth, and removing it (a resident deleting their answers with their receipt) removes its items,
their theme links and their place in every count; the evidence already logged keeps counts only.

Search uses the database's own full-text index: SQLite FTS5 (a contentless-sync virtual table
kept by triggers) or PostgreSQL ``tsvector`` with a GIN index, both created by the migration.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Iterable, Sequence

from sqlalchemy import (
    JSON, Boolean, DateTime, ForeignKey, Integer, String, Text, delete, func, insert, literal_column, select, text,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from .db import Base, transactional, utcnow
from .errors import Invalid

SURVEY_ANSWER = "survey-answer"
LIVE_VOTE = "live-vote"
LIVE_ENTRY = "live-entry"
EVIDENCE = "evidence"
SOURCES = (SURVEY_ANSWER, LIVE_VOTE, LIVE_ENTRY, EVIDENCE)

#: What kind of thing a resident wrote, as the inbox names it.
KIND_LABELS = {
    "free_text": "Survey answer",
    "other": "Survey answer (other, please say)",
    "open_text": "Live poll answer",
    "word_cloud": "Word cloud phrase",
    "qa": "Question from the room",
    "resident_quote": "Resident quote",
    "resident_data": "Data collected by residents",
}
ACTIVITY_LABELS = {"survey": "Survey", "live_session": "Live poll", "evidence": "Evidence log"}
PER_PAGE = 50
MAX_PER_PAGE = 200
_REF = re.compile(r"^(survey-answer|live-vote|live-entry|evidence):[0-9]{1,18}(:[A-Za-z0-9_-]{1,64})?$")


class InputItem(Base):
    __tablename__ = "input_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: Indexed by the indexes that start with it (migrations 0006 and 0019), not on its own.
    commission_id: Mapped[int] = mapped_column(ForeignKey("commissions.id"))
    ref: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    activity_kind: Mapped[str] = mapped_column(String(16))
    activity_id: Mapped[int] = mapped_column(Integer)
    activity_title: Mapped[str] = mapped_column(String(200))
    step: Mapped[str] = mapped_column(String(32))
    question_ref: Mapped[str | None] = mapped_column(String(64))
    question_text: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text)
    #: Pseudonymous: which response or live participant it came from, to count residents and to
    #: show a resident where their own words went. Never a person's identity.
    respondent_key: Mapped[str | None] = mapped_column(String(100), index=True)
    respondent_group: Mapped[str | None] = mapped_column(String(120))
    area: Mapped[str | None] = mapped_column(String(120))
    about: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def activity_label(self) -> str:
        return ACTIVITY_LABELS.get(self.activity_kind, self.activity_kind)


@dataclass(frozen=True)
class NewItem:
    """What a source hands the inbox for one thing a resident wrote."""

    ref: str
    kind: str
    activity_kind: str
    activity_id: int
    activity_title: str
    step: str
    text: str
    question_ref: str | None = None
    question_text: str = ""
    respondent_key: str | None = None
    respondent_group: str | None = None
    area: str | None = None
    about: dict[str, Any] = field(default_factory=dict)
    hidden: bool = False
    created_at: datetime | None = None


def ref(source: str, *parts: Any) -> str:
    return ":".join([source, *(str(p) for p in parts)])


def is_ref(value: Any) -> bool:
    return isinstance(value, str) and bool(_REF.match(value))


@transactional
def index(session: Session, commission_id: int, items: Iterable[NewItem]) -> list[InputItem]:
    """Add or refresh items. An item whose text changed loses its theme links: the resident now
    says something else, and the themes were chosen for what they said before."""
    from .themes import ThemeItem  # themes build on inputs, not the other way round

    items = [i for i in items if i.text and i.text.strip()]
    if not items:
        return []
    existing = {row.ref: row for row in session.scalars(
        select(InputItem).where(InputItem.ref.in_([i.ref for i in items])))}
    out = []
    for new in items:
        row = existing.get(new.ref)
        if row is None:
            row = InputItem(commission_id=commission_id, ref=new.ref, created_at=new.created_at or utcnow())
            session.add(row)
        elif row.text != new.text:
            session.execute(delete(ThemeItem).where(ThemeItem.item_id == row.id))
        for name in ("kind", "activity_kind", "activity_id", "activity_title", "step", "text", "question_ref",
                     "question_text", "respondent_key", "respondent_group", "area", "about", "hidden"):
            setattr(row, name, getattr(new, name))
        out.append(row)
    session.flush()
    return out


_INSERT_ITEMS = insert(InputItem.__table__)


def add_new(session: Session, commission_id: int, items: Iterable[NewItem]) -> int:
    """Add items whose references are new (a response just stored): one multi-row INSERT, with
    none of ``index``'s look-up of existing rows, for the batch writer of survey submissions.
    A reference already held is a constraint error, which fails its submission alone."""
    rows = [{"commission_id": commission_id, "ref": i.ref, "kind": i.kind, "activity_kind": i.activity_kind,
             "activity_id": i.activity_id, "activity_title": i.activity_title, "step": i.step, "text": i.text,
             "question_ref": i.question_ref, "question_text": i.question_text, "respondent_key": i.respondent_key,
             "respondent_group": i.respondent_group, "area": i.area, "about": i.about, "hidden": i.hidden,
             "created_at": i.created_at or utcnow()}
            for i in items if i.text and i.text.strip()]
    if rows:
        session.connection().execute(_INSERT_ITEMS, rows)  # Core: no ORM bulk machinery
    return len(rows)


@transactional
def remove(session: Session, refs: Sequence[str] = (), *, prefix: str | None = None) -> int:
    """Remove items (and, by cascade, their theme and decision links) by reference or prefix."""
    ids = select(InputItem.id)
    if prefix is not None:
        ids = ids.where(InputItem.ref.startswith(prefix, autoescape=True))
    else:
        if not refs:
            return 0
        ids = ids.where(InputItem.ref.in_(list(refs)))
    found = list(session.scalars(ids))
    if not found:
        return 0
    _unlink(session, found)
    session.execute(delete(InputItem).where(InputItem.id.in_(found)))
    return len(found)


def _unlink(session: Session, item_ids: list[int]) -> None:
    # SQLite only cascades with foreign keys on, which we set; deleting explicitly keeps the
    # behaviour identical on every database and needs no ON DELETE in older migrations.
    from .decisions import DecisionItem
    from .themes import ThemeItem

    session.execute(delete(ThemeItem).where(ThemeItem.item_id.in_(item_ids)))
    session.execute(delete(DecisionItem).where(DecisionItem.item_id.in_(item_ids)))


@transactional
def set_hidden(session: Session, item_ref: str, hidden: bool) -> None:
    """A moderator hid (or showed) something on the projector: it stays in the inbox, marked."""
    row = session.scalar(select(InputItem).where(InputItem.ref == item_ref))
    if row is not None:
        row.hidden = hidden


# -- reading --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    step: str | None = None
    activity: str | None = None  # "survey:12" or "live_session:3"
    question: str | None = None
    group: str | None = None
    area: str | None = None
    theme: int | str | None = None  # a theme id, or "none" for "no theme yet"
    since: datetime | None = None
    until: datetime | None = None
    q: str | None = None


@dataclass
class Page:
    items: list[InputItem]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def parse_filters(raw: dict[str, Any]) -> Filters:
    """Filters from a query string, refusing what cannot be right with a message per field."""
    errors: dict[str, str] = {}

    def text_of(key: str, limit: int = 200) -> str | None:
        value = raw.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if not isinstance(value, str) or len(value) > limit:
            errors[key] = f"Give {key} as text of {limit} characters or fewer"
            return None
        return value.strip()

    def date_of(key: str) -> datetime | None:
        value = text_of(key, 32)
        if value is None:
            return None
        try:
            return datetime.fromisoformat(value.replace("Z", ""))
        except ValueError:
            errors[key] = "Give the date as YYYY-MM-DD"
            return None

    activity = text_of("activity", 40)
    if activity and not re.match(r"^(survey|live_session|evidence):[0-9]{1,18}$", activity):
        errors["activity"] = "Choose an activity from the list"
    theme: int | str | None = text_of("theme", 20)
    if theme is not None and theme != "none":
        if not theme.isdigit() or len(theme) > 18:
            errors["theme"] = "Choose a theme from the list"
        else:
            theme = int(theme)
    q = text_of("q", 200)
    filters = Filters(step=text_of("step", 32), activity=activity, question=text_of("question", 64),
                      group=text_of("group", 120), area=text_of("area", 120), theme=theme, since=date_of("since"), until=date_of("until"), q=q)
    if errors:
        raise Invalid(errors)
    return filters


def _words(q: str) -> list[str]:
    return re.findall(r"\w+", q, flags=re.UNICODE)[:12]


def _fts5_query(q: str) -> str:
    """Words as an FTS5 query of quoted terms, all required, the last one a prefix (so the list
    narrows as a person types); nothing typed is ever read as query syntax."""
    quoted = ['"' + w + '"' for w in _words(q)]
    if quoted:
        quoted[-1] += "*"
    return " ".join(quoted)


def _tsquery(q: str) -> str:
    """The same query for PostgreSQL's ``to_tsquery``: words joined by AND, the last a prefix."""
    words = _words(q)
    if words:
        words[-1] += ":*"
    return " & ".join(words)


def _filtered(session: Session, commission_id: int, filters: Filters):
    from .themes import ThemeItem

    query = select(InputItem).where(InputItem.commission_id == commission_id)
    if filters.step:
        query = query.where(InputItem.step == filters.step)
    if filters.activity:
        kind, _, ident = filters.activity.partition(":")
        query = query.where(InputItem.activity_kind == kind, InputItem.activity_id == int(ident))
    if filters.question:
        query = query.where(InputItem.question_ref == filters.question)
    if filters.group:
        query = query.where(InputItem.respondent_group == filters.group)
    if filters.area:
        query = query.where(InputItem.area == filters.area)
    if filters.since:
        query = query.where(InputItem.created_at >= filters.since)
    if filters.until:
        query = query.where(InputItem.created_at < filters.until)
    if filters.theme == "none":
        query = query.where(~select(ThemeItem.item_id).where(ThemeItem.item_id == InputItem.id).exists())
    elif filters.theme is not None:
        query = query.where(InputItem.id.in_(select(ThemeItem.item_id).where(ThemeItem.theme_id == filters.theme)))
    if filters.q:
        dialect = session.get_bind().dialect.name
        if not _words(filters.q):
            return query.where(literal_column("0") == 1)
        if dialect == "sqlite":
            matches = text("SELECT rowid FROM input_items_fts WHERE input_items_fts MATCH :terms").bindparams(
                terms=_fts5_query(filters.q))
            query = query.where(InputItem.id.in_(matches.columns(literal_column("rowid"))))
        else:
            query = query.where(literal_column("input_items.search").op("@@")(
                func.to_tsquery("english", _tsquery(filters.q))))
    return query


def search(session: Session, commission_id: int, filters: Filters = Filters(), page: int = 1,
           per_page: int = PER_PAGE) -> Page:
    """One page of items, newest first, with the total that matched (both in SQL)."""
    per_page = max(1, min(int(per_page), MAX_PER_PAGE))
    page = max(1, int(page))
    query = _filtered(session, commission_id, filters)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(InputItem.created_at.desc(), InputItem.id.desc())
                           .limit(per_page).offset((page - 1) * per_page)).all()
    return Page(list(rows), total, page, per_page)


def ids_matching(session: Session, commission_id: int, filters: Filters, limit: int = 10_000) -> list[int]:
    """Every matching item id (for tagging a filtered list in bulk), bounded."""
    query = _filtered(session, commission_id, filters).with_only_columns(InputItem.id).limit(limit)
    return list(session.scalars(query))


def by_refs(session: Session, commission_id: int, refs: Sequence[str]) -> list[InputItem]:
    if not refs:
        return []
    return list(session.scalars(select(InputItem).where(InputItem.commission_id == commission_id,
                                                        InputItem.ref.in_(list(refs)))))


#: The columns every filter menu offers, in the order of migration 0019's covering index
#: ``ix_input_items_menus`` (after ``commission_id``), so SQLite reads the groups off the index.
_MENU_COLUMNS = (InputItem.activity_kind, InputItem.activity_id, InputItem.activity_title, InputItem.question_ref,
                 InputItem.question_text, InputItem.respondent_group, InputItem.area, InputItem.step)


def facets(session: Session, commission_id: int) -> dict[str, list[tuple[str, str, int]]]:
    """The choices the inbox's filters offer, each with how many items it holds.

    One ``GROUP BY`` of the commission's items by every column a menu offers (a few dozen
    groups), summed per menu here: five ``GROUP BY`` queries, one a menu, each read and sorted
    every item (2.4 s at 1.3M items); this one reads a covering index in order (0.19 s). The
    menus are sorted as the five queries' ``ORDER BY`` sorted them (code point order, SQLite's
    ``BINARY`` and PostgreSQL's ``C`` collation), ties by the next column."""
    rows = session.execute(select(*_MENU_COLUMNS, func.count())
                           .where(InputItem.commission_id == commission_id).group_by(*_MENU_COLUMNS)).all()
    activities: Counter = Counter()
    questions: Counter = Counter()
    groups: Counter = Counter()
    areas: Counter = Counter()
    steps: Counter = Counter()
    for kind, ident, title, question_ref, question_text, group, area, step, n in rows:
        activities[kind, ident, title] += n
        steps[step] += n
        if question_ref is not None:
            questions[question_ref, question_text] += n
        if group is not None:
            groups[group] += n
        if area is not None:
            areas[area] += n
    return {
        "activities": [(f"{k}:{i}", f"{ACTIVITY_LABELS.get(k, k)}: {t}", n) for (k, i, t), n in sorted(activities.items())],
        "questions": [(r, t or r, n) for (r, t), n in sorted(questions.items(), key=lambda e: (e[0][1], e[0][0]))],
        "groups": [(g, g, n) for g, n in sorted(groups.items())],
        "areas": [(a, a, n) for a, n in sorted(areas.items())],
        "steps": [(s, s, n) for s, n in sorted(steps.items())],
    }


def respondents(session: Session, item_ids: Iterable[int]) -> int:
    """How many different residents (responses or live participants) the items came from."""
    ids = list(item_ids)
    if not ids:
        return 0
    keyed = session.scalar(select(func.count(func.distinct(InputItem.respondent_key)))
                           .where(InputItem.id.in_(ids), InputItem.respondent_key.is_not(None))) or 0
    unkeyed = session.scalar(select(func.count()).where(InputItem.id.in_(ids), InputItem.respondent_key.is_(None))) or 0
    return keyed + unkeyed
