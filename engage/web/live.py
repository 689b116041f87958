"""Live poll pages: residents join by code; commissioners set sessions up and run them.

- ``/join`` takes a code; ``/join/<code>`` is the short link (and the QR code's target) and the
  page a phone votes on. Voting happens over the socket (engage/realtime); the page itself
  holds no personal data and needs no account.
- Staff pages sit under the commission. The presenter screen (for the projector) and the
  moderation screen work without JavaScript through the form posts below, and update live
  with it: the same service functions either way.
"""
from __future__ import annotations

import io

import segno
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from commissioning_steps import access, journey
from commissioning_steps.commissions import NOT_STARTED
from commissioning_steps.errors import DomainError, Invalid
from commissioning_steps.staff import StaffUser
from surveys import question_types
from surveys.live import results, running, sessions, views
from surveys.live.errors import UnknownSession
from surveys.live.join_codes import normalise_code
from surveys.live.models import CLOSED, LiveSession

from ..common.live import record_watch
from ..extensions import db_session

bp = Blueprint("live", __name__)
STAFF = "/commissions/<int:commission_id>/live-sessions"


# -- residents -------------------------------------------------------------------------------

@bp.get("/join")
def join():
    typed = request.args.get("code")
    if typed is None:
        return render_template("live/join.html", error=None, code="")
    code = normalise_code(typed)
    if code is None:
        return render_template("live/join.html", code=typed,
                               error="Enter the 6-character code shown on the screen, like ABC 234"), 422
    try:
        sessions.find_by_code(db_session(), code)
    except UnknownSession as exc:
        return render_template("live/join.html", code=typed, error=exc.message), 404
    return redirect(url_for(".join_session", code=code))


@bp.get("/join/<code>")
def join_session(code: str):
    canonical = normalise_code(code)
    if canonical is not None and canonical != code:
        return redirect(url_for(".join_session", code=canonical))
    try:
        live = sessions.find_by_code(db_session(), canonical)
    except UnknownSession as exc:
        return render_template("live/join.html", code=code, error=exc.message), 404
    return render_template("live/resident.html", live=live)


# -- staff: sessions and questions -------------------------------------------------------------

@bp.before_request
def _staff_pages_need_sign_in():
    if request.endpoint in ("live.join", "live.join_session", "live.static"):
        return None
    return login_required(lambda: None)()


def _commission(commission_id: int, action: str = access.READ):
    return access.require(db_session(), current_user, commission_id, action)


def _live(commission_id: int, session_id: int, action: str = access.READ):
    commission = _commission(commission_id, action)
    live = db_session().get(LiveSession, session_id)
    if live is None or live.commission_id != commission.id:
        abort(404)
    return commission, live


def _steps_for(commission):
    return [s for s in journey.STEPS
            if journey.LIVE_POLL in s.activities and commission.step_status(s.key) != NOT_STARTED]


def _index_page(commission, errors=None, form=None, status=200):
    db = db_session()
    return render_template(
        "live/sessions.html", commission=commission, live_sessions=sessions.sessions_for(db, commission.id),
        steps=_steps_for(commission), can_write=access.allowed(db, current_user, commission.id, access.WRITE),
        errors=errors or {}, form=form or {},
    ), status


@bp.get(STAFF)
def index(commission_id: int):
    return _index_page(_commission(commission_id))


@bp.post(STAFF)
def create(commission_id: int):
    commission = _commission(commission_id, access.WRITE)
    db = db_session()
    try:
        live = sessions.create_session(db, commission, current_user, title=request.form.get("title", ""),
                                       step=request.form.get("step", ""))
    except Invalid as exc:
        return _index_page(commission, exc.fields, request.form, 422)
    flash(f"Live session created. Its join code is {live.code}. Add its questions next.", "success")
    return redirect(url_for(".manage", commission_id=commission.id, session_id=live.id))


def _manage_page(commission, live, errors=None, form=None, status=200):
    db = db_session()
    closed = {q.id: results.tally(db, q) for q in live.questions if q.state == CLOSED}
    disclosures = running.disclosures(db, live)
    return render_template(
        "live/session.html", commission=commission, live=live, step=journey.get_step(live.step),
        closed=closed, input_items=results.resident_input(db, commission.id, session_id=live.id),
        disclosures=disclosures, names=_staff_names(db, disclosures),
        can_write=access.allowed(db, current_user, commission.id, access.WRITE),
        types=question_types.types_for(question_types.POLL), errors=errors or {}, form=form or {},
    ), status


def _staff_names(db, disclosures) -> dict[int, str]:
    ids = {d.staff_id for d in disclosures if d.staff_id}
    return {u.id: u.name for u in (db.get(StaffUser, i) for i in ids) if u}


@bp.get(STAFF + "/<int:session_id>")
def manage(commission_id: int, session_id: int):
    commission, live = _live(commission_id, session_id)
    return _manage_page(commission, live)


def _form_value(form, key: str):
    """One field of the question form in the form a definition takes (``None``: left empty)."""
    if key == "options":
        return [line.strip() for line in form.get("options", "").splitlines() if line.strip()]
    if key == "multiple":
        return form.get("multiple") == "yes"
    value = form.get(key, "").strip()
    if not value:
        return None
    if key in ("min", "max"):
        return int(value) if value.lstrip("-").isdigit() else value
    return value


def question_from_form(form) -> dict:
    """The question form's fields as a definition; the registry decides whether it is right.

    Only the fields the chosen type reads (``QuestionType.form_keys``) are taken, so a rating's
    scale typed in before switching to multiple choice is not sent with it.
    """
    raw: dict = {"type": form.get("type", ""), "text": form.get("text", "")}
    if form.get("help", "").strip():
        raw["help"] = form["help"]
    qtype = question_types.TYPES.get(raw["type"])
    for key in qtype.form_keys if qtype else ():
        value = _form_value(form, key)
        if value is not None:
            raw[key] = value
    return raw


@bp.post(STAFF + "/<int:session_id>/questions")
def add_question(commission_id: int, session_id: int):
    commission, live = _live(commission_id, session_id, access.WRITE)
    db = db_session()
    try:
        sessions.add_question(db, live, current_user, question_from_form(request.form))
    except Invalid as exc:
        errors: dict[str, str] = {}
        for key, message in exc.fields.items():  # "questions.3.options.1" -> "options"
            parts = key.split(".")
            field = (parts[2] if len(parts) > 2 else "text") if parts[0] == "questions" else parts[0]
            errors.setdefault(field or "text", message)
        return _manage_page(commission, live, errors, request.form, 422)
    flash("Question added", "success")
    return redirect(url_for(".manage", commission_id=commission.id, session_id=live.id) + "#questions")


@bp.get(STAFF + "/<int:session_id>/qr.svg")
def qr(commission_id: int, session_id: int):
    _, live = _live(commission_id, session_id)
    link = url_for(".join_session", code=live.code, _external=True)
    out = io.BytesIO()
    segno.make(link, error="m").save(out, kind="svg", scale=8, border=2, title=f"QR code for {link}")
    return Response(out.getvalue(), mimetype="image/svg+xml")


# -- staff: running a session ----------------------------------------------------------------

def _screen(commission_id: int, session_id: int, mode: str):
    commission, live = _live(commission_id, session_id, access.WRITE)
    if mode == "moderate":  # shows results before the room sees them, even without JavaScript
        record_watch(live.id, current_user)
    snapshot = views.snapshot(db_session(), live, views.STAFF)
    return render_template(
        "live/present.html", commission=commission, live=live, mode=mode, snapshot=snapshot,
        question=snapshot["question"], tally=snapshot["tally"], entries=snapshot["entries"],
        participants=snapshot["participants"],
        join_url=url_for(".join_session", code=live.code, _external=True),
    )


@bp.get(STAFF + "/<int:session_id>/present")
def present(commission_id: int, session_id: int):
    return _screen(commission_id, session_id, "present")


@bp.get(STAFF + "/<int:session_id>/moderate")
def moderate(commission_id: int, session_id: int):
    return _screen(commission_id, session_id, "moderate")


def _back(live, error: str | None = None):
    if error:
        flash(error, "error")
    mode = "moderate" if request.form.get("mode") == "moderate" else "present"
    return redirect(url_for(f".{mode}", commission_id=live.commission_id, session_id=live.id) + "#controls")


def _int(value) -> int | None:
    return int(value) if isinstance(value, str) and value.isdigit() else None


@bp.post(STAFF + "/<int:session_id>/control")
def control(commission_id: int, session_id: int):
    """The presenter's buttons without JavaScript (with it, the socket sends the same)."""
    _, live = _live(commission_id, session_id, access.WRITE)
    action = request.form.get("action")
    if action not in running.CONTROL_ACTIONS:
        abort(400)
    try:
        running.control(db_session(), live, action, _int(request.form.get("question_id")), current_user)
    except DomainError as exc:
        return _back(live, exc.message)
    return _back(live)


@bp.post(STAFF + "/<int:session_id>/moderation")
def moderation(commission_id: int, session_id: int):
    _, live = _live(commission_id, session_id, access.WRITE)
    try:
        running.moderate(db_session(), live, _int(request.form.get("question_id")),
                         _int(request.form.get("entry_id")), request.form.get("action"), current_user)
    except DomainError as exc:
        return _back(live, exc.message)
    return _back(live)
