"""Commissioners' survey pages: create (blank or from a template), build, schedule, open, close,
preview; results with charts, segmentation and representativeness (evaluators read them too)."""
from __future__ import annotations

import json
from datetime import datetime

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from commissioning_steps import access, journey
from commissioning_steps.errors import Conflict, Invalid, NotFound
from surveys import builder, lifecycle, results, templates
from surveys.branching import flatten
from surveys.models import Survey, SurveyResponse
from surveys.pages import all_pages
from surveys.question_types import OPERATORS, SURVEY, types_for

from ..common.downloads import survey_responses_csv
from ..extensions import db_session

bp = Blueprint("surveys_staff", __name__, url_prefix="/commissions/<int:commission_id>/surveys")
BUILDER_FIELDS = ("type", "text", "help", "options", "required", "min", "max", "min_label", "max_label",
                  "max_length", "other", "category", "why", "show_question", "show_operator", "show_value")


@bp.before_request
@login_required
def _signed_in():
    """Survey management is for signed-in staff on the commission's team."""


def _load(commission_id: int, survey_id: int | None = None, action: str = access.READ):
    session = db_session()
    commission = access.require(session, current_user, commission_id, action)
    survey = None
    if survey_id is not None:
        survey = session.get(Survey, survey_id)
        if survey is None or survey.commission_id != commission.id:
            abort(404)
    return commission, survey


@bp.get("")
def index(commission_id: int):
    commission, _ = _load(commission_id)
    session = db_session()
    rows = [(s, lifecycle.response_count(session, s.id)) for s in lifecycle.for_commission(session, commission.id)]
    return render_template("surveys/staff/index.html", commission=commission, surveys=rows,
                           can_write=access.allowed(session, current_user, commission.id, access.WRITE),
                           steps=journey.STEPS, templates=templates.TEMPLATES, errors={}, form={})


@bp.post("")
def create(commission_id: int):
    commission, _ = _load(commission_id, action=access.WRITE)
    session = db_session()
    form = request.form
    template = form.get("template") or None
    data = lifecycle.SurveyInput(title=form.get("title") or None, step=form.get("step") or None,
                                 template=None if template == "blank" else template,
                                 items=[] if template in (None, "blank") else None)
    try:
        survey = lifecycle.create_survey(session, commission, current_user, data)
    except Invalid as exc:
        rows = [(s, lifecycle.response_count(session, s.id)) for s in lifecycle.for_commission(session, commission.id)]
        return render_template("surveys/staff/index.html", commission=commission, surveys=rows, can_write=True,
                               steps=journey.STEPS, templates=templates.TEMPLATES, errors=exc.fields,
                               form=form), 422
    flash("Survey created as a draft. Add questions, preview it, then open it.", "success")
    return redirect(url_for(".manage", commission_id=commission.id, survey_id=survey.id))


def _manage_page(commission, survey, errors=None, form=None, status=200):
    session = db_session()
    return render_template(
        "surveys/staff/manage.html", commission=commission, survey=survey, questions=flatten(survey.definition),
        responses=lifecycle.response_count(session, survey.id),
        can_write=access.allowed(session, current_user, commission.id, access.WRITE),
        step=journey.get_step(survey.step), step_status=commission.step_status(survey.step),
        types=types_for(SURVEY), operators=OPERATORS, errors=errors or {}, form=form or {},
    ), status


@bp.get("/<int:survey_id>")
def manage(commission_id: int, survey_id: int):
    commission, survey = _load(commission_id, survey_id)
    return _manage_page(commission, survey)


def _number(value: str | None):
    value = (value or "").strip()
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        try:
            return float(value)
        except ValueError:
            return value  # the registry names the field


def question_from_form(form) -> dict:
    """The builder's fields as a question definition; the registry decides if it is right."""
    qtype = form.get("type", "")
    raw: dict = {"type": qtype, "text": form.get("text", "")}
    if form.get("help", "").strip():
        raw["help"] = form["help"]
    if form.get("required") == "yes":
        raw["required"] = True
    options = [line.strip() for line in form.get("options", "").splitlines() if line.strip()]
    if options:
        raw["options"] = options
    for key in ("min", "max", "max_length"):
        number = _number(form.get(key))
        if number is not None:
            raw[key] = number
    for key in ("min_label", "max_label", "why"):
        if form.get(key, "").strip():
            raw[key] = form[key].strip()
    if form.get("category"):
        raw["category"] = form["category"]
    if form.get("other") == "yes":
        raw["other"] = True
    if form.get("show_question"):
        operator = form.get("show_operator") or "equals"
        value = form.get("show_value", "").strip()
        cond_value = True if operator == "answered" else (
            [v.strip() for v in value.split(",") if v.strip()] if operator == "in" else
            (_number(value) if operator in ("gte", "lte") else value))
        raw["show_if"] = {"question": form["show_question"], operator: cond_value}
    return raw


_FIELD_FOR = {"show_if": "show_question"}


def _builder_errors(fields: dict) -> dict:
    """The builder service's keys (the question's own settings: ``options``, ``show_if.question``)
    to the form's field names; anything else is shown against the question text."""
    out: dict = {}
    for path, message in fields.items():
        key = path.split(".")[0]
        if key in _FIELD_FOR:
            out[_FIELD_FOR[key]] = message
        elif key in BUILDER_FIELDS:
            out[key] = message
        else:
            out.setdefault("text", message)
    return out


@bp.post("/<int:survey_id>/questions")
def add_question(commission_id: int, survey_id: int):
    commission, survey = _load(commission_id, survey_id, access.WRITE)
    try:
        builder.add_question(db_session(), survey, question_from_form(request.form))
    except (Invalid, Conflict) as exc:
        errors = _builder_errors(exc.fields) if exc.fields else {"text": exc.message}
        return _manage_page(commission, survey, errors, request.form, 422)
    flash("Question added", "success")
    return redirect(url_for(".manage", commission_id=commission.id, survey_id=survey.id) + "#questions")


@bp.post("/<int:survey_id>/questions/<qid>/delete")
def delete_question(commission_id: int, survey_id: int, qid: str):
    commission, survey = _load(commission_id, survey_id, access.WRITE)
    try:
        builder.remove_question(db_session(), survey, qid)
        flash("Question removed", "success")
    except NotFound:
        abort(404)
    except (Invalid, Conflict) as exc:
        flash("That question cannot be removed: " + (next(iter(exc.fields.values()), exc.message)), "info")
    return redirect(url_for(".manage", commission_id=commission.id, survey_id=survey.id) + "#questions")


@bp.post("/<int:survey_id>/details")
def details(commission_id: int, survey_id: int):
    commission, survey = _load(commission_id, survey_id, access.WRITE)
    session = db_session()
    form = request.form
    try:
        lifecycle.update_survey(session, survey, lifecycle.SurveyInput(
            title=form.get("title", ""), description=form.get("description", ""),
            privacy_notice=form.get("privacy_notice", ""),
            # The material residents are asked about (templates/surveys/staff/material_fields.html)
            material_title=form.get("material_title"), material_text=form.get("material_text"),
            material_url=form.get("material_url")))
    except (Invalid, Conflict) as exc:
        return _manage_page(commission, survey, exc.fields or {"title": exc.message}, form, 422)
    flash("Survey details saved", "success")
    return redirect(url_for(".manage", commission_id=commission.id, survey_id=survey.id))


def _when(value: str | None) -> datetime | None:
    value = (value or "").strip()
    return datetime.fromisoformat(value) if value else None


@bp.post("/<int:survey_id>/schedule")
def schedule(commission_id: int, survey_id: int):
    commission, survey = _load(commission_id, survey_id, access.WRITE)
    session = db_session()
    form = request.form
    try:
        opens_at, closes_at = _when(form.get("opens_at")), _when(form.get("closes_at"))
    except ValueError:
        return _manage_page(commission, survey, {"opens_at": "Enter dates and times like 2026-12-01T09:00"}, form, 422)
    try:
        lifecycle.update_survey(session, survey, lifecycle.SurveyInput(
            opens_at=opens_at, closes_at=closes_at, clear_opens_at=not opens_at, clear_closes_at=not closes_at))
    except (Invalid, Conflict) as exc:
        return _manage_page(commission, survey, exc.fields or {"opens_at": exc.message}, form, 422)
    flash("Schedule saved (times are UTC)" if opens_at or closes_at else "Schedule cleared", "success")
    return redirect(url_for(".manage", commission_id=commission.id, survey_id=survey.id))


@bp.post("/<int:survey_id>/open")
def open_(commission_id: int, survey_id: int):
    commission, survey = _load(commission_id, survey_id, access.WRITE)
    session = db_session()
    try:
        lifecycle.open_survey(session, survey)
    except Conflict as exc:
        return _manage_page(commission, survey, {"open": exc.message}, status=409)
    flash("The survey is open. Share its link or QR code.", "success")
    return redirect(url_for(".manage", commission_id=commission.id, survey_id=survey.id))


@bp.post("/<int:survey_id>/close")
def close(commission_id: int, survey_id: int):
    commission, survey = _load(commission_id, survey_id, access.WRITE)
    session = db_session()
    try:
        entry = lifecycle.close_survey(session, survey, current_user)
    except Conflict as exc:
        return _manage_page(commission, survey, {"close": exc.message}, status=409)
    flash(f"The survey is closed. Its results are evidence entry {entry.seq} for {journey.get_step(survey.step).name}.",
          "success")
    return redirect(url_for(".results_page", commission_id=commission.id, survey_id=survey.id))


@bp.get("/<int:survey_id>/preview")
def preview(commission_id: int, survey_id: int):
    commission, survey = _load(commission_id, survey_id)
    return render_template("surveys/staff/preview.html", commission=commission, survey=survey,
                           sections=_sections(survey))


def _sections(survey):
    return all_pages(survey.definition)


def _responses(survey):
    return list(db_session().scalars(select(SurveyResponse).where(SurveyResponse.survey_id == survey.id)
                                     .order_by(SurveyResponse.submitted_at, SurveyResponse.id)))


@bp.get("/<int:survey_id>/results")
def results_page(commission_id: int, survey_id: int):
    commission, survey = _load(commission_id, survey_id)
    figures = results.survey_results(survey, _responses(survey), commission.population_groups,
                                     by=request.args.get("by") or None, search=request.args.get("q") or None)
    about = results.segment_questions(flatten(survey.definition))
    return render_template("surveys/staff/results.html", commission=commission, survey=survey, figures=figures,
                           about=about, by=request.args.get("by") or "", q=request.args.get("q") or "")


@bp.get("/<int:survey_id>/results.csv")
def results_csv(commission_id: int, survey_id: int):
    _, survey = _load(commission_id, survey_id)
    return survey_responses_csv(survey, _responses(survey))


@bp.get("/<int:survey_id>/results.json")
def results_json(commission_id: int, survey_id: int):
    commission, survey = _load(commission_id, survey_id)
    rows = _responses(survey)
    figures = results.survey_results(survey, rows, commission.population_groups)
    figures["answers"] = results.answers_export(rows)
    return Response(json.dumps(figures, ensure_ascii=False, indent=2), mimetype="application/json",
                    headers={"Content-Disposition": f'attachment; filename="survey-{survey.id}-results.json"'})
