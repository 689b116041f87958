"""Surveys on the API: staff build, open, close and read results; residents answer (no account).

Residents' calls (submitting, and seeing, changing or deleting answers by receipt) need no
token. They are rate-limited per client address for a few minutes, in memory only: addresses
are never written to the database or the logs.
"""
from __future__ import annotations

from datetime import timezone

from flask import current_app, jsonify, request, url_for
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from commissioning_steps import access
from commissioning_steps.commissions import Commission
from commissioning_steps.errors import Invalid
from surveys import lifecycle, responses, results
from surveys.branching import flatten
from surveys.models import Survey, SurveyResponse

from ..common.downloads import survey_responses_csv
from ..extensions import db_session
from ..rate_limits import limit_client
from . import bp
from .helpers import current_staff, load_json, staff_required


class _UtcDateTime(fields.AwareDateTime):
    """Schedules are stored as naive UTC, like every other time in Engage."""

    def _deserialize(self, value, attr, data, **kwargs):
        moment = super()._deserialize(value, attr, data, **kwargs)
        return moment.astimezone(timezone.utc).replace(tzinfo=None)


class SurveyIn(Schema):
    title = fields.String(validate=validate.Length(max=200))
    step = fields.String()
    description = fields.String(validate=validate.Length(max=5000))
    privacy_notice = fields.String(validate=validate.Length(max=5000))
    questions = fields.List(fields.Raw(), validate=validate.Length(max=lifecycle.MAX_QUESTIONS))
    sections = fields.List(fields.Raw(), validate=validate.Length(max=100))
    template = fields.String()
    opens_at = _UtcDateTime(allow_none=True, default_timezone=timezone.utc)
    closes_at = _UtcDateTime(allow_none=True, default_timezone=timezone.utc)
    # What residents are asked about, shown on the start page before the questions.
    material_title = fields.String(validate=validate.Length(max=200))
    material_text = fields.String(validate=validate.Length(max=lifecycle.MATERIAL_TEXT_MAX))
    material_url = fields.String(validate=validate.Length(max=lifecycle.MATERIAL_URL_MAX))


class AnswersIn(Schema):
    answers = fields.Dict(keys=fields.String(), required=True)


def _input(data: dict) -> lifecycle.SurveyInput:
    items = data.get("sections") if data.get("sections") is not None else data.get("questions")
    return lifecycle.SurveyInput(
        title=data.get("title"), step=data.get("step"), description=data.get("description"),
        privacy_notice=data.get("privacy_notice"), items=items, template=data.get("template"),
        opens_at=data.get("opens_at"), closes_at=data.get("closes_at"),
        clear_opens_at="opens_at" in data and data["opens_at"] is None,
        clear_closes_at="closes_at" in data and data["closes_at"] is None,
        material_title=data.get("material_title"), material_text=data.get("material_text"),
        material_url=data.get("material_url"),
    )


def _iso(moment):
    return moment.isoformat() + "Z" if moment else None


def survey_json(survey: Survey, count: int | None = None) -> dict:
    return {
        "id": survey.id, "commission_id": survey.commission_id, "title": survey.title,
        "description": survey.description, "privacy_notice": survey.privacy_notice,
        "material": _material(survey),
        "step": survey.step, "practice_question": survey.practice_question, "status": survey.status,
        "version": survey.version, "template": survey.template,
        "questions": flatten(survey.definition),
        "sections": survey.definition if any("questions" in i for i in survey.definition) else None,
        "opens_at": _iso(survey.opens_at), "closes_at": _iso(survey.closes_at),
        "opened_at": _iso(survey.opened_at), "closed_at": _iso(survey.closed_at),
        "archived_at": _iso(survey.archived_at),
        "responses": count if count is not None else lifecycle.response_count(db_session(), survey.id),
        "links": {
            "public": url_for("survey_answering.start", slug=survey.slug, _external=True),
            "qr_svg": url_for("survey_answering.qr", slug=survey.slug, fmt="svg", _external=True),
            "qr_png": url_for("survey_answering.qr", slug=survey.slug, fmt="png", _external=True),
            "results": url_for("api.survey_results", survey_id=survey.id),
        },
    }


def _material(survey: Survey) -> dict:
    return {"title": survey.material_title, "text": survey.material_text, "url": survey.material_url}


def _survey_for(survey_id: int, action: str) -> tuple[Survey, Commission]:
    session = db_session()
    survey = lifecycle.get_survey(session, survey_id)
    commission = access.require(session, current_staff(), survey.commission_id, action)
    return survey, commission


@bp.post("/commissions/<int:commission_id>/surveys")
@staff_required
def create_survey(commission_id: int):
    session = db_session()
    commission = access.require(session, current_staff(), commission_id, access.WRITE)
    survey = lifecycle.create_survey(session, commission, current_staff(), _input(load_json(SurveyIn())))
    return jsonify(survey_json(survey, 0)), 201, {"Location": url_for("api.get_survey", survey_id=survey.id)}


@bp.get("/commissions/<int:commission_id>/surveys")
@staff_required
def list_surveys(commission_id: int):
    """The commission's surveys; archived ones only with ``?archived=include`` (all) or
    ``?archived=only``."""
    session = db_session()
    commission = access.require(session, current_staff(), commission_id)
    choice = request.args.get("archived", "exclude")
    if choice not in ("exclude", "include", "only"):
        raise Invalid({"archived": "Use archived=exclude, include or only"})
    archived = {"exclude": False, "include": None, "only": True}[choice]
    return jsonify(surveys=[survey_json(s) for s in lifecycle.for_commission(session, commission.id, archived)])


@bp.get("/surveys/<int:survey_id>")
@staff_required
def get_survey(survey_id: int):
    survey, _ = _survey_for(survey_id, access.READ)
    return jsonify(survey_json(survey))


@bp.patch("/surveys/<int:survey_id>")
@staff_required
def update_survey(survey_id: int):
    survey, _ = _survey_for(survey_id, access.WRITE)
    lifecycle.update_survey(db_session(), survey, _input(load_json(SurveyIn())))
    return jsonify(survey_json(survey))


@bp.post("/surveys/<int:survey_id>/open")
@staff_required
def open_survey(survey_id: int):
    survey, _ = _survey_for(survey_id, access.WRITE)
    lifecycle.open_survey(db_session(), survey)
    return jsonify(survey_json(survey))


@bp.post("/surveys/<int:survey_id>/close")
@staff_required
def close_survey(survey_id: int):
    survey, _ = _survey_for(survey_id, access.WRITE)
    entry = lifecycle.close_survey(db_session(), survey, current_staff())
    body = survey_json(survey)
    body["evidence_entry"] = {"id": entry.id, "seq": entry.seq, "hash": entry.hash}
    return jsonify(body)


@bp.delete("/surveys/<int:survey_id>")
@staff_required
def delete_survey(survey_id: int):
    """Delete a draft (409 for an open or closed survey: close it, or archive it)."""
    survey, _ = _survey_for(survey_id, access.WRITE)
    lifecycle.delete_survey(db_session(), survey)
    return "", 204


@bp.post("/surveys/<int:survey_id>/archive")
@staff_required
def archive_survey(survey_id: int):
    survey, _ = _survey_for(survey_id, access.WRITE)
    lifecycle.archive_survey(db_session(), survey)
    return jsonify(survey_json(survey))


@bp.post("/surveys/<int:survey_id>/unarchive")
@staff_required
def unarchive_survey(survey_id: int):
    survey, _ = _survey_for(survey_id, access.WRITE)
    lifecycle.archive_survey(db_session(), survey, archived=False)
    return jsonify(survey_json(survey))


def _all_responses(survey_id: int) -> list[SurveyResponse]:
    return list(db_session().scalars(select(SurveyResponse).where(SurveyResponse.survey_id == survey_id)
                                     .order_by(SurveyResponse.submitted_at, SurveyResponse.id)))


@bp.get("/surveys/<int:survey_id>/results")
@staff_required
def survey_results(survey_id: int):
    survey, commission = _survey_for(survey_id, access.READ)
    if request.args.get("format") == "csv":
        return survey_responses_csv(survey, db_session())
    figures = results.stored_results(db_session(), survey, commission.population_groups,
                                     by=request.args.get("by"), search=request.args.get("q"))
    if request.args.get("format") == "export":
        figures["answers"] = results.answers_export(_all_responses(survey.id))
    return jsonify(figures)


# -- residents -----------------------------------------------------------------------------


def _secret() -> bytes:
    return current_app.config["SECRET_KEY"].encode()


@bp.get("/public/surveys/<slug>")
def public_survey(slug: str):
    """What a native app or kiosk needs to show an open survey."""
    survey = lifecycle.answerable(db_session(), slug)
    return jsonify(id=survey.id, title=survey.title, description=survey.description,
                   privacy_notice=survey.privacy_notice, material=_material(survey), version=survey.version,
                   questions=flatten(survey.definition))


@bp.post("/surveys/<int:survey_id>/responses")
@limit_client("submit")
def submit_response(survey_id: int):
    session = db_session()
    survey = lifecycle.get_survey(session, survey_id)
    data = load_json(AnswersIn())
    key = request.headers.get("Idempotency-Key") or None
    if key is not None and not (1 <= len(key) <= 200):
        raise Invalid({"Idempotency-Key": "Send an Idempotency-Key of 1 to 200 characters"})
    response, receipt, created = responses.submit(session, survey, data["answers"], secret=_secret(),
                                                  submission_key=key)
    return jsonify(receipt=receipt, survey_id=survey.id, survey_version=response.survey_version), 201 if created else 200


def _response_json(response: SurveyResponse) -> dict:
    survey = db_session().get(Survey, response.survey_id)
    return {"survey_id": survey.id, "survey_title": survey.title, "survey_status": survey.status,
            "survey_version": response.survey_version, "answers": response.answers,
            "submitted_at": _iso(response.submitted_at), "updated_at": _iso(response.updated_at),
            "can_change": responses.accepts_answers(survey)}


@bp.get("/responses/<receipt>")
@limit_client("receipt")
def get_response(receipt: str):
    return jsonify(_response_json(responses.find(db_session(), receipt)))


@bp.put("/responses/<receipt>")
@limit_client("receipt")
def change_response(receipt: str):
    session = db_session()
    response = responses.find(session, receipt)
    data = load_json(AnswersIn())
    responses.change(session, response, data["answers"])
    return jsonify(_response_json(response))


@bp.delete("/responses/<receipt>")
@limit_client("receipt")
def delete_response(receipt: str):
    session = db_session()
    responses.delete(session, responses.find(session, receipt))
    return "", 204
