"""The evaluation's pages: the evaluator's workspace (every step with its practice question, status
and dates, evidence filtered by kind and source, indicators with what they count, ratings and
challenges), signing off, the report (HTML, PDF, JSON, CSV) and its audit pack, and benefits.

The report and its downloads are for signed-in staff of the commission, or a script with a
Bearer token; everything else here needs a signed-in session (forms carry CSRF tokens)."""
from __future__ import annotations

import json

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from commissioning_steps import access, benefits, evaluation, evidence, journey
from commissioning_steps.errors import Conflict, Forbidden, Invalid, NotFound
from surveys import evaluation_report

from ..auth import bearer_user
from ..common import charts
from ..common.downloads import download
from ..common.evaluation import report_csv
from ..extensions import db_session, login_manager
from .evaluation_forms import AnswerForm, ChallengeForm, SignOffForm, rating_form
from .evidence_log import author_names
from .forms import apply_domain_errors

bp = Blueprint("evaluation", __name__, url_prefix="/commissions/<int:commission_id>")


# -- who is asking ---------------------------------------------------------------------------


def _reader():
    """A signed-in staff member, or the owner of a Bearer token (scripts fetching the report)."""
    if request.headers.get("Authorization"):
        user = bearer_user()
        if user is None:
            abort(401)
        return user
    if not current_user.is_authenticated:
        return None
    return current_user


def _commission(commission_id: int, action: str = access.READ):
    user = _reader()
    if user is None:
        return None, None
    return access.require(db_session(), user, commission_id, action), user


def _signed_in(commission_id: int, action: str = access.READ):
    if not current_user.is_authenticated:
        return None
    return access.require(db_session(), current_user, commission_id, action)


# -- template helpers ------------------------------------------------------------------------


@bp.app_template_global()
def indicator_link(commission_id: int, ref: str | None) -> str | None:
    """Where a row an indicator counts can be seen, when it has a page."""
    if not ref or ":" not in ref:
        return None
    kind, _, rest = ref.partition(":")
    if not rest.isdigit():
        return None
    if kind == "evidence":
        return url_for("evidence_log.log_page", commission_id=commission_id) + f"#entry-{rest}"
    if kind == "survey":
        return url_for("surveys_staff.results_page", commission_id=commission_id, survey_id=int(rest))
    if kind == "live-session":
        return url_for("live.manage", commission_id=commission_id, session_id=int(rest))
    if kind == "benefit-review":
        return url_for("evaluation.benefits_page", commission_id=commission_id) + f"#review-{rest}"
    return None




@bp.app_template_global()
def svg_bar_chart(bars, chart_id, title):
    return charts.bar_chart(bars, chart_id, title)


@bp.app_template_global()
def svg_benefit_chart(profile, chart_id):
    return charts.benefit_chart(profile, chart_id)


@bp.app_template_global()
def svg_benefits_map(graph, chart_id="benefits-map"):
    return charts.benefits_map(graph, chart_id)


# -- the workspace ---------------------------------------------------------------------------


def _filters() -> dict[str, str | None]:
    kind = request.args.get("kind") or None
    source = request.args.get("source") or None
    return {"kind": kind if kind in evidence.KINDS else None,
            "source": source if source in (evidence.MANUAL, evidence.AUTOMATIC) else None}


def _workspace(commission, forms: dict | None = None, status: int = 200):
    session = db_session()
    forms = forms or {}
    report = evaluation_report.report(session, commission, draft=True)
    filters = _filters()
    rows = evaluation.filtered_entries(session, commission.id, kind=filters["kind"], source=filters["source"])
    by_step: dict[str, list] = {k: [] for k in journey.STEP_KEYS}
    for row in rows:
        by_step.setdefault(row.step, []).append(row)
    threads = evaluation.challenges(session, commission.id)
    entries_by_id = {e.id: e for e in rows}
    can_assess = access.allowed(session, current_user, commission.id, access.ASSESS)
    can_write = access.allowed(session, current_user, commission.id, access.WRITE)
    step_entries = {k: [(e.id, f"Entry {e.seq}: {e.kind_label}") for e in by_step[k]] for k in journey.STEP_KEYS}
    rating_forms = {k: forms.get(f"rate-{k}") or rating_form(k) for k in journey.STEP_KEYS}
    challenge_forms = {k: forms.get(f"challenge-{k}") or ChallengeForm(prefix=f"challenge-{k}") for k in journey.STEP_KEYS}
    for key, form in challenge_forms.items():
        form.entry.choices = [("", f"The step as a whole")] + [(str(i), label) for i, label in step_entries[key]]
    answer_forms = {t.challenge.id: forms.get(f"answer-{t.challenge.id}") or AnswerForm(prefix=f"answer-{t.challenge.id}")
                    for t in threads}
    failed = next((f for f in forms.values() if f.errors), None)
    return render_template(
        "evaluation/workspace.html", commission=commission, report=report, stages=journey.STAGES,
        steps={s["key"]: s for s in report["steps"]}, by_step=by_step, filters=filters, kinds=evidence.KINDS,
        names=author_names(session, rows), superseded=evidence.superseded_by(session, commission.id),
        signed=evaluation.signed_count(session, commission.id), threads=threads, entries_by_id=entries_by_id,
        challenge_names=_challenge_names(session, threads), can_assess=can_assess, can_write=can_write,
        rating_forms=rating_forms, challenge_forms=challenge_forms, answer_forms=answer_forms,
        sign_off_form=forms.get("sign-off") or SignOffForm(),
        problems=evaluation.sign_off_problems(session, commission), form=failed,
        sign_off_error=forms.get("sign-off-error"),
    ), status


def _challenge_names(session, threads) -> dict[int, str]:
    from sqlalchemy import select

    from commissioning_steps.staff import StaffUser

    ids = {t.challenge.raised_by_id for t in threads} | {a.answered_by_id for t in threads for a in t.answers}
    if not ids:
        return {}
    return {u.id: u.name for u in session.scalars(select(StaffUser).where(StaffUser.id.in_(ids)))}


@bp.get("/evaluation/workspace")
def workspace(commission_id: int):
    commission = _signed_in(commission_id)
    if commission is None:
        return login_manager.unauthorized()
    return _workspace(commission)


def _back(commission, anchor: str):
    query = {k: v for k, v in _filters().items() if v}
    return redirect(url_for(".workspace", commission_id=commission.id, **query) + anchor)


@bp.post("/evaluation/steps/<key>/rating")
def rate(commission_id: int, key: str):
    commission = _signed_in(commission_id, access.ASSESS)
    if commission is None:
        return login_manager.unauthorized()
    step = journey.get_step(key) or abort(404)
    form = rating_form(step.key)
    if form.validate_on_submit():
        try:
            evaluation.rate_step(db_session(), commission, current_user, step=step.key, rating=form.rating.data,
                                 commentary=form.commentary.data)
            flash(f"Rating of {step.name} recorded", "success")
            return _back(commission, f"#step-{step.key}")
        except Invalid as exc:
            unplaced = apply_domain_errors(form, exc.fields, {"step": "rating"})
            if unplaced:
                form.commentary.errors = [*form.commentary.errors, *unplaced]
            form._errors = None
    return _workspace(commission, {f"rate-{step.key}": form}, 422)


@bp.post("/evaluation/steps/<key>/challenges")
def challenge(commission_id: int, key: str):
    commission = _signed_in(commission_id, access.ASSESS)
    if commission is None:
        return login_manager.unauthorized()
    step = journey.get_step(key) or abort(404)
    form = ChallengeForm(prefix=f"challenge-{step.key}")
    form.entry.choices = None  # checked by the service, not by WTForms
    form.entry.validate_choice = False
    if form.validate_on_submit():
        raw = form.entry.data or ""
        try:
            evaluation.raise_challenge(db_session(), commission, current_user, step=step.key, text=form.text.data,
                                       entry_id=int(raw) if raw.isdigit() and len(raw) < 19 else None)
            flash(f"Challenge on {step.name} raised: a commissioner will answer it", "success")
            return _back(commission, f"#step-{step.key}")
        except Invalid as exc:
            unplaced = apply_domain_errors(form, exc.fields, {"entry_id": "entry", "step": "entry"})
            if unplaced:
                form.text.errors = [*form.text.errors, *unplaced]
            form._errors = None
    return _workspace(commission, {f"challenge-{step.key}": form}, 422)


@bp.post("/evaluation/challenges/<int:challenge_id>/answers")
def answer(commission_id: int, challenge_id: int):
    commission = _signed_in(commission_id, access.WRITE)
    if commission is None:
        return login_manager.unauthorized()
    session = db_session()
    thread = evaluation.get_challenge(session, challenge_id)
    if thread.commission_id != commission.id:
        raise NotFound("No challenge with that id")
    form = AnswerForm(prefix=f"answer-{challenge_id}")
    if form.validate_on_submit():
        try:
            evaluation.answer_challenge(session, thread, current_user, text=form.text.data)
            flash(f"Challenge {challenge_id} answered", "success")
            return _back(commission, f"#challenge-{challenge_id}")
        except Invalid as exc:
            apply_domain_errors(form, exc.fields)
            form._errors = None
    return _workspace(commission, {f"answer-{challenge_id}": form}, 422)


@bp.post("/evaluation/sign-off")
def sign_off(commission_id: int):
    commission = _signed_in(commission_id, access.ASSESS)
    if commission is None:
        return login_manager.unauthorized()
    form = SignOffForm()
    if form.validate_on_submit():
        try:
            row = evaluation_report.sign_off(db_session(), commission, current_user,
                                             current_app.extensions["engage.checkpoint_signer"])
            flash(f"Evaluation signed off: report version {row.version}", "success")
            return redirect(url_for(".report_page", commission_id=commission.id))
        except Conflict as exc:
            form.submit.errors = list(exc.fields.values()) or [exc.message]
            return _workspace(commission, {"sign-off": form, "sign-off-error": exc.fields}, 409)
    return _workspace(commission, {"sign-off": form}, 400)


# -- the report ------------------------------------------------------------------------------


def _version() -> tuple[int | None, bool]:
    raw = request.args.get("version")
    if raw in (None, ""):
        return None, False
    if raw == "draft":
        return None, True
    if not raw.isdigit() or len(raw) > 9:
        abort(404)
    return int(raw), False


def _report_for(commission_id: int):
    commission, user = _commission(commission_id)
    if commission is None:
        return None, None
    version, draft = _version()
    return commission, evaluation_report.report(db_session(), commission, version=version, draft=draft)


def _filename(report, ext: str) -> str:
    which = f"v{report['version']}" if report["version"] else "draft"
    return f"commission-{report['commission']['id']}-evaluation-{which}.{ext}"


@bp.get("/evaluation")
def report_page(commission_id: int):
    commission, report = _report_for(commission_id)
    if commission is None:
        return login_manager.unauthorized()
    return render_template("evaluation/report.html", commission=commission, report=report, print_version=False,
                           query={"version": request.args["version"]} if request.args.get("version") else {})


@bp.get("/evaluation.json")
def report_json_file(commission_id: int):
    commission, report = _report_for(commission_id)
    if commission is None:
        return login_manager.unauthorized()
    return download(json.dumps(report, ensure_ascii=False, indent=2), "application/json", _filename(report, "json"))


@bp.get("/evaluation.csv")
def report_csv_file(commission_id: int):
    commission, report = _report_for(commission_id)
    if commission is None:
        return login_manager.unauthorized()
    return download(report_csv(report), "text/csv", _filename(report, "csv"))


@bp.get("/evaluation.pdf")
def report_pdf(commission_id: int):
    commission, report = _report_for(commission_id)
    if commission is None:
        return login_manager.unauthorized()
    from flask import Response

    from .evaluation_pdf import render_pdf

    return Response(render_pdf(report), mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{_filename(report, "pdf")}"'})


@bp.get("/evaluation/audit-pack.zip")
def audit_pack(commission_id: int):
    """The report PDF, the JSON report, the evidence export at the report's version and the
    checkpoint of the log at that version, with a manifest of their SHA-256 and the head."""
    commission, report = _report_for(commission_id)
    if commission is None:
        return login_manager.unauthorized()
    from flask import Response

    from commissioning_steps import audit_pack, checkpoints
    from commissioning_steps.checkpoints import EvidenceCheckpoint

    from .evaluation_pdf import render_pdf

    session = db_session()
    if report["draft"]:
        export = evidence.export(session, commission)
        checkpoint = checkpoints.latest(session, commission.id)
    else:
        cp_id = report["signed_off"]["checkpoint_id"]
        checkpoint = session.get(EvidenceCheckpoint, cp_id) if cp_id else None
        export = evidence.export(session, commission, upto=report["entry_count"], checkpoint=checkpoint)
    files = {
        audit_pack.REPORT_PDF: render_pdf(report),
        audit_pack.REPORT_JSON: json.dumps(report, ensure_ascii=False, indent=2).encode("utf-8"),
        audit_pack.EVIDENCE: json.dumps(export, ensure_ascii=False, indent=2).encode("utf-8"),
    }
    if checkpoint is not None:
        files[audit_pack.CHECKPOINT] = json.dumps(checkpoint.as_dict(), indent=2).encode("utf-8")
    body = audit_pack.build(files, commission_id=commission.id, version=report["version"], head=report["head"],
                            entry_count=report["entry_count"])
    return Response(body, mimetype="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="{_filename(report, "audit-pack.zip")}"'})


# -- benefits --------------------------------------------------------------------------------


@bp.get("/benefits")
def benefits_page(commission_id: int):
    commission = _signed_in(commission_id)
    if commission is None:
        return login_manager.unauthorized()
    session = db_session()
    section = evaluation_report.benefits_section(session, commission)
    titles = {p["id"]: p["title"] for p in section["profiles"]}
    from commissioning_steps.decisions import decisions_of

    decision_titles = {d.id: d.title for d in decisions_of(session, commission.id)}
    return render_template("evaluation/benefits.html", commission=commission, section=section, titles=titles,
                           decision_titles=decision_titles, measure_step=benefits.measure_step(commission),
                           can_write=access.allowed(session, current_user, commission.id, access.WRITE))


__all__ = ["bp"]
