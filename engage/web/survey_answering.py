"""Residents answering a survey: no account, one section or question per page, works without
JavaScript, then a receipt code to see, change or delete the answers later.

The receipt is kept out of URLs (it would land in browser history and proxy logs): it is typed
into a form and held in the resident's session while they look at their answers.
"""
from __future__ import annotations

import io

import segno
from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, session, url_for

from commissioning_steps import influence
from commissioning_steps.errors import Conflict, Invalid, NotFound
from surveys import drafts, input_index, lifecycle, pages, responses, you_said_we_did
from surveys.branching import flatten
from surveys.errors import AnswerError
from surveys.models import Survey, SurveyResponse

from ..extensions import db_session
from ..rate_limits import allowed
from .answer_forms import answers_from_form, display_answer

bp = Blueprint("survey_answering", __name__)
_DRAFTS = "survey_drafts"


def _survey(slug: str) -> Survey:
    try:
        return lifecycle.by_slug(db_session(), slug)
    except NotFound:
        abort(404)


def _draft(survey: Survey):
    return drafts.find(db_session(), survey, session.get(_DRAFTS, {}).get(survey.slug))


def _start_draft(survey: Survey, response: SurveyResponse | None = None):
    """A new draft (of ``response``'s answers, when changing them), remembered in the session."""
    token, draft = drafts.start(db_session(write=True), survey, response)
    session[_DRAFTS] = {**session.get(_DRAFTS, {}), survey.slug: token}
    return draft


def _closed_page(survey: Survey):
    return render_template("surveys/resident/not_open.html", survey=survey), 409


def _answering(slug: str):
    """The open survey and this resident's answers in progress, or the page to show instead."""
    survey = _survey(slug)
    if not responses.accepts_answers(survey):
        return survey, None, _closed_page(survey)
    draft = _draft(survey)
    if draft is None:
        return survey, None, redirect(url_for(".start", slug=slug))
    return survey, draft, None


@bp.get("/s/<slug>")
def start(slug: str):
    survey = _survey(slug)
    if not responses.accepts_answers(survey):
        return _closed_page(survey)
    return render_template("surveys/resident/start.html", survey=survey,
                           first=pages.next_page(survey.definition, {}, None))


@bp.post("/s/<slug>/start")
def begin(slug: str):
    survey = _survey(slug)
    if not responses.accepts_answers(survey):
        return _closed_page(survey)
    draft = _draft(survey) or _start_draft(survey)
    first = pages.next_page(survey.definition, draft.answers, None)
    return redirect(url_for(".page", slug=slug, number=first.number))


@bp.route("/s/<slug>/page/<int:number>", methods=["GET", "POST"])
def page(slug: str, number: int):
    survey, draft, instead = _answering(slug)
    if instead is not None:
        return instead
    visible = pages.visible_pages(survey.definition, draft.answers)
    current = next((p for p in visible if p.number == number), None)
    if current is None:
        return redirect(url_for(".page", slug=slug, number=visible[0].number))
    errors: dict[str, str] = {}
    values = draft.answers
    if request.method == "POST":
        submitted, errors = answers_from_form(current.questions, request.form)
        values = {**draft.answers, **submitted}
        if not errors:
            try:
                cleaned = drafts.save_page(db_session(write=True), survey, draft, current, submitted)
            except AnswerError as exc:
                errors = exc.fields
            else:
                nxt = pages.next_page(survey.definition, cleaned, current.number)
                if request.args.get("change") == "1":
                    # Back to the check page, unless the change revealed a question still to answer.
                    nxt = pages.first_incomplete_page(survey.definition, cleaned)
                if nxt is None:
                    return redirect(url_for(".check", slug=slug))
                return redirect(url_for(".page", slug=slug, number=nxt.number))
    previous = pages.previous_page(survey.definition, draft.answers, current.number)
    back = url_for(".page", slug=slug, number=previous.number) if previous else url_for(".start", slug=slug)
    position = [p.number for p in visible].index(current.number) + 1
    return render_template("surveys/resident/page.html", survey=survey, page=current, values=values,
                           errors=errors, back=back, position=position, total=len(visible),
                           editing=draft.response_id is not None), 422 if errors else 200


@bp.get("/s/<slug>/check")
def check(slug: str):
    survey, draft, instead = _answering(slug)
    if instead is not None:
        return instead
    visible = pages.visible_pages(survey.definition, draft.answers)
    rows = [(p, q, display_answer(q, draft.answers.get(q["id"]))) for p in visible for q in p.questions]
    return render_template("surveys/resident/check.html", survey=survey, rows=rows,
                           submission_id=draft.token_hash[:32], editing=draft.response_id is not None,
                           back=url_for(".page", slug=slug, number=visible[-1].number))


@bp.post("/s/<slug>/submit")
def submit(slug: str):
    """Idempotent: the hidden submission id makes a double click or a refresh store one response."""
    survey = _survey(slug)
    if not responses.accepts_answers(survey):
        return _closed_page(survey)
    write = db_session(write=True)
    draft = _draft(survey)
    key = request.form.get("submission_id", "")[:64] or None
    secret = current_app.config["SECRET_KEY"].encode()
    if draft is None:
        # A second click or a refresh after the first went through: show the same receipt.
        # With no draft and no stored submission, the answers have expired: start again.
        seen = responses.find_submitted(write, survey, key, secret=secret) if key else None
        if seen is None:
            return redirect(url_for(".start", slug=slug))
        session["receipt"] = seen[1]
        return redirect(url_for(".done", slug=slug))
    try:
        _, receipt = responses.send_draft(write, draft, secret=secret, submission_key=key)
    except (Invalid, Conflict) as exc:
        return render_template("surveys/resident/problem.html", survey=survey, message=exc.message,
                               fields=exc.fields), 422
    receipt = receipt or session.get("receipt")  # changed answers keep the receipt they came with
    session[_DRAFTS] = {k: v for k, v in session.get(_DRAFTS, {}).items() if k != slug}
    session["receipt"] = receipt
    return redirect(url_for(".done", slug=slug))


@bp.get("/s/<slug>/done")
def done(slug: str):
    survey = _survey(slug)
    receipt = session.get("receipt")
    if not receipt:
        return redirect(url_for(".start", slug=slug))
    return render_template("surveys/resident/done.html", survey=survey, receipt=receipt,
                           published=you_said_we_did.published(db_session(), survey.commission_id))


@bp.get("/s/<slug>/qr.<fmt>")
def qr(slug: str, fmt: str):
    survey = _survey(slug)
    if fmt not in ("svg", "png"):
        abort(404)
    link = url_for(".start", slug=survey.slug, _external=True)
    code = segno.make(link, error="m")
    out = io.BytesIO()
    if fmt == "svg":
        code.save(out, kind="svg", scale=8, border=2, title=f"QR code for {link}")
        return Response(out.getvalue(), mimetype="image/svg+xml")
    code.save(out, kind="png", scale=10, border=2)
    return Response(out.getvalue(), mimetype="image/png")


# -- your answers, by receipt ------------------------------------------------------------------


@bp.route("/your-answers", methods=["GET", "POST"])
def receipt_form():
    error = None
    if request.method == "POST":
        if not allowed("receipt"):
            return render_template("surveys/resident/receipt_form.html", error="Too many tries. Wait a minute, then try again."), 429
        code = responses.normalise_receipt(request.form.get("receipt"))
        if code is None:
            error = "Enter your receipt code, like ABCD-EFGH-JKMN"
        else:
            try:
                responses.find(db_session(), code)
            except NotFound as exc:
                error = exc.message
            else:
                session["receipt"] = code
                return redirect(url_for(".your_answers"))
    return render_template("surveys/resident/receipt_form.html", error=error,
                           value=request.form.get("receipt", "")), 422 if error else 200


def _my_response() -> tuple[SurveyResponse, Survey] | None:
    receipt = session.get("receipt")
    if not receipt:
        return None
    try:
        response = responses.find(db_session(), receipt)
    except NotFound:
        return None
    return response, db_session().get(Survey, response.survey_id)


@bp.get("/your-answers/view")
def your_answers():
    found = _my_response()
    if found is None:
        return redirect(url_for(".receipt_form"))
    response, survey = found
    rows = [(q, display_answer(q, response.answers.get(q["id"])))
            for q in flatten(survey.definition) if q["id"] in response.answers]
    return render_template("surveys/resident/your_answers.html", survey=survey, response=response, rows=rows,
                           receipt=session["receipt"], can_change=responses.accepts_answers(survey),
                           influence=influence.influence(db_session(), [input_index.respondent_key(response)]),
                           published=you_said_we_did.published(db_session(), survey.commission_id))


@bp.post("/your-answers/change")
def change_answers():
    found = _my_response()
    if found is None:
        return redirect(url_for(".receipt_form"))
    response, survey = found
    if not responses.accepts_answers(survey):
        return _closed_page(survey)
    draft = _start_draft(survey, response)
    first = pages.next_page(survey.definition, draft.answers, None)
    return redirect(url_for(".page", slug=survey.slug, number=first.number))


@bp.route("/your-answers/delete", methods=["GET", "POST"])
def delete_answers():
    found = _my_response()
    if found is None:
        return redirect(url_for(".receipt_form"))
    response, survey = found
    if request.method == "POST":
        if request.form.get("confirm") != "yes":
            return redirect(url_for(".your_answers"))
        responses.delete(db_session(write=True), response)
        session.pop("receipt", None)
        return render_template("surveys/resident/deleted.html", survey=survey)
    return render_template("surveys/resident/delete.html", survey=survey)
