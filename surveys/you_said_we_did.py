"""The content of a commission's public "We asked, you said, we did" page.

What was asked, how and when (each survey, live poll session and recorded workshop), how many
took part and how representative they were, what people said (themes, counts, the quotes a
commissioner picked, minority views included), and what was done (each decision, who decided,
when it takes effect, its status, the themes and residents behind it, and the themes not taken
up, and why). It lives in ``surveys`` because it reads surveys and live polls as well as the
journey's themes and decisions, and ``surveys`` builds on ``commissioning_steps``, never the
other way round.

Everything is aggregated in SQL; nothing personal is included: residents' own words appear only
as the quotes a commissioner picked, which were checked for contact details when picked; words a
live-poll moderator hid from the room never appear, even if they were picked before being hidden.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, union
from sqlalchemy.orm import Session

from commissioning_steps import decisions, evidence, journey, publications, themes
from commissioning_steps.commissions import Commission
from commissioning_steps.staff import StaffUser

from . import answer_counts, branching, representativeness
from .live.models import LiveEntry, LiveQuestion, LiveSession, LiveVote
from .models import DRAFT, Survey, SurveyResponse
from .results import NOT_ANSWERED, group_of, representation_question

PAGE = publications.YOU_SAID_WE_DID


def _date(value) -> str | None:
    return value.date().isoformat() if value is not None else None


def _surveys(session: Session, commission: Commission) -> list[dict[str, Any]]:
    rows = session.execute(
        select(Survey, func.count(SurveyResponse.id)).outerjoin(SurveyResponse, SurveyResponse.survey_id == Survey.id)
        .where(Survey.commission_id == commission.id, Survey.status != DRAFT)
        .group_by(Survey.id).order_by(Survey.opened_at, Survey.id)).all()
    return [{"kind": "survey", "kind_label": "Survey", "id": s.id, "title": s.title, "step": s.step,
             "step_name": journey.get_step(s.step).name, "from": _date(s.opened_at), "to": _date(s.closed_at),
             "status": s.status, "participants": n} for s, n in rows]


def _live_sessions(session: Session, commission: Commission) -> list[dict[str, Any]]:
    voters = select(LiveQuestion.session_id.label("sid"), LiveVote.participant.label("who")).join(
        LiveVote, LiveVote.question_id == LiveQuestion.id)
    askers = select(LiveQuestion.session_id.label("sid"), LiveEntry.participant.label("who")).join(
        LiveEntry, LiveEntry.question_id == LiveQuestion.id)
    everyone = union(voters, askers).subquery()
    counts = dict(session.execute(select(everyone.c.sid, func.count()).group_by(everyone.c.sid)).all())
    spans = {sid: (first, last) for sid, first, last in session.execute(
        select(LiveQuestion.session_id, func.min(LiveQuestion.opened_at), func.max(LiveQuestion.closed_at))
        .group_by(LiveQuestion.session_id))}
    out = []
    for live in session.scalars(select(LiveSession).where(LiveSession.commission_id == commission.id)
                                .order_by(LiveSession.id)):
        first, last = spans.get(live.id, (None, None))
        if first is None:
            continue  # never run: nothing was asked yet
        out.append({"kind": "live_session", "kind_label": "Live poll", "id": live.id, "title": live.title,
                    "step": live.step, "step_name": journey.get_step(live.step).name, "from": _date(first),
                    "to": _date(last), "participants": counts.get(live.id, 0)})
    return out


def _workshops(session: Session, commission: Commission) -> list[dict[str, Any]]:
    replaced = evidence.superseded_by(session, commission.id)
    rows = session.scalars(select(evidence.EvidenceEntry).where(
        evidence.EvidenceEntry.commission_id == commission.id,
        evidence.EvidenceEntry.kind.in_(("workshop", "meeting"))).order_by(evidence.EvidenceEntry.seq))
    return [{"kind": e.kind, "kind_label": e.kind_label, "id": e.id, "title": e.summary[:160], "step": e.step,
             "step_name": e.step_name, "from": _date(e.recorded_at), "to": _date(e.recorded_at),
             "participants": int(e.payload.get("attendance") or 0)}
            for e in rows if e.id not in replaced]


def activities(session: Session, commission: Commission) -> list[dict[str, Any]]:
    """What was asked, how and when: each survey, live poll session and recorded workshop or
    meeting, with how many took part, in date order."""
    return sorted(_surveys(session, commission) + _live_sessions(session, commission)
                  + _workshops(session, commission), key=lambda a: (a["from"] or "", a["kind"], a["id"]))


def group_counts(session: Session, commission: Commission, step: str | None = None) -> dict[str, int]:
    """Respondents per population group over every survey (of ``step``, when given) that asks
    which group people are in, counted in SQL from the stored answers."""
    names = [g.name for g in commission.population_groups]
    counts: dict[str, int] = {}
    query = select(Survey).where(Survey.commission_id == commission.id, Survey.status != DRAFT)
    if step is not None:
        query = query.where(Survey.step == step)
    for survey in session.scalars(query):
        question = representation_question(branching.flatten(survey.definition), names)
        if question is None:
            continue
        people, _ = answer_counts.StoredAnswers(session, survey.id).segmented(question["id"], [])
        for value, n in people:
            label = (group_of(question, value, names) or value) if isinstance(value, str) else NOT_ANSWERED
            counts[label] = counts.get(label, 0) + n
    return counts


def report(session: Session, commission: Commission) -> dict[str, Any]:
    asked = activities(session, commission)
    targets = {g.name: g.target_share / 100.0 for g in commission.population_groups}
    counts = group_counts(session, commission)
    rep = representativeness.representativeness(targets, counts) if targets and counts else None
    summaries = themes.summaries(session, commission.id)
    names = {s.theme.id: s.theme.name for s in summaries}
    all_decisions = decisions.decisions_of(session, commission.id)
    linked = decisions.links(session, [d.id for d in all_decisions])
    return {
        "commission": {"id": commission.id, "title": commission.title, "summary": commission.summary,
                       "area": commission.area, "partners": list(commission.partners)},
        "asked": asked,
        "took_part": {
            "total": sum(a["participants"] for a in asked),
            "by_activity": [{"title": a["title"], "kind_label": a["kind_label"], "participants": a["participants"]}
                            for a in asked],
            "representativeness": rep,
            "under_represented": [r["group"] for r in rep["rows"] if r["under_represented"]] if rep else [],
        },
        "said": [{"id": s.theme.id, "name": s.theme.name, "description": s.theme.description,
                  "minority": s.theme.minority, "items": s.items, "residents": s.residents,
                  "by_group": [{"group": g, "residents": n} for g, n in s.by_group],
                  "quotes": [{"text": item.text, "minority": minority, "activity": item.activity_title}
                             for item, minority in s.quotes if not item.hidden],
                  "decisions": s.decision_ids, "not_taken_up": s.theme.not_taken_up_reason}
                 for s in summaries],
        "did": [{"id": d.id, "title": d.title, "description": d.description, "kind": d.kind,
                 "kind_label": d.kind_label, "step": d.step, "step_name": d.step_name, "decided_by": d.decided_by,
                 "decided_on": d.decided_on.isoformat(),
                 "takes_effect_on": d.takes_effect_on.isoformat() if d.takes_effect_on else None,
                 "status": d.status, "status_label": d.status_label,
                 "themes": [names[t] for t in linked[d.id]["themes"] if t in names],
                 "residents": decisions.figures(session, d)["residents"],
                 "not_attributable_reason": d.not_attributable_reason} for d in all_decisions],
        "not_taken_up": [{"name": s.theme.name, "reason": s.theme.not_taken_up_reason}
                         for s in summaries if s.theme.not_taken_up_reason],
        "unanswered_themes": [s.theme.name for s in summaries if not s.answered],
        "evaluation": None,
    }


def publish(session: Session, commission: Commission, actor: StaffUser) -> publications.Publication:
    """Fix what the public sees now; publishing again makes a new version."""
    return publications.publish_page(session, commission.id, PAGE, report(session, commission), actor)


def published(session: Session, commission_id: int) -> publications.Publication | None:
    return publications.latest(session, commission_id, PAGE)


__all__ = ["PAGE", "activities", "group_counts", "publish", "published", "report"]
