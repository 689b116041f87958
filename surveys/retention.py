"""Erasing residents' own words once a commission's retention period has passed (UK GDPR's
storage limitation).

What residents wrote (free-text and "other" survey answers, word-cloud phrases, open-text
answers, questions from the room, community researchers' observations and their photos, and
their copies in the input inbox) is replaced by
``ERASED``; everything that is a count stays: the response, which questions it answered, chosen
options, theme links (so theme counts and "how many residents said this" stay true), decisions,
and the evidence log, whose chain no erasure may break (it holds counts only; quotes a
commissioner picked into it were checked for contact details when picked and stay, as the log
is append-only). Each commission is erased in its own transaction; running again finds nothing
left to do.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from commissioning_steps.commissions import Commission
from commissioning_steps.db import transactional, utcnow
from commissioning_steps.inputs import InputItem

from . import branching
from .live.models import LiveEntry, LiveQuestion, LiveSession, LiveVote
from .models import CollectorObservation, Survey, SurveyResponse
from .question_types import get_type

ERASED = "(erased after the retention period)"


@dataclass
class Erased:
    responses: int = 0
    live_answers: int = 0
    inbox_items: int = 0
    observations: int = 0

    @property
    def total(self) -> int:
        return self.responses + self.live_answers + self.inbox_items + self.observations


def _own_words_questions(survey: Survey) -> list[str]:
    return [q["id"] for q in branching.flatten(survey.definition)
            if get_type(q["type"]).residents_words(q, "x")]


@transactional
def erase_commission(session: Session, commission: Commission, cutoff: datetime) -> Erased:
    """Erase the words residents gave this commission before ``cutoff``."""
    done = Erased()
    for survey in session.scalars(select(Survey).where(Survey.commission_id == commission.id)):
        own = _own_words_questions(survey)
        for response in session.scalars(select(SurveyResponse).where(
                SurveyResponse.survey_id == survey.id, SurveyResponse.submitted_at < cutoff)):
            answers = dict(response.answers or {})
            words = [qid for qid in own if qid in answers and answers[qid] != ERASED and _is_words(
                survey, qid, answers[qid])]
            if words:
                for qid in words:
                    answers[qid] = ERASED
                response.answers = answers
                done.responses += 1
    sessions = select(LiveSession.id).where(LiveSession.commission_id == commission.id)
    for question in session.scalars(select(LiveQuestion).where(LiveQuestion.session_id.in_(sessions))):
        if not question.kind.own_words:
            continue
        model = LiveEntry if question.kind.asks else LiveVote
        column = LiveEntry.text if model is LiveEntry else LiveVote.value
        for row in session.scalars(select(model).where(model.question_id == question.id,
                                                       model.created_at < cutoff)):
            if getattr(row, column.key) != ERASED:
                setattr(row, column.key, ERASED)
                done.live_answers += 1
    # A photo of a street can show people, number plates and front doors: it goes with the words.
    surveys_here = select(Survey.id).where(Survey.commission_id == commission.id)
    erased = session.execute(update(CollectorObservation).where(
        CollectorObservation.survey_id.in_(surveys_here), CollectorObservation.recorded_at < cutoff,
        (CollectorObservation.text != ERASED) | CollectorObservation.photo_type.is_not(None)).values(
        text=ERASED, photo=None, photo_type=None, photo_size=None))
    done.observations = erased.rowcount or 0
    result = session.execute(update(InputItem).where(
        InputItem.commission_id == commission.id, InputItem.created_at < cutoff, InputItem.text != ERASED,
        InputItem.activity_kind != "evidence").values(text=ERASED, about={}))
    done.inbox_items = result.rowcount or 0
    return done


def _is_words(survey: Survey, qid: str, value) -> bool:
    question = next(q for q in branching.flatten(survey.definition) if q["id"] == qid)
    return bool(get_type(question["type"]).residents_words(question, value))


def erase_expired(session: Session, now: datetime | None = None) -> dict[int, Erased]:
    """For every commission with a retention period, erase what is older than it. Idempotent."""
    now = now or utcnow()
    out: dict[int, Erased] = {}
    for commission in session.scalars(select(Commission).where(Commission.retention_days.is_not(None))).all():
        out[commission.id] = erase_commission(session, commission, now - timedelta(days=commission.retention_days))
    return out
