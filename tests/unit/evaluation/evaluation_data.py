"""Surveys and responses stored by hand, so indicators can be checked against hand-worked figures."""
from __future__ import annotations

import itertools
from datetime import datetime

from commissioning_steps import journey
from surveys.models import CLOSED, Survey, SurveyResponse
from surveys.templates import get_template

_slugs = itertools.count(1)


def add_survey(db, commission, *, step: str, template: str | None = None, definition=None, title="Survey",
               answers=(), status=CLOSED) -> Survey:
    if definition is None:
        definition = get_template(template)["sections"] if template else []
    survey = Survey(commission_id=commission.id, step=step, practice_question=journey.get_step(step).practice_question,
                    title=title, status=status, slug=f"t{next(_slugs):06d}", definition=definition, template=template,
                    opened_at=datetime(2026, 10, 1), closed_at=datetime(2026, 10, 20))
    db.add(survey)
    db.flush()
    for i, a in enumerate(answers):
        db.add(SurveyResponse(survey_id=survey.id, receipt_hash=f"{survey.id:08d}{i:056d}", answers=dict(a),
                              survey_version=1))
    db.commit()
    return survey


def add_live_session(db, commission, *, step: str, voters=(), askers=(), title="Drop-in poll"):
    """A live session that ran one question, with votes and Q&A entries by the given participants."""
    from surveys.live.models import CLOSED as Q_CLOSED, LiveEntry, LiveQuestion, LiveSession, LiveVote

    live = LiveSession(commission_id=commission.id, step=step, title=title, code=f"{next(_slugs):06d}"[-6:])
    db.add(live)
    db.flush()
    q = LiveQuestion(session_id=live.id, position=0, definition={"type": "qa", "text": "Questions"}, state=Q_CLOSED,
                     opened_at=datetime(2026, 10, 2, 18), closed_at=datetime(2026, 10, 2, 19))
    db.add(q)
    db.flush()
    db.add_all(LiveVote(question_id=q.id, participant=p, value="yes") for p in voters)
    db.add_all(LiveEntry(question_id=q.id, participant=p, text="When does it start?") for p in askers)
    db.commit()
    return live
