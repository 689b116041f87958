"""Live sessions on the API: create them, add, change and remove questions, run them, read
tallies, end, archive and delete them.

The same services as the presenter screen's socket controls, so a script (or a clicker app)
and the presenter screen can run one session together; every change reaches phones through
the broadcaster either way. Running a session needs the right to change its commission.
"""
from __future__ import annotations

from flask import url_for
from marshmallow import EXCLUDE, RAISE, Schema, fields, validate

from commissioning_steps import access

from surveys.live import results, running, sessions, views
from surveys.live.models import OPEN, LiveSession

from ..common.live import record_watch
from ..extensions import db_session
from . import bp
from .contract import args, body, described, paginate
from .helpers import current_staff, staff_required
from .response_schemas import (
    DisclosuresOut, LiveEntriesOut, LiveQuestionOut, LiveSessionOut, LiveSessionsOut, ModeratedOut, TallyOut,
)


class _Bool(fields.Boolean):
    """Only JSON ``true`` and ``false``: "yes", 1 and "0" are mistakes worth reporting."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


class QuestionIn(Schema):
    class Meta:
        unknown = RAISE

    type = fields.String(required=True)
    text = fields.String(required=True)
    help = fields.String()
    options = fields.List(fields.String(), validate=validate.Length(max=sessions.MAX_QUESTIONS))
    multiple = _Bool()
    min = fields.Integer(strict=True)
    max = fields.Integer(strict=True)
    min_label = fields.String()
    max_label = fields.String()
    max_length = fields.Integer(strict=True)
    max_words = fields.Integer(strict=True)


class LiveSessionIn(Schema):
    class Meta:
        unknown = RAISE

    title = fields.String(required=True)
    step = fields.String(required=True)
    questions = fields.List(fields.Nested(QuestionIn), load_default=list,
                            validate=validate.Length(max=sessions.MAX_QUESTIONS))


class ModerationIn(Schema):
    class Meta:
        unknown = RAISE

    action = fields.String(required=True, validate=validate.OneOf(running.MODERATION_ACTIONS))


class LiveArchivedQuery(Schema):
    class Meta:
        unknown = EXCLUDE

    archived = fields.String(
        load_default=sessions.WITHOUT_ARCHIVED,
        validate=validate.OneOf((sessions.WITHOUT_ARCHIVED, sessions.WITH_ARCHIVED, sessions.ONLY_ARCHIVED),
                                error="archived must be one of: {choices}"))


LIVE_EXAMPLE = {"title": "Drop-in at the library", "step": "investigate",
                "questions": [{"type": "single_choice", "text": "Which matters most?",
                               "options": ["Transport", "Opening hours", "Food"]}]}
QUESTION_EXAMPLE = {"type": "word_cloud", "text": "One word for the day centre", "max_words": 3}


def _time(value) -> str | None:
    return value.isoformat() + "Z" if value else None


def live_session_json(live: LiveSession) -> dict:
    page = {"commission_id": live.commission_id, "session_id": live.id, "_external": True}
    return {
        **views.staff_session(live),
        "join_url": url_for("live.join_session", code=live.code, _external=True),
        "created_at": _time(live.created_at),
        "ended_at": _time(live.ended_at),
        "archived_at": _time(live.archived_at),
        "participants_from_busiest_address": live.busiest_address_participants,
        "links": {"self": url_for("api.get_live_session", session_id=live.id),
                  "presenter": url_for("live.present", **page),
                  "projector": url_for("live.projector", **page)},
    }


def _live(session_id: int, action: str = access.WRITE):
    """The live session, if the token's user may ``action`` its commission (else 404 / 403)."""
    db = db_session()
    live = sessions.get_session(db, session_id)
    access.require(db, current_staff(), live.commission_id, action)
    return db, live


@bp.post("/commissions/<int:commission_id>/live-sessions")
@staff_required
@described("Create a live poll session with its questions", body=LiveSessionIn, out=LiveSessionOut, status=201,
           errors=(403,), example=LIVE_EXAMPLE)
def create_live_session(commission_id: int):
    db = db_session()
    commission = access.require(db, current_staff(), commission_id, access.WRITE)
    data = body()
    live = sessions.create_session(db, commission, current_staff(), title=data["title"], step=data["step"],
                                   questions=data["questions"])
    return live_session_json(live), 201, {"Location": url_for("api.get_live_session", session_id=live.id)}


@bp.get("/commissions/<int:commission_id>/live-sessions")
@staff_required
@described("The commission's live sessions", query=LiveArchivedQuery, out=LiveSessionsOut, paged="live_sessions")
def list_live_sessions(commission_id: int):
    db = db_session()
    commission = access.require(db, current_staff(), commission_id)
    return {"live_sessions": [live_session_json(live)
                              for live in paginate(sessions.sessions_for(db, commission.id, args()["archived"]))]}


@bp.get("/live-sessions/<int:session_id>")
@staff_required
@described("One live session with its questions", out=LiveSessionOut)
def get_live_session(session_id: int):
    _, live = _live(session_id, access.READ)
    return live_session_json(live)


@bp.post("/live-sessions/<int:session_id>/questions")
@staff_required
@described("Add a question to a live session", body=QuestionIn, out=LiveQuestionOut, status=201, errors=(403, 409),
           example=QUESTION_EXAMPLE)
def add_live_question(session_id: int):
    db, live = _live(session_id)
    data = body()
    question = sessions.add_question(db, live, current_staff(), data)
    return views.question(live, question), 201


@bp.put("/live-sessions/<int:session_id>/questions/<int:question_id>")
@staff_required
@described("Replace a question not yet opened", body=QuestionIn, out=LiveQuestionOut, errors=(403, 409),
           example=QUESTION_EXAMPLE)
def change_live_question(session_id: int, question_id: int):
    """Replace a question that has not been opened (409 ``question_locked`` once it has)."""
    db, live = _live(session_id)
    data = body()
    question = sessions.edit_question(db, live, question_id, current_staff(), data)
    return views.question(live, question)


@bp.delete("/live-sessions/<int:session_id>/questions/<int:question_id>")
@staff_required
@described("Remove a question not yet opened", out=None, status=204, errors=(403, 409))
def remove_live_question(session_id: int, question_id: int):
    db, live = _live(session_id)
    sessions.remove_question(db, live, question_id, current_staff())
    return "", 204


@bp.post("/live-sessions/<int:session_id>/end")
@staff_required
@described("End the session: closes the open question, stops the code joining", out=LiveSessionOut,
           errors=(403, 409))
def end_live_session(session_id: int):
    """Close the open question (its evidence is appended), stop the code joining; phones hear it."""
    db, live = _live(session_id)
    running.end_session(db, live, current_staff())
    return live_session_json(live)


@bp.post("/live-sessions/<int:session_id>/archive")
@staff_required
@described("Archive an ended session", out=LiveSessionOut, errors=(403, 409))
def archive_live_session(session_id: int):
    db, live = _live(session_id)
    sessions.archive_session(db, live, current_staff())
    return live_session_json(live)


@bp.post("/live-sessions/<int:session_id>/unarchive")
@staff_required
@described("Bring an archived session back", out=LiveSessionOut, errors=(403, 409))
def unarchive_live_session(session_id: int):
    db, live = _live(session_id)
    sessions.unarchive_session(db, live, current_staff())
    return live_session_json(live)


@bp.delete("/live-sessions/<int:session_id>")
@staff_required
@described("Delete a session that never ran", out=None, status=204, errors=(403, 409))
def delete_live_session(session_id: int):
    """Only a session that never ran (409 otherwise: end and archive it instead)."""
    db, live = _live(session_id)
    sessions.delete_session(db, live, current_staff())
    return "", 204


def _control(session_id: int, question_id: int, action: str):
    db, live = _live(session_id)
    question = running.control(db, live, action, question_id, current_staff())
    return views.question(live, question)


@bp.post("/live-sessions/<int:session_id>/questions/<int:question_id>/open")
@staff_required
@described("Open a question for answers (closing any other)", out=LiveQuestionOut, errors=(403, 409))
def open_live_question(session_id: int, question_id: int):
    return _control(session_id, question_id, "open")


@bp.post("/live-sessions/<int:session_id>/questions/<int:question_id>/close")
@staff_required
@described("Close a question; its results are appended to the evidence log", out=LiveQuestionOut, errors=(403, 409))
def close_live_question(session_id: int, question_id: int):
    return _control(session_id, question_id, "close")


@bp.post("/live-sessions/<int:session_id>/questions/<int:question_id>/reveal")
@staff_required
@described("Show a question's results to the room", out=LiveQuestionOut, errors=(403, 409))
def reveal_live_question(session_id: int, question_id: int):
    return _control(session_id, question_id, "reveal")


@bp.post("/live-sessions/<int:session_id>/questions/<int:question_id>/hide")
@staff_required
@described("Hide a question's results from the room", out=LiveQuestionOut, errors=(403, 409))
def hide_live_question(session_id: int, question_id: int):
    return _control(session_id, question_id, "hide")


@bp.post("/live-sessions/<int:session_id>/questions/<int:question_id>/current")
@staff_required
@described("Make a question the one the room sees", out=LiveQuestionOut, errors=(403, 409))
def show_live_question(session_id: int, question_id: int):
    return _control(session_id, question_id, "goto")


def _interim(live, question) -> None:
    """Reading results while voting is open is seeing interim results: it is recorded."""
    if question.state == OPEN:
        record_watch(live.id, current_staff())


@bp.get("/live-sessions/<int:session_id>/questions/<int:question_id>/tally")
@staff_required
@described("A question's tally (reading it while open is recorded as a disclosure)", out=TallyOut, errors=(403,))
def live_question_tally(session_id: int, question_id: int):
    db, live = _live(session_id)
    question = sessions.get_question(live, question_id)
    _interim(live, question)
    return results.tally(db, question)


@bp.get("/live-sessions/<int:session_id>/questions/<int:question_id>/entries")
@staff_required
@described("A question's entries (phrases, questions from the room), hidden ones included", out=LiveEntriesOut,
           errors=(403,))
def live_question_entries(session_id: int, question_id: int):
    db, live = _live(session_id)
    question = sessions.get_question(live, question_id)
    _interim(live, question)
    return results.entries(db, question, include_hidden=True)


@bp.post("/live-sessions/<int:session_id>/questions/<int:question_id>/entries/<int:entry_id>/moderate")
@staff_required
@described("Hide, show or mark answered an entry", body=ModerationIn, out=ModeratedOut, errors=(403, 409),
           example={"action": "hide"})
def moderate_live_entry(session_id: int, question_id: int, entry_id: int):
    db, live = _live(session_id)
    data = body()
    changed = running.moderate(db, live, question_id, entry_id, data["action"], current_staff())
    return {"ok": True, "changed": changed}


@bp.get("/live-sessions/<int:session_id>/disclosures")
@staff_required
@described("Who saw interim results, and when", out=DisclosuresOut, paged="disclosures")
def live_disclosures(session_id: int):
    db, live = _live(session_id, access.READ)
    return {"disclosures": [{
        "at": d.at.isoformat() + "Z", "action": d.action, "staff": f"staff#{d.staff_id}" if d.staff_id else None,
        "question_id": d.question_id, "question_state": d.question_state, "responses": d.responses,
        "participants": d.participants,
    } for d in paginate(running.disclosures(db, live))]}

