"""Benefits management in the browser: the strategy, benefit and dis-benefit profiles, their
realisation plan (the dates to measure and review), measurements and reviews.

The overview (every profile, its chart and table, and the benefits map) is the evaluation's
``benefits_page``; these are the pages a commissioner changes things on, and the page of one
benefit. Commissioners of the commission write; its evaluators read; anyone else gets 404.
Every form is a plain POST with a CSRF token that calls one service and redirects; bad input
re-renders the form with the GOV.UK error summary, every problem at once. Dates use the GOV.UK
date input (day, month, year), read the same way as the "you said, we did" pages read them.
"""
from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from commissioning_steps import access, benefits, commissions, decisions, staff
from commissioning_steps.errors import Conflict, Invalid
from commissioning_steps.db import utcnow
from surveys import evaluation_report

from ..extensions import db_session
from .commission_rows import in_commission
from .you_said_we_did import date_items, date_parts, read_date

bp = Blueprint("benefits", __name__, url_prefix="/commissions/<int:commission_id>/benefits")

#: The profile's fields that are free text, and those written one a line.
TEXT_FIELDS = ("title", "description", "outcome", "measure", "unit", "method", "owner_role")
LINE_FIELDS = ("stakeholders", "attributes", "outputs", "objectives")
DATE_FIELDS = {"baseline_date": "the baseline date", "target_date": "the target date"}
PLAN_KINDS = {benefits.MEASUREMENT: ("measurement_dates", "Measurement"), benefits.REVIEW: ("review_dates", "Review")}


@bp.before_request
def _signed_in_only():
    return login_required(lambda: None)()


# -- loading, with who may do what -----------------------------------------------------------


def _commission(commission_id: int, action: str = access.READ) -> commissions.Commission:
    return access.require(db_session(), current_user, commission_id, action)


def _benefit(commission: commissions.Commission, benefit_id: int) -> benefits.Benefit:
    return in_commission(commission, benefits.get_benefit, benefit_id)


def _profile(commission, benefit_id: int) -> dict:
    section = evaluation_report.benefits_section(db_session(), commission)
    return next(p for p in section["profiles"] if p["id"] == benefit_id)


def _iso_or_refused(value: date | None, name: str, errors: dict[str, str]) -> str | None:
    """A date the page refused goes on as one the service refuses too, so nothing is saved
    and every error shows at once (the page's wording wins)."""
    if name in errors:
        return "not a date"
    return value.isoformat() if value else None


def _parts(value) -> dict[str, str]:
    if not value:
        return {"day": "", "month": "", "year": ""}
    if isinstance(value, str):
        value = date.fromisoformat(value)
    return {"day": str(value.day), "month": str(value.month), "year": str(value.year)}


def _number_text(value) -> str:
    return "" if value is None else f"{value:g}"


def _int_or_raw(value: str | None):
    """A chosen id as a number; anything else goes to the service as it came, to be refused."""
    value = (value or "").strip()
    if not value:
        return None
    return int(value) if value.isdigit() and len(value) <= 18 else value


def _ids(values) -> list:
    return [_int_or_raw(v) for v in values if (v or "").strip()]


def _merge(page: dict[str, str], domain: dict[str, str]) -> dict[str, str]:
    return {**page, **{k: v for k, v in domain.items() if k not in page}}


# -- the strategy ----------------------------------------------------------------------------


def _strategy_page(commission, values: dict, errors: dict[str, str] | None = None, status: int = 200):
    return render_template("benefits/strategy.html", commission=commission, values=values, errors=errors or {},
                           partners=list(commission.partners)), status


@bp.get("/strategy")
def strategy_form(commission_id: int):
    commission = _commission(commission_id, access.WRITE)
    current = benefits.strategy_of(db_session(), commission.id)
    wants = {w["partner"]: w["benefits"] for w in (current.partner_benefits if current else [])}
    values = {"approach": current.approach if current else ""}
    for i, partner in enumerate(commission.partners):
        values[f"partner-{i}"] = wants.get(partner, "")
    return _strategy_page(commission, values)


@bp.post("/strategy")
def save_strategy(commission_id: int):
    commission = _commission(commission_id, access.WRITE)
    form = request.form
    values = {"approach": form.get("approach", "")}
    wants, field_of = [], {}
    for i, partner in enumerate(commission.partners):
        text = form.get(f"partner-{i}", "")
        values[f"partner-{i}"] = text
        if text.strip():
            field_of[f"partner_benefits.{len(wants)}.benefits"] = f"partner-{i}"
            wants.append({"partner": partner, "benefits": text})
    try:
        benefits.save_strategy(db_session(), commission, current_user, approach=values["approach"],
                               partner_benefits=wants)
    except Invalid as exc:
        errors = {field_of.get(k, k): v for k, v in exc.fields.items()}
        return _strategy_page(commission, values, errors, 422)
    flash("Benefits management strategy saved", "success")
    return redirect(url_for("evaluation.benefits_page", commission_id=commission.id))


# -- profiles --------------------------------------------------------------------------------


def _owner_choices(commission) -> list[tuple[int, str]]:
    return [(u.id, u.name) for u, role in commissions.members(db_session(), commission) if role == staff.COMMISSIONER]


def _profile_page(commission, values: dict, errors: dict[str, str] | None = None, benefit=None, status: int = 200):
    session = db_session()
    others = [b for b in benefits.benefits_of(session, commission.id) if benefit is None or b.id != benefit.id]
    return render_template(
        "benefits/profile_form.html", commission=commission, benefit=benefit, values=values, errors=errors or {},
        kinds=benefits.KINDS, others=others, decisions=decisions.decisions_of(session, commission.id),
        owners=_owner_choices(commission), date_items=date_items,
        chosen_deps={str(v) for v in values.get("depends_on", [])},
        chosen_decisions={str(v) for v in values.get("decisions", [])}), status


def _values_from(benefit: benefits.Benefit | None) -> dict:
    if benefit is None:
        return {"kind": benefits.BENEFIT, "baseline_date": _parts(None), "target_date": _parts(None)}
    links = benefits.links_of(db_session(), [benefit.id])[benefit.id]
    values = {name: getattr(benefit, name) or "" for name in TEXT_FIELDS}
    values.update({name: "\n".join(getattr(benefit, name) or []) for name in LINE_FIELDS})
    values.update(kind=benefit.kind, baseline_value=_number_text(benefit.baseline_value),
                  target_value=_number_text(benefit.target_value), baseline_date=_parts(benefit.baseline_date),
                  target_date=_parts(benefit.target_date), owner_id=str(benefit.owner_id or ""),
                  depends_on=[str(d) for d in links["depends_on"]], decisions=[str(d) for d in links["decisions"]])
    return values


def _read_profile(form) -> tuple[dict, dict[str, str], dict]:
    """The posted profile: ``(values to show again, the page's own errors, what the service gets)``."""
    errors: dict[str, str] = {}
    values = {name: form.get(name, "") for name in (*TEXT_FIELDS, *LINE_FIELDS, "kind", "baseline_value",
                                                       "target_value", "owner_id")}
    values.update(depends_on=form.getlist("depends_on"), decisions=form.getlist("decisions"))
    data = {name: values[name] for name in (*TEXT_FIELDS, *LINE_FIELDS)}
    data["kind"] = values["kind"] or None
    data["baseline_value"], data["target_value"] = values["baseline_value"], values["target_value"]
    data["owner_id"] = _int_or_raw(values["owner_id"])
    for name, label in DATE_FIELDS.items():
        values[name] = date_parts(form, name)
        data[name] = _iso_or_refused(read_date(form, name, errors, label), name, errors)
    return values, errors, data


def _profile_anchors() -> dict[str, str]:
    return {"kind": "kind", "baseline_date": "baseline_date-day", "target_date": "target_date-day",
            "depends_on": "depends_on", "decisions": "decisions"}


@bp.get("/new")
def new_benefit(commission_id: int):
    commission = _commission(commission_id, access.WRITE)
    return _profile_page(commission, _values_from(None))


@bp.post("/new")
def create_benefit(commission_id: int):
    commission = _commission(commission_id, access.WRITE)
    values, errors, data = _read_profile(request.form)
    try:
        benefit = benefits.create_benefit(db_session(), commission, current_user, benefits.BenefitInput(**data),
                                          depends_on=_ids(values["depends_on"]), decisions=_ids(values["decisions"]))
    except Invalid as exc:
        return _profile_page(commission, values, _merge(errors, exc.fields), status=422)
    flash(f"{benefit.kind_label} “{benefit.title}” added", "success")
    return redirect(url_for(".benefit_page", commission_id=commission.id, benefit_id=benefit.id))


@bp.get("/<int:benefit_id>/edit")
def edit_benefit(commission_id: int, benefit_id: int):
    commission = _commission(commission_id, access.WRITE)
    benefit = _benefit(commission, benefit_id)
    return _profile_page(commission, _values_from(benefit), benefit=benefit)


@bp.post("/<int:benefit_id>/edit")
def change_benefit(commission_id: int, benefit_id: int):
    commission = _commission(commission_id, access.WRITE)
    benefit = _benefit(commission, benefit_id)
    values, errors, data = _read_profile(request.form)
    try:
        benefits.update_benefit(db_session(), benefit, current_user, depends_on=_ids(values["depends_on"]),
                                decisions=_ids(values["decisions"]), **data)
    except Invalid as exc:
        return _profile_page(commission, values, _merge(errors, exc.fields), benefit=benefit, status=422)
    flash(f"{benefit.kind_label} “{benefit.title}” saved", "success")
    return redirect(url_for(".benefit_page", commission_id=commission.id, benefit_id=benefit.id))


# -- one benefit, with its realisation plan --------------------------------------------------


def _benefit_page(commission, benefit, plan_values=None, errors=None, status=200):
    session = db_session()
    return render_template(
        "benefits/benefit.html", commission=commission, benefit=benefit, p=_profile(commission, benefit.id),
        can_write=access.allowed(session, current_user, commission.id, access.WRITE),
        measure_step=benefits.measure_step(commission), plan_kinds=PLAN_KINDS, date_items=date_items,
        plan_values=plan_values or {"kind": "", "plan_on": _parts(None)}, errors=errors or {}), status


@bp.get("/<int:benefit_id>")
def benefit_page(commission_id: int, benefit_id: int):
    commission = _commission(commission_id)
    return _benefit_page(commission, _benefit(commission, benefit_id))


@bp.post("/<int:benefit_id>/plan")
def schedule(commission_id: int, benefit_id: int):
    """Add a date to the realisation plan: a measurement or a review (the scheduled job turns
    each into a reminder on the owner's dashboard a week before it is due)."""
    commission = _commission(commission_id, access.WRITE)
    benefit = _benefit(commission, benefit_id)
    form = request.form
    errors: dict[str, str] = {}
    kind = form.get("kind", "")
    values = {"kind": kind, "plan_on": date_parts(form, "plan_on")}
    if kind not in PLAN_KINDS:
        errors["kind"] = "Choose whether to schedule a measurement or a review"
    on = read_date(form, "plan_on", errors, "the date it is due", required=True)
    if on and on < utcnow().date():
        errors["plan_on"] = "The date it is due must be today or in the future"
    if not errors and on.isoformat() in getattr(benefit, PLAN_KINDS[kind][0]):
        errors["plan_on"] = f"A {PLAN_KINDS[kind][1].lower()} is already planned on that date"
    if not errors:
        name = PLAN_KINDS[kind][0]
        try:
            benefits.update_benefit(db_session(), benefit, current_user,
                                    **{name: [*getattr(benefit, name), on.isoformat()]})
        except Invalid as exc:
            errors = {"plan_on": next(iter(exc.fields.values()))}
    if errors:
        return _benefit_page(commission, benefit, values, errors, 422)
    flash(f"{PLAN_KINDS[kind][1]} planned for {on.day} {on:%B %Y}", "success")
    return redirect(url_for(".benefit_page", commission_id=commission.id, benefit_id=benefit.id) + "#plan")


@bp.post("/<int:benefit_id>/plan/remove")
def unschedule(commission_id: int, benefit_id: int):
    commission = _commission(commission_id, access.WRITE)
    benefit = _benefit(commission, benefit_id)
    kind, on = request.form.get("kind", ""), request.form.get("on", "")
    if kind not in PLAN_KINDS or on not in getattr(benefit, PLAN_KINDS[kind][0]):
        abort(404)
    name = PLAN_KINDS[kind][0]
    benefits.update_benefit(db_session(), benefit, current_user, **{name: [d for d in getattr(benefit, name) if d != on]})
    flash(f"{PLAN_KINDS[kind][1]} on {date.fromisoformat(on):%-d %B %Y} taken out of the plan", "success")
    return redirect(url_for(".benefit_page", commission_id=commission.id, benefit_id=benefit.id) + "#plan")


# -- measurements and reviews ----------------------------------------------------------------


def _record_page(template: str, commission, benefit, values, errors=None, status=200):
    return render_template(template, commission=commission, benefit=benefit, values=values, errors=errors or {},
                           extents=benefits.EXTENTS, date_items=date_items,
                           measure_step=benefits.measure_step(commission)), status


@bp.get("/<int:benefit_id>/measurements/new")
def new_measurement(commission_id: int, benefit_id: int):
    commission = _commission(commission_id, access.WRITE)
    benefit = _benefit(commission, benefit_id)
    return _record_page("benefits/measurement_form.html", commission, benefit, {"measured_on": _parts(None)})


@bp.post("/<int:benefit_id>/measurements/new")
def record_measurement(commission_id: int, benefit_id: int):
    commission = _commission(commission_id, access.WRITE)
    benefit = _benefit(commission, benefit_id)
    form = request.form
    errors: dict[str, str] = {}
    values = {**{k: form.get(k, "") for k in ("value", "source", "note")}, "measured_on": date_parts(form, "measured_on")}
    on = read_date(form, "measured_on", errors, "the date it was measured", required=True)
    try:
        benefits.record_measurement(db_session(), benefit, current_user,
                                    measured_on=_iso_or_refused(on, "measured_on", errors),
                                    value=values["value"], source=values["source"], note=values["note"])
    except Conflict as exc:
        return _record_page("benefits/measurement_form.html", commission, benefit, values, {"benefit": exc.message}, 409)
    except Invalid as exc:
        return _record_page("benefits/measurement_form.html", commission, benefit, values,
                            _merge(errors, exc.fields), 422)
    flash("Measurement recorded. It is in the evidence log.", "success")
    return redirect(url_for(".benefit_page", commission_id=commission.id, benefit_id=benefit.id) + "#values")


@bp.get("/<int:benefit_id>/reviews/new")
def new_review(commission_id: int, benefit_id: int):
    commission = _commission(commission_id, access.WRITE)
    benefit = _benefit(commission, benefit_id)
    return _record_page("benefits/review_form.html", commission, benefit,
                        {"held_on": _parts(None), "new_target_date": _parts(None)})


@bp.post("/<int:benefit_id>/reviews/new")
def record_review(commission_id: int, benefit_id: int):
    commission = _commission(commission_id, access.WRITE)
    benefit = _benefit(commission, benefit_id)
    form = request.form
    errors: dict[str, str] = {}
    values = {**{k: form.get(k, "") for k in ("extent", "findings", "new_target_value")},
              "held_on": date_parts(form, "held_on"), "new_target_date": date_parts(form, "new_target_date")}
    held = read_date(form, "held_on", errors, "the date of the review", required=True)
    target_on = read_date(form, "new_target_date", errors, "the new target date")
    try:
        benefits.record_review(db_session(), benefit, current_user, held_on=_iso_or_refused(held, "held_on", errors),
                               extent=values["extent"] or None, findings=values["findings"],
                               new_target_value=values["new_target_value"],
                               new_target_date=_iso_or_refused(target_on, "new_target_date", errors))
    except Conflict as exc:
        return _record_page("benefits/review_form.html", commission, benefit, values, {"benefit": exc.message}, 409)
    except Invalid as exc:
        return _record_page("benefits/review_form.html", commission, benefit, values, _merge(errors, exc.fields), 422)
    flash("Benefit review recorded. It is in the evidence log.", "success")
    return redirect(url_for(".benefit_page", commission_id=commission.id, benefit_id=benefit.id) + "#reviews")


__all__ = ["bp"]
