"""Running a live session: the presenter's controls, moderation, and the record they leave.

Rules kept here:

- at most one question is open, and it is the current one: opening a question makes it
  current and closes any other; moving to another question closes the one that was open;
- closing a question appends its final tally to the evidence log, against the session's step,
  with the number of participants connected (closing again after reopening appends a new entry
  that names the earlier one, so the log keeps both rounds);
- showing or hiding results, and every staff screen that receives interim results, is
  recorded in ``live_disclosures`` with the state of the vote at that moment;
- ending a session closes its open question first (with its evidence, as closing always
  does); after that its code no longer joins and no control applies (moderation still does:
  hiding something said stays possible afterwards).

Controls lock the session's row (PostgreSQL), so two commissioners pressing buttons at once
are applied one after the other.
"""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from commissioning_steps import evidence, journey
from commissioning_steps.commissions import Commission
from commissioning_steps.db import transactional, utcnow
from commissioning_steps.errors import Conflict
from commissioning_steps.events import publish
from commissioning_steps.staff import StaffUser
from surveys import input_index
from surveys.question_types._base import plural

from . import presence, results
from .errors import InvalidValue, QuestionNotOpen, UnknownEntry
from .events import (
    CurrentQuestionChanged, EntryModerated, LiveQuestionClosed, LiveSessionEnded, PresenterWatching, QuestionOpened,
    ResultsHidden, ResultsRevealed,
)
from .models import CLOSED, OPEN, LiveEntry, LiveQuestion, LiveSession, LiveVote, ResultDisclosure
from .sessions import current_question, require_not_ended
from .voting import lock_question

REVEALED, HIDDEN, WATCHED = "revealed", "hidden", "watched"
#: Every moderation action; which of them a question allows is its type's (``moderation``).
MODERATION_ACTIONS = ("hide", "show", "answered", "unanswered")
#: What a presenter's controls do, by name: the vocabulary the pages, the socket and the API share.
CONTROL_ACTIONS = ("open", "close", "reveal", "hide", "goto", "next", "previous")
WATCH_WINDOW = timedelta(minutes=1)


def _lock_session(session: Session, live: LiveSession, *, running: bool = True) -> LiveSession:
    """The session's row, locked; ``running``: refused once the session has ended."""
    locked = session.get(LiveSession, live.id, with_for_update=True, populate_existing=True)
    session.expire(locked, ["questions"])
    if running:
        require_not_ended(locked, "This live session has ended: its questions can no longer be opened, closed "
                                  "or shown")
    return locked


@transactional
def end_session(session: Session, live: LiveSession, actor: StaffUser) -> LiveSession:
    """End the session: its open question closes (its result goes into the evidence log), its
    code stops joining, and phones hear that it has ended. It cannot be restarted."""
    live = _lock_session(session, live, running=False)
    if live.ended:
        raise Conflict("This live session has ended already")
    closed = None
    for question in live.questions:
        if question.state == OPEN:
            closed = lock_question(session, live, question.id)
            _close(session, live, closed)
    live.ended_at = utcnow()
    session.flush()
    publish(session, LiveSessionEnded(live.commission_id, live.id, closed.id if closed else None))
    return live


@transactional
def open_question(session: Session, live: LiveSession, question_id: Any, actor: StaffUser) -> LiveQuestion:
    """Make a question current and open for votes (reopening a closed one keeps its votes)."""
    live = _lock_session(session, live)
    question = lock_question(session, live, question_id)
    if question.state == OPEN:
        return question
    for other in live.questions:
        if other.id != question.id and other.state == OPEN:
            _close(session, live, lock_question(session, live, other.id))
    live.current_question_id = question.id
    question.state = OPEN
    question.opened_at = utcnow()
    question.closed_at = None
    session.flush()
    publish(session, QuestionOpened(live.commission_id, live.id, question.id))
    return question


@transactional
def close_question(session: Session, live: LiveSession, question_id: Any, actor: StaffUser) -> LiveQuestion:
    """Stop voting; the final tally goes into the evidence log."""
    live = _lock_session(session, live)
    question = lock_question(session, live, question_id)
    if question.state != OPEN:
        raise QuestionNotOpen("Voting on this question is not open")
    _close(session, live, question)
    return question


@transactional
def go_to(session: Session, live: LiveSession, question_id: Any, actor: StaffUser) -> LiveQuestion:
    """Show another question on phones and the projector; voting there opens separately."""
    live = _lock_session(session, live)
    question = lock_question(session, live, question_id)
    if live.current_question_id == question.id:
        return question
    current = current_question(live)
    if current is not None and current.state == OPEN:
        _close(session, live, lock_question(session, live, current.id))
    live.current_question_id = question.id
    session.flush()
    publish(session, CurrentQuestionChanged(live.commission_id, live.id, question.id))
    return question


@transactional
def move(session: Session, live: LiveSession, offset: int, actor: StaffUser) -> LiveQuestion:
    """The next (``offset=1``) or previous (``-1``) question; from no question, the first."""
    require_not_ended(live, "This live session has ended: its questions can no longer be opened, closed or shown")
    questions = list(live.questions)
    if not questions:
        raise Conflict("This live session has no questions yet")
    current = current_question(live)
    if current is None:
        target = questions[0]
    else:
        index = questions.index(current) + offset
        if not 0 <= index < len(questions):
            raise Conflict("There is no next question" if offset > 0 else "There is no previous question")
        target = questions[index]
    return go_to(session, live, target.id, actor)


@transactional
def control(session: Session, live: LiveSession, action: str, question_id: Any, actor: StaffUser) -> LiveQuestion:
    """One of the presenter's ``CONTROL_ACTIONS``; ``next`` and ``previous`` ignore ``question_id``."""
    if action == "next":
        return move(session, live, 1, actor)
    if action == "previous":
        return move(session, live, -1, actor)
    controls = {"open": open_question, "close": close_question, "reveal": reveal_results, "hide": hide_results,
                "goto": go_to}
    if action not in controls:
        raise InvalidValue(f"Action must be one of: {', '.join(CONTROL_ACTIONS)}", field="action")
    return controls[action](session, live, question_id, actor)


def reveal_results(session: Session, live: LiveSession, question_id: Any, actor: StaffUser) -> LiveQuestion:
    """Show a question's results on phones and the projector; recorded, with the vote's state."""
    return _set_revealed(session, live, question_id, actor, True)


def hide_results(session: Session, live: LiveSession, question_id: Any, actor: StaffUser) -> LiveQuestion:
    return _set_revealed(session, live, question_id, actor, False)


@transactional
def _set_revealed(session: Session, live: LiveSession, question_id: Any, actor: StaffUser,
                  revealed: bool) -> LiveQuestion:
    live = _lock_session(session, live)
    question = lock_question(session, live, question_id)
    if question.revealed == revealed:
        return question
    question.revealed = revealed
    session.add(_disclosure(session, live, question, REVEALED if revealed else HIDDEN, actor))
    session.flush()
    event = ResultsRevealed if revealed else ResultsHidden
    publish(session, event(live.commission_id, live.id, question.id))
    return question


@transactional
def record_watch(session: Session, live: LiveSession, actor: StaffUser) -> ResultDisclosure:
    """A staff screen now receives this session's results, including interim ones.

    A screen that reconnects, or a page and its socket opening together, is one viewing: a
    watch by the same person within ``WATCH_WINDOW`` of the last is not recorded again.
    """
    recent = session.scalar(
        select(ResultDisclosure).where(ResultDisclosure.session_id == live.id, ResultDisclosure.action == WATCHED,
                                       ResultDisclosure.staff_id == actor.id,
                                       ResultDisclosure.at >= utcnow() - WATCH_WINDOW)
        .order_by(ResultDisclosure.id.desc()).limit(1))
    if recent is not None:
        return recent
    disclosure = _disclosure(session, live, current_question(live), WATCHED, actor)
    session.add(disclosure)
    session.flush()
    publish(session, PresenterWatching(live.commission_id, live.id, actor.id))
    return disclosure


def _disclosure(session: Session, live: LiveSession, question: LiveQuestion | None, action: str,
                actor: StaffUser) -> ResultDisclosure:
    return ResultDisclosure(
        session_id=live.id, question_id=question.id if question else None, action=action, staff_id=actor.id,
        question_state=question.state if question else None,
        responses=results.tally(session, question)["total"] if question else None,
        participants=presence.count(session, live.id), at=utcnow(),
    )


def disclosures(session: Session, live: LiveSession) -> list[ResultDisclosure]:
    return list(session.scalars(select(ResultDisclosure).where(ResultDisclosure.session_id == live.id)
                                .order_by(ResultDisclosure.at, ResultDisclosure.id)))


@transactional
def moderate(session: Session, live: LiveSession, question_id: Any, entry_id: Any, action: Any,
             actor: StaffUser) -> bool:
    """Hide or show an open-text answer or a Q&A entry, or mark a Q&A entry answered.

    Hidden things stay stored (they are still what was said, and still resident input);
    they just stop reaching phones and the projector. Returns whether anything changed.
    """
    question = lock_question(session, live, question_id)
    allowed = question.kind.moderation
    if not allowed:
        raise InvalidValue("Only open-text answers and questions from the room can be moderated",
                           field="question_id")
    if action not in allowed:
        raise InvalidValue(f"Action must be one of: {', '.join(allowed)}", field="action")
    model = LiveEntry if question.kind.asks else LiveVote
    target = session.get(model, entry_id) if isinstance(entry_id, int) and not isinstance(entry_id, bool) else None
    if target is None or target.question_id != question.id:
        raise UnknownEntry("No answer or question with that id for this question")
    attribute, value = {"hide": ("hidden", True), "show": ("hidden", False),
                        "answered": ("answered", True), "unanswered": ("answered", False)}[action]
    if getattr(target, attribute) == value:
        return False
    setattr(target, attribute, value)
    question.seq += 1
    session.flush()
    if attribute == "hidden":
        input_index.set_hidden(session, model, target.id, value)
    publish(session, EntryModerated(live.commission_id, live.id, question.id, question.seq, target.id, action))
    return True


# -- closing and its evidence ---------------------------------------------------------------

def _close(session: Session, live: LiveSession, question: LiveQuestion) -> None:
    question.state = CLOSED
    question.closed_at = utcnow()
    session.flush()
    tally = results.tally(session, question)
    participants = presence.count(session, live.id)
    commission = session.get(Commission, live.commission_id)
    earlier = session.get(evidence.EvidenceEntry, question.evidence_entry_id) if question.evidence_entry_id else None
    summary = _summary(live, question, tally, participants)
    payload = _payload(session, live, question, tally, participants)
    if earlier is not None:
        # Automatic entries cannot supersede one another (evidence.append), so the log keeps
        # both rounds and this entry says which one it updates.
        summary += f" Voting was reopened after an earlier result (entry {earlier.seq}); this is the result " \
                   "when it closed again."
        payload["updates_entry"] = earlier.seq
    entry = evidence.append(
        session, commission, step=live.step, kind="poll_result", summary=summary, payload=payload,
        author=None, source=evidence.AUTOMATIC,
    )
    question.evidence_entry_id = entry.id
    session.flush()
    publish(session, LiveQuestionClosed(live.commission_id, live.id, question.id, tally["total"], tally["seq"]))


def _summary(live: LiveSession, question: LiveQuestion, tally: dict[str, Any], participants: int) -> str:
    qtype = question.kind
    number = [q.id for q in live.questions].index(question.id) + 1
    step = journey.get_step(live.step)
    return (f"Live poll “{live.title}” ({step.name if step else live.step}), question {number} of "
            f"{len(live.questions)} ({qtype.label}): “{question.text}”. "
            f"{qtype.evidence_count(tally['total'])}; {plural(participants, 'participant')} connected when "
            f"voting closed; at most {plural(live.busiest_address_participants, 'participant')} joined the "
            f"session from any one internet connection.{qtype.evidence_sentence(question.definition, tally)}")


def _no_contact_details(text: str) -> bool:
    return evidence.personal_details_problem(text) is None


def _payload(session: Session, live: LiveSession, question: LiveQuestion, tally: dict[str, Any],
             participants: int) -> dict[str, Any]:
    shown_early = session.scalar(select(ResultDisclosure.id).where(
        ResultDisclosure.question_id == question.id, ResultDisclosure.action == REVEALED,
        ResultDisclosure.question_state == OPEN)) is not None
    qtype = question.kind
    payload: dict[str, Any] = {
        "live_session_id": live.id, "question_id": question.id, "question": question.text,
        "type": question.type, "total": tally["total"], "participants": participants,
        "participants_from_busiest_address": live.busiest_address_participants,
        "seq": tally["seq"],
        "opened_at": question.opened_at.isoformat(timespec="seconds") + "Z" if question.opened_at else None,
        "closed_at": question.closed_at.isoformat(timespec="seconds") + "Z",
        "results_shown_while_open": shown_early,
    }
    payload.update(qtype.evidence_figures(question.definition, tally, _no_contact_details))
    if qtype.moderation:
        payload.update(results.moderated(session, question))
    return payload
