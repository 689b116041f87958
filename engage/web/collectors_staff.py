"""Commissioners' pages for residents who collect data: invite community researchers to a survey
(each gets a personal link and code, shown once), see what each collected (counts, and their
observations with photos), withdraw one; and the survey's material document (attach, replace,
remove). Evaluators of the commission read; other commissions' staff get 404.

Photos are served only here, to staff of the survey's commission, with the type their content
showed and headers that stop a browser treating them as anything else (``file_responses``).
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from commissioning_steps import access
from commissioning_steps.errors import Conflict, Invalid, NotFound
from surveys import collectors, material_documents, uploads
from surveys.models import Survey

from ..extensions import db_session
from .file_responses import file_response

bp = Blueprint("collectors_staff", __name__, url_prefix="/commissions/<int:commission_id>/surveys/<int:survey_id>")
UPLOAD_LIMIT = uploads.MAX_DOCUMENT_BYTES + 512 * 1024


@bp.url_value_preprocessor
def _upload_limit(endpoint, values):
    """Documents are bigger than the app's form limit; this runs before the CSRF check reads the form."""
    if endpoint == "collectors_staff.attach_document" and request.method == "POST":
        request.max_content_length = UPLOAD_LIMIT


@bp.before_request
@login_required
def _signed_in():
    """Staff of the commission only."""


def _load(commission_id: int, survey_id: int, action: str = access.READ):
    session = db_session(write=action == access.WRITE)
    commission = access.require(session, current_user, commission_id, action)
    survey = session.get(Survey, survey_id)
    if survey is None or survey.commission_id != commission.id:
        abort(404)
    return commission, survey


def _page(commission, survey, errors=None, invited=None, label="", status=200):
    session = db_session()
    return render_template(
        "surveys/staff/collectors.html", title=f"Collectors – {survey.title}", commission=commission, survey=survey,
        rows=collectors.counts(session, survey), observations=collectors.observations(session, survey),
        can_write=access.allowed(session, current_user, commission.id, access.WRITE),
        errors=errors or {}, invited=invited, label=label), status


@bp.get("/collectors")
def collectors_page(commission_id: int, survey_id: int):
    commission, survey = _load(commission_id, survey_id)
    return _page(commission, survey)


@bp.post("/collectors")
def invite(commission_id: int, survey_id: int):
    commission, survey = _load(commission_id, survey_id, access.WRITE)
    label = request.form.get("label", "")
    try:
        invitation = collectors.invite(db_session(write=True), survey, current_user, label)
    except (Invalid, Conflict) as exc:
        return _page(commission, survey, exc.fields or {"label": exc.message}, label=label,
                     status=409 if isinstance(exc, Conflict) else 422)
    invited = {"label": invitation.collector.label, "code": invitation.code,
               "link": url_for("collecting.link", code=invitation.code, _external=True) if invitation.code else None}
    # The code is shown on this response only: never flashed (the session cookie is readable).
    return _page(commission, survey, invited=invited, status=201 if invitation.code else 200)


@bp.post("/collectors/<int:collector_id>/withdraw")
def withdraw(commission_id: int, survey_id: int, collector_id: int):
    commission, survey = _load(commission_id, survey_id, access.WRITE)
    session = db_session(write=True)
    try:
        collector = collectors.get(session, commission, collector_id)
        collectors.withdraw(session, collector)
    except NotFound:
        abort(404)
    except Conflict as exc:
        return _page(commission, survey, {f"withdraw-{collector_id}": exc.message}, status=409)
    flash(f"{collector.label} is withdrawn: their link no longer works. What they collected is kept.", "success")
    return redirect(url_for(".collectors_page", commission_id=commission.id, survey_id=survey.id))


@bp.get("/observations/<int:observation_id>/photo")
def photo(commission_id: int, survey_id: int, observation_id: int):
    _, survey = _load(commission_id, survey_id)
    try:
        found = collectors.observation(db_session(), survey, observation_id)
    except NotFound:
        abort(404)
    if found.photo is None:
        abort(404)
    extension = next((ext for ctype, ext, _ in uploads.PHOTO_FORMATS.values() if ctype == found.photo_type), "bin")
    return file_response(found.photo, found.photo_type, f"observation-{found.id}.{extension}", inline=True)


# -- the survey's material document ---------------------------------------------------------------


def _to_material(commission, survey):
    return redirect(url_for("surveys_staff.manage", commission_id=commission.id, survey_id=survey.id)
                    + "#material-document")


@bp.post("/document")
def attach_document(commission_id: int, survey_id: int):
    commission, survey = _load(commission_id, survey_id, access.WRITE)
    upload = request.files.get("document")
    if upload is None or not upload.filename:
        errors = {"document": "Select a document to attach"}
    else:
        try:
            material_documents.attach(db_session(write=True), survey, current_user,
                                      upload.read(UPLOAD_LIMIT + 1), upload.filename)
        except (Invalid, Conflict) as exc:
            errors = exc.fields or {"document": exc.message}
        else:
            flash("Document attached: residents see a link to it on the survey's start page", "success")
            return _to_material(commission, survey)
    return render_template("surveys/staff/document_problem.html", title=f"Attach a document – {survey.title}",
                           commission=commission, survey=survey, errors=errors,
                           max_size=uploads.size_text(uploads.MAX_DOCUMENT_BYTES)), 422


@bp.post("/document/remove")
def remove_document(commission_id: int, survey_id: int):
    commission, survey = _load(commission_id, survey_id, access.WRITE)
    try:
        material_documents.remove(db_session(write=True), survey)
    except NotFound:
        abort(404)
    flash("Document removed", "success")
    return _to_material(commission, survey)
