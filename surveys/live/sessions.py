"""Setting up live sessions and keeping their record: creating one for a step, adding,
changing and removing questions, finding one by code, archiving and deleting sessions.

A session belongs to one step because its results are evidence against that step's practice
question: a step that has not started cannot take evidence yet, so it cannot have a session
either, and the step must invite live polls (``journey.Step.activities``).

What may change when (ending a session is ``running.end_session``):

- a question can be changed or removed only while it has never been opened: once it has,
  votes (and perhaps evidence) refer to it as it was;
- nothing about an ended session changes except its place on the list (archived or not);
- only a session that never ran (no question ever opened, so no votes and no evidence) can be
  deleted; one that ran is kept, and can be archived once it has ended.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from commissioning_steps import journey
from commissioning_steps.commissions import NOT_STARTED, Commission
from commissioning_steps.db import transactional, utcnow
from commissioning_steps.errors import Conflict, Invalid
from commissioning_steps.events import publish
from commissioning_steps.evidence import personal_details_problem
from commissioning_steps.staff import StaffUser
from surveys.errors import DefinitionError
from surveys.question_types import POLL, get_type, normalise_question

from .errors import QuestionLocked, SessionEnded, UnknownQuestion, UnknownSession
from .events import (
    LiveQuestionAdded, LiveQuestionChanged, LiveQuestionRemoved, LiveSessionArchived, LiveSessionCreated,
    LiveSessionDeleted, LiveSessionUnarchived,
)
from .join_codes import new_code, normalise_code
from .models import (
    PENDING, LiveEntry, LivePresence, LiveQuestion, LiveSession, LiveVote, LiveVoteReceipt, ResultDisclosure,
)

TITLE_MAX = 200
MAX_QUESTIONS = 50
#: The settings a live poll question may have. Survey-only settings (branching, metrics,
#: "required") mean nothing in a room where the presenter moves everyone along together.
POLL_KEYS = frozenset({"type", "text", "help", "options", "multiple", "max", "min", "min_label",
                       "max_label", "max_length", "max_words"})
ENDED_MESSAGE = "This live session has ended. Thank you for taking part."
_CODE_ATTEMPTS = 5


def normalise_poll_question(raw: Any) -> dict[str, Any]:
    """A live poll question's definition, checked and with defaults filled in.

    Each type's ``live_defaults`` fill what the question leaves out (multiple choice is
    choose-one in a room, where surveys default to choose-any). Results
    go into the evidence log, so the question's own wording may not carry contact details.
    """
    if not isinstance(raw, Mapping):
        raise DefinitionError({"": "Give the question as a set of named fields"})
    unknown = [str(key) for key in raw if key not in POLL_KEYS]
    if unknown:
        raise DefinitionError({key: f'"{key}" is not a setting of a live poll question' for key in unknown})
    raw = dict(raw)
    qtype = get_type(raw.get("type"))
    for key, value in qtype.live_defaults.items():
        if raw.get(key) is None:
            raw[key] = value
    definition = normalise_question(raw, context=POLL)
    definition.pop("required", None)
    for key in ("text", "help", "options", "min_label", "max_label"):
        if key in definition:
            problem = personal_details_problem(definition[key])
            if problem:
                raise DefinitionError({key: problem})
    return definition


def _check_title(title: Any) -> str:
    text = title.strip() if isinstance(title, str) else ""
    if not text:
        raise Invalid({"title": "Enter a title for the live session"})
    if len(text) > TITLE_MAX:
        raise Invalid({"title": f"Title must be {TITLE_MAX} characters or fewer"})
    problem = personal_details_problem(text)
    if problem:
        raise Invalid({"title": problem})
    return text


def _check_step(commission: Commission, step: Any) -> str:
    step_def = journey.get_step(step) if isinstance(step, str) else None
    if step_def is None:
        raise Invalid({"step": f"Step must be one of: {', '.join(journey.STEP_KEYS)}"})
    if journey.LIVE_POLL not in step_def.activities:
        raise Invalid({"step": f"{step_def.name} does not use live polls"})
    if commission.step_status(step_def.key) == NOT_STARTED:
        raise Invalid({"step": f"{step_def.name} has not started yet: run live polls for steps that are "
                               "active or complete, so their results can go into the evidence log"})
    return step_def.key


def _definitions(questions: Sequence[Any], start: int = 0) -> list[dict[str, Any]]:
    if not isinstance(questions, (list, tuple)):
        raise Invalid({"questions": "Give the questions as a list"})
    if start + len(questions) > MAX_QUESTIONS:
        raise Invalid({"questions": f"A live session can have up to {MAX_QUESTIONS} questions"})
    fields: dict[str, str] = {}
    definitions = []
    for i, raw in enumerate(questions):
        try:
            definitions.append(normalise_poll_question(raw))
        except DefinitionError as exc:
            fields.update(exc.prefixed(f"questions.{start + i}").fields)
    if fields:
        raise Invalid(fields)
    return definitions


@transactional
def create_session(session: Session, commission: Commission, actor: StaffUser, *, title: str, step: str,
                   questions: Sequence[Mapping[str, Any]] = ()) -> LiveSession:
    """A new live session with its questions (none yet is fine: they can be added later)."""
    title = _check_title(title)
    step = _check_step(commission, step)
    definitions = _definitions(questions)
    live = _insert_with_fresh_code(session, lambda code: LiveSession(
        commission_id=commission.id, step=step, title=title, code=code, created_by_id=actor.id))
    for position, definition in enumerate(definitions, start=1):
        session.add(LiveQuestion(session_id=live.id, position=position, definition=definition))
    session.flush()
    session.expire(live, ["questions"])
    publish(session, LiveSessionCreated(commission.id, live.id, step, len(definitions)))
    return live


def _insert_with_fresh_code(session: Session, make) -> LiveSession:
    """Insert a session under a code nobody holds.

    ``new_code`` only pre-checks; another process could take the same code in between, so the
    unique constraint decides, inside a savepoint so a clash costs one retry, not the request.
    """
    def taken(code: str) -> bool:
        return session.scalar(select(LiveSession.id).where(LiveSession.code == code)) is not None

    attempts = 0
    while True:
        live = make(new_code(taken))
        try:
            with session.begin_nested():
                session.add(live)
            return live
        except IntegrityError:
            attempts += 1
            if attempts == _CODE_ATTEMPTS:
                raise


def require_not_ended(live: LiveSession, message: str = ENDED_MESSAGE) -> None:
    if live.ended:
        raise SessionEnded(message)


@transactional
def add_question(session: Session, live: LiveSession, actor: StaffUser, raw: Mapping[str, Any]) -> LiveQuestion:
    """Add a question at the end; sessions can grow while they run (not once they have ended)."""
    require_not_ended(live, "This live session has ended: questions can no longer be added")
    count = session.scalar(select(func.count()).select_from(LiveQuestion).where(LiveQuestion.session_id == live.id))
    definition = _definitions([raw], start=count)[0]
    position = (session.scalar(select(func.max(LiveQuestion.position))
                               .where(LiveQuestion.session_id == live.id)) or 0) + 1
    question = LiveQuestion(session_id=live.id, position=position, definition=definition)
    session.add(question)
    session.flush()
    session.expire(live, ["questions"])
    publish(session, LiveQuestionAdded(live.commission_id, live.id, question.id))
    return question


def _changeable(session: Session, live: LiveSession, question_id: Any, doing: str) -> LiveQuestion:
    """The question, if it may still be changed or removed: never opened, so nothing refers to it."""
    require_not_ended(live, f"This live session has ended: its questions can no longer be {doing}")
    question = get_question(live, question_id)
    question = session.get(LiveQuestion, question.id, with_for_update=True, populate_existing=True)
    answered = session.scalar(select(func.count()).select_from(LiveVote).where(LiveVote.question_id == question.id)) \
        or session.scalar(select(func.count()).select_from(LiveEntry).where(LiveEntry.question_id == question.id))
    if question.state != PENDING or question.opened_at is not None or answered:
        number = [q.id for q in live.questions].index(question.id) + 1
        raise QuestionLocked(f"Question {number} has been opened for voting, so it can no longer be {doing}: "
                             "its answers and results refer to it as it was. Add a new question instead.")
    return question


@transactional
def edit_question(session: Session, live: LiveSession, question_id: Any, actor: StaffUser,
                  raw: Mapping[str, Any]) -> LiveQuestion:
    """Replace a question's definition (its type too) while it has never been opened."""
    question = _changeable(session, live, question_id, "changed")
    index = [q.id for q in live.questions].index(question.id)
    definition = _definitions([raw], start=index)[0]
    if definition == question.definition:
        return question
    question.definition = definition
    session.flush()
    publish(session, LiveQuestionChanged(live.commission_id, live.id, question.id))
    return question


@transactional
def remove_question(session: Session, live: LiveSession, question_id: Any, actor: StaffUser) -> None:
    """Remove a question that has never been opened; if phones were shown it, they wait again."""
    question = _changeable(session, live, question_id, "removed")
    locked = session.get(LiveSession, live.id, with_for_update=True, populate_existing=True)
    if locked.current_question_id == question.id:
        locked.current_question_id = None
    # A staff screen that watched while it was on the screen stays recorded, against the session.
    session.execute(update(ResultDisclosure).where(ResultDisclosure.question_id == question.id)
                    .values(question_id=None))
    session.delete(question)
    session.flush()
    session.expire(locked, ["questions"])
    publish(session, LiveQuestionRemoved(live.commission_id, live.id, question.id))


@transactional
def archive_session(session: Session, live: LiveSession, actor: StaffUser) -> LiveSession:
    """Take an ended session off the default list; everything it recorded is kept."""
    if not live.ended:
        raise Conflict("End the live session before archiving it")
    if live.archived_at is None:
        live.archived_at = utcnow()
        session.flush()
        publish(session, LiveSessionArchived(live.commission_id, live.id))
    return live


@transactional
def unarchive_session(session: Session, live: LiveSession, actor: StaffUser) -> LiveSession:
    """Put an archived session back on the list (it stays ended)."""
    if live.archived_at is not None:
        live.archived_at = None
        session.flush()
        publish(session, LiveSessionUnarchived(live.commission_id, live.id))
    return live


def never_ran(session: Session, live: LiveSession) -> bool:
    """No question was ever opened, so there are no votes, no entries and no poll results."""
    ids = [q.id for q in live.questions]
    if any(q.opened_at is not None or q.state != PENDING for q in live.questions):
        return False
    if not ids:
        return True
    for model in (LiveVote, LiveEntry):
        if session.scalar(select(func.count()).select_from(model).where(model.question_id.in_(ids))):
            return False
    return True


@transactional
def delete_session(session: Session, live: LiveSession, actor: StaffUser) -> None:
    """Delete a session that never ran, with its questions; one that ran is kept (archive it)."""
    live = session.get(LiveSession, live.id, with_for_update=True, populate_existing=True)
    session.expire(live, ["questions"])
    if not never_ran(session, live):
        raise Conflict("This live session has been run, so it is kept with its results: end it, then archive it "
                       "to take it off the list")
    count = len(live.questions)
    ids = [q.id for q in live.questions]
    session.execute(delete(ResultDisclosure).where(ResultDisclosure.session_id == live.id))
    session.execute(delete(LivePresence).where(LivePresence.session_id == live.id))
    session.execute(delete(LiveVoteReceipt).where(LiveVoteReceipt.session_id == live.id))
    if ids:
        session.execute(delete(LiveQuestion).where(LiveQuestion.id.in_(ids)))
    commission_id, session_id = live.commission_id, live.id
    session.delete(live)
    session.flush()
    publish(session, LiveSessionDeleted(commission_id, session_id, count))


def get_session(session: Session, session_id: int) -> LiveSession:
    live = session.get(LiveSession, session_id)
    if live is None:
        raise UnknownSession("No live session with that id")
    return live


def find_by_code(session: Session, typed: Any) -> LiveSession:
    """The session a resident's typed code names; a malformed code is simply not found."""
    code = normalise_code(typed)
    live = session.scalar(select(LiveSession).where(LiveSession.code == code)) if code else None
    if live is None:
        raise UnknownSession("No live session has that code. Check the code on the screen and try again.")
    return live


@transactional
def note_busiest_address(session: Session, session_id: int, participants: int) -> None:
    """Record that ``participants`` joined from one client address, if that is the most so far.

    A conditional update, so writers in any order (several processes) leave the maximum. An
    operational figure, like presence: it publishes no event; results and evidence read it."""
    session.execute(update(LiveSession).where(
        LiveSession.id == session_id, LiveSession.busiest_address_participants < participants,
    ).values(busiest_address_participants=participants))


def find_joinable(session: Session, typed: Any) -> LiveSession:
    """The session a typed code names, if residents can still join it."""
    live = find_by_code(session, typed)
    require_not_ended(live)
    return live


def get_question(live: LiveSession, question_id: Any) -> LiveQuestion:
    if isinstance(question_id, int) and not isinstance(question_id, bool):
        for question in live.questions:
            if question.id == question_id:
                return question
    raise UnknownQuestion("No question with that id in this live session")


def current_question(live: LiveSession) -> LiveQuestion | None:
    if live.current_question_id is None:
        return None
    return next((q for q in live.questions if q.id == live.current_question_id), None)


#: Which sessions a list shows: archived ones are left out unless asked for.
WITHOUT_ARCHIVED, ONLY_ARCHIVED, WITH_ARCHIVED = "exclude", "only", "include"


def sessions_for(session: Session, commission_id: int, archived: str = WITHOUT_ARCHIVED) -> list[LiveSession]:
    query = select(LiveSession).where(LiveSession.commission_id == commission_id)
    if archived == WITHOUT_ARCHIVED:
        query = query.where(LiveSession.archived_at.is_(None))
    elif archived == ONLY_ARCHIVED:
        query = query.where(LiveSession.archived_at.is_not(None))
    return list(session.scalars(query.order_by(LiveSession.created_at.desc(), LiveSession.id.desc())))


def archived_count(session: Session, commission_id: int) -> int:
    return session.scalar(select(func.count()).select_from(LiveSession).where(
        LiveSession.commission_id == commission_id, LiveSession.archived_at.is_not(None))) or 0
