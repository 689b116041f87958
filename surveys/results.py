"""Survey results: per-question figures, segmentation by an "about you" question, and how
representative the respondents are of the commission's population groups.

The page, the API and the evidence entry written at closing all call ``survey_results``, so
they can never show different figures for the same responses.
"""
from __future__ import annotations

from typing import Any, Iterable, Sequence

from . import branching, representativeness
from .question_types import chart, get_type, tally

NOT_ANSWERED = "Not answered"


def _questions(survey) -> list[dict[str, Any]]:
    return branching.flatten(survey.definition)


def segment_questions(questions: Sequence[dict]) -> list[dict]:
    """The questions whose answers say who the respondent is (about you), to break results down by."""
    return [q for q in questions if get_type(q["type"]).segments_respondents]


def representation_question(questions: Sequence[dict], group_names: Iterable[str]) -> dict | None:
    """The "about you" question whose options name the commission's population groups.

    Respondents say which group they belong to by answering it; the first such question counts.
    """
    names = {n.strip().lower() for n in group_names}
    for q in segment_questions(questions):
        if names & {o.lower() for o in q.get("options", [])}:
            return q
    return None


def _question_figures(q: dict, answers: list[Any], search: str | None) -> dict[str, Any]:
    figures = tally(q, answers)
    out = {"id": q["id"], "text": q["text"], "type": q["type"], "answered": len(answers),
           "counts": figures.get("counts", {}), "percentages": figures.get("percentages", {}),
           "chart": chart(q, figures)}
    for extra in ("mean", "median", "min", "max", "agree_percent", "disagree_percent", "first_choice",
                  "mean_position", "order", "other_texts"):
        if extra in figures:
            out[extra] = figures[extra]
    if get_type(q["type"]).lists_answers:
        texts = list(figures.get("texts", answers))
        if search:
            needle = search.strip().lower()
            texts = [t for t in texts if needle in t.lower()]
        out["texts"] = texts
        out["counts"] = {}
        out["chart"] = []
    return out


def segment(q: dict, by: dict, responses: Sequence[Any]) -> list[dict[str, Any]]:
    """``q``'s figures for each answer to the "about you" question ``by`` (one row a segment)."""
    rows = []
    for option in [*by.get("options", []), NOT_ANSWERED]:
        in_segment = [r.answers for r in responses
                      if r.answers.get(by["id"], NOT_ANSWERED) == option]
        answers = [a[q["id"]] for a in in_segment if q["id"] in a]
        figures = tally(q, answers)
        rows.append({"segment": option, "respondents": len(in_segment), "answered": len(answers),
                     "counts": figures.get("counts", {}), "percentages": figures.get("percentages", {}),
                     "mean": figures.get("mean")})
    return rows


def survey_results(survey, responses: Sequence[Any], population_groups: Sequence[Any] = (),
                   by: str | None = None, search: str | None = None) -> dict[str, Any]:
    questions = _questions(survey)
    segmenting = segment_questions(questions)
    by_question = next((q for q in segmenting if q["id"] == by), None)
    per_question = []
    for q in questions:
        qtype = get_type(q["type"])
        if not qtype.takes_answers:
            continue
        answers = [r.answers[q["id"]] for r in responses if q["id"] in r.answers]
        figures = _question_figures(q, answers, search)
        if by_question is not None and q is not by_question and not qtype.lists_answers:
            figures["segments"] = segment(q, by_question, responses)
        per_question.append(figures)
    groups = [(g.name, g.target_share) for g in population_groups]
    rep = None
    rep_q = representation_question(questions, [n for n, _ in groups])
    if rep_q is not None:
        counts: dict[str, int] = {}
        lookup = {n.lower(): n for n, _ in groups}
        for r in responses:
            answer = r.answers.get(rep_q["id"])
            group = lookup.get(answer.lower()) if isinstance(answer, str) else None
            label = group or (answer if isinstance(answer, str) else NOT_ANSWERED)
            counts[label] = counts.get(label, 0) + 1
        rep = representativeness.representativeness({n: s / 100.0 for n, s in groups}, counts)
        rep["question_id"] = rep_q["id"]
    return {
        "survey_id": survey.id, "title": survey.title, "status": survey.status, "version": survey.version,
        "responses": len(responses), "questions": per_question, "representativeness": rep,
        "segmented_by": by_question["id"] if by_question else None,
        "segment_options": [q["id"] for q in segmenting],
    }


def evidence_payload(survey, figures: dict[str, Any]) -> dict[str, Any]:
    """The figures as they were at closing, for the evidence log.

    Counts only: free-text answers are left out, because residents' own words may name people,
    and the log is kept and shared for years.
    """
    return {
        "survey_id": survey.id, "survey_title": survey.title, "survey_version": survey.version,
        "responses": figures["responses"],
        "questions": [
            {k: q[k] for k in ("id", "text", "type", "answered", "counts", "percentages", "mean") if k in q}
            for q in figures["questions"]
        ],
        "representativeness": figures["representativeness"],
    }


def answers_export(responses: Sequence[Any]) -> list[dict[str, Any]]:
    """Every response as exported with the results (no ids, no receipts)."""
    return [{"submitted_at": r.submitted_at.isoformat() + "Z", "survey_version": r.survey_version,
             "answers": r.answers} for r in responses]
