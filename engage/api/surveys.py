"""Surveys on the API: staff build, open, close and read results; residents answer (no account).

Residents' calls (submitting, and seeing, changing or deleting answers by receipt) need no
token. They are rate-limited per client address for a few minutes, in memory only: addresses
are never written to the database or the logs.
"""
from __future__ import annotations

from datetime import timezone

from flask import request, url_for
from marshmallow import EXCLUDE, Schema, fields, validate
from sqlalchemy import select

from commissioning_steps import access
from commissioning_steps.commissions import Commission
from commissioning_steps.errors import Invalid
from surveys import lifecycle, responses, results
from surveys.branching import flatten
from surveys.models import Survey, SurveyResponse
from surveys.responses import Submission

from ..common import submissions
from ..common.downloads import survey_responses_csv
from ..common.errors import ApiError
from ..extensions import db_session, release_session
from ..rate_limits import limit_client
from . import bp
from .contract import Alternative, args, body, described, paginate
from .helpers import current_staff, staff_required
from .response_schemas import PublicSurveyOut, ReceiptOut, ResponseOut, ResultsOut, SurveyOut, SurveysOut


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
    answers = fields.Dict(keys=fields.String(), required=True,
                          metadata={"description": "Each question's id and its answer"})


class ArchivedQuery(Schema):
    class Meta:
        unknown = EXCLUDE

    archived = fields.String(load_default="exclude", validate=validate.OneOf(("exclude", "include", "only"),
                                                                             error="Use archived=exclude, include or only"))


class ResultsQuery(Schema):
    class Meta:
        unknown = EXCLUDE

    format = fields.String(validate=validate.OneOf(("json", "csv", "export")),
                           metadata={"description": "`csv`: every response as a spreadsheet; `export`: the figures "
                                                    "and every response's answers"})
    by = fields.String(validate=validate.Length(max=100),
                       metadata={"description": "An about-you question's id to break results down by"})
    q = fields.String(validate=validate.Length(max=200), metadata={"description": "Search free-text answers"})


class ExportOut(ResultsOut):
    """``?format=export``: the figures with every response's answers."""


SURVEY_EXAMPLE = {"title": "Getting to the day centre", "step": "investigate",
                  "questions": [{"id": "travel", "type": "single_choice", "text": "How do you get there?",
                                 "options": ["Bus", "Car", "Walk"]}]}


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
@described("Create a draft survey (from a template, or questions or sections)", body=SurveyIn, out=SurveyOut,
           status=201, errors=(403,), example=SURVEY_EXAMPLE)
def create_survey(commission_id: int):
    session = db_session()
    commission = access.require(session, current_staff(), commission_id, access.WRITE)
    survey = lifecycle.create_survey(session, commission, current_staff(), _input(body()))
    return survey_json(survey, 0), 201, {"Location": url_for("api.get_survey", survey_id=survey.id)}


@bp.get("/commissions/<int:commission_id>/surveys")
@staff_required
@described("The commission's surveys", query=ArchivedQuery, out=SurveysOut, paged="surveys")
def list_surveys(commission_id: int):
    """The commission's surveys; archived ones only with ``?archived=include`` (all) or
    ``?archived=only``."""
    session = db_session()
    commission = access.require(session, current_staff(), commission_id)
    archived = {"exclude": False, "include": None, "only": True}[args()["archived"]]
    return {"surveys": [survey_json(s) for s in paginate(lifecycle.for_commission(session, commission.id, archived))]}


@bp.get("/surveys/<int:survey_id>")
@staff_required
@described("One survey, its questions and its response count", out=SurveyOut, etag=True)
def get_survey(survey_id: int):
    survey, _ = _survey_for(survey_id, access.READ)
    return survey_json(survey)


@bp.patch("/surveys/<int:survey_id>")
@staff_required
@described("Change a survey (questions only in draft)", body=SurveyIn, out=SurveyOut, errors=(403, 409),
           example={"closes_at": "2027-03-31T17:00:00Z"})
def update_survey(survey_id: int):
    survey, _ = _survey_for(survey_id, access.WRITE)
    lifecycle.update_survey(db_session(), survey, _input(body()))
    return survey_json(survey)


@bp.post("/surveys/<int:survey_id>/open")
@staff_required
@described("Open a survey for answers", out=SurveyOut, errors=(403, 409))
def open_survey(survey_id: int):
    survey, _ = _survey_for(survey_id, access.WRITE)
    lifecycle.open_survey(db_session(), survey)
    return survey_json(survey)


@bp.post("/surveys/<int:survey_id>/close")
@staff_required
@described("Close a survey; its results are appended to the evidence log", out=SurveyOut, errors=(403, 409))
def close_survey(survey_id: int):
    survey, _ = _survey_for(survey_id, access.WRITE)
    entry = lifecycle.close_survey(db_session(), survey, current_staff())
    return {**survey_json(survey), "evidence_entry": {"id": entry.id, "seq": entry.seq, "hash": entry.hash}}


@bp.delete("/surveys/<int:survey_id>")
@staff_required
@described("Delete a draft survey", out=None, status=204, errors=(403, 409))
def delete_survey(survey_id: int):
    """Delete a draft (409 for an open or closed survey: close it, or archive it)."""
    survey, _ = _survey_for(survey_id, access.WRITE)
    lifecycle.delete_survey(db_session(), survey)
    return "", 204


@bp.post("/surveys/<int:survey_id>/archive")
@staff_required
@described("Archive a closed survey (its responses, results and evidence are kept)", out=SurveyOut, errors=(403, 409))
def archive_survey(survey_id: int):
    survey, _ = _survey_for(survey_id, access.WRITE)
    lifecycle.archive_survey(db_session(), survey)
    return survey_json(survey)


@bp.post("/surveys/<int:survey_id>/unarchive")
@staff_required
@described("Bring an archived survey back", out=SurveyOut, errors=(403, 409))
def unarchive_survey(survey_id: int):
    survey, _ = _survey_for(survey_id, access.WRITE)
    lifecycle.archive_survey(db_session(), survey, archived=False)
    return survey_json(survey)


def _all_responses(survey_id: int) -> list[SurveyResponse]:
    return list(db_session().scalars(select(SurveyResponse).where(SurveyResponse.survey_id == survey_id)
                                     .order_by(SurveyResponse.submitted_at, SurveyResponse.id)))


@bp.get("/surveys/<int:survey_id>/results")
@staff_required
@described("A survey's results: per question, with representativeness", query=ResultsQuery, out=ResultsOut,
           responses={200: [ExportOut, "text/csv"]}, etag=True, errors=(422,))
def survey_results(survey_id: int):
    survey, commission = _survey_for(survey_id, access.READ)
    if args().get("format") == "csv":
        return survey_responses_csv(survey, db_session())
    figures = results.stored_results(db_session(), survey, commission.population_groups,
                                     by=args().get("by"), search=args().get("q"))
    if args().get("format") == "export":
        return Alternative(ExportOut, {**figures, "answers": results.answers_export(_all_responses(survey.id))})
    return figures


# -- residents -----------------------------------------------------------------------------


@bp.get("/public/surveys/<slug>")
@described("An open survey, for a kiosk or app to show (no sign-in)", out=PublicSurveyOut, etag=True)
def public_survey(slug: str):
    """What a native app or kiosk needs to show an open survey."""
    survey = lifecycle.answerable(db_session(), slug)
    return {"id": survey.id, "title": survey.title, "description": survey.description,
            "privacy_notice": survey.privacy_notice, "material": _material(survey), "version": survey.version,
            "questions": flatten(survey.definition)}


@bp.post("/surveys/<int:survey_id>/responses")
@limit_client("submit")
@described("Answer a survey (residents, no sign-in); the receipt sees, changes or deletes the answers",
           body=AnswersIn, out=ReceiptOut, status=201, responses={200: ReceiptOut}, errors=(409, 503),
           example={"answers": {"travel": "Bus"}})
def submit_response(survey_id: int):
    """Checked here, stored by the process's submission writer with whatever else arrived
    meanwhile (``engage.common.submissions``), and answered once that group has committed."""
    writer = submissions.writer()
    survey = writer.surveys.get(survey_id, lambda sid: lifecycle.get_survey(db_session(write=False), sid))
    data = body()
    key = request.headers.get("Idempotency-Key") or None
    if key is not None and not (1 <= len(key) <= 200):
        raise Invalid({"Idempotency-Key": "Send an Idempotency-Key of 1 to 200 characters"})
    # Bad answers are answered at once; whether the survey is open is decided by the writer,
    # under the write lock, so a close that commits first refuses this submission.
    cleaned = responses.clean_answers(survey, data["answers"], writer.surveys.rules(survey)) \
        if responses.accepts_answers(survey) else None
    submission = Submission(survey.id, data["answers"], cleaned, survey.version, key)
    release_session()
    try:
        done = writer.submit(submission)
    except submissions.WriteFailed:
        raise ApiError(503, "unavailable", "Your answers could not be stored just now. Send them again with "
                                           "the same Idempotency-Key: they will be counted once.") from None
    return ({"receipt": done.receipt, "survey_id": submission.survey_id, "survey_version": done.survey_version},
            201 if done.created else 200)


def _response_json(response: SurveyResponse) -> dict:
    survey = db_session().get(Survey, response.survey_id)
    return {"survey_id": survey.id, "survey_title": survey.title, "survey_status": survey.status,
            "survey_version": response.survey_version, "answers": response.answers,
            "submitted_at": _iso(response.submitted_at), "updated_at": _iso(response.updated_at),
            "can_change": responses.accepts_answers(survey)}


@bp.get("/responses/<receipt>")
@limit_client("receipt")
@described("A resident's answers, by receipt", out=ResponseOut)
def get_response(receipt: str):
    return _response_json(responses.find(db_session(), receipt))


@bp.put("/responses/<receipt>")
@limit_client("receipt")
@described("Change a resident's answers while the survey is open", body=AnswersIn, out=ResponseOut, errors=(409,),
           example={"answers": {"travel": "Walk"}})
def change_response(receipt: str):
    session = db_session()
    response = responses.find(session, receipt)
    data = body()
    responses.change(session, response, data["answers"])
    return _response_json(response)


@bp.delete("/responses/<receipt>")
@limit_client("receipt")
@described("Delete a resident's answers", out=None, status=204, errors=(409,))
def delete_response(receipt: str):
    session = db_session()
    responses.delete(session, responses.find(session, receipt))
    return "", 204
