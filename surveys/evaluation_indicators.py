"""The evaluation's indicators, step by step, including those read from surveys and live polls.

Throughout the journey: residents who took part in each step's activities (survey responses,
live-poll participants, attendance recorded at workshops and meetings) and how representative
they were of the commission's target shares. Then, per step, what its practice question asks
about: data collected by residents (Initiate, Consolidate), their part in the analysis
(Investigate), plan items linked to their input (Collaborate), agreement with the plan from the
Incubate template (Incubate), feeling of influence from the Negotiate template and meetings with
residents present (Negotiate), solution facets attributable to them (Activate), feedback on the
process and the outcomes from the Evaluate template and benefit reviews (Evaluate).

Template questions are found by the template's key on the survey and the question's stable id
(``TEMPLATE_QUESTIONS``), never by their wording, so a commissioner rewording a question keeps
it counted. Every figure is a SQL aggregate over the stored answers. It lives in ``surveys``
because it reads surveys and live polls; the journey-side indicators are
``commissioning_steps.indicators``.
"""
from __future__ import annotations

from typing import Any, Callable

from sqlalchemy import Float, and_, cast, func, literal, select, union_all
from sqlalchemy.orm import Session

from commissioning_steps import indicators as journey_indicators
from commissioning_steps import journey
from commissioning_steps.commissions import Commission
from commissioning_steps.indicators import Indicator, percent_text, plural, share

from . import answer_counts
from . import representativeness as rep
from . import templates, you_said_we_did
from .models import DRAFT, CollectorObservation, CollectorSurvey, Survey, SurveyAnswer, SurveyResponse

INCUBATE = templates.INCUBATE_PLAN_CHECK["key"]
NEGOTIATE = templates.NEGOTIATE_INFLUENCE["key"]
EVALUATE = templates.EVALUATE_PROCESS_AND_OUTCOMES["key"]
AGREE = ("Strongly agree", "Agree")
#: indicator -> (template key, question id, the answers that count as "yes" or None for a mean)
TEMPLATE_QUESTIONS: dict[str, tuple[str, str, tuple[str, ...] | None]] = {
    "plan_agreement": (INCUBATE, "agree_with_plan", ("yes",)),
    "felt_influence": (NEGOTIATE, "changed_plans", ("yes",)),
    "felt_listened_to": (NEGOTIATE, "listened_to", AGREE),
    "process_feedback": (EVALUATE, "process_rating", None),
    "outcome_feedback": (EVALUATE, "service_better", ("yes",)),
    "outcome_rating": (EVALUATE, "outcome_rating", None),
}
#: The templates' "about you" question saying which group a respondent is in.
GROUP_QUESTION = "respondent_group"
NOT_SAID = "Not said"
_REFS = {"survey": "survey", "live_session": "live-session", "workshop": "evidence", "meeting": "evidence"}


# -- throughout ------------------------------------------------------------------------------


def _participation(key: str, label: str, definition: str, acts: list[dict[str, Any]]) -> Indicator:
    total = sum(a["participants"] for a in acts)
    rows = [{"ref": f"{_REFS[a['kind']]}:{a['id']}", "label": f"{a['kind_label']}: {a['title']}",
             "value": a["participants"], "step": a["step"]} for a in acts]
    chart = [{"label": f"{a['kind_label']}: {a['title']}", "count": a["participants"],
              "percent": share(a["participants"], total)} for a in acts] if total else None
    return Indicator(key, label, definition, total, plural(total, "resident") + " took part"
                     + (f" in {plural(len(acts), 'activity', 'activities')}" if acts else " (no activities yet)"),
                     rows, chart)


def participation(acts: list[dict[str, Any]], step: str | None = None) -> Indicator:
    if step is None:
        return _participation(
            "participation_all", "Residents who took part, in all",
            "Survey responses, live-poll participants (distinct per session) and attendance recorded at workshops "
            "and meetings, over every activity; someone who took part in two activities counts twice.", acts)
    return _participation(
        "participation", "Residents who took part",
        "Survey responses, live-poll participants (distinct per session) and attendance recorded at workshops and "
        "meetings, in this step's activities.", [a for a in acts if a["step"] == step])


def representativeness(session: Session, commission: Commission, step: str | None = None) -> Indicator:
    key = "representativeness" if step else "representativeness_all"
    label = "Representativeness" if step else "Representativeness, in all"
    definition = ("Respondents' shares by population group (from the survey question naming the groups) against "
                  "the commission's target shares; a group is under-represented below "
                  f"{rep.DEFAULT_THRESHOLD:.0%} of its target. The figure is the largest shortfall, in points.")
    targets = {g.name: g.target_share / 100.0 for g in commission.population_groups}
    if not targets:
        return Indicator(key, label, definition, None, "No target shares set for this commission", unit="points")
    counts = you_said_we_did.group_counts(session, commission, step)
    if not sum(counts.values()):
        return Indicator(key, label, definition, None, "Nobody who took part has said which group they are in yet",
                         unit="points")
    result = rep.representativeness(targets, counts)
    rows, worst, worst_group = [], 0.0, None
    for row in result["rows"]:
        target = row["target_share"]
        detail = f"{row['respondents']} ({row['actual_share']:.1%})" + (
            f", target {target:.1%}" if target is not None else ", no target")
        if row["under_represented"]:
            detail += ": under-represented"
        rows.append({"ref": f"group:{row['group']}", "label": row["group"], "value": detail})
        if target is not None and -row["difference"] > worst:
            worst, worst_group = -row["difference"], row["group"]
    under = [r["group"] for r in result["rows"] if r["under_represented"]]
    display = (f"Largest shortfall {worst:g} points ({worst_group})" if worst_group else "No group below its target")
    display += f"; under-represented: {', '.join(under)}" if under else "; no group under-represented"
    chart = [{"label": r["group"], "count": r["respondents"], "percent": round(100 * r["actual_share"], 1)}
             for r in result["rows"]]
    indicator = Indicator(key, label, definition, round(worst, 1), display, rows, chart, unit="points")
    indicator.rows.append({"ref": None, "label": "Under-represented groups", "value": ", ".join(under) or "none"})
    return indicator


# -- the template questions ------------------------------------------------------------------


def _template_surveys(commission: Commission, template: str):
    return select(Survey.id).where(Survey.commission_id == commission.id, Survey.template == template,
                                   Survey.status != DRAFT)


def _answers(question: str, alias=SurveyAnswer):
    """The condition for the stored answers (``survey_answers``, one row an answer) to
    ``question`` that say something: a JSON null counts as no answer."""
    return and_(alias.question_id == question, alias.value != "null")


def _survey_rows(session: Session, commission: Commission, template: str, question: str) -> list[dict[str, Any]]:
    return [{"ref": f"survey:{sid}", "label": f"Survey: {title}", "value": plural(n, "answer")}
            for sid, title, n in session.execute(
                select(Survey.id, Survey.title, func.count())
                .join(SurveyAnswer, SurveyAnswer.survey_id == Survey.id)
                .where(Survey.id.in_(_template_surveys(commission, template)), _answers(question))
                .group_by(Survey.id, Survey.title).order_by(Survey.id))]


def template_share(session: Session, commission: Commission, key: str, label: str, definition: str) -> Indicator:
    """The share of respondents to a template's question whose answer counts as yes, overall and
    by respondent group (one GROUP BY)."""
    template, question, positive = TEMPLATE_QUESTIONS[key]
    # Each answer's respondent group, counted as the results page segments (``answer_counts``:
    # one grouped read of each question and a lookup by response id, not a join probing every
    # answer's respondent). A JSON null is no answer; the template's positive answers are plain
    # strings.
    rows: list[tuple[Any, int, int]] = []
    for sid in session.scalars(_template_surveys(commission, template).order_by(Survey.id)):
        _, segmented = answer_counts.StoredAnswers(session, sid).segmented(GROUP_QUESTION, [question])
        for group, value, n in segmented.get(question, []):
            if value is not None:
                rows.append((None if group is answer_counts.MISSING else group, n, n if value in positive else 0))
    total = sum(n for _, n, _ in rows)
    yes = sum(int(y) for _, _, y in rows)
    pct = share(yes, total)
    by_group = sorted(((g if isinstance(g, str) and g else NOT_SAID, n, int(y)) for g, n, y in rows),
                      key=lambda r: r[0])
    merged: dict[str, list[int]] = {}
    for g, n, y in by_group:
        merged.setdefault(g, [0, 0])
        merged[g][0] += n
        merged[g][1] += y
    group_rows = [{"ref": f"group:{g}", "label": g, "value": f"{y} of {n}: {percent_text(share(y, n))}"}
                  for g, (n, y) in merged.items()]
    chart = [{"label": g, "count": y, "percent": share(y, n)} for g, (n, y) in merged.items()] if total else None
    return Indicator(key, label, definition, pct,
                     f"{yes} of {plural(total, 'respondent')}: {percent_text(pct)}" if total
                     else "No answers yet from the template's survey",
                     _survey_rows(session, commission, template, question) + group_rows, chart, unit="percent")


def template_mean(session: Session, commission: Commission, key: str, label: str, definition: str,
                  out_of: int = 5) -> Indicator:
    template, question, _ = TEMPLATE_QUESTIONS[key]
    value = cast(SurveyAnswer.value, Float)
    n, mean = session.execute(select(func.count(value), func.avg(value)).where(
        SurveyAnswer.survey_id.in_(_template_surveys(commission, template)), _answers(question))).one()
    mean = round(float(mean), 2) if n else None
    return Indicator(key, label, definition, int(n),
                     f"{plural(int(n), 'resident')}, mean {mean:g} out of {out_of}" if n
                     else "No answers yet from the template's survey",
                     _survey_rows(session, commission, template, question), unit="count")


# -- Initiate and Consolidate: residents who collected data with Engage -------------------------


def collected_by_residents(session: Session, commission: Commission, step: str) -> list[Indicator]:
    """Collectors who recorded responses or observations in this step's surveys, and the people
    they reached, from the stored rows (live, before any survey closes; closing also records a
    resident-data entry, which the evidence indicators count)."""
    surveys = select(Survey.id).where(Survey.commission_id == commission.id, Survey.step == step,
                                      Survey.status != DRAFT)
    answered = (select(SurveyResponse.survey_id.label("survey_id"), SurveyResponse.collector_id.label("collector_id"),
                       func.count().label("responses"), literal(0).label("observations"))
                .where(SurveyResponse.survey_id.in_(surveys), SurveyResponse.collector_id.is_not(None))
                .group_by(SurveyResponse.survey_id, SurveyResponse.collector_id))
    seen = (select(CollectorObservation.survey_id, CollectorObservation.collector_id, literal(0),
                   func.count())
            .where(CollectorObservation.survey_id.in_(surveys))
            .group_by(CollectorObservation.survey_id, CollectorObservation.collector_id))
    both = union_all(answered, seen).subquery()
    collectors_n, reached, observed = session.execute(
        select(func.count(func.distinct(both.c.collector_id)), func.coalesce(func.sum(both.c.responses), 0),
               func.coalesce(func.sum(both.c.observations), 0))).one()
    rows = [{"ref": f"survey:{sid}", "label": f"Survey: {title}",
             "value": f"{plural(int(n), 'collector')}, {plural(int(r), 'person', 'people')} reached, "
                      f"{plural(int(o), 'observation')}"}
            for sid, title, n, r, o in session.execute(
                select(Survey.id, Survey.title, func.count(func.distinct(both.c.collector_id)),
                       func.sum(both.c.responses), func.sum(both.c.observations))
                .join(both, both.c.survey_id == Survey.id).group_by(Survey.id, Survey.title).order_by(Survey.id)
                .limit(journey_indicators.ROW_LIMIT))]
    invited = session.scalar(select(func.count(func.distinct(CollectorSurvey.collector_id)))
                             .where(CollectorSurvey.survey_id.in_(surveys))) or 0
    return [
        Indicator("resident_collectors", "Residents who collected data with Engage",
                  "Community researchers invited to this step's surveys who recorded at least one response or "
                  "observation with their collector link (withdrawn collectors included: what they collected stays).",
                  int(collectors_n), f"{plural(int(collectors_n), 'resident')} of {int(invited)} invited", rows),
        Indicator("people_reached_by_collectors", "People reached by resident collectors",
                  "Responses that collectors recorded on behalf of the people they spoke to in this step's surveys "
                  "(their observations are counted beside them).",
                  int(reached), f"{plural(int(reached), 'person', 'people')} reached; "
                                f"{plural(int(observed), 'observation')} recorded", rows),
    ]


# -- per step --------------------------------------------------------------------------------


def _incubate(session: Session, commission: Commission) -> list[Indicator]:
    return [template_share(
        session, commission, "plan_agreement", "Agreement with the plan",
        "The share of residents answering the Incubate plan check who agree with the plan ('Do you agree with "
        "the plan?' answered yes), overall and by respondent group.")]


def _negotiate(session: Session, commission: Commission) -> list[Indicator]:
    return [
        template_share(session, commission, "felt_influence", "Residents who feel they influenced the process",
                       "The share of residents answering the Negotiate survey who think what local people said "
                       "changed the plans (answered yes), overall and by respondent group."),
        template_share(session, commission, "felt_listened_to", "Residents who feel listened to",
                       "The share who agree or strongly agree that people listened to what they said (Negotiate "
                       "survey)."),
        *journey_indicators.resident_meetings(session, commission),
    ]


def _evaluate(session: Session, commission: Commission) -> list[Indicator]:
    return [
        template_mean(session, commission, "process_feedback", "Feedback on the commissioning process",
                      "Residents who rated the way they were asked for their views in the Evaluate survey, and "
                      "their mean rating."),
        template_share(session, commission, "outcome_feedback", "Feedback on the outcomes",
                       "The share of residents answering the Evaluate survey who say the new service is better for "
                       "them (answered yes), overall and by respondent group."),
        template_mean(session, commission, "outcome_rating", "Rating of the new service",
                      "Residents who rated the new service in the Evaluate survey, and their mean rating."),
        *journey_indicators.benefit_reviews(session, commission),
    ]


#: What each step's practice question asks the record for, beyond who took part.
STEP_INDICATORS: dict[str, Callable[[Session, Commission], list[Indicator]]] = {
    "initiate": lambda s, c: [*journey_indicators.resident_data(s, c, "initiate"),
                              *collected_by_residents(s, c, "initiate")],
    "investigate": lambda s, c: journey_indicators.analysis_contributions(s, c),
    "collaborate": lambda s, c: journey_indicators.plan_items(s, c),
    "incubate": _incubate,
    "negotiate": _negotiate,
    "activate": lambda s, c: journey_indicators.solution_facets(s, c),
    "consolidate": lambda s, c: [*journey_indicators.resident_data(s, c, "consolidate"),
                                 *collected_by_residents(s, c, "consolidate")],
    "evaluate": _evaluate,
}


def for_steps(session: Session, commission: Commission) -> dict[str, list[Indicator]]:
    """Every step's indicators: who took part and how representative they were, then its own."""
    acts = you_said_we_did.activities(session, commission)
    return {step.key: [participation(acts, step.key), representativeness(session, commission, step.key),
                       *STEP_INDICATORS[step.key](session, commission)]
            for step in journey.STEPS}


def overall(session: Session, commission: Commission) -> list[Indicator]:
    """Throughout the journey: who took part in all, and how representative they were."""
    return [participation(you_said_we_did.activities(session, commission)), representativeness(session, commission)]


__all__ = ["GROUP_QUESTION", "STEP_INDICATORS", "TEMPLATE_QUESTIONS", "collected_by_residents", "for_steps", "overall", "participation",
           "representativeness", "template_mean", "template_share"]
