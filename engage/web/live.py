"""Live poll pages: residents join by code; commissioners set sessions up and run them.

- ``/join`` takes a code; ``/join/<code>`` is the short link (and the QR code's target) and the
  page a phone votes on. Voting happens over the socket (engage/realtime); the page itself
  holds no personal data and needs no account.
- Staff pages sit under the commission. The presenter and moderation screens work without
  JavaScript through the form posts below, and update live with it: the same service
  functions either way. The projector view (``/projector``) is full screen, without staff
  chrome, and shows what the room may see (results only once shown); it is run from the
  moderation screen or with its keyboard shortcuts.
- Ending, archiving and deleting a session, and changing or removing a question that has
  not been opened, each have a page (a confirmation for what cannot be undone) and one service.
"""
from __future__ import annotations

import io

import segno
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from commissioning_steps import access, journey
from commissioning_steps.commissions import NOT_STARTED
from commissioning_steps.errors import Conflict, DomainError, Invalid
from commissioning_steps.staff import StaffUser
from surveys import question_types
from surveys.live import results, running, sessions, views
from surveys.live.errors import UnknownSession
from surveys.live.join_codes import normalise_code
from surveys.live.models import CLOSED, PENDING, LiveSession

from .. import rate_limits
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
        return _wrong_code(typed, exc)
    return redirect(url_for(".join_session", code=code))


def _wrong_code(typed: str, exc: UnknownSession):
    """The same budget of wrong codes per connection as the socket's ``join``; a right code is
    never counted, so never refused."""
    if not rate_limits.wrong_join_code():
        return render_template("live/join.html", code=typed, error=rate_limits.TOO_MANY_WRONG_CODES), 429
    return render_template("live/join.html", code=typed, error=exc.message), 404


@bp.get("/join/<code>")
def join_session(code: str):
    canonical = normalise_code(code)
    if canonical is not None and canonical != code:
        return redirect(url_for(".join_session", code=canonical))
    try:
        live = sessions.find_by_code(db_session(), canonical)
    except UnknownSession as exc:
        return _wrong_code(code, exc)
    if live.ended:  # a phone that follows the link (or the QR code) afterwards is told so
        return render_template("live/ended.html", live=live), 410
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


def _index_page(commission, errors=None, form=None, status=200, archived=False):
    db = db_session()
    which = sessions.ONLY_ARCHIVED if archived else sessions.WITHOUT_ARCHIVED
    return render_template(
        "live/sessions.html", commission=commission, live_sessions=sessions.sessions_for(db, commission.id, which),
        archived=archived, archived_count=sessions.archived_count(db, commission.id),
        steps=_steps_for(commission), can_write=access.allowed(db, current_user, commission.id, access.WRITE),
        errors=errors or {}, form=form or {},
    ), status


@bp.get(STAFF)
def index(commission_id: int):
    return _index_page(_commission(commission_id), archived=request.args.get("show") == "archived")


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
        disclosures=disclosures, names=_staff_names(db, disclosures), never_ran=sessions.never_ran(db, live),
        can_write=access.allowed(db, current_user, commission.id, access.WRITE), PENDING=PENDING,
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
    if key in ("min", "max", "max_words"):
        return int(value) if value.lstrip("-").isdigit() else value
    return value


def form_from_definition(definition: dict) -> dict:
    """A stored question as the question form's fields, to change it."""
    form = {"type": definition["type"], "text": definition["text"], "help": definition.get("help", "")}
    for key, value in definition.items():
        if key == "options":
            form[key] = "\n".join(value)
        elif key == "multiple":
            form[key] = "yes" if value else ""
        elif key not in form and value is not None:
            form[key] = str(value)
    return form


def _question_errors(exc: Invalid) -> dict[str, str]:
    """The service's field names ("questions.3.options.1") as the form's ("options")."""
    errors: dict[str, str] = {}
    for key, message in exc.fields.items():
        parts = key.split(".")
        field = (parts[2] if len(parts) > 2 else "text") if parts[0] == "questions" else parts[0]
        errors.setdefault(field or "text", message)
    return errors


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
        return _manage_page(commission, live, _question_errors(exc), request.form, 422)
    except Conflict as exc:
        flash(exc.message, "error")
    else:
        flash("Question added", "success")
    return redirect(url_for(".manage", commission_id=commission.id, session_id=live.id) + "#questions")


def _question_page(commission, live, question, form, errors=None, status=200):
    return render_template(
        "live/question_edit.html", commission=commission, live=live, question=question,
        number=[q.id for q in live.questions].index(question.id) + 1, form=form, errors=errors or {},
        types=question_types.types_for(question_types.POLL)), status


def _pending_question(commission_id: int, session_id: int, question_id: int):
    """The question to change or remove; one that has opened (or a session that ended) goes
    back to the session page, which says why."""
    commission, live = _live(commission_id, session_id, access.WRITE)
    try:
        question = sessions.get_question(live, question_id)
    except DomainError:
        abort(404)
    return commission, live, question


def _back_to_session(live, message: str, category: str = "success", anchor: str = "#questions"):
    flash(message, category)
    return redirect(url_for(".manage", commission_id=live.commission_id, session_id=live.id) + anchor)


@bp.route(STAFF + "/<int:session_id>/questions/<int:question_id>/edit", methods=["GET", "POST"])
def edit_question(commission_id: int, session_id: int, question_id: int):
    commission, live, question = _pending_question(commission_id, session_id, question_id)
    if request.method == "GET":
        if live.ended or question.state != PENDING:
            return _back_to_session(live, "Only questions that have not been opened for voting can be changed",
                                    "error")
        return _question_page(commission, live, question, form_from_definition(question.definition))
    try:
        sessions.edit_question(db_session(), live, question.id, current_user, question_from_form(request.form))
    except Invalid as exc:
        return _question_page(commission, live, question, request.form, _question_errors(exc), 422)
    except Conflict as exc:
        return _back_to_session(live, exc.message, "error")
    return _back_to_session(live, "Question changed")


@bp.route(STAFF + "/<int:session_id>/questions/<int:question_id>/remove", methods=["GET", "POST"])
def remove_question(commission_id: int, session_id: int, question_id: int):
    commission, live, question = _pending_question(commission_id, session_id, question_id)
    number = [q.id for q in live.questions].index(question.id) + 1
    if request.method == "GET":
        if live.ended or question.state != PENDING:
            return _back_to_session(live, "Only questions that have not been opened for voting can be removed",
                                    "error")
        return _confirm_page(commission, live, f"Remove question {number}?", [
            f"“{question.text}” will be removed from this live session.",
            "It has not been opened for voting, so no answers or results are lost.",
        ], "Remove question", url_for(".remove_question", commission_id=commission.id, session_id=live.id,
                                      question_id=question.id))
    try:
        sessions.remove_question(db_session(), live, question.id, current_user)
    except Conflict as exc:
        return _back_to_session(live, exc.message, "error")
    return _back_to_session(live, f"Question {number} removed")


# -- staff: ending, archiving, deleting -----------------------------------------------------------

def _confirm_page(commission, live, heading: str, paragraphs: list[str], button: str, action: str,
                  warning: str | None = None):
    return render_template("live/confirm.html", commission=commission, live=live, heading=heading,
                           paragraphs=paragraphs, button=button, action=action, warning=warning)


@bp.route(STAFF + "/<int:session_id>/end", methods=["GET", "POST"])
def end(commission_id: int, session_id: int):
    commission, live = _live(commission_id, session_id, access.WRITE)
    if request.method == "GET":
        if live.ended:
            return _back_to_session(live, "This live session has ended already", "error", "")
        return _confirm_page(commission, live, f"End “{live.title}”?", [
            "If a question is open for voting, it closes first and its result goes into the evidence log.",
            f"The code {live.code} stops working: phones that are connected, and anyone who opens the link or the "
            "QR code later, see that the session has ended.",
        ], "End the session", url_for(".end", commission_id=commission.id, session_id=live.id),
            warning="An ended session cannot be restarted. To poll again, create a new session.")
    try:
        running.end_session(db_session(), live, current_user)
    except Conflict as exc:
        return _back_to_session(live, exc.message, "error", "")
    return _back_to_session(live, "Live session ended. Its results are kept, and its code no longer joins.",
                            anchor="")


@bp.post(STAFF + "/<int:session_id>/archive")
def archive(commission_id: int, session_id: int):
    _, live = _live(commission_id, session_id, access.WRITE)
    try:
        sessions.archive_session(db_session(), live, current_user)
    except Conflict as exc:
        return _back_to_session(live, exc.message, "error", "")
    flash(f"“{live.title}” archived. It is kept, with its results, under Archived sessions.", "success")
    return redirect(url_for(".index", commission_id=live.commission_id))


@bp.post(STAFF + "/<int:session_id>/unarchive")
def unarchive(commission_id: int, session_id: int):
    _, live = _live(commission_id, session_id, access.WRITE)
    sessions.unarchive_session(db_session(), live, current_user)
    return _back_to_session(live, "Live session put back on the list", anchor="")


@bp.route(STAFF + "/<int:session_id>/delete", methods=["GET", "POST"])
def delete(commission_id: int, session_id: int):
    commission, live = _live(commission_id, session_id, access.WRITE)
    if request.method == "GET":
        if not sessions.never_ran(db_session(), live):
            return _back_to_session(live, "This live session has been run, so it is kept with its results. End it, "
                                          "then archive it to take it off the list.", "error", "")
        return _confirm_page(commission, live, f"Delete “{live.title}”?", [
            f"It has never been run: none of its {len(live.questions)} questions has been opened, so there are no "
            "votes and nothing in the evidence log.",
            f"The session, its questions and its code {live.code} are deleted.",
        ], "Delete the session", url_for(".delete", commission_id=commission.id, session_id=live.id),
            warning="This cannot be undone.")
    title = live.title
    try:
        sessions.delete_session(db_session(), live, current_user)
    except Conflict as exc:
        return _back_to_session(live, exc.message, "error", "")
    flash(f"“{title}” deleted", "success")
    return redirect(url_for(".index", commission_id=commission.id))


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


@bp.get(STAFF + "/<int:session_id>/projector")
def projector(commission_id: int, session_id: int):
    """Full screen for the room: what phones may see (results only once shown), never interim
    results, so opening it is not recorded as a viewing."""
    commission, live = _live(commission_id, session_id, access.WRITE)
    snapshot = views.projector(db_session(), live)
    join_address = url_for(".join", _external=True).split("://", 1)[-1]
    return render_template(
        "live/projector.html", commission=commission, live=live, snapshot=snapshot, question=snapshot["question"],
        tally=snapshot["tally"], entries=snapshot["entries"], participants=snapshot["participants"],
        join_address=join_address, join_url=url_for(".join_session", code=live.code, _external=True),
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
