"""Benefits management, step by step as the seed "Measuring the benefits of collaborative working"
(SSA) sets it out:

1. a **benefits management strategy** per commission: the intended approach to identifying,
   recording, measuring and monitoring benefits, and for each partner organisation the benefits
   it wants (partners' desired benefits may differ: one cash savings, another resilience);
2. a **profile** for each benefit and dis-benefit: description, the stakeholders who perceive
   it, attributes, dependencies (other benefits, decisions and outputs), measure and measurement
   method, baseline and target (value and date), owner (a role), review dates;
3. a **benefits map**: outputs -> outcomes -> benefits -> objectives, with the dependencies;
4. a **realisation plan**: scheduled measurements and reviews, with reminders for the owner
   (``issue_reminders``, run by a scheduled job);
5. periodic **reviews**: the extent realised so far, and new targets.

Actual values are dated measurements with their source. Measurements and reviews are automatic
evidence entries under Evaluate once it has started, else under Consolidate (before that a
benefit has its baseline, on its profile, and nothing to measure yet). Decisions ("you said, we
did") are linked to the benefits they are meant to bring.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta
from typing import Any, Iterable, Sequence

from sqlalchemy import (
    JSON, Date, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint, delete, func, select, update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from . import evidence
from .commissions import NOT_STARTED, Commission
from .db import Base, transactional, utcnow
from .decisions import Decision
from .fields import parse_date
from .errors import Conflict, Invalid, NotFound
from .staff import COMMISSIONER, Membership, StaffUser

BENEFIT, DIS_BENEFIT = "benefit", "dis_benefit"
KINDS = {BENEFIT: "Benefit", DIS_BENEFIT: "Dis-benefit"}
EXTENTS = {"not_realised": "Not realised yet", "partly_realised": "Partly realised",
           "fully_realised": "Fully realised", "exceeded": "Exceeded"}
MEASUREMENT, REVIEW = "measurement", "review"
#: Steps whose practice questions measurements and reviews answer, the later one first.
MEASURE_STEPS = ("evaluate", "consolidate")
#: How many days ahead a scheduled measurement or review shows on its owner's dashboard.
REMINDER_LEAD_DAYS = 7
TITLE_MAX, TEXT_MAX, SHORT_MAX, LIST_MAX, DATES_MAX = 200, 4000, 200, 30, 60


class BenefitStrategy(Base):
    __tablename__ = "benefit_strategies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    commission_id: Mapped[int] = mapped_column(ForeignKey("commissions.id"), unique=True)
    approach: Mapped[str] = mapped_column(Text, default="")
    #: [{"partner": name (one of the commission's partners), "benefits": what it wants}]
    partner_benefits: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Benefit(Base):
    """A benefit or dis-benefit profile."""

    __tablename__ = "benefits"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    commission_id: Mapped[int] = mapped_column(ForeignKey("commissions.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    description: Mapped[str] = mapped_column(Text, default="")
    stakeholders: Mapped[list[str]] = mapped_column(default=list)
    attributes: Mapped[list[str]] = mapped_column(default=list)
    #: The project outputs it depends on (the first column of the map).
    outputs: Mapped[list[str]] = mapped_column(default=list)
    #: What happens as a result of those outputs, that brings the benefit.
    outcome: Mapped[str] = mapped_column(Text, default="")
    objectives: Mapped[list[str]] = mapped_column(default=list)
    measure: Mapped[str] = mapped_column(String(SHORT_MAX), default="")
    unit: Mapped[str] = mapped_column(String(40), default="")
    method: Mapped[str] = mapped_column(Text, default="")
    baseline_value: Mapped[float | None] = mapped_column(Float)
    baseline_date: Mapped[date | None] = mapped_column(Date)
    target_value: Mapped[float | None] = mapped_column(Float)
    target_date: Mapped[date | None] = mapped_column(Date)
    #: A role ("Head of day services"), never a person's name.
    owner_role: Mapped[str] = mapped_column(String(SHORT_MAX), default="")
    #: The staff account that sees the reminders (a commissioner of the commission), if any.
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    measurement_dates: Mapped[list[str]] = mapped_column(default=list)
    review_dates: Mapped[list[str]] = mapped_column(default=list)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    @property
    def kind_label(self) -> str:
        return KINDS.get(self.kind, self.kind)


class BenefitDependency(Base):
    __tablename__ = "benefit_dependencies"

    benefit_id: Mapped[int] = mapped_column(ForeignKey("benefits.id"), primary_key=True)
    depends_on_id: Mapped[int] = mapped_column(ForeignKey("benefits.id"), primary_key=True)


class BenefitDecision(Base):
    """A decision meant to bring the benefit."""

    __tablename__ = "benefit_decisions"

    benefit_id: Mapped[int] = mapped_column(ForeignKey("benefits.id"), primary_key=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("decisions.id"), primary_key=True, index=True)


class BenefitMeasurement(Base):
    __tablename__ = "benefit_measurements"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    benefit_id: Mapped[int] = mapped_column(ForeignKey("benefits.id"), index=True)
    measured_on: Mapped[date] = mapped_column(Date)
    value: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(300))
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    evidence_entry_id: Mapped[int | None] = mapped_column(ForeignKey("evidence_entries.id"))


class BenefitReview(Base):
    __tablename__ = "benefit_reviews"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    benefit_id: Mapped[int] = mapped_column(ForeignKey("benefits.id"), index=True)
    held_on: Mapped[date] = mapped_column(Date)
    extent: Mapped[str] = mapped_column(String(32))
    findings: Mapped[str] = mapped_column(Text)
    new_target_value: Mapped[float | None] = mapped_column(Float)
    new_target_date: Mapped[date | None] = mapped_column(Date)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    evidence_entry_id: Mapped[int | None] = mapped_column(ForeignKey("evidence_entries.id"))

    @property
    def extent_label(self) -> str:
        return EXTENTS.get(self.extent, self.extent)


class BenefitReminder(Base):
    """A scheduled measurement or review coming due, shown on its owner's dashboard until done."""

    __tablename__ = "benefit_reminders"
    __table_args__ = (UniqueConstraint("benefit_id", "kind", "due_on", name="uq_benefit_reminders_due"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    benefit_id: Mapped[int] = mapped_column(ForeignKey("benefits.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    due_on: Mapped[date] = mapped_column(Date)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(DateTime)


# -- validation helpers ----------------------------------------------------------------------


_date = parse_date  # one reading of dates for every service (commissioning_steps.fields)


def _number(value: Any, key: str, errors: dict[str, str], required: bool = False) -> float | None:
    if value is None or value == "":
        if required:
            errors[key] = "Enter a number"
        return None
    if isinstance(value, bool):
        errors[key] = "Enter a number"
        return None
    if isinstance(value, str):
        try:
            value = float(value.strip().replace(",", ""))
        except ValueError:
            errors[key] = "Enter a number, like 120 or 4.5"
            return None
    if not isinstance(value, (int, float)) or not math.isfinite(value) or abs(value) > 1e12:
        errors[key] = "Enter a number, like 120 or 4.5"
        return None
    return float(value)


def _text(value: Any, key: str, limit: int, errors: dict[str, str], what: str, required: bool = False) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if value is not None and not isinstance(value, str):
        errors[key] = f"Enter {what} as text"
        return ""
    if required and not text:
        errors[key] = f"Enter {what}"
    elif len(text) > limit:
        errors[key] = f"{what[0].upper()}{what[1:]} must be {limit} characters or fewer"
    elif text and evidence.personal_details_problem(text):
        errors[key] = f"Remove contact details from {what}: benefits are reported and shared"
    return text


def _lines(value: Any, key: str, errors: dict[str, str], what: str) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        value = value.splitlines()
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        errors[key] = f"Give {what} as a list of text, one a line"
        return []
    out, seen = [], set()
    for v in (v.strip() for v in value):
        if v and v.lower() not in seen:
            seen.add(v.lower())
            out.append(v)
    if len(out) > LIST_MAX or any(len(v) > SHORT_MAX for v in out):
        errors[key] = f"Give at most {LIST_MAX} {what}, each {SHORT_MAX} characters or fewer"
    elif any(evidence.personal_details_problem(v) for v in out):
        errors[key] = f"Remove contact details from {what}"
    return out


def _dates(value: Any, key: str, errors: dict[str, str]) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        value = value.replace(",", "\n").split()
    if not isinstance(value, (list, tuple)):
        errors[key] = "Give the dates as a list, for example 2027-03-31"
        return []
    out = set()
    for raw in value:
        got = _date(raw, key, errors)
        if got is None:
            errors[key] = "Give each date as a real date, for example 2027-03-31"
            return []
        out.add(got.isoformat())
    if len(out) > DATES_MAX:
        errors[key] = f"Give at most {DATES_MAX} dates"
    return sorted(out)


def _ids(value: Any, key: str, errors: dict[str, str]) -> list[int]:
    if value is None:
        return []
    if not isinstance(value, (list, tuple)) or not all(
            isinstance(v, int) and not isinstance(v, bool) and 0 < v < 2**63 for v in value):
        errors[key] = "Give a list of ids"
        return []
    return sorted(set(value))


# -- the strategy ----------------------------------------------------------------------------


@transactional
def save_strategy(session: Session, commission: Commission, actor: StaffUser, *, approach: Any,
                  partner_benefits: Any = ()) -> BenefitStrategy:
    """The approach, and per partner organisation (one of the commission's partners) the benefits
    it wants. Saving again replaces it."""
    errors: dict[str, str] = {}
    text = _text(approach, "approach", TEXT_MAX, errors, "the approach", required=True)
    partners = {p.lower(): p for p in commission.partners}
    wants: list[dict[str, Any]] = []
    if not isinstance(partner_benefits, (list, tuple)):
        errors["partner_benefits"] = "Give each partner and the benefits it wants"
    else:
        for i, row in enumerate(partner_benefits):
            name = row.get("partner") if isinstance(row, dict) else None
            if not isinstance(name, str) or name.strip().lower() not in partners:
                errors[f"partner_benefits.{i}.partner"] = "Choose one of the commission's partner organisations"
                continue
            if any(w["partner"] == partners[name.strip().lower()] for w in wants):
                errors[f"partner_benefits.{i}.partner"] = "Each partner is listed once"
                continue
            benefits_text = _text(row.get("benefits"), f"partner_benefits.{i}.benefits", TEXT_MAX, errors,
                                  "the benefits the partner wants", required=True)
            wants.append({"partner": partners[name.strip().lower()], "benefits": benefits_text})
    if errors:
        raise Invalid(errors)
    strategy = strategy_of(session, commission.id)
    if strategy is None:
        strategy = BenefitStrategy(commission_id=commission.id)
        session.add(strategy)
    strategy.approach, strategy.partner_benefits = text, wants
    strategy.updated_by_id, strategy.updated_at = actor.id, utcnow()
    session.flush()
    return strategy


def strategy_of(session: Session, commission_id: int) -> BenefitStrategy | None:
    return session.scalar(select(BenefitStrategy).where(BenefitStrategy.commission_id == commission_id))


# -- profiles --------------------------------------------------------------------------------


@dataclass
class BenefitInput:
    kind: Any = BENEFIT
    title: Any = None
    description: Any = None
    stakeholders: Any = None
    attributes: Any = None
    outputs: Any = None
    outcome: Any = None
    objectives: Any = None
    measure: Any = None
    unit: Any = None
    method: Any = None
    baseline_value: Any = None
    baseline_date: Any = None
    target_value: Any = None
    target_date: Any = None
    owner_role: Any = None
    owner_id: Any = None
    measurement_dates: Any = None
    review_dates: Any = None


PROFILE_FIELDS = tuple(f.name for f in fields(BenefitInput))


def _clean_profile(session: Session, commission: Commission, data: BenefitInput) -> dict[str, Any]:
    errors: dict[str, str] = {}
    out: dict[str, Any] = {}
    if data.kind not in KINDS:
        errors["kind"] = "Choose benefit or dis-benefit"
    out["kind"] = data.kind
    out["title"] = _text(data.title, "title", TITLE_MAX, errors, "a title", required=True)
    out["description"] = _text(data.description, "description", TEXT_MAX, errors, "a description", required=True)
    out["stakeholders"] = _lines(data.stakeholders, "stakeholders", errors, "stakeholders")
    if not out["stakeholders"] and "stakeholders" not in errors:
        errors["stakeholders"] = "Name at least one stakeholder group who perceives it"
    out["attributes"] = _lines(data.attributes, "attributes", errors, "attributes")
    out["outputs"] = _lines(data.outputs, "outputs", errors, "outputs")
    out["outcome"] = _text(data.outcome, "outcome", TEXT_MAX, errors, "the outcome")
    out["objectives"] = _lines(data.objectives, "objectives", errors, "objectives")
    out["measure"] = _text(data.measure, "measure", SHORT_MAX, errors, "what is measured", required=True)
    out["unit"] = _text(data.unit, "unit", 40, errors, "the unit")
    out["method"] = _text(data.method, "method", TEXT_MAX, errors, "the measurement method", required=True)
    out["baseline_value"] = _number(data.baseline_value, "baseline_value", errors)
    out["baseline_date"] = _date(data.baseline_date, "baseline_date", errors)
    out["target_value"] = _number(data.target_value, "target_value", errors)
    out["target_date"] = _date(data.target_date, "target_date", errors)
    for what in ("baseline", "target"):
        has_value = out[f"{what}_value"] is not None
        has_date = out[f"{what}_date"] is not None
        if has_value != has_date and f"{what}_value" not in errors and f"{what}_date" not in errors:
            errors[f"{what}_date" if has_value else f"{what}_value"] = f"Give the {what} value and its date together"
    if out["baseline_date"] and out["target_date"] and out["target_date"] < out["baseline_date"]:
        errors["target_date"] = "The target date must be on or after the baseline date"
    out["owner_role"] = _text(data.owner_role, "owner_role", SHORT_MAX, errors, "the owner's role", required=True)
    owner = data.owner_id
    if owner in (None, ""):
        out["owner_id"] = None
    elif isinstance(owner, bool) or not isinstance(owner, int) or not (
            (m := session.get(Membership, (commission.id, owner))) is not None and m.role == COMMISSIONER):
        errors["owner_id"] = "The owner's account must be a commissioner on this commission's team"
    else:
        out["owner_id"] = owner
    out["measurement_dates"] = _dates(data.measurement_dates, "measurement_dates", errors)
    out["review_dates"] = _dates(data.review_dates, "review_dates", errors)
    if errors:
        raise Invalid(errors)
    return out


def _links(session: Session, commission: Commission, benefit_id: int | None, depends_on: Any, decisions_: Any,
           errors: dict[str, str]) -> tuple[list[int] | None, list[int] | None]:
    deps = None if depends_on is None else _ids(depends_on, "depends_on", errors)
    if deps:
        found = set(session.scalars(select(Benefit.id).where(Benefit.commission_id == commission.id,
                                                             Benefit.id.in_(deps))))
        if benefit_id in found or set(deps) - found:
            errors["depends_on"] = "Choose other benefits of this commission"
        elif benefit_id is not None and _makes_cycle(session, commission.id, benefit_id, deps):
            errors["depends_on"] = "A benefit cannot depend, through others, on itself"
    chosen = None if decisions_ is None else _ids(decisions_, "decisions", errors)
    if chosen:
        found = set(session.scalars(select(Decision.id).where(Decision.commission_id == commission.id,
                                                              Decision.id.in_(chosen))))
        if set(chosen) - found:
            errors["decisions"] = "Choose decisions of this commission"
    return deps, chosen


def _makes_cycle(session: Session, commission_id: int, benefit_id: int, deps: list[int]) -> bool:
    edges: dict[int, set[int]] = {}
    for b, d in session.execute(select(BenefitDependency.benefit_id, BenefitDependency.depends_on_id)
                                .join(Benefit, Benefit.id == BenefitDependency.benefit_id)
                                .where(Benefit.commission_id == commission_id)):
        if b != benefit_id:
            edges.setdefault(b, set()).add(d)
    stack, seen = list(deps), set()
    while stack:
        node = stack.pop()
        if node == benefit_id:
            return True
        if node not in seen:
            seen.add(node)
            stack.extend(edges.get(node, ()))
    return False


def _set_links(session: Session, benefit: Benefit, deps: list[int] | None, chosen: list[int] | None) -> None:
    if deps is not None:
        session.execute(delete(BenefitDependency).where(BenefitDependency.benefit_id == benefit.id))
        session.add_all(BenefitDependency(benefit_id=benefit.id, depends_on_id=d) for d in deps)
    if chosen is not None:
        session.execute(delete(BenefitDecision).where(BenefitDecision.benefit_id == benefit.id))
        session.add_all(BenefitDecision(benefit_id=benefit.id, decision_id=d) for d in chosen)


@transactional
def create_benefit(session: Session, commission: Commission, actor: StaffUser, data: BenefitInput, *,
                   depends_on: Any = None, decisions: Any = None) -> Benefit:
    errors: dict[str, str] = {}
    try:
        values = _clean_profile(session, commission, data)
    except Invalid as exc:
        errors.update(exc.fields)
        values = {}
    deps, chosen = _links(session, commission, None, depends_on, decisions, errors)
    if errors:
        raise Invalid(errors)
    benefit = Benefit(commission_id=commission.id, created_by_id=actor.id, **values)
    session.add(benefit)
    session.flush()
    _set_links(session, benefit, deps or [], chosen or [])
    session.flush()
    return benefit


@transactional
def update_benefit(session: Session, benefit: Benefit, actor: StaffUser, *, depends_on: Any = None,
                   decisions: Any = None, **changes: Any) -> Benefit:
    """Change some of a profile's fields (the others stay as they are), its dependencies or its
    linked decisions."""
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise Invalid({k: "Not a field of a benefit profile" for k in sorted(unknown)})
    commission = session.get(Commission, benefit.commission_id)
    current = BenefitInput(**{name: getattr(benefit, name) for name in PROFILE_FIELDS})
    for name, value in changes.items():
        setattr(current, name, value)
    errors: dict[str, str] = {}
    try:
        values = _clean_profile(session, commission, current)
    except Invalid as exc:
        errors.update(exc.fields)
        values = {}
    deps, chosen = _links(session, commission, benefit.id, depends_on, decisions, errors)
    if errors:
        raise Invalid(errors)
    for name, value in values.items():
        setattr(benefit, name, value)
    benefit.updated_at = utcnow()
    _set_links(session, benefit, deps, chosen)
    session.flush()
    return benefit


# -- measurements and reviews ----------------------------------------------------------------


def measure_step(commission: Commission) -> str | None:
    """Where measurements and reviews go on the log: Evaluate once started, else Consolidate."""
    for key in MEASURE_STEPS:
        if commission.step_status(key) != NOT_STARTED:
            return key
    return None


def _require_measure_step(commission: Commission) -> str:
    step = measure_step(commission)
    if step is None:
        raise Conflict("Benefits are measured and reviewed from Consolidate on: until then, record the "
                       "baseline on the benefit's profile", {"benefit": "Consolidate has not started yet"})
    return step


def _fmt(value: float | None, unit: str = "") -> str:
    if value is None:
        return "none"
    text = f"{value:g}" if abs(value) < 1e15 else str(value)
    return f"{text} {unit}".strip()


def _done(session: Session, benefit_id: int, kind: str, on: date) -> None:
    """A measurement or review closes the reminders of its kind that were due by then (or within
    the lead time after, so one taken a few days early counts)."""
    session.execute(update(BenefitReminder).where(
        BenefitReminder.benefit_id == benefit_id, BenefitReminder.kind == kind, BenefitReminder.done_at.is_(None),
        BenefitReminder.due_on <= on + timedelta(days=REMINDER_LEAD_DAYS)).values(done_at=utcnow()))


@transactional
def record_measurement(session: Session, benefit: Benefit, actor: StaffUser, *, measured_on: Any, value: Any,
                       source: Any, note: Any = None) -> BenefitMeasurement:
    """An actual value on a date, with where it comes from."""
    commission = session.get(Commission, benefit.commission_id)
    step = _require_measure_step(commission)
    errors: dict[str, str] = {}
    when = _date(measured_on, "measured_on", errors, required=True)
    if when and when > utcnow().date():
        errors["measured_on"] = "The date of a measurement must be today or in the past"
    number = _number(value, "value", errors, required=True)
    origin = _text(source, "source", 300, errors, "where the figure comes from", required=True)
    remark = _text(note, "note", TEXT_MAX, errors, "the note")
    if errors:
        raise Invalid(errors)
    row = BenefitMeasurement(benefit_id=benefit.id, measured_on=when, value=number, source=origin, note=remark,
                             recorded_by_id=actor.id, recorded_at=utcnow())
    session.add(row)
    session.flush()
    entry = evidence.append(
        session, commission, step=step, kind="benefit_measurement",
        summary=f"{benefit.kind_label} “{benefit.title}” measured: {_fmt(number, benefit.unit)} on "
                f"{when.isoformat()} (source: {origin})."[:evidence.MAX_SUMMARY],
        payload={"benefit_id": benefit.id, "measurement_id": row.id, "measure": benefit.measure,
                 "value": number, "unit": benefit.unit, "measured_on": when.isoformat(), "source": origin,
                 "baseline": benefit.baseline_value, "target": benefit.target_value},
        author=actor, source=evidence.AUTOMATIC)
    row.evidence_entry_id = entry.id
    _done(session, benefit.id, MEASUREMENT, when)
    session.flush()
    return row


@transactional
def record_review(session: Session, benefit: Benefit, actor: StaffUser, *, held_on: Any, extent: Any,
                  findings: Any, new_target_value: Any = None, new_target_date: Any = None) -> BenefitReview:
    """A benefit review: how far the benefit is realised to date, and (optionally) new targets,
    which become the profile's target."""
    commission = session.get(Commission, benefit.commission_id)
    step = _require_measure_step(commission)
    errors: dict[str, str] = {}
    when = _date(held_on, "held_on", errors, required=True)
    if when and when > utcnow().date():
        errors["held_on"] = "The date of a review must be today or in the past"
    if extent not in EXTENTS:
        errors["extent"] = "Choose how far the benefit is realised"
    text = _text(findings, "findings", TEXT_MAX, errors, "what the review found", required=True)
    target = _number(new_target_value, "new_target_value", errors)
    target_on = _date(new_target_date, "new_target_date", errors)
    if (target is None) != (target_on is None) and "new_target_value" not in errors and "new_target_date" not in errors:
        errors["new_target_date" if target is not None else "new_target_value"] = \
            "Give the new target value and its date together"
    if errors:
        raise Invalid(errors)
    row = BenefitReview(benefit_id=benefit.id, held_on=when, extent=extent, findings=text, new_target_value=target,
                        new_target_date=target_on, recorded_by_id=actor.id, recorded_at=utcnow())
    session.add(row)
    session.flush()
    previous = (benefit.target_value, benefit.target_date)
    if target is not None:
        benefit.target_value, benefit.target_date = target, target_on
        benefit.updated_at = utcnow()
    entry = evidence.append(
        session, commission, step=step, kind="benefit_review",
        summary=(f"Review of {benefit.kind_label.lower()} “{benefit.title}” on {when.isoformat()}: "
                 f"{EXTENTS[extent].lower()}. {text}")[:evidence.MAX_SUMMARY],
        payload={"benefit_id": benefit.id, "review_id": row.id, "held_on": when.isoformat(), "extent": extent,
                 "previous_target": {"value": previous[0], "date": previous[1].isoformat() if previous[1] else None},
                 "new_target": {"value": target, "date": target_on.isoformat()} if target is not None else None},
        author=actor, source=evidence.AUTOMATIC)
    row.evidence_entry_id = entry.id
    _done(session, benefit.id, REVIEW, when)
    session.flush()
    return row


# -- the realisation plan: reminders ---------------------------------------------------------


@transactional
def issue_reminders(session: Session, today: date | None = None, lead_days: int = REMINDER_LEAD_DAYS) -> int:
    """For the scheduled job: a reminder for every scheduled measurement or review due within
    ``lead_days`` that has none yet and no measurement or review since it fell due. Idempotent."""
    today = today or utcnow().date()
    horizon = today + timedelta(days=lead_days)
    have = set(session.execute(select(BenefitReminder.benefit_id, BenefitReminder.kind, BenefitReminder.due_on)).all())
    last_measured = dict(session.execute(select(BenefitMeasurement.benefit_id, func.max(BenefitMeasurement.measured_on))
                                         .group_by(BenefitMeasurement.benefit_id)).all())
    last_reviewed = dict(session.execute(select(BenefitReview.benefit_id, func.max(BenefitReview.held_on))
                                         .group_by(BenefitReview.benefit_id)).all())
    made = 0
    for benefit in session.scalars(select(Benefit).order_by(Benefit.id)):
        for kind, dates, last in ((MEASUREMENT, benefit.measurement_dates, last_measured.get(benefit.id)),
                                  (REVIEW, benefit.review_dates, last_reviewed.get(benefit.id))):
            for raw in dates or ():
                due = date.fromisoformat(raw)
                if due > horizon or (benefit.id, kind, due) in have:
                    continue
                if last is not None and last + timedelta(days=lead_days) >= due:
                    continue  # already done (early, or since it fell due)
                session.add(BenefitReminder(benefit_id=benefit.id, kind=kind, due_on=due, owner_id=benefit.owner_id))
                made += 1
    session.flush()
    return made


@dataclass(frozen=True)
class Due:
    reminder: BenefitReminder
    benefit: Benefit
    commission_title: str

    @property
    def overdue(self) -> bool:
        return self.reminder.due_on < utcnow().date()


def reminders_for(session: Session, user: StaffUser) -> list[Due]:
    """Open reminders the user owns: those of benefits whose owner account they are, and of
    benefits with no owner account on commissions they are a commissioner of."""
    commissioner_of = select(Membership.commission_id).where(Membership.user_id == user.id,
                                                             Membership.role == COMMISSIONER)
    rows = session.execute(
        select(BenefitReminder, Benefit, Commission.title)
        .join(Benefit, Benefit.id == BenefitReminder.benefit_id)
        .join(Commission, Commission.id == Benefit.commission_id)
        .where(BenefitReminder.done_at.is_(None),
               (BenefitReminder.owner_id == user.id)
               | (BenefitReminder.owner_id.is_(None) & Benefit.commission_id.in_(commissioner_of)))
        .order_by(BenefitReminder.due_on, BenefitReminder.id))
    return [Due(r, b, t) for r, b, t in rows]


# -- reading ---------------------------------------------------------------------------------


def get_benefit(session: Session, benefit_id: Any) -> Benefit:
    row = session.get(Benefit, benefit_id) if isinstance(benefit_id, int) and 0 < benefit_id < 2**63 else None
    if row is None:
        raise NotFound("No benefit with that id")
    return row


def benefits_of(session: Session, commission_id: int) -> list[Benefit]:
    return list(session.scalars(select(Benefit).where(Benefit.commission_id == commission_id)
                                .order_by(Benefit.kind, Benefit.id)))


def measurements_of(session: Session, benefit_ids: Sequence[int]) -> dict[int, list[BenefitMeasurement]]:
    out: dict[int, list[BenefitMeasurement]] = {i: [] for i in benefit_ids}
    if out:
        for row in session.scalars(select(BenefitMeasurement).where(BenefitMeasurement.benefit_id.in_(list(out)))
                                   .order_by(BenefitMeasurement.measured_on, BenefitMeasurement.id)):
            out[row.benefit_id].append(row)
    return out


def reviews_of(session: Session, benefit_ids: Sequence[int]) -> dict[int, list[BenefitReview]]:
    out: dict[int, list[BenefitReview]] = {i: [] for i in benefit_ids}
    if out:
        for row in session.scalars(select(BenefitReview).where(BenefitReview.benefit_id.in_(list(out)))
                                   .order_by(BenefitReview.held_on, BenefitReview.id)):
            out[row.benefit_id].append(row)
    return out


def links_of(session: Session, benefit_ids: Sequence[int]) -> dict[int, dict[str, list[int]]]:
    out: dict[int, dict[str, list[int]]] = {i: {"depends_on": [], "decisions": []} for i in benefit_ids}
    if out:
        ids = list(out)
        for b, d in session.execute(select(BenefitDependency.benefit_id, BenefitDependency.depends_on_id)
                                    .where(BenefitDependency.benefit_id.in_(ids)).order_by(BenefitDependency.depends_on_id)):
            out[b]["depends_on"].append(d)
        for b, d in session.execute(select(BenefitDecision.benefit_id, BenefitDecision.decision_id)
                                    .where(BenefitDecision.benefit_id.in_(ids)).order_by(BenefitDecision.decision_id)):
            out[b]["decisions"].append(d)
    return out


def benefits_for_decisions(session: Session, decision_ids: Iterable[int]) -> dict[int, list[int]]:
    ids = list(decision_ids)
    out: dict[int, list[int]] = {}
    if ids:
        for d, b in session.execute(select(BenefitDecision.decision_id, BenefitDecision.benefit_id)
                                    .where(BenefitDecision.decision_id.in_(ids)).order_by(BenefitDecision.benefit_id)):
            out.setdefault(d, []).append(b)
    return out


def benefits_map(session: Session, commission_id: int) -> dict[str, Any]:
    """Outputs (and the decisions benefits depend on) -> outcomes -> benefits -> objectives, as
    columns of nodes and the edges between them, with benefit-to-benefit dependencies."""
    rows = benefits_of(session, commission_id)
    links = links_of(session, [b.id for b in rows])
    decision_titles = dict(session.execute(select(Decision.id, Decision.title).where(
        Decision.id.in_({d for link in links.values() for d in link["decisions"]}))).all()) if rows else {}
    columns: dict[str, dict[str, dict[str, str]]] = {"outputs": {}, "outcomes": {}, "benefits": {}, "objectives": {}}
    edges: list[dict[str, str]] = []

    def node(column: str, label: str, kind: str, node_id: str | None = None) -> str:
        key = node_id or f"{column[:-1]}:{label.lower()}"
        columns[column].setdefault(key, {"id": key, "label": label, "kind": kind})
        return key

    def edge(a: str, b: str, kind: str) -> None:
        if {"from": a, "to": b, "kind": kind} not in edges:
            edges.append({"from": a, "to": b, "kind": kind})

    for b in rows:
        me = node("benefits", b.title, b.kind, f"benefit:{b.id}")
        via = node("outcomes", b.outcome, "outcome") if b.outcome else me
        if via != me:
            edge(via, me, "leads_to")
        for output in b.outputs:
            edge(node("outputs", output, "output"), via, "leads_to")
        for d in links[b.id]["decisions"]:
            edge(node("outputs", f"Decision: {decision_titles.get(d, d)}", "decision", f"decision:{d}"), via, "leads_to")
        for objective in b.objectives:
            edge(me, node("objectives", objective, "objective"), "contributes_to")
    for b in rows:
        for d in links[b.id]["depends_on"]:
            edge(f"benefit:{d}", f"benefit:{b.id}", "depends_on")
    titles = {"outputs": "Outputs", "outcomes": "Outcomes", "benefits": "Benefits", "objectives": "Objectives"}
    return {"columns": [{"key": k, "title": titles[k], "nodes": list(v.values())} for k, v in columns.items()],
            "edges": edges}


__all__ = [
    "BENEFIT", "DIS_BENEFIT", "EXTENTS", "KINDS", "Benefit", "BenefitInput", "BenefitMeasurement", "BenefitReminder",
    "BenefitReview", "BenefitStrategy", "benefits_map", "benefits_of", "create_benefit", "get_benefit",
    "issue_reminders", "links_of", "measure_step", "measurements_of", "record_measurement", "record_review",
    "reminders_for", "reviews_of", "save_strategy", "strategy_of", "update_benefit",
]
