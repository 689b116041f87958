"""Residents who collect data, on the API. Staff list, invite and withdraw a survey's collectors
(by role and commission, like every staff call). A collector's app records responses with the
collector's code in a ``Collector-Token`` header (never the URL): no account, rate-limited like
residents' calls.
"""
from __future__ import annotations

from flask import current_app, request, url_for
from marshmallow import Schema, fields, validate

from commissioning_steps import access
from commissioning_steps.errors import Invalid, NotFound
from surveys import collectors, lifecycle

from ..common.errors import ApiError
from ..extensions import db_session
from ..rate_limits import limit_client
from . import bp
from .contract import body, described, paginate
from .helpers import current_staff, staff_required
from .response_schemas import Out


class CollectorIn(Schema):
    label = fields.String(required=True, validate=validate.Length(max=200))


class CollectedAnswersIn(Schema):
    answers = fields.Dict(keys=fields.String(), required=True,
                          metadata={"description": "Each question's id and its answer"})


class CollectorOut(Out):
    id = fields.Integer(required=True)
    label = fields.String(required=True, metadata={"description": "The pseudonymous label staff chose"})
    withdrawn = fields.Boolean()
    withdrawn_at = fields.String(allow_none=True, metadata={"description": "ISO 8601, UTC"})
    invited_at = fields.String(allow_none=True, metadata={"description": "ISO 8601, UTC"})
    responses = fields.Integer(metadata={"description": "Responses they recorded for this survey"})
    observations = fields.Integer(metadata={"description": "Observations they recorded"})


class InvitedOut(CollectorOut):
    code = fields.String(allow_none=True, metadata={"description": "Shown once; null when an existing "
                                                                   "collector was added to this survey"})
    link = fields.String(allow_none=True)


class CollectorsOut(Out):
    collectors = fields.List(fields.Nested(CollectorOut), required=True)
    totals = fields.Dict(metadata={"description": "Collectors, people reached and observations, counted"})


class WithdrawnOut(Out):
    id = fields.Integer(required=True)
    label = fields.String()
    withdrawn = fields.Boolean()
    withdrawn_at = fields.String(allow_none=True)


class CollectorSurveyOut(Out):
    id = fields.Integer(required=True)
    title = fields.String()
    status = fields.String()
    questions = fields.String(metadata={"description": "Where the survey's questions are (no sign-in)"})


class CollectorSurveysOut(Out):
    label = fields.String(required=True)
    surveys = fields.List(fields.Nested(CollectorSurveyOut), required=True)


class CollectedOut(Out):
    receipt = fields.String(required=True, metadata={"description": "Give it to the person answering"})
    survey_id = fields.Integer(required=True)
    survey_version = fields.Integer(required=True)
    collected_by = fields.String()


def _iso(moment):
    return moment.isoformat() + "Z" if moment else None


def _row_json(row: dict) -> dict:
    return {"id": row["id"], "label": row["label"], "withdrawn": row["withdrawn"],
            "withdrawn_at": _iso(row["withdrawn_at"]), "invited_at": _iso(row["created_at"]),
            "responses": row["responses"], "observations": row["observations"]}


def _survey(commission_id: int, survey_id: int, action: str):
    session = db_session()
    commission = access.require(session, current_staff(), commission_id, action)
    survey = lifecycle.get_survey(session, survey_id)
    if survey.commission_id != commission.id:
        raise NotFound("No such survey on this commission")
    return commission, survey


@bp.get("/commissions/<int:commission_id>/surveys/<int:survey_id>/collectors")
@staff_required
@described("A survey's community researchers, with what each collected (counts only)", out=CollectorsOut,
           paged="collectors")
def list_collectors(commission_id: int, survey_id: int):
    _, survey = _survey(commission_id, survey_id, access.READ)
    session = db_session()
    return {"collectors": [_row_json(r) for r in paginate(collectors.counts(session, survey))],
            "totals": collectors.totals(session, survey)}


@bp.post("/commissions/<int:commission_id>/surveys/<int:survey_id>/collectors")
@staff_required
@described("Invite a community researcher to collect for a survey", body=CollectorIn, out=InvitedOut, status=201,
           responses={200: InvitedOut}, errors=(403, 409), example={"label": "Researcher A"})
def invite_collector(commission_id: int, survey_id: int):
    """201 with the code and link (shown once) for a new collector; 200 with ``code: null`` when
    the label's collector was added to this survey."""
    _, survey = _survey(commission_id, survey_id, access.WRITE)
    data = body()
    session = db_session()
    invitation = collectors.invite(session, survey, current_staff(), data["label"])
    row = next(r for r in collectors.counts(session, survey) if r["id"] == invitation.collector.id)
    answer = {**_row_json(row), "code": invitation.code,
            "link": url_for("collecting.link", code=invitation.code, _external=True) if invitation.code else None}
    return answer, 201 if invitation.code else 200


@bp.post("/commissions/<int:commission_id>/collectors/<int:collector_id>/withdraw")
@staff_required
@described("Withdraw a community researcher: their code stops working, what they collected stays",
           out=WithdrawnOut, errors=(403, 409))
def withdraw_collector(commission_id: int, collector_id: int):
    session = db_session()
    commission = access.require(session, current_staff(), commission_id, access.WRITE)
    collector = collectors.withdraw(session, collectors.get(session, commission, collector_id))
    return {"id": collector.id, "label": collector.label, "withdrawn": True,
            "withdrawn_at": _iso(collector.withdrawn_at)}


# -- collectors --------------------------------------------------------------------------------


def _collector():
    token = request.headers.get("Collector-Token")
    try:
        return collectors.by_code(db_session(), token)
    except collectors.Withdrawn as exc:
        raise ApiError(403, "collector_withdrawn", exc.message) from exc
    except NotFound as exc:
        raise ApiError(401, "invalid_collector_token",
                       "Send your collector code as 'Collector-Token: <code>'") from exc


@bp.get("/collect")
@limit_client("receipt")
@described("The surveys a community researcher collects for (their code in `Collector-Token`)",
           out=CollectorSurveysOut, errors=(401, 403), auth="collector", paged="surveys")
def collector_surveys():
    collector = _collector()
    return {"label": collector.label, "surveys": [
        {"id": s.id, "title": s.title, "status": s.status, "questions": url_for("api.public_survey", slug=s.slug)}
        for s in paginate(collectors.surveys_of(db_session(), collector))]}


@bp.post("/collect/surveys/<int:survey_id>/responses")
@limit_client("submit")
@described("Record the answers of someone a community researcher spoke to, marked as collected by them",
           body=CollectedAnswersIn, out=CollectedOut, status=201, responses={200: CollectedOut},
           errors=(401, 403, 409), auth="collector", example={"answers": {"travel": "Bus"}})
def collect_response(survey_id: int):
    collector = _collector()
    data = body()
    key = request.headers.get("Idempotency-Key") or None
    if key is not None and not (1 <= len(key) <= 200):
        raise Invalid({"Idempotency-Key": "Send an Idempotency-Key of 1 to 200 characters"})
    response, receipt, created = collectors.record_response(
        db_session(), collector.id, survey_id, data["answers"], secret=current_app.config["SECRET_KEY"].encode(),
        submission_key=key)
    return ({"receipt": receipt, "survey_id": survey_id, "survey_version": response.survey_version,
             "collected_by": collector.label}, 201 if created else 200)
