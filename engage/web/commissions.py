"""Commissioner and evaluator pages: the dashboard, a commission's journey, each step."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from commissioning_steps import access, benefits, commissions, evaluation, evidence, journey, progression
from commissioning_steps.errors import Conflict, Invalid, NotFound
from surveys.webhooks import subscriptions as webhook_subscriptions

from ..common.activity import feed_view
from ..extensions import db_session
from .forms import (
    AssessmentForm, CommissionForm, CompleteStepForm, EvidenceForm, MemberForm, apply_domain_errors,
)
from .evidence_log import author_names
from .parsing import format_groups, parse_groups, parse_lines

bp = Blueprint("commissions", __name__, url_prefix="/commissions")


@bp.before_request
@login_required
def _signed_in():
    """Every page here is for signed-in staff."""


def _step_or_404(key: str) -> journey.Step:
    step = journey.get_step(key)
    if step is None:
        abort(404)
    return step


@bp.get("")
def dashboard():
    session = db_session()
    rows = session.scalars(access.visible_commissions(current_user)).all()
    # Webhooks that stopped (paused after failing, or disabled by 410 Gone) are their commissioners' to fix.
    changeable = [c.id for c in rows if access.allowed(session, current_user, c.id, access.WRITE)]
    return render_template("staff/dashboard.html", commissions=rows,
                           can_create=access.can_create_commission(current_user),
                           due=benefits.reminders_for(session, current_user),
                           webhooks_attention=webhook_subscriptions.needing_attention(session, changeable),
                           titles={c.id: c.title for c in rows})


def _commission_input(form: CommissionForm) -> commissions.CommissionInput:
    return commissions.CommissionInput(
        title=form.title.data or "", summary=form.summary.data or "", area=form.area.data or "",
        partners=parse_lines(form.partners.data), population_groups=parse_groups(form.population_groups.data),
        retention_days=form.retention_days.data,
    )


def _save_commission(form: CommissionForm, commission=None):
    """Validate and save; returns the commission, or None with errors attached to the form."""
    if not form.validate_on_submit():
        return None
    session = db_session()
    try:
        data = _commission_input(form)
        if commission is None:
            commission = commissions.create_commission(session, current_user, data)
        else:
            commissions.update_commission(session, commission, data)
        return commission
    except Invalid as exc:
        apply_domain_errors(form, exc.fields)
        form._errors = None
        return None


@bp.route("/new", methods=["GET", "POST"])
def new():
    if not access.can_create_commission(current_user):
        abort(403)
    form = CommissionForm()
    commission = _save_commission(form)
    if commission:
        flash(f"Commission created. {journey.STEPS[0].name} is the active step.", "success")
        return redirect(url_for(".show", commission_id=commission.id))
    return render_template("staff/commission_form.html", form=form, commission=None), 422 if form.errors else 200


@bp.route("/<int:commission_id>/edit", methods=["GET", "POST"])
def edit(commission_id: int):
    commission = access.require(db_session(), current_user, commission_id, access.WRITE)
    form = CommissionForm()
    if request.method == "GET":
        form.title.data = commission.title
        form.summary.data = commission.summary
        form.area.data = commission.area
        form.partners.data = "\n".join(commission.partners)
        form.population_groups.data = format_groups(commission.population_groups)
        form.retention_days.data = commission.retention_days
    saved = _save_commission(form, commission)
    if saved:
        flash("Commission saved", "success")
        return redirect(url_for(".show", commission_id=commission.id))
    return render_template("staff/commission_form.html", form=form, commission=commission), 422 if form.errors else 200


@bp.get("/<int:commission_id>")
def show(commission_id: int):
    session = db_session()
    commission = access.require(session, current_user, commission_id)
    current = commission.current_step
    current_evidence = evidence.entries(session, commission.id, current.key) if current else []
    counts = evidence.counts_by_step(session, commission.id)
    return render_template(
        "staff/commission.html", commission=commission, stages=journey.STAGES, current=current,
        current_evidence=current_evidence, counts=counts,
        can_write=access.allowed(session, current_user, commission.id, access.WRITE),
        open_challenges=evaluation.challenges(session, commission.id, open_only=True),
        signed=evaluation.signed_count(session, commission.id),
        activity=feed_view(commission.id, session=session),
    )


@bp.route("/<int:commission_id>/team", methods=["GET", "POST"])
def team(commission_id: int):
    session = db_session()
    commission = access.require(session, current_user, commission_id)
    can_write = access.allowed(session, current_user, commission.id, access.WRITE)
    form = MemberForm()
    if request.method == "POST":
        if not can_write:
            abort(403)
        if form.validate_on_submit():
            try:
                commissions.add_member(session, commission, form.email.data, form.role.data)
                flash(f"{form.email.data} added as {form.role.data}", "success")
                return redirect(url_for(".team", commission_id=commission.id))
            except (Invalid, Conflict) as exc:
                apply_domain_errors(form, exc.fields)
                form._errors = None
    return render_template("staff/team.html", commission=commission, members=commissions.members(session, commission),
                           form=form, can_write=can_write), 422 if form.errors else 200


#: The toolboxes the journey table's tool codes come from, as its source names them ("Nothing
#: About Us, Without Us!", Tom Alexander, SSA: the footnotes under the table).
TOOLBOXES = {"CLA": "SSA Collaborative Leadership Across Communities Toolbox",
             "T&V": "SSA Trust & Shared Vision Toolbox"}


def step_tools(step: journey.Step) -> list[dict[str, str | None]]:
    """The step's related tool codes, each once (the data keeps the table's repeat verbatim),
    with the toolbox its prefix names, if the source names one."""
    out = []
    for code in dict.fromkeys(step.tools):
        prefix = next((p for p in TOOLBOXES if code.startswith(p)), None)
        out.append({"code": code, "toolbox": TOOLBOXES.get(prefix)})
    return out


def _evidence_form(commission) -> EvidenceForm:
    """A blank evidence form, or one starting from the entry a correction link names."""
    form = EvidenceForm(supersedes=request.args.get("corrects", ""))
    entry = _correcting(commission, None)
    if entry is not None and entry.kind in evidence.MANUAL_KINDS:
        form.prefill(entry)
    return form


def _step_context(commission, step, **forms):
    session = db_session()
    rows = evidence.entries(session, commission.id, step.key)
    return dict(
        commission=commission, step=step, status=commission.step_status(step.key), entries=rows,
        tools=step_tools(step),
        names=author_names(session, rows),
        superseded=evidence.superseded_by(session, commission.id),
        signed=evaluation.signed_count(session, commission.id),
        shortfall=progression.gateway_shortfall(session, commission, step),
        can_write=access.allowed(session, current_user, commission.id, access.WRITE),
        can_assess=access.allowed(session, current_user, commission.id, access.ASSESS),
        evidence_form=forms.get("evidence_form") or _evidence_form(commission),
        complete_form=forms.get("complete_form") or CompleteStepForm(),
        assessment_form=forms.get("assessment_form") or AssessmentForm(),
        correcting=_correcting(commission, forms.get("evidence_form")),
    )


def _correcting(commission, form):
    raw = form.supersedes.data if form else request.args.get("corrects")
    if raw and str(raw).isdigit():
        try:
            return evidence.get_entry(db_session(), commission.id, int(raw))
        except NotFound:  # a stale link simply shows no correction banner
            return None
    return None


@bp.get("/<int:commission_id>/steps/<key>")
def step(commission_id: int, key: str):
    commission = access.require(db_session(), current_user, commission_id)
    return render_template("staff/step.html", **_step_context(commission, _step_or_404(key)))


@bp.post("/<int:commission_id>/steps/<key>/evidence")
def add_evidence(commission_id: int, key: str):
    session = db_session()
    commission = access.require(session, current_user, commission_id, access.WRITE)
    step_def = _step_or_404(key)
    form = EvidenceForm()
    if form.validate_on_submit():
        payload = form.payload()
        supersedes = int(form.supersedes.data) if (form.supersedes.data or "").isdigit() else None
        try:
            entry = evidence.record_manual(session, commission, current_user, step=step_def.key,
                                           kind=form.kind.data, summary=form.summary.data, payload=payload,
                                           supersedes=supersedes)
            flash(f"Evidence entry {entry.seq} added to the log", "success")
            return redirect(url_for(".step", commission_id=commission.id, key=step_def.key) + f"#entry-{entry.id}")
        except (Invalid, Conflict) as exc:
            unplaced = apply_domain_errors(form, exc.fields, {"payload.attendance": form.field_for("attendance"),
                                                              "payload.url": form.field_for("url"),
                                                              "payload": "summary"})
            if unplaced:
                form.summary.errors = [*form.summary.errors, *unplaced]
            form._errors = None
    context = _step_context(commission, step_def, evidence_form=form)
    return render_template("staff/step.html", **context), 422


@bp.post("/<int:commission_id>/steps/<key>/complete")
def complete(commission_id: int, key: str):
    session = db_session()
    commission = access.require(session, current_user, commission_id, access.WRITE)
    step_def = _step_or_404(key)
    form = CompleteStepForm()
    if form.validate_on_submit():
        try:
            nxt = progression.complete_step(session, commission, step_def.key, current_user,
                                            override_reason=form.override_reason.data)
            flash(f"{step_def.name} is complete." + (f" {nxt.name} is now active." if nxt else
                                                      " The journey is complete."), "success")
            return redirect(url_for(".show", commission_id=commission.id))
        except (Invalid, Conflict) as exc:
            # A blocked gateway explains itself in full; a bad reason names the problem.
            message = exc.message if isinstance(exc, Conflict) else exc.fields.get("override_reason", exc.message)
            form.override_reason.errors = [message]
            form._errors = None
    return render_template("staff/step.html", **_step_context(commission, step_def, complete_form=form)), 422


@bp.post("/<int:commission_id>/steps/<key>/assessments")
def assess(commission_id: int, key: str):
    session = db_session()
    commission = access.require(session, current_user, commission_id, access.ASSESS)
    step_def = _step_or_404(key)
    form = AssessmentForm()
    if form.validate_on_submit():
        try:
            evaluation.rate_step(session, commission, current_user, step=step_def.key,
                                 rating=form.rating.data, commentary=form.commentary.data)
            flash(f"Rating of {step_def.name} recorded", "success")
            return redirect(url_for(".step", commission_id=commission.id, key=step_def.key))
        except (Invalid, Conflict) as exc:
            unplaced = apply_domain_errors(form, exc.fields, {"summary": "commentary", "step": "rating"})
            if unplaced:
                form.commentary.errors = [*form.commentary.errors, *unplaced]
            form._errors = None
    return render_template("staff/step.html", **_step_context(commission, step_def, assessment_form=form)), 422
