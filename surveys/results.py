"""Survey results: per-question figures, segmentation by an "about you" question, and how
representative the respondents are of the commission's population groups.

The page, the API and the evidence entry written at closing all call ``survey_results``, so
they can never show different figures for the same responses.
"""
from __future__ import annotations

from typing import Any, Iterable, Sequence

from . import answer_counts, branching, representativeness
from .question_types import chart, get_type, tally, tally_groups

NOT_ANSWERED = "Not answered"


def _questions(survey) -> list[dict[str, Any]]:
    return branching.flatten(survey.definition)


def segment_questions(questions: Sequence[dict]) -> list[dict]:
    """The questions whose answers say who the respondent is (about you), to break results down by."""
    return [q for q in questions if get_type(q["type"]).segments_respondents]


def group_of(question: dict, answer: Any, group_names: Iterable[str]) -> str | None:
    """The population group (as the commission names it) an answer to ``question`` stands for,
    or ``None``. The one place an answer is turned into a group: results, the public report and
    the input inbox all count through it.

    A question that matches its answers to groups (``groups``, set in the builder) is read
    through that mapping only; one without a mapping counts an answer that is a group's name,
    ignoring case (how surveys were matched before mappings existed).
    """
    if not isinstance(answer, str):
        return None
    names = {n.strip().casefold(): n for n in group_names}
    mapping = question.get("groups")
    if mapping:
        target = mapping.get(answer)
        return names.get(target.strip().casefold()) if isinstance(target, str) else None
    return names.get(answer.strip().casefold())


def representation_question(questions: Sequence[dict], group_names: Iterable[str]) -> dict | None:
    """The "about you" question whose answers say which of the commission's population groups
    a respondent is in: the first whose mapping (or, without one, whose options) names a group.
    """
    names = list(group_names)
    for q in segment_questions(questions):
        if any(group_of(q, option, names) for option in q.get("options", [])):
            return q
    return None


def _question_figures(q: dict, answers: list[Any] | None, search: str | None,
                      groups: answer_counts.Groups | None = None) -> dict[str, Any]:
    """One question's figures from its answers one by one (``answers``, residents' own words),
    or from ``(value, n)`` groups of equal answers as SQL counted them (``groups``)."""
    if groups is not None:
        figures, answered = tally_groups(q, groups), sum(n for _, n in groups)
    else:
        figures, answered = tally(q, answers), len(answers)
    qtype = get_type(q["type"])
    out = {"id": q["id"], "text": q["text"], "type": q["type"], "answered": answered,
           "measure": qtype.result_measure, "measure_label": qtype.result_measure_label,
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


def _segment_of(value: Any) -> Any:
    return NOT_ANSWERED if value is answer_counts.MISSING else value


def segment(q: dict, by: dict, responses: Sequence[Any]) -> list[dict[str, Any]]:
    """``q``'s figures for each answer to the "about you" question ``by`` (one row a segment)."""
    people, rows = answer_counts.ListedAnswers(responses).segmented(by["id"], [q["id"]])
    return _segment(q, by, people, rows.get(q["id"], []))


def _segment(q: dict, by: dict, people: answer_counts.Groups,
             rows: Sequence[tuple[Any, Any, int]]) -> list[dict[str, Any]]:
    """``people`` counts respondents by their answer to ``by``, ``rows`` counts (answer to ``by``,
    answer to ``q``) pairs, both from ``answer_counts``."""
    out = []
    for option in [*by.get("options", []), NOT_ANSWERED]:
        respondents = sum(n for value, n in people if _segment_of(value) == option)
        groups = [(v, n) for s, v, n in rows if _segment_of(s) == option]
        figures = tally_groups(q, groups)
        out.append({"segment": option, "respondents": respondents, "answered": sum(n for _, n in groups),
                    "counts": figures.get("counts", {}), "percentages": figures.get("percentages", {}),
                    "mean": figures.get("mean")})
    return out


def _limit_lists(figures: dict[str, Any], limit: int) -> None:
    """Keep the first ``limit`` of a question's listed words, saying how many there were: a page
    listing every one of 100,000 answers is neither readable nor quick (the search and the CSV
    reach all of them)."""
    for key in ("texts", "other_texts"):
        if key in figures:
            figures[f"{key}_total"] = figures.get(f"{key}_total", len(figures[key]))
            figures[key] = figures[key][:limit]


def survey_results(survey, responses: Sequence[Any] | answer_counts.Answers, population_groups: Sequence[Any] = (),
                   by: str | None = None, search: str | None = None, list_limit: int | None = None) -> dict[str, Any]:
    """Every figure of the results page. ``responses`` is where the answers come from: the
    database (``answer_counts.StoredAnswers``, what the pages, the API and closing use), or
    responses in memory (anything with ``answers``). With ``list_limit``, residents' own words
    are listed up to that many a question, with their number (``texts_total``,
    ``other_texts_total``)."""
    source = responses if hasattr(responses, "counted") else answer_counts.ListedAnswers(responses)
    questions = _questions(survey)
    segmenting = segment_questions(questions)
    by_question = next((q for q in segmenting if q["id"] == by), None)
    answering = [q for q in questions if get_type(q["type"]).takes_answers]
    counted_ids = [q["id"] for q in answering if not get_type(q["type"]).lists_answers]
    counted = source.counted(counted_ids)
    segmented: dict[str, Any] = {}
    people: answer_counts.Groups = []
    if by_question is not None:
        people, segmented = source.segmented(by_question["id"], [i for i in counted_ids if i != by_question["id"]])
    per_question = []
    for q in answering:
        qtype = get_type(q["type"])
        if qtype.lists_answers and list_limit is not None and not (search and search.strip()):
            # Only the words shown are read; how many there are is counted in SQL.
            figures = _question_figures(q, source.listed(q["id"], limit=list_limit), None)
            figures["answered"], figures["texts_total"] = source.listed_count(q["id"])
        elif qtype.lists_answers:
            figures = _question_figures(q, source.listed(q["id"]), search)
        else:
            figures = _question_figures(q, None, search, groups=counted.get(q["id"], []))
        if list_limit is not None:
            _limit_lists(figures, list_limit)
        if by_question is not None and q is not by_question and not qtype.lists_answers:
            figures["segments"] = _segment(q, by_question, people, segmented.get(q["id"], []))
        per_question.append(figures)
    groups = [(g.name, g.target_share) for g in population_groups]
    rep = None
    rep_q = representation_question(questions, [n for n, _ in groups])
    if rep_q is not None:
        counts: dict[str, int] = {}
        names = [n for n, _ in groups]
        rep_people = people if by_question is rep_q else source.segmented(rep_q["id"], [])[0]
        for answer, n in rep_people:
            answer = None if answer is answer_counts.MISSING else answer
            label = group_of(rep_q, answer, names) or (answer if isinstance(answer, str) else NOT_ANSWERED)
            counts[label] = counts.get(label, 0) + n
        rep = representativeness.representativeness({n: s / 100.0 for n, s in groups}, counts)
        rep["question_id"] = rep_q["id"]
    return {
        "survey_id": survey.id, "title": survey.title, "status": survey.status, "version": survey.version,
        "responses": source.total(), "questions": per_question, "representativeness": rep,
        "segmented_by": by_question["id"] if by_question else None,
        "segment_options": [q["id"] for q in segmenting],
    }


def stored_results(session, survey, population_groups: Sequence[Any] = (), by: str | None = None,
                   search: str | None = None, list_limit: int | None = None) -> dict[str, Any]:
    """``survey_results`` over the survey's stored answers, counted in SQL (``answer_counts``)."""
    return survey_results(survey, answer_counts.StoredAnswers(session, survey.id), population_groups, by, search,
                          list_limit)


#: How many answers of each question the evidence entry names as leading.
LEADING = 3


def _leading(q: dict[str, Any]) -> list[dict[str, Any]]:
    """The answers with the most votes (or points), in words as the survey put them (the chart's
    labels are the commissioner's options, never what residents typed)."""
    rows = [r for r in q.get("chart", []) if r.get("count")]
    rows = sorted(rows, key=lambda r: -r["count"])[:LEADING]
    keep = ("label", "count", "percent", "first_choice")
    return [{k: r[k] for k in keep if k in r} for r in rows]


def evidence_payload(survey, figures: dict[str, Any]) -> dict[str, Any]:
    """The figures as they were at closing, for the evidence log.

    Counts only: free-text answers are left out, because residents' own words may name people,
    and the log is kept and shared for years. Each question keeps its counts, its measure
    (``count``, or ``points`` for a ranking) and its leading answers in words.
    """
    questions = []
    for q in figures["questions"]:
        row = {k: q[k] for k in ("id", "text", "type", "answered", "measure", "counts", "percentages", "mean",
                                 "first_choice") if k in q}
        if "texts" in q:
            row["listed"] = True  # residents' own words: listed on the results page, not logged
        else:
            row["leading"] = _leading(q)
        questions.append(row)
    return {
        "survey_id": survey.id, "survey_title": survey.title, "survey_version": survey.version,
        "responses": figures["responses"], "questions": questions,
        "representativeness": figures["representativeness"],
    }


def _figure(row: dict[str, Any], measure: str) -> str:
    if measure == "points":
        first = f", first for {row['first_choice']}" if row.get("first_choice") is not None else ""
        return f"{row['label']} ({row['count']} {'point' if row['count'] == 1 else 'points'}{first})"
    return f"{row['label']} ({row['count']}, {_percent(row.get('percent', 0))})"


def _percent(value: float) -> str:
    return f"{value:.0f}%" if float(value).is_integer() else f"{value:.1f}%"


def _mean(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def question_findings(q: dict[str, Any]) -> str:
    """One question's findings in a sentence: the leading answers, or the mean, or "answers in
    residents' own words" (never the words themselves)."""
    answered = q.get("answered", 0)
    if not answered:
        return "no answers"
    parts = []
    if q.get("mean") is not None:
        parts.append(f"mean {_mean(q['mean'])}")
    leading = q.get("leading")
    if leading is None and not q.get("listed"):  # an entry written before leading answers were kept
        counts = q.get("counts") or {}
        leading = [{"label": str(k), "count": n, "percent": (q.get("percentages") or {}).get(k, 0)}
                   for k, n in sorted(counts.items(), key=lambda kv: -kv[1])[:LEADING] if n]
    if q.get("listed"):
        parts.append("answers in residents' own words (on the results page, not in the log)")
    elif leading:
        measure = q.get("measure", "count")
        lead = "most points" if measure == "points" else "most chosen"
        parts.append(f"{lead}: " + "; ".join(_figure(r, measure) for r in leading))
    return f"{answered} answered" + (f", {', '.join(parts)}" if parts else "")


def representation_findings(rep: dict[str, Any] | None) -> str | None:
    if not rep:
        return None
    under = [r for r in rep["rows"] if r.get("under_represented")]
    if not under:
        return "Every population group with a target share was heard at or near its share."
    return "Under-represented: " + "; ".join(
        f"{r['group']} ({_percent(round(r['actual_share'] * 100, 1))} of respondents against "
        f"a target of {_percent(round(r['target_share'] * 100, 1))})" for r in under) + "."


def evidence_summary(payload: dict[str, Any], limit: int = 2000) -> str:
    """The survey_result entry's summary: how many responded, each question's findings and who
    was heard, within the log's ``limit``; questions that do not fit are counted, not dropped
    silently (their figures are all in the payload)."""
    n = payload["responses"]
    head = f"Survey “{payload['survey_title']}” closed with {n} {'response' if n == 1 else 'responses'}."
    rep = representation_findings(payload.get("representativeness"))
    tail = f" {rep}" if rep else ""
    text = head
    questions = payload.get("questions", [])
    for i, q in enumerate(questions):
        line = f" {q['text']}: {question_findings(q)}."
        rest = len(questions) - i - 1
        more = f" … and {rest + 1} more {'question' if rest == 0 else 'questions'} in the entry's figures."
        if len(text) + len(line) + len(tail) + len(more) > limit:
            text += more
            break
        text += line
    text += tail
    return text[:limit]


def answers_export(responses: Sequence[Any]) -> list[dict[str, Any]]:
    """Every response as exported with the results (no ids, no receipts)."""
    return [{"submitted_at": r.submitted_at.isoformat() + "Z", "survey_version": r.survey_version,
             "answers": r.answers} for r in responses]
