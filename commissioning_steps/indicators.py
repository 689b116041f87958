"""Indicators of the evaluation that the journey's own record answers: data residents collected,
their part in the analysis, plans and solution facets attributable to them, meetings with
residents present, benefit reviews.

Each indicator is computed with SQL aggregates (COUNT, SUM, GROUP BY), never by loading every row
and counting in Python; the rows it counts are listed too (up to ``ROW_LIMIT``) so a reader can
follow the figure back to the record. Each has a one-line definition, shown beside it wherever
it appears. Indicators that read surveys and live polls are in ``surveys.evaluation_indicators``,
which also assembles every step's list (this package may not import ``surveys``).

Shares are percentages to one decimal place, and ``None`` when there is nothing to divide by:
"no plan items yet" is not "0% linked to residents".
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Integer, and_, case, exists, func, literal, null, or_, select
from sqlalchemy.orm import Session, aliased

from .benefits import Benefit, BenefitReview
from .commissions import Commission
from .decisions import PLAN_ITEM, SOLUTION_FACET, Decision, DecisionItem, DecisionTheme
from .evidence import EvidenceEntry
from .inputs import InputItem
from .themes import Theme, ThemeItem

ROW_LIMIT = 200
#: Payload keys a resident-data or meeting entry may carry its number of residents under, in the
#: order they are read: ``residents`` (how many residents took part, or were present), then
#: ``collectors`` and ``participants`` (names the data-collection forms may use).
RESIDENT_COUNT_KEYS = ("residents", "collectors", "participants")
RESIDENT_ORIGIN_KINDS = ("resident_quote", "resident_data")


@dataclass
class Indicator:
    key: str
    label: str
    definition: str
    value: float | int | None
    display: str
    #: what it counts: each {"ref": "evidence:12" | "survey:3" | "live-session:4" | "decision:7" |
    #: "input:<item ref>" | "benefit-review:5" | "group:<name>", "label": ..., "value": ...}
    rows: list[dict[str, Any]] = field(default_factory=list)
    #: bars for a chart, each {"label", "count", "percent"} (the rows table is its alternative)
    chart: list[dict[str, Any]] | None = None
    unit: str = "count"

    @property
    def ids(self) -> list[str]:
        return [r["ref"] for r in self.rows if r.get("ref")]

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "label": self.label, "definition": self.definition, "value": self.value,
                "display": self.display, "unit": self.unit, "ids": self.ids, "rows": self.rows, "chart": self.chart}


def share(part: int | float | None, whole: int | float | None) -> float | None:
    """``part`` as a percentage of ``whole`` to one decimal place; None when ``whole`` is 0."""
    if not whole:
        return None
    return round(100.0 * (part or 0) / whole, 1)


def percent_text(value: float | None) -> str:
    return "no figure (nothing to divide by)" if value is None else f"{value:g}%"


def plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _residents(entry=EvidenceEntry):
    """The number of residents an entry's payload gives (0 when it gives none), as SQL."""
    values = [entry.payload[key].as_integer() for key in RESIDENT_COUNT_KEYS]
    return func.coalesce(*values, literal(0, Integer))


def current_entries(commission_id: int, *, steps: tuple[str, ...] | None = None, kinds: tuple[str, ...] = ()):
    """The condition for a commission's entries of some kinds that no later entry supersedes."""
    later = aliased(EvidenceEntry)
    conditions = [EvidenceEntry.commission_id == commission_id,
                  ~exists().where(later.supersedes == EvidenceEntry.id)]
    if steps is not None:
        conditions.append(EvidenceEntry.step.in_(steps))
    if kinds:
        conditions.append(EvidenceEntry.kind.in_(kinds))
    return and_(*conditions)


def _entry_rows(session: Session, condition, value=None) -> list[dict[str, Any]]:
    columns = [EvidenceEntry.id, EvidenceEntry.seq, EvidenceEntry.kind, EvidenceEntry.summary]
    query = select(*columns, value if value is not None else null()).where(condition)
    return [{"ref": f"evidence:{i}", "label": f"Entry {seq}: {summary[:120]}", "value": v, "seq": seq, "kind": kind}
            for i, seq, kind, summary, v in session.execute(query.order_by(EvidenceEntry.seq).limit(ROW_LIMIT))]


# -- Initiate and Consolidate ----------------------------------------------------------------


def resident_data(session: Session, commission: Commission, step: str) -> list[Indicator]:
    condition = current_entries(commission.id, steps=(step,), kinds=("resident_data",))
    entries, residents = session.execute(
        select(func.count(), func.coalesce(func.sum(_residents()), 0)).where(condition)).one()
    rows = _entry_rows(session, condition, _residents())
    return [
        Indicator("resident_data", "Data collected by residents",
                  "Evidence entries of data residents collected themselves, recorded against this step.",
                  entries, plural(entries, "entry", "entries"), rows),
        Indicator("resident_data_collectors", "Residents who collected data",
                  "The residents who took part in collecting it, as each entry records (its 'residents' figure); "
                  "an entry that gives no figure adds none.",
                  int(residents), plural(int(residents), "resident"), rows),
    ]


# -- Investigate -----------------------------------------------------------------------------


def analysis_contributions(session: Session, commission: Commission, step: str = "investigate") -> list[Indicator]:
    cid = commission.id
    themed = select(ThemeItem.item_id).join(InputItem, InputItem.id == ThemeItem.item_id).where(
        InputItem.commission_id == cid)
    themed_count = session.scalar(select(func.count(func.distinct(ThemeItem.item_id)))
                                  .join(InputItem, InputItem.id == ThemeItem.item_id)
                                  .where(InputItem.commission_id == cid)) or 0
    all_items = session.scalar(select(func.count()).select_from(InputItem).where(InputItem.commission_id == cid)) or 0
    themed_rows = [{"ref": f"input:{ref}", "label": f"{title}: {text[:80]}", "value": None}
                   for ref, title, text in session.execute(
                       select(InputItem.ref, InputItem.activity_title, InputItem.text)
                       .where(InputItem.id.in_(themed)).order_by(InputItem.id).limit(ROW_LIMIT))]
    quoted = session.execute(
        select(func.count(func.distinct(ThemeItem.item_id))).join(InputItem, InputItem.id == ThemeItem.item_id)
        .where(InputItem.commission_id == cid, ThemeItem.quoted.is_(True))).scalar() or 0
    quote_rows = [{"ref": f"evidence:{entry_id}" if entry_id else f"input:{ref}", "label": f"{theme}: {text[:80]}",
                   "value": None}
                  for entry_id, ref, theme, text in session.execute(
                      select(ThemeItem.evidence_entry_id, InputItem.ref, Theme.name, InputItem.text)
                      .join(InputItem, InputItem.id == ThemeItem.item_id).join(Theme, Theme.id == ThemeItem.theme_id)
                      .where(InputItem.commission_id == cid, ThemeItem.quoted.is_(True))
                      .order_by(ThemeItem.evidence_entry_id).limit(ROW_LIMIT))]
    origin = current_entries(cid, steps=(step,), kinds=RESIDENT_ORIGIN_KINDS)
    origin_count = session.scalar(select(func.count()).where(origin)) or 0
    return [
        Indicator("themed_items", "Residents' input themed in the analysis",
                  "Items residents wrote (in surveys, live polls or the evidence log) that carry at least one theme, "
                  "out of every item in the inbox.",
                  themed_count, f"{themed_count} of {plural(all_items, 'item')}", themed_rows),
        Indicator("quotes_used", "Residents' quotes used",
                  "Items a commissioner picked as quotes to represent a theme (each is a resident quote entry).",
                  quoted, plural(quoted, "quote"), quote_rows),
        Indicator("resident_origin_entries", "Evidence of resident origin",
                  "Evidence entries against this step whose content came from residents: their quotes and data "
                  "they collected.",
                  origin_count, plural(origin_count, "entry", "entries"), _entry_rows(session, origin)),
    ]


# -- Collaborate and Activate ----------------------------------------------------------------


def _linked():
    return or_(exists().where(DecisionTheme.decision_id == Decision.id),
               exists().where(DecisionItem.decision_id == Decision.id))


def _decision_share(session: Session, commission: Commission, kind: str) -> tuple[int, int, list[dict[str, Any]]]:
    where = and_(Decision.commission_id == commission.id, Decision.kind == kind)
    total, linked = session.execute(select(func.count(), func.coalesce(func.sum(case((_linked(), 1), else_=0)), 0))
                                    .where(where)).one()
    rows = []
    decisions = session.execute(select(Decision.id, Decision.title, _linked(), Decision.not_attributable_reason)
                                .where(where).order_by(Decision.id).limit(ROW_LIMIT)).all()
    theme_names: dict[int, list[str]] = {}
    if decisions:
        for decision_id, name in session.execute(
                select(DecisionTheme.decision_id, Theme.name).join(Theme, Theme.id == DecisionTheme.theme_id)
                .where(DecisionTheme.decision_id.in_([d[0] for d in decisions])).order_by(Theme.name)):
            theme_names.setdefault(decision_id, []).append(name)
    for decision_id, title, is_linked, reason in decisions:
        rows.append({"ref": f"decision:{decision_id}", "label": title,
                     "value": "attributable to residents" if is_linked else "not attributable",
                     "themes": theme_names.get(decision_id, []), "reason": reason})
    return int(total), int(linked), rows


def plan_items(session: Session, commission: Commission) -> list[Indicator]:
    total, linked, rows = _decision_share(session, commission, PLAN_ITEM)
    pct = share(linked, total)
    return [
        Indicator("plan_items", "Plan items",
                  "Items of the plan recorded as decisions of kind plan item.", total, plural(total, "plan item"), rows),
        Indicator("plan_items_linked", "Plan items linked to residents' input",
                  "The share of plan items linked to themes or items of residents' input (the rest say why not).",
                  pct, f"{linked} of {total}: {percent_text(pct)}", rows, unit="percent",
                  chart=_yes_no_chart(linked, total, "Linked to residents' input", "Not linked")),
    ]


def solution_facets(session: Session, commission: Commission) -> list[Indicator]:
    total, linked, rows = _decision_share(session, commission, SOLUTION_FACET)
    pct = share(linked, total)
    for row in rows:
        if row["themes"]:
            row["value"] = f"{row['value']} (themes: {', '.join(row['themes'])})"
    return [
        Indicator("solution_facets", "Solution facets", "Facets of the eventual solution recorded as decisions.",
                  total, plural(total, "facet"), rows),
        Indicator("facets_attributable", "Facets attributable to residents",
                  "The share of solution facets linked to residents' themes or items; each is listed with the themes "
                  "behind it.", pct, f"{linked} of {total}: {percent_text(pct)}", rows, unit="percent",
                  chart=_yes_no_chart(linked, total, "Attributable to residents", "Not attributable")),
    ]


def _yes_no_chart(yes: int, total: int, yes_label: str, no_label: str) -> list[dict[str, Any]] | None:
    if not total:
        return None
    return [{"label": yes_label, "count": yes, "percent": share(yes, total)},
            {"label": no_label, "count": total - yes, "percent": share(total - yes, total)}]


# -- Negotiate -------------------------------------------------------------------------------


def resident_meetings(session: Session, commission: Commission, step: str = "negotiate") -> list[Indicator]:
    condition = current_entries(commission.id, steps=(step,), kinds=("meeting",))
    total, with_residents = session.execute(
        select(func.count(), func.coalesce(func.sum(case((_residents() > 0, 1), else_=0)), 0)).where(condition)).one()
    return [Indicator(
        "resident_meetings", "Commissioner-provider meetings with residents present",
        "Meeting records against this step (where commissioners meet potential providers) whose 'residents' "
        "figure says residents were there.",
        int(with_residents), f"{with_residents} of {plural(int(total), 'meeting')}",
        _entry_rows(session, condition, _residents()))]


# -- Evaluate --------------------------------------------------------------------------------


def benefit_reviews(session: Session, commission: Commission) -> list[Indicator]:
    where = Benefit.commission_id == commission.id
    reviews, reviewed = session.execute(
        select(func.count(BenefitReview.id), func.count(func.distinct(BenefitReview.benefit_id)))
        .join(Benefit, Benefit.id == BenefitReview.benefit_id).where(where)).one()
    benefits = session.scalar(select(func.count()).select_from(Benefit).where(where)) or 0
    rows = [{"ref": f"benefit-review:{rid}", "label": f"{title}: review on {held.isoformat()}", "value": extent,
             "entry": entry_id}
            for rid, title, held, extent, entry_id in session.execute(
                select(BenefitReview.id, Benefit.title, BenefitReview.held_on, BenefitReview.extent,
                       BenefitReview.evidence_entry_id)
                .join(Benefit, Benefit.id == BenefitReview.benefit_id).where(where)
                .order_by(BenefitReview.held_on, BenefitReview.id).limit(ROW_LIMIT))]
    display = (f"Yes: {plural(reviews, 'review')} of {reviewed} of {plural(benefits, 'benefit')}" if reviews
               else f"No reviews held yet ({plural(benefits, 'benefit')} profiled)")
    return [Indicator("benefit_reviews", "Benefit reviews held",
                      "Reviews of benefits and dis-benefits recorded (each establishes the extent realised so far).",
                      reviews, display, rows)]


__all__ = ["Indicator", "RESIDENT_COUNT_KEYS", "ROW_LIMIT", "analysis_contributions", "benefit_reviews",
           "current_entries", "percent_text", "plan_items", "plural", "resident_data", "resident_meetings", "share",
           "solution_facets"]
