"""Benefits management on the API: the strategy, benefit and dis-benefit profiles, their
measurements and reviews, and the benefits map. Commissioners of the commission write; its
evaluators read."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from commissioning_steps import access, benefits
from commissioning_steps.errors import NotFound
from surveys import evaluation_report

from ..extensions import db_session
from . import bp
from .contract import body, described
from .helpers import current_staff, staff_required
from .response_schemas import BenefitOut, BenefitsMapOut, BenefitsOut, MeasurementOut, ReviewOut, StrategyOut

_IDS = fields.List(fields.Integer(strict=True, validate=validate.Range(min=1, max=2**63 - 1)),
                   validate=validate.Length(max=200))
_LINES = fields.List(fields.String(), validate=validate.Length(max=100))
_DATES = fields.List(fields.String(), validate=validate.Length(max=100))
_NUMBER = fields.Float(allow_nan=False, allow_none=True)


class PartnerWantIn(Schema):
    partner = fields.String(required=True)
    benefits = fields.String(required=True)


class StrategyIn(Schema):
    approach = fields.String(required=True)
    partner_benefits = fields.List(fields.Nested(PartnerWantIn), load_default=list, validate=validate.Length(max=50))


class BenefitPatch(Schema):
    kind = fields.String()
    title = fields.String()
    description = fields.String()
    stakeholders = _LINES
    attributes = _LINES
    outputs = _LINES
    outcome = fields.String()
    objectives = _LINES
    measure = fields.String()
    unit = fields.String()
    method = fields.String()
    baseline_value = _NUMBER
    baseline_date = fields.String(allow_none=True)
    target_value = _NUMBER
    target_date = fields.String(allow_none=True)
    owner_role = fields.String()
    owner_id = fields.Integer(strict=True, allow_none=True)
    measurement_dates = _DATES
    review_dates = _DATES
    depends_on = _IDS
    decisions = _IDS


class BenefitIn(BenefitPatch):
    kind = fields.String(load_default=benefits.BENEFIT)
    title = fields.String(required=True)
    description = fields.String(required=True)
    stakeholders = fields.List(fields.String(), required=True, validate=validate.Length(max=100))
    measure = fields.String(required=True)
    method = fields.String(required=True)
    owner_role = fields.String(required=True)


class MeasurementIn(Schema):
    measured_on = fields.String(required=True)
    value = fields.Float(required=True, allow_nan=False)
    source = fields.String(required=True)
    note = fields.String(load_default=None, allow_none=True)


class ReviewIn(Schema):
    held_on = fields.String(required=True)
    extent = fields.String(required=True)
    findings = fields.String(required=True)
    new_target_value = fields.Float(load_default=None, allow_none=True, allow_nan=False)
    new_target_date = fields.String(load_default=None, allow_none=True)


def _commission(commission_id: int, action: str = access.READ):
    return access.require(db_session(), current_staff(), commission_id, action)


def _benefit(commission_id: int, benefit_id: int, action: str = access.READ):
    commission = _commission(commission_id, action)
    benefit = benefits.get_benefit(db_session(), benefit_id)
    if benefit.commission_id != commission.id:
        raise NotFound("No benefit with that id")
    return commission, benefit


def _one(commission, benefit_id: int) -> dict:
    section = evaluation_report.benefits_section(db_session(), commission)
    return next(p for p in section["profiles"] if p["id"] == benefit_id)


@bp.get("/commissions/<int:commission_id>/benefits")
@staff_required
@described("The benefits strategy, every benefit and dis-benefit profile, and the map", out=BenefitsOut, etag=True)
def list_benefits(commission_id: int):
    commission = _commission(commission_id)
    return {"commission_id": commission.id, **evaluation_report.benefits_section(db_session(), commission)}


@bp.put("/commissions/<int:commission_id>/benefits/strategy")
@staff_required
@described("Set the benefits strategy", body=StrategyIn, out=StrategyOut, errors=(403, 409),
           example={"approach": "Measure what residents said matters", "partner_benefits": [
               {"partner": "Rosehill NHS Trust", "benefits": "Fewer missed appointments"}]})
def save_strategy(commission_id: int):
    commission = _commission(commission_id, access.WRITE)
    data = body()
    strategy = benefits.save_strategy(db_session(), commission, current_staff(), approach=data["approach"],
                                      partner_benefits=data["partner_benefits"])
    return {"approach": strategy.approach, "partner_benefits": strategy.partner_benefits,
            "updated_at": strategy.updated_at.isoformat() + "Z"}


def _input(data: dict) -> benefits.BenefitInput:
    return benefits.BenefitInput(**{k: v for k, v in data.items() if k in benefits.PROFILE_FIELDS})


@bp.post("/commissions/<int:commission_id>/benefits")
@staff_required
@described("Add a benefit or dis-benefit profile", body=BenefitIn, out=BenefitOut, status=201, errors=(403, 409),
           example={"title": "More carers get a break", "description": "Respite through the day centre",
                    "stakeholders": ["Carers"], "measure": "Carers using respite a month",
                    "method": "Day centre register", "owner_role": "Carers' lead"})
def create_benefit(commission_id: int):
    commission = _commission(commission_id, access.WRITE)
    data = body()
    benefit = benefits.create_benefit(db_session(), commission, current_staff(), _input(data),
                                      depends_on=data.get("depends_on"), decisions=data.get("decisions"))
    return _one(commission, benefit.id), 201


@bp.get("/commissions/<int:commission_id>/benefits/<int:benefit_id>")
@staff_required
@described("One benefit profile with its measurements and reviews", out=BenefitOut, etag=True)
def get_benefit(commission_id: int, benefit_id: int):
    commission, benefit = _benefit(commission_id, benefit_id)
    return _one(commission, benefit.id)


@bp.patch("/commissions/<int:commission_id>/benefits/<int:benefit_id>")
@staff_required
@described("Change a benefit profile (only the fields sent)", body=BenefitPatch, out=BenefitOut, errors=(403, 409),
           example={"target_value": 40, "target_date": "2027-03-31"})
def change_benefit(commission_id: int, benefit_id: int):
    commission, benefit = _benefit(commission_id, benefit_id, access.WRITE)
    data = body()
    changes = {k: v for k, v in data.items() if k in benefits.PROFILE_FIELDS}
    benefits.update_benefit(db_session(), benefit, current_staff(), depends_on=data.get("depends_on"),
                            decisions=data.get("decisions"), **changes)
    return _one(commission, benefit.id)


@bp.post("/commissions/<int:commission_id>/benefits/<int:benefit_id>/measurements")
@staff_required
@described("Record a measurement of a benefit (an evidence entry too)", body=MeasurementIn, out=MeasurementOut,
           status=201, errors=(403, 409),
           example={"measured_on": "2027-01-31", "value": 23, "source": "Day centre register", "note": None})
def add_measurement(commission_id: int, benefit_id: int):
    commission, benefit = _benefit(commission_id, benefit_id, access.WRITE)
    data = body()
    row = benefits.record_measurement(db_session(), benefit, current_staff(), **data)
    return {"id": row.id, "benefit_id": benefit.id, "date": row.measured_on.isoformat(), "value": row.value,
            "source": row.source, "note": row.note, "evidence_entry_id": row.evidence_entry_id}, 201


@bp.post("/commissions/<int:commission_id>/benefits/<int:benefit_id>/reviews")
@staff_required
@described("Record a review of a benefit (an evidence entry too)", body=ReviewIn, out=ReviewOut, status=201,
           errors=(403, 409), example={"held_on": "2027-02-14", "extent": "partly", "findings": "Half the target"})
def add_review(commission_id: int, benefit_id: int):
    commission, benefit = _benefit(commission_id, benefit_id, access.WRITE)
    data = body()
    row = benefits.record_review(db_session(), benefit, current_staff(), **data)
    return {"id": row.id, "benefit_id": benefit.id, "date": row.held_on.isoformat(), "extent": row.extent,
            "findings": row.findings, "new_target_value": row.new_target_value,
            "new_target_date": row.new_target_date.isoformat() if row.new_target_date else None,
            "evidence_entry_id": row.evidence_entry_id}, 201


@bp.get("/commissions/<int:commission_id>/benefits/map")
@staff_required
@described("The benefits map: outputs and decisions, outcomes, benefits, objectives, and their links",
           out=BenefitsMapOut)
def benefits_map(commission_id: int):
    commission = _commission(commission_id)
    return benefits.benefits_map(db_session(), commission.id)
