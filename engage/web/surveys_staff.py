"""Commissioners' survey pages: create (blank or from a template, for the step chosen), build
(questions on pages: add, change, duplicate, move, remove; pages: create, rename, move, remove),
match about-you answers to population groups, choose the step while a draft, schedule (UK time),
open (offered only when it can), close, archive or delete, preview; results with charts,
segmentation and representativeness (evaluators read them too).

Every form posts to one route that calls one service. Refusals come back on the survey's page
with the GOV.UK error summary, in the words the page uses.
"""
from __future__ import annotations

import json

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from commissioning_steps import access, journey
from commissioning_steps.errors import Conflict, Invalid, NotFound
from surveys import builder, collectors, lifecycle, material_documents, results, templates, uploads, wording
from surveys.branching import flatten
from surveys.models import CLOSED, DRAFT, Survey, SurveyResponse
from surveys.pages import all_pages
from surveys.question_types import SURVEY, get_type, types_for

from ..common import times
from ..common.downloads import download, survey_responses_csv
from ..extensions import db_session
from .builder_forms import LABELS, form_from_question, page_errors, question_from_form
from .forms import moment_values, read_moment

bp = Blueprint("surveys_staff", __name__, url_prefix="/commissions/<int:commission_id>/surveys")


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


def _to_manage(commission, survey, anchor: str = ""):
    return redirect(url_for(".manage", commission_id=commission.id, survey_id=survey.id) + anchor)


# -- the list and creating --------------------------------------------------------------------


def _index_page(commission, errors=None, form=None, status=200):
    session = db_session()
    archived = request.args.get("archived") == "1"
    rows = [(s, lifecycle.response_count(session, s.id))
            for s in lifecycle.for_commission(session, commission.id, archived=archived)]
    current = commission.current_step
    return render_template("surveys/staff/index.html", commission=commission, surveys=rows, archived=archived,
                           archived_count=lifecycle.archived_count(session, commission.id),
                           can_write=access.allowed(session, current_user, commission.id, access.WRITE),
                           steps=journey.STEPS, current_step=current.key if current else None,
                           templates=templates.TEMPLATES, errors=errors or {}, form=form or {}), status


def _creation_errors(fields: dict) -> dict:
    """The service names steps and templates by key; the form by name."""
    out = dict(fields)
    if "step" in out:
        out["step"] = "Choose the journey step the survey gathers evidence for"
    if "template" in out:
        out["template"] = "Choose a template, or start from blank"
    return out


@bp.get("")
def index(commission_id: int):
    commission, _ = _load(commission_id)
    return _index_page(commission)


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
        return _index_page(commission, _creation_errors(exc.fields), form, 422)
    flash("Survey created as a draft. Add questions, preview it, then open it.", "success")
    return _to_manage(commission, survey)


# -- the survey's page ---------------------------------------------------------------------------


def _default_section(survey) -> str | None:
    """The page a new question is offered for: the last page that is not only about the
    respondent (a question added to "About you" would tell residents they need not answer it)."""
    pages = [s for s in survey.definition if "questions" in s]
    if not pages:
        return None
    about = [s for s in pages if s["questions"] and all(get_type(q["type"]).segments_respondents
                                                       for q in s["questions"])]
    others = [s for s in pages if s not in about]
    return (others or pages)[-1]["id"]


def _manage_page(commission, survey, errors=None, form=None, status=200, anchors=None, moments=None):
    """The survey's page. ``errors`` are keyed by field (the summary links to ``anchors`` where
    a field's id differs from its key); ``moments`` are the schedule's fields as posted."""
    session = db_session()
    errors = errors or {}
    anchors = anchors or {}
    questions = flatten(survey.definition)
    sectioned = any("questions" in item for item in survey.definition)
    names = [g.name for g in commission.population_groups]
    groups = {q["id"]: builder.group_mapping_view(q, names)
              for q in questions if get_type(q["type"]).maps_to_groups and names}
    problem = lifecycle.open_problem(commission, survey)
    moments = moments or {}
    schedule = {name: moments[name].values if name in moments else moment_values(getattr(survey, name))
                for name in ("opens_at", "closes_at")}
    bad = {name: moments[name].bad for name in moments if moments[name].error}
    return render_template(
        "surveys/staff/manage.html", commission=commission, survey=survey, questions=questions,
        pages=all_pages(survey.definition) if sectioned else [], sectioned=sectioned,
        section_ids=[s.get("id") for s in survey.definition] if sectioned else [],
        responses=lifecycle.response_count(session, survey.id),
        can_write=access.allowed(session, current_user, commission.id, access.WRITE),
        step=journey.get_step(survey.step), step_status=commission.step_status(survey.step), steps=journey.STEPS,
        open_problem=problem[0] if problem else None, groups=groups,
        types=types_for(SURVEY), operators=wording.OPERATOR_CHOICES, labels=LABELS,
        default_section=_default_section(survey), schedule=schedule, schedule_bad=bad,
        errors=errors, anchors=anchors, form=form or {}, **_material_document(survey),
    ), status


def _material_document(survey) -> dict:
    """What the page shows of the survey's document and who collects for it."""
    session = db_session()
    document = material_documents.of(session, survey)
    return {"document": document, "max_document_size": uploads.size_text(uploads.MAX_DOCUMENT_BYTES),
            "document_link": material_documents.link_text(document) if document else None,
            "collectors_count": len(collectors.counts(session, survey))}


@bp.get("/<int:survey_id>")
def manage(commission_id: int, survey_id: int):
    commission, survey = _load(commission_id, survey_id)
    return _manage_page(commission, survey)


def _refused(commission, survey, exc, key: str = "questions", anchor: str | None = None):
    """A builder action the survey's state or rules refuse: its page, with the reason."""
    message = next(iter(exc.fields.values()), exc.message) if isinstance(exc, Invalid) else exc.message
    return _manage_page(commission, survey, {key: message}, anchors={key: anchor or key},
                        status=409 if isinstance(exc, Conflict) else 422)


# -- questions -------------------------------------------------------------------------------------


def _questions_by_id(survey):
    return wording.by_id(flatten(survey.definition))


@bp.post("/<int:survey_id>/questions")
def add_question(commission_id: int, survey_id: int):
    commission, survey = _load(commission_id, survey_id, access.WRITE)
    raw = question_from_form(request.form)
    try:
        added = builder.add_question(db_session(), survey, raw, section_id=request.form.get("section") or None)
    except Conflict as exc:
        return _manage_page(commission, survey, {"text": exc.message}, request.form, 409)
    except Invalid as exc:
        return _manage_page(commission, survey, page_errors(exc.fields, raw, _questions_by_id(survey)),
                            request.form, 422, anchors={"section": "section"})
    flash(f"Question added: {wording.quoted(added['text'])}", "success")
    return _to_manage(commission, survey, f"#question-{added['id']}")


def _question_or_404(survey, qid):
    question = _questions_by_id(survey).get(qid)
    if question is None:
        abort(404)
    return question


def _question_page(commission, survey, question, form, errors=None, status=200):
    questions = flatten(survey.definition)
    earlier = questions[:next(i for i, q in enumerate(questions) if q["id"] == question["id"])]
    sectioned = any("questions" in item for item in survey.definition)
    here = next((s["id"] for s in survey.definition if "questions" in s
                 and any(q["id"] == question["id"] for q in s["questions"])), None) if sectioned else None
    return render_template(
        "surveys/staff/question.html", commission=commission, survey=survey, question=question,
        number=questions.index(question) + 1, earlier=earlier, pages=survey.definition if sectioned else [],
        here=here, types=types_for(SURVEY), operators=wording.OPERATOR_CHOICES, labels=LABELS,
        can_change=survey.status == DRAFT, errors=errors or {}, form=form,
    ), status


@bp.get("/<int:survey_id>/questions/<qid>")
def question_page(commission_id: int, survey_id: int, qid: str):
    commission, survey = _load(commission_id, survey_id, access.WRITE)
    question = _question_or_404(survey, qid)
    return _question_page(commission, survey, question, form_from_question(question))


@bp.post("/<int:survey_id>/questions/<qid>")
def edit_question(commission_id: int, survey_id: int, qid: str):
    commission, survey = _load(commission_id, survey_id, access.WRITE)
    question = _question_or_404(survey, qid)
    raw = question_from_form(request.form)
    try:
        edited = builder.edit_question(db_session(), survey, qid, raw)
    except Conflict as exc:
        return _question_page(commission, survey, question, request.form, {"text": exc.message}, 409)
    except Invalid as exc:
        return _question_page(commission, survey, question, request.form,
                              page_errors(exc.fields, raw, _questions_by_id(survey)), 422)
    flash(f"Question changed: {wording.quoted(edited['text'])}", "success")
    return _to_manage(commission, survey, f"#question-{qid}")


@bp.post("/<int:survey_id>/questions/<qid>/page")
def move_to_page(commission_id: int, survey_id: int, qid: str):
    """Move a question to the end of another page."""
    commission, survey = _load(commission_id, survey_id, access.WRITE)
    question = _question_or_404(survey, qid)
    target = request.form.get("section") or ""
    page = next((s for s in survey.definition if "questions" in s and s.get("id") == target), None)
    if page is None:
        return _question_page(commission, survey, question, form_from_question(question),
                              {"section": "Choose the page to move the question to"}, 422)
    try:
        builder.move_question(db_session(), survey, qid, len(page["questions"]), section_id=target)
    except (Conflict, Invalid) as exc:
        message = next(iter(exc.fields.values()), exc.message) if isinstance(exc, Invalid) else exc.message
        return _question_page(commission, survey, question, form_from_question(question), {"section": message},
                              409 if isinstance(exc, Conflict) else 422)
    flash(f"{wording.quoted(question['text'])} moved to the page {wording.quoted(page['title'])}", "success")
    return _to_manage(commission, survey, f"#question-{qid}")


@bp.post("/<int:survey_id>/questions/<qid>/move")
def move_question(commission_id: int, survey_id: int, qid: str):
    commission, survey = _load(commission_id, survey_id, access.WRITE)
    question = _question_or_404(survey, qid)
    direction = {"up": builder.UP, "down": builder.DOWN}.get(request.form.get("direction", ""))
    if direction is None:
        abort(400)
    try:
        builder.shift_question(db_session(), survey, qid, direction)
    except (Conflict, Invalid) as exc:
        return _refused(commission, survey, exc, f"question-{qid}")
    flash(f"{wording.quoted(question['text'])} moved {request.form['direction']}", "success")
    return _to_manage(commission, survey, f"#question-{qid}")


@bp.post("/<int:survey_id>/questions/<qid>/duplicate")
def duplicate_question(commission_id: int, survey_id: int, qid: str):
    commission, survey = _load(commission_id, survey_id, access.WRITE)
    _question_or_404(survey, qid)
    try:
        copy = builder.duplicate_question(db_session(), survey, qid)
    except (Conflict, Invalid) as exc:
        return _refused(commission, survey, exc, f"question-{qid}")
    flash(f"Question duplicated: the copy of {wording.quoted(copy['text'])} is straight after it", "success")
    return _to_manage(commission, survey, f"#question-{copy['id']}")


@bp.post("/<int:survey_id>/questions/<qid>/delete")
def delete_question(commission_id: int, survey_id: int, qid: str):
    commission, survey = _load(commission_id, survey_id, access.WRITE)
    question = _question_or_404(survey, qid)
    try:
        builder.remove_question(db_session(), survey, qid)
    except NotFound:
        abort(404)
    except (Invalid, Conflict) as exc:
        return _refused(commission, survey, exc, f"question-{qid}")
    flash(f"Question removed: {wording.quoted(question['text'])}", "success")
    return _to_manage(commission, survey, "#questions")


# -- matching about-you answers to population groups --------------------------------------------------


def _groups_page(commission, survey, question, chosen=None, errors=None, status=200):
    names = [g.name for g in commission.population_groups]
    view = builder.group_mapping_view(question, names)
    can_write = access.allowed(db_session(), current_user, commission.id, access.WRITE)
    return render_template("surveys/staff/groups.html", commission=commission, survey=survey, question=question,
                           names=names, view=view, chosen=chosen if chosen is not None else view["matches"],
                           can_change=can_write and survey.status != CLOSED, errors=errors or {}), status


@bp.get("/<int:survey_id>/questions/<qid>/groups")
def groups_page(commission_id: int, survey_id: int, qid: str):
    commission, survey = _load(commission_id, survey_id)
    question = _question_or_404(survey, qid)
    if not get_type(question["type"]).maps_to_groups:
        abort(404)
    return _groups_page(commission, survey, question)


@bp.post("/<int:survey_id>/questions/<qid>/groups")
def set_groups(commission_id: int, survey_id: int, qid: str):
    commission, survey = _load(commission_id, survey_id, access.WRITE)
    question = _question_or_404(survey, qid)
    if not get_type(question["type"]).maps_to_groups:
        abort(404)
    options = question.get("options", [])
    chosen = {o: request.form.get(f"group-{i}") or None for i, o in enumerate(options)}
    try:
        builder.set_group_mapping(db_session(), survey, qid, chosen)
    except Conflict as exc:
        return _groups_page(commission, survey, question, chosen, {"group-0": exc.message}, 409)
    except Invalid as exc:
        errors = {}
        for path, message in exc.fields.items():
            option = path.partition(".")[2]
            errors[f"group-{options.index(option)}" if option in options else "group-0"] = message
        return _groups_page(commission, survey, question, chosen, errors, 422)
    flash(f"Answers to {wording.quoted(question['text'])} matched to population groups", "success")
    return _to_manage(commission, survey, f"#question-{qid}")


# -- pages ---------------------------------------------------------------------------------------------


def _section_or_404(survey, pid):
    section = next((s for s in survey.definition if "questions" in s and s.get("id") == pid), None)
    if section is None:
        abort(404)
    return section


@bp.post("/<int:survey_id>/pages")
def add_page(commission_id: int, survey_id: int):
    commission, survey = _load(commission_id, survey_id, access.WRITE)
    form = request.form
    try:
        section = builder.add_section(db_session(), survey, form.get("page_title", ""),
                                      form.get("page_description") or None)
    except Conflict as exc:
        return _manage_page(commission, survey, {"page_title": exc.message}, form, 409)
    except Invalid as exc:
        errors = {("page_description" if k.endswith("description") else "page_title"): v
                  for k, v in exc.fields.items()}
        return _manage_page(commission, survey, errors, form, 422)
    flash(f"Page created: {wording.quoted(section['title'])}", "success")
    return _to_manage(commission, survey, f"#page-{section['id']}")


def _section_page(commission, survey, section, form, errors=None, status=200):
    return render_template("surveys/staff/page.html", commission=commission, survey=survey, section=section,
                           number=survey.definition.index(section) + 1, can_change=survey.status == DRAFT,
                           errors=errors or {}, form=form), status


@bp.get("/<int:survey_id>/pages/<pid>")
def page_page(commission_id: int, survey_id: int, pid: str):
    commission, survey = _load(commission_id, survey_id, access.WRITE)
    section = _section_or_404(survey, pid)
    return _section_page(commission, survey, section, {"page_title": section.get("title", ""),
                                                        "page_description": section.get("description", "")})


@bp.post("/<int:survey_id>/pages/<pid>")
def edit_page(commission_id: int, survey_id: int, pid: str):
    commission, survey = _load(commission_id, survey_id, access.WRITE)
    section = _section_or_404(survey, pid)
    form = request.form
    try:
        builder.edit_section(db_session(), survey, pid, form.get("page_title", ""), form.get("page_description"))
    except Conflict as exc:
        return _section_page(commission, survey, section, form, {"page_title": exc.message}, 409)
    except Invalid as exc:
        errors = {("page_description" if k.endswith("description") else "page_title"): v
                  for k, v in exc.fields.items()}
        return _section_page(commission, survey, section, form, errors, 422)
    flash("Page saved", "success")
    return _to_manage(commission, survey, f"#page-{pid}")


@bp.post("/<int:survey_id>/pages/<pid>/move")
def move_page(commission_id: int, survey_id: int, pid: str):
    commission, survey = _load(commission_id, survey_id, access.WRITE)
    section = _section_or_404(survey, pid)
    direction = {"up": builder.UP, "down": builder.DOWN}.get(request.form.get("direction", ""))
    if direction is None:
        abort(400)
    try:
        builder.shift_section(db_session(), survey, pid, direction)
    except (Conflict, Invalid) as exc:
        return _refused(commission, survey, exc, f"page-{pid}")
    flash(f"The page {wording.quoted(section['title'])} moved {request.form['direction']}", "success")
    return _to_manage(commission, survey, f"#page-{pid}")


@bp.post("/<int:survey_id>/pages/<pid>/delete")
def delete_page(commission_id: int, survey_id: int, pid: str):
    commission, survey = _load(commission_id, survey_id, access.WRITE)
    section = _section_or_404(survey, pid)
    try:
        builder.remove_section(db_session(), survey, pid)
    except (Conflict, Invalid) as exc:
        return _refused(commission, survey, exc, f"page-{pid}")
    flash(f"Page removed: {wording.quoted(section['title'])}", "success")
    return _to_manage(commission, survey, "#questions")


# -- details, step, schedule -----------------------------------------------------------------------------


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
    return _to_manage(commission, survey)


@bp.post("/<int:survey_id>/step")
def change_step(commission_id: int, survey_id: int):
    commission, survey = _load(commission_id, survey_id, access.WRITE)
    try:
        lifecycle.update_survey(db_session(), survey, lifecycle.SurveyInput(step=request.form.get("step", "")))
    except Conflict as exc:
        return _manage_page(commission, survey, {"step": exc.message}, request.form, 409)
    except Invalid as exc:
        return _manage_page(commission, survey, {"step": "Choose the journey step the survey gathers evidence for"},
                            request.form, 422)
    step = journey.get_step(survey.step)
    flash(f"The survey now gathers evidence for {step.name}: {step.practice_question}", "success")
    return _to_manage(commission, survey, "#step")


@bp.post("/<int:survey_id>/schedule")
def schedule(commission_id: int, survey_id: int):
    commission, survey = _load(commission_id, survey_id, access.WRITE)
    session = db_session()
    moments = {"opens_at": read_moment(request.form, "opens_at", "opening"),
               "closes_at": read_moment(request.form, "closes_at", "closing")}
    if survey.status != DRAFT:
        moments.pop("opens_at")
    errors = {name: m.error for name, m in moments.items() if m.error}
    anchors = {name: m.anchor for name, m in moments.items()}
    if errors:
        return _manage_page(commission, survey, errors, request.form, 422, anchors, moments)
    opens_at = moments["opens_at"].value if "opens_at" in moments else None
    closes_at = moments["closes_at"].value
    try:
        lifecycle.update_survey(session, survey, lifecycle.SurveyInput(
            opens_at=opens_at, closes_at=closes_at, clear_opens_at=not opens_at, clear_closes_at=not closes_at))
    except (Invalid, Conflict) as exc:
        fields = exc.fields or {"opens_at": exc.message}
        for name in fields:
            if name in moments:
                moments[name].bad = ("day", "month", "year")
        return _manage_page(commission, survey, fields, request.form, 422, anchors, moments)
    flash(f"Schedule saved ({times.zone_label()})" if opens_at or closes_at else "Schedule cleared", "success")
    return _to_manage(commission, survey, "#schedule")


# -- open, close, archive, delete ------------------------------------------------------------------------------


@bp.post("/<int:survey_id>/open")
def open_(commission_id: int, survey_id: int):
    commission, survey = _load(commission_id, survey_id, access.WRITE)
    session = db_session()
    try:
        lifecycle.open_survey(session, survey)
    except Conflict as exc:
        return _manage_page(commission, survey, {"open": exc.message}, status=409)
    flash("The survey is open. Share its link or QR code.", "success")
    return _to_manage(commission, survey)


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


@bp.post("/<int:survey_id>/archive")
def archive(commission_id: int, survey_id: int):
    commission, survey = _load(commission_id, survey_id, access.WRITE)
    restore = request.form.get("restore") == "yes"
    try:
        lifecycle.archive_survey(db_session(), survey, archived=not restore)
    except Conflict as exc:
        return _manage_page(commission, survey, {"archive": exc.message}, status=409)
    flash("Survey restored to the list" if restore else
          "Survey archived: it is no longer in the list of surveys, and its results and evidence are kept", "success")
    return _to_manage(commission, survey)


@bp.get("/<int:survey_id>/delete")
def delete_page_confirm(commission_id: int, survey_id: int):
    commission, survey = _load(commission_id, survey_id, access.WRITE)
    if survey.status != DRAFT:
        return _manage_page(commission, survey, {"delete": "Only a draft can be deleted"}, status=409)
    return render_template("surveys/staff/delete.html", commission=commission, survey=survey)


@bp.post("/<int:survey_id>/delete")
def delete(commission_id: int, survey_id: int):
    commission, survey = _load(commission_id, survey_id, access.WRITE)
    title = survey.title
    try:
        lifecycle.delete_survey(db_session(), survey)
    except Conflict as exc:
        return _manage_page(commission, survey, {"delete": exc.message}, status=409)
    flash(f"Survey deleted: {wording.quoted(title)}", "success")
    return redirect(url_for(".index", commission_id=commission.id))


# -- preview and results -------------------------------------------------------------------------------------


@bp.get("/<int:survey_id>/preview")
def preview(commission_id: int, survey_id: int):
    commission, survey = _load(commission_id, survey_id)
    return render_template("surveys/staff/preview.html", commission=commission, survey=survey,
                           sections=all_pages(survey.definition), questions=flatten(survey.definition))


def _responses(survey):
    return list(db_session().scalars(select(SurveyResponse).where(SurveyResponse.survey_id == survey.id)
                                     .order_by(SurveyResponse.submitted_at, SurveyResponse.id)))


#: Residents' own words listed per question on the results page (the search and the CSV reach all).
LISTED_ON_PAGE = 100


@bp.get("/<int:survey_id>/results")
def results_page(commission_id: int, survey_id: int):
    commission, survey = _load(commission_id, survey_id)
    figures = results.stored_results(db_session(), survey, commission.population_groups,
                                     by=request.args.get("by") or None, search=request.args.get("q") or None,
                                     list_limit=LISTED_ON_PAGE)
    about = results.segment_questions(flatten(survey.definition))
    session = db_session()
    return render_template("surveys/staff/results.html", commission=commission, survey=survey, figures=figures,
                           about=about, by=request.args.get("by") or "", q=request.args.get("q") or "",
                           collected=collectors.counts(session, survey), collected_totals=collectors.totals(session, survey))


@bp.get("/<int:survey_id>/results.csv")
def results_csv(commission_id: int, survey_id: int):
    _, survey = _load(commission_id, survey_id)
    return survey_responses_csv(survey, db_session())


@bp.get("/<int:survey_id>/results.json")
def results_json(commission_id: int, survey_id: int):
    commission, survey = _load(commission_id, survey_id)
    figures = results.stored_results(db_session(), survey, commission.population_groups)
    figures["answers"] = results.answers_export(_responses(survey))
    return download(json.dumps(figures, ensure_ascii=False, indent=2), "application/json",
                    f"survey-{survey.id}-results.json")
