"""Community researchers' pages: a collector opens their personal link (or types its code) on a
phone, sees the surveys they collect for, records responses on behalf of the people they speak
to and observations with optional photos. No account.

The link carries the code once: it is swapped at once for the collector's id in the session and
the browser sent to ``/collect``, so the code does not stay in the address bar or history. Every
page checks the collector again, so a withdrawn collector's link and session stop working at
once. A response is recorded through the residents' own page-by-page form (the same questions,
branching and checks); the session marks the draft as the collector's, and sending it goes
through ``surveys.collectors.send_draft``, which marks the response.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for

from commissioning_steps.errors import Conflict, Invalid, NotFound
from surveys import collectors, pages, uploads

from ..extensions import db_session
from ..rate_limits import allowed
from . import survey_answering

bp = Blueprint("collecting", __name__, url_prefix="/collect")
COLLECTOR = "collector"
#: {survey slug: collector id} for drafts a collector is filling in with someone
COLLECTING = "collecting"
UPLOAD_LIMIT = uploads.MAX_PHOTO_BYTES + 512 * 1024


@bp.url_value_preprocessor
def _upload_limit(endpoint, values):
    """Photos are bigger than the app's form limit; URL preprocessors run before the CSRF check
    reads the form, so the larger limit is in place when it does."""
    if endpoint == "collecting.observe" and request.method == "POST":
        request.max_content_length = UPLOAD_LIMIT


def forget() -> None:
    session.pop(COLLECTOR, None)
    session.pop(COLLECTING, None)


def withdrawn_page():
    forget()
    return render_template("collect/withdrawn.html", title="This collector link no longer works"), 403


def _collector():
    """The signed-in collector, or the page to show instead (code form, or withdrawn)."""
    collector_id = session.get(COLLECTOR)
    if collector_id is None:
        return None, redirect(url_for(".home"))
    try:
        return collectors.active(db_session(), collector_id), None
    except collectors.Withdrawn:
        return None, withdrawn_page()
    except NotFound:
        forget()
        return None, redirect(url_for(".home"))


def _code_form(error: str | None = None, value: str = "", status: int = 200):
    return render_template("collect/code.html", title="Collect data", error=error, value=value), status


@bp.route("", methods=["GET", "POST"])
def home():
    if request.method == "POST":
        if not allowed("receipt"):
            return _code_form("Too many tries. Wait a minute, then try again.", status=429)
        typed = request.form.get("code", "")
        code = collectors.normalise_code(typed)
        if code is None:
            return _code_form("Enter your collector code, like ABCD-EFGH-JKMN", typed, 422)
        try:
            collector = collectors.by_code(db_session(), code)
        except collectors.Withdrawn:
            return withdrawn_page()
        except NotFound as exc:
            return _code_form(exc.message, typed, 422)
        session[COLLECTOR] = collector.id
        return redirect(url_for(".home"))
    if session.get(COLLECTOR) is None:
        return _code_form()
    collector, instead = _collector()
    if instead is not None:
        return instead
    db = db_session()
    mine = collectors.surveys_of(db, collector)
    counts = {s.id: next((r for r in collectors.counts(db, s) if r["id"] == collector.id), None) for s in mine}
    return render_template("collect/home.html", title="Collect data", collector=collector, surveys=mine,
                           counts=counts)


@bp.get("/<code>")
def link(code: str):
    if not allowed("receipt"):
        abort(429)
    try:
        collector = collectors.by_code(db_session(), code)
    except collectors.Withdrawn:
        return withdrawn_page()
    except NotFound:
        return render_template("collect/unknown.html", title="This collector link does not work"), 404
    session[COLLECTOR] = collector.id
    return redirect(url_for(".home"))


@bp.post("/stop")
def stop():
    forget()
    flash("You have stopped collecting on this device. Use your link or code to start again.", "success")
    return redirect(url_for(".home"))


def _my_survey(collector, survey_id: int):
    try:
        return collectors.survey_for(db_session(), collector, survey_id)
    except NotFound:
        abort(404)


@bp.post("/surveys/<int:survey_id>/respond")
def respond(survey_id: int):
    """Start a fresh response with the person the collector is speaking to."""
    collector, instead = _collector()
    if instead is not None:
        return instead
    survey = _my_survey(collector, survey_id)
    if survey.status != "open":
        raise Conflict("This survey is not open, so responses cannot be recorded for it")
    draft = survey_answering.start_fresh_draft(survey)
    session[COLLECTING] = {**session.get(COLLECTING, {}), survey.slug: collector.id}
    first = pages.next_step(survey.definition, draft.answers, draft.asked or [], None)
    return survey_answering.go_to(survey, first)


def _observe_page(collector, survey, errors=None, text="", status=200):
    return render_template("collect/observe.html", title=f"Record an observation – {survey.title}",
                           collector=collector, survey=survey, errors=errors or {}, text=text,
                           max_photo=uploads.size_text(uploads.MAX_PHOTO_BYTES)), status


@bp.route("/surveys/<int:survey_id>/observe", methods=["GET", "POST"])
def observe(survey_id: int):
    collector, instead = _collector()
    if instead is not None:
        return instead
    survey = _my_survey(collector, survey_id)
    if request.method == "GET":
        return _observe_page(collector, survey)
    photo = request.files.get("photo")
    data = photo.read(UPLOAD_LIMIT + 1) if photo and photo.filename else None
    text = request.form.get("text", "")
    try:
        collectors.record_observation(db_session(write=True), collector.id, survey.id, text, data)
    except collectors.Withdrawn:
        return withdrawn_page()
    except Invalid as exc:
        return _observe_page(collector, survey, exc.fields, text, 422)
    flash("Observation recorded" + (" with its photo" if data else ""), "success")
    return redirect(url_for(".home"))
