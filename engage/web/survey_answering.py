"""Residents answering a survey: no account, one section or question per page, works without
JavaScript, then a receipt code to see, change or delete the answers later.

The receipt is kept out of URLs (it would land in browser history and proxy logs) and out of
the session once the done page has shown it (the next person on a shared device could read it
there): seeing, changing or deleting answers starts by typing it into a form.
"""
from __future__ import annotations

import io
import secrets
from urllib.parse import urlsplit

import segno
from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, session, url_for

from flask_login import current_user

from commissioning_steps import access, influence, journey
from commissioning_steps.commissions import Commission
from commissioning_steps.errors import Conflict, Invalid, NotFound
from surveys import collectors, drafts, input_index, lifecycle, material_documents, pages, responses, you_said_we_did
from surveys.branching import flatten
from surveys.errors import AnswerError
from surveys.models import Survey, SurveyResponse

from ..extensions import db_session
from ..rate_limits import allowed
from .answer_forms import answers_from_form, display_answer, error_anchors
from .file_responses import file_response

bp = Blueprint("survey_answering", __name__)
_DRAFTS = "survey_drafts"
_DONE = "answers_sent"  # what the done page shows, once


@bp.context_processor
def _collecting():
    """``collecting_as(slug)``: the label of the community researcher recording this survey's
    response on this device, so their pages say so (engage/web/collecting.py)."""
    def collecting_as(slug: str) -> str | None:
        collector_id = session.get("collecting", {}).get(slug)
        if collector_id is None:
            return None
        try:
            return collectors.active(db_session(), collector_id).label
        except (collectors.Withdrawn, NotFound):
            return None
    return {"collecting_as": collecting_as}


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


def start_fresh_draft(survey: Survey):
    """A new, empty draft for this browser, replacing any it had (a collector starting the next
    person's response)."""
    return _start_draft(survey)


def _closed_page(survey: Survey):
    return render_template("surveys/resident/not_open.html", survey=survey), 409


def _too_many(survey: Survey):
    """Over a residents' limit (``engage.rate_limits``, the same budgets as the API)."""
    return render_template("surveys/resident/too_many.html", survey=survey), 429


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
    commission = db_session().get(Commission, survey.commission_id)
    document = material_documents.of(db_session(), survey)
    return render_template("surveys/resident/start.html", survey=survey, commission=commission,
                           step=journey.get_step(survey.step), document=document,
                           document_link=material_documents.link_text(document, survey.material_title or None)
                           if document else None,
                           material_host=urlsplit(survey.material_url).hostname if survey.material_url else None)


@bp.get("/s/<slug>/document")
def document(slug: str):
    """The survey's document, to anyone who can answer the survey (and to its staff before it
    opens, to check it), as the type its content showed, never run by the browser."""
    survey = _survey(slug)
    if not responses.accepts_answers(survey) and not (
            current_user.is_authenticated and access.allowed(db_session(), current_user, survey.commission_id, access.READ)):
        return _closed_page(survey)
    found = material_documents.of(db_session(), survey)
    if found is None:
        abort(404)
    return file_response(found.data, found.content_type, found.name, inline=found.kind == "pdf")


@bp.post("/s/<slug>/start")
def begin(slug: str):
    survey = _survey(slug)
    if not responses.accepts_answers(survey):
        return _closed_page(survey)
    draft = _draft(survey)
    if draft is None or draft.response_id is not None:
        # Starting from the survey's first page is starting afresh: a change someone left
        # unfinished on this device is not picked up by the next person.
        if not allowed("draft"):
            return _too_many(survey)
        draft = _start_draft(survey)
    first = pages.next_step(survey.definition, draft.answers, draft.asked or [], None)
    return _go(survey, first)


def _step_url(survey: Survey, step: pages.Step, **args) -> str:
    if step.part == pages.MORE:
        return url_for("survey_answering.follow_ups", slug=survey.slug, number=step.number, **args)
    return url_for("survey_answering.page", slug=survey.slug, number=step.number, **args)


def _go(survey: Survey, step: pages.Step | None):
    """To ``step``, or to "Check your answers" when there is none."""
    if step is None:
        return redirect(url_for("survey_answering.check", slug=survey.slug))
    return redirect(_step_url(survey, step))


go_to = _go


@bp.route("/s/<slug>/page/<int:number>", methods=["GET", "POST"])
def page(slug: str, number: int):
    return _step_page(slug, number, pages.MAIN)


@bp.route("/s/<slug>/page/<int:number>/more", methods=["GET", "POST"])
def follow_ups(slug: str, number: int):
    """A page's follow-up questions on their own: how they are asked without JavaScript."""
    return _step_page(slug, number, pages.MORE)


def _step_page(slug: str, number: int, part: str):
    survey, draft, instead = _answering(slug)
    if instead is not None:
        return instead
    definition = survey.definition
    order = pages.steps(definition, draft.answers)
    current = next((s for s in order if (s.number, s.part) == (number, part)), None)
    if current is None:
        fallback = next((s for s in order if s.number == number), order[0])
        return redirect(_step_url(survey, fallback))
    changing = request.args.get("change") == "1"
    errors: dict[str, str] = {}
    values = draft.answers
    anchors = error_anchors(current)
    if request.method == "POST":
        if not allowed("answer_page"):
            return _too_many(survey)
        submitted, form_errors = answers_from_form(current, request.form)
        values = {**draft.answers, **submitted}
        anchors = error_anchors(current, request.form)
        # JavaScript marks the form when GOV.UK Frontend has revealed follow-ups in place.
        in_place = request.form.get("in_place") == "yes"
        try:
            cleaned = drafts.save_page(db_session(write=True), survey, draft, current, submitted,
                                       in_place=in_place, form_errors=form_errors)
        except AnswerError as exc:
            errors = exc.fields
        else:
            return _go(survey, pages.next_step(definition, cleaned, draft.asked or [], current, changing=changing))
    previous = pages.previous_step(definition, draft.answers, current)
    back = _step_url(survey, previous) if previous else url_for(".start", slug=slug)
    numbers = sorted({s.number for s in order})
    error_list = [{"text": errors[qid], "href": "#" + anchors.get(qid, qid)}
                  for qid in _in_order(definition, errors)]
    return render_template("surveys/resident/page.html", survey=survey, page=current, values=values,
                           errors=errors, error_list=error_list, back=back,
                           position=numbers.index(current.number) + 1, total=len(numbers),
                           editing=draft.response_id is not None), 422 if errors else 200


def _in_order(definition, errors) -> list[str]:
    """The ids with errors, in the order the survey asks them (the error summary's order)."""
    ids = [q["id"] for q in flatten(definition)]
    return [qid for qid in ids if qid in errors] + [k for k in errors if k not in ids]


@bp.get("/s/<slug>/check")
def check(slug: str):
    survey, draft, instead = _answering(slug)
    if instead is not None:
        return instead
    definition = survey.definition
    due = pages.first_due_step(definition, draft.answers, draft.asked or [])
    if due is not None:
        # Nothing the resident is due to answer is skipped, whichever address they typed.
        return _go(survey, due)
    order = pages.steps(definition, draft.answers)
    asked_on = {q["id"]: s for s in order for q in s.questions}
    rows = [(asked_on[q["id"]], q, display_answer(q, draft.answers.get(q["id"])))
            for q in flatten(definition) if q["id"] in asked_on]
    return render_template("surveys/resident/check.html", survey=survey, rows=rows,
                           change_url=lambda step: _step_url(survey, step, change=1),
                           submission_id=draft.token_hash[:32], editing=draft.response_id is not None,
                           back=_step_url(survey, order[-1]))


@bp.post("/s/<slug>/submit")
def submit(slug: str):
    """Idempotent: the hidden submission id makes a double click or a refresh store one response."""
    survey = _survey(slug)
    if not responses.accepts_answers(survey):
        return _closed_page(survey)
    if not allowed("submit"):
        return _too_many(survey)
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
        session[_DONE] = {"slug": slug, "receipt": seen[1]}
        return redirect(url_for(".done", slug=slug))
    due = pages.first_due_step(survey.definition, draft.answers, draft.asked or [])
    if due is not None:
        return _go(survey, due)
    # A community researcher recording someone's answers (engage/web/collecting.py): marked as theirs.
    collector_id = session.get("collecting", {}).get(slug)
    try:
        if collector_id is not None:
            _, receipt = collectors.send_draft(write, collector_id, draft, secret=secret, submission_key=key)
        else:
            _, receipt = responses.send_draft(write, draft, secret=secret, submission_key=key)
    except collectors.Withdrawn:
        session.pop("collector", None)
        session.pop("collecting", None)
        return render_template("collect/withdrawn.html", title="This collector link no longer works"), 403
    except (Invalid, Conflict, NotFound) as exc:
        return render_template("surveys/resident/problem.html", survey=survey, message=exc.message,
                               fields=exc.fields), 422
    session[_DRAFTS] = {k: v for k, v in session.get(_DRAFTS, {}).items() if k != slug}
    # Changed answers keep the receipt they came with (``None`` here): it is not shown again.
    session[_DONE] = {"slug": slug, "receipt": receipt}
    if collector_id is not None:
        # The next person starts afresh from the collector's page; the done page says it was recorded.
        session["collecting"] = {k: v for k, v in session.get("collecting", {}).items() if k != slug}
        session["collected"] = slug
    else:
        session.pop("collected", None)
    return redirect(url_for(".done", slug=slug))


@bp.get("/s/<slug>/done")
def done(slug: str):
    """Shown once: the receipt leaves the session here, so the next person on this device
    cannot read it from the cookie or bring this page back."""
    survey = _survey(slug)
    sent = session.pop(_DONE, None)
    if not isinstance(sent, dict) or sent.get("slug") != slug:
        return redirect(url_for(".start", slug=slug))
    if session.get("collected") == slug and session.get("collector") is not None:
        page = render_template("collect/recorded.html", title="Response recorded – " + survey.title,
                               survey=survey, receipt=sent.get("receipt"))
    else:
        page = render_template("surveys/resident/done.html", survey=survey, receipt=sent.get("receipt"),
                               published=you_said_we_did.published(db_session(), survey.commission_id))
    response = Response(page)
    response.headers["Cache-Control"] = "no-store"
    return response


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
#
# On a shared device (a library kiosk, a family tablet) the next person must not reach the last
# one's answers. So the receipt never stays in the session (the cookie is signed, not
# encrypted: anyone holding the device can read it). Each page that shows or acts on answers is
# the answer to a form post carrying the receipt code, and a one-time form key kept in the
# session: a post sent again (the Back button, "resubmit the form") carries a used key and is
# asked for the receipt code again. These pages are never stored by the browser.

_FORM_KEY = "receipt_form_key"
_AGAIN = "For your privacy, enter your receipt code again"


def _form_key() -> str:
    """A new one-time key for the forms of the page being shown; older ones stop working."""
    key = secrets.token_urlsafe(16)
    session[_FORM_KEY] = key
    return key


def _private(body: str, status: int = 200) -> Response:
    response = Response(body, status=status)
    response.headers["Cache-Control"] = "no-store"
    return response


def _receipt_page(error: str | None = None, value: str = "", status: int | None = None):
    return _private(render_template("surveys/resident/receipt_form.html", error=error, value=value,
                                    form_key=_form_key()), status or (422 if error else 200))


def _from_receipt_form() -> tuple[SurveyResponse, Survey, str] | Response:
    """The response a posted receipt code names, or the receipt form to show instead."""
    if not allowed("receipt"):
        return _receipt_page("Too many tries from your connection. Wait a minute, then try again.", status=429)
    key, sent = session.pop(_FORM_KEY, None), request.form.get("form_key", "")
    if not key or not secrets.compare_digest(key.encode(), sent.encode()):
        return _receipt_page(_AGAIN)  # the code sent with an old form is not shown back
    typed = request.form.get("receipt")
    code = responses.normalise_receipt(typed)
    if code is None:
        return _receipt_page("Enter your receipt code, like ABCD-EFGH-JKMN", typed or "")
    try:
        response = responses.find(db_session(), code)
    except NotFound as exc:
        return _receipt_page(exc.message, typed or "")
    return response, db_session().get(Survey, response.survey_id), code


def _answers_page(response: SurveyResponse, survey: Survey, code: str):
    rows = [(q, display_answer(q, response.answers.get(q["id"])))
            for q in flatten(survey.definition) if q["id"] in response.answers]
    return _private(render_template(
        "surveys/resident/your_answers.html", survey=survey, response=response, rows=rows, receipt=code,
        form_key=_form_key(), can_change=responses.accepts_answers(survey),
        influence=influence.influence(db_session(), [input_index.respondent_key(response)]),
        published=you_said_we_did.published(db_session(), survey.commission_id)))


@bp.route("/your-answers", methods=["GET", "POST"])
def receipt_form():
    if request.method == "GET":
        return _receipt_page()
    found = _from_receipt_form()
    if isinstance(found, Response):
        return found
    return _answers_page(*found)


@bp.get("/your-answers/view")
@bp.get("/your-answers/delete")
def your_answers():
    """Old links and bookmarks: answers are shown only after the receipt code is typed."""
    return redirect(url_for(".receipt_form"))


@bp.post("/your-answers/change")
def change_answers():
    found = _from_receipt_form()
    if isinstance(found, Response):
        return found
    response, survey, _ = found
    if not responses.accepts_answers(survey):
        return _closed_page(survey)
    if not allowed("draft"):
        return _too_many(survey)
    draft = _start_draft(survey, response)
    return _go(survey, pages.next_step(survey.definition, draft.answers, draft.asked or [], None))


@bp.post("/your-answers/delete")
def delete_answers():
    found = _from_receipt_form()
    if isinstance(found, Response):
        return found
    response, survey, code = found
    choice = request.form.get("confirm")
    if request.form.get("step") == "ask":  # the button on the answers page: ask first
        return _private(render_template("surveys/resident/delete.html", survey=survey, receipt=code,
                                        form_key=_form_key(), error=None))
    if choice == "no":
        return _answers_page(response, survey, code)
    if choice != "yes":
        return _private(render_template("surveys/resident/delete.html", survey=survey, receipt=code,
                                        form_key=_form_key(),
                                        error="Select yes to delete your answers, or no to keep them"), 422)
    responses.delete(db_session(write=True), response)
    return _private(render_template("surveys/resident/deleted.html", survey=survey))
