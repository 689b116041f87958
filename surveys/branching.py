"""Conditional questions and sections, and checking a whole submission.

A question (or a section) may carry ``show_if``::

    {"question": "<earlier question id>", "equals": v}        # or one of
    not_equals: v | in: [v, ...] | includes: option | gte: n | lte: n | answered: true/false

A condition may only refer to a question that comes *earlier* in the survey, never to itself or
to a later one. That single rule makes cycles impossible by construction (every dependency
points backwards in page order, so the graph is acyclic), lets a submission be checked top to
bottom in one pass, and matches what residents experience: what you are asked depends on what
you have already answered. A question whose condition refers to a hidden question is hidden
too, so hiding cascades down the page.

Every condition is false while the question it refers to is unanswered, except
``answered: false``: a follow-up question should not appear before the answer it follows up.

A survey is either a list of questions or a list of sections ``{"title", "questions", ...}``;
a section's ``show_if`` applies to every question in it. Answers are keyed by question id, so
both shapes answer the same way. Error paths are ``questions.<i>...`` for the first shape and
``sections.<s>.questions.<i>...`` for the second (indexes from 0).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from surveys.errors import AnswerError, DefinitionError
from surveys.question_types import get_type, is_empty, normalise_question
from surveys.question_types._base import ID_RE, normalise_condition_shape
from surveys.question_types._options import match_option

__all__ = [
    "SubmissionRules",
    "clean_submission",
    "condition_holds",
    "flatten",
    "normalise_survey",
    "submission_rules",
    "validate_rules",
    "visible_questions",
]

SECTION_KEYS = frozenset({"id", "title", "description", "questions", "show_if"})
TITLE_MAX = 200
DESCRIPTION_MAX = 2000

HIDDEN_MESSAGE = "This question does not apply given your earlier answers"
UNKNOWN_MESSAGE = "Unknown question"
ANSWERS_MESSAGE = "Send the answers as a set of question ids and answers"

# Where a question stands while a submission is walked top to bottom.
_ANSWERED, _UNANSWERED, _HIDDEN, _UNSURE = "answered", "unanswered", "hidden", "unsure"


@dataclass(frozen=True)
class _Entry:
    question: dict[str, Any]
    path: str
    #: Section condition first (if any), then the question's own.
    conditions: tuple[dict[str, Any], ...]


# -- definitions ------------------------------------------------------------------------------


def normalise_survey(
    items: Sequence[Mapping[str, Any]], context: str | None = None, *, allow_empty_sections: bool = False
) -> list[dict[str, Any]]:
    """Normalise every question and section and check every rule; raise with *all* problems.

    Returns the same shape it was given (questions or sections), with defaults filled in and
    condition values in stored form (``"Yes"`` -> ``"yes"``), ready to save.
    ``allow_empty_sections``: a draft being built may hold a page with no questions yet (opening
    the survey refuses one, ``lifecycle.open_problem``).
    """
    errors: dict[str, str] = {}
    if not isinstance(items, (list, tuple)):
        raise DefinitionError({"questions": "Give the questions as a list"})
    sectioned = any(isinstance(item, Mapping) and "questions" in item for item in items)
    out: list[dict[str, Any]] = []
    # In page order: (path, raw question, normalised question or None when it is wrong,
    # the section's condition and its path on a section's first question).
    flat: list[tuple[str, Any, dict[str, Any] | None, dict[str, Any] | None, str | None]] = []
    if sectioned:
        for s, raw in enumerate(items):
            spath = f"sections.{s}"
            section = _normalise_section(raw, spath, errors, allow_empty_sections)
            out.append(section)
            cond = section.get("show_if")
            questions = raw.get("questions") if isinstance(raw, Mapping) else None
            normalised: list[dict[str, Any]] = []
            for i, q in enumerate(questions if isinstance(questions, (list, tuple)) else []):
                qpath = f"{spath}.questions.{i}"
                question = _normalise_one(q, qpath, context, errors)
                if question is not None:
                    normalised.append(question)
                flat.append(
                    (
                        qpath,
                        q,
                        question,
                        cond if i == 0 else None,
                        f"{spath}.show_if" if i == 0 else None,
                    )
                )
            section["questions"] = normalised
    else:
        for i, q in enumerate(items):
            qpath = f"questions.{i}"
            question = _normalise_one(q, qpath, context, errors)
            if question is not None:
                out.append(question)
            flat.append((qpath, q, question, None, None))

    all_ids: dict[str, str] = {}
    for path, raw, question, _, _ in flat:
        if question is None:
            # Still note a wrong question's id, so conditions on it are not also reported as
            # pointing at nothing: the question's own errors are the ones to fix.
            rid = raw.get("id") if isinstance(raw, Mapping) else None
            if isinstance(rid, str) and rid not in all_ids:
                all_ids[rid] = path
            continue
        qid = question.get("id")
        if qid is None:
            errors[f"{path}.id"] = (
                "Give the question an id, so answers and conditions can refer to it"
            )
        elif qid in all_ids:
            errors[f"{path}.id"] = f'Another question already uses the id "{qid}"'
        else:
            all_ids[qid] = path

    # Walk in page order: ``earlier`` holds the questions a condition met here may refer to.
    earlier: dict[str, dict[str, Any] | None] = {}
    for path, raw, question, section_cond, section_path in flat:
        if section_cond is not None and section_path is not None:
            _check_condition(
                section_cond, section_path, None, earlier, all_ids, errors, section=True
            )
        own_id = (
            question.get("id")
            if question
            else (raw.get("id") if isinstance(raw, Mapping) else None)
        )
        if question is not None and "show_if" in question:
            _check_condition(
                question["show_if"], f"{path}.show_if", own_id, earlier, all_ids, errors
            )
        if isinstance(own_id, str) and all_ids.get(own_id) == path:
            earlier[own_id] = question
    if errors:
        raise DefinitionError(dict(sorted(errors.items(), key=lambda item: _path_key(item[0]))))
    return out


def validate_rules(items: Sequence[Mapping[str, Any]], context: str | None = None) -> None:
    """Raise ``DefinitionError`` if any question, section or condition of the survey is wrong.

    Checks that each condition refers to an earlier question (not itself, not a later or
    missing one), uses an operator that suits that question's type, and compares with a value
    that question could actually receive as an answer.
    """
    normalise_survey(items, context)


def flatten(items: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The questions of a survey in page order, whichever shape it was given in."""
    return [entry.question for entry in _entries(items)]


def _path_key(path: str) -> list[tuple[int, int | str]]:
    """Sort paths in page order ("questions.10" after "questions.2") for error summaries."""
    return [(0, int(part), "") if part.isdigit() else (1, 0, part) for part in path.split(".")]


def _normalise_one(raw, path, context, errors) -> dict[str, Any] | None:
    try:
        return normalise_question(raw, context)
    except DefinitionError as exc:
        errors.update(exc.prefixed(path).fields)
        return None


def _normalise_section(raw: Any, path: str, errors: dict[str, str], allow_empty: bool = False) -> dict[str, Any]:
    if not isinstance(raw, Mapping) or "questions" not in raw and "type" in raw:
        errors[path] = "Put this question inside a section"
        return {"title": "", "questions": []}
    out: dict[str, Any] = {}
    for key in raw:
        if key not in SECTION_KEYS:
            errors[f"{path}.{key}"] = f'"{key}" is not a setting of a section'
    if raw.get("id") is not None:
        if not isinstance(raw["id"], str) or not ID_RE.match(raw["id"]):
            errors[f"{path}.id"] = "Use 1 to 64 letters, numbers, hyphens or underscores for the id"
        else:
            out["id"] = raw["id"]
    title = raw.get("title")
    if not isinstance(title, str) or not title.strip():
        errors[f"{path}.title"] = "Enter a title for this section"
    elif len(title.strip()) > TITLE_MAX:
        errors[f"{path}.title"] = f"Section title must be {TITLE_MAX} characters or fewer"
    out["title"] = title.strip() if isinstance(title, str) else ""
    description = raw.get("description")
    if description is not None:
        if not isinstance(description, str) or len(description.strip()) > DESCRIPTION_MAX:
            errors[f"{path}.description"] = (
                f"Section description must be text of {DESCRIPTION_MAX} characters or fewer"
            )
        elif description.strip():
            out["description"] = description.strip()
    questions = raw.get("questions")
    if not isinstance(questions, (list, tuple)) or not (questions or allow_empty):
        errors[f"{path}.questions"] = "Add at least one question to this section"
    if raw.get("show_if") is not None:
        local: dict[str, str] = {}
        out["show_if"] = normalise_condition_shape(raw["show_if"], "show_if", local)
        errors.update({f"{path}.{k}": v for k, v in local.items()})
    out["questions"] = []
    return out


def _check_condition(cond, path, own_id, earlier, all_ids, errors, *, section=False) -> None:
    """Check one (shape-valid) condition against the questions before it; clean its value in place."""
    if not cond or "question" not in cond or len(cond) != 2:
        return  # shape errors were already recorded when the question was normalised
    if any(key == path or key.startswith(path + ".") for key in errors):
        return  # one message per condition: the shape problem is the one to fix first
    ref = cond["question"]
    if ref == own_id:
        errors[f"{path}.question"] = "A question cannot depend on its own answer"
        return
    if ref not in all_ids:
        errors[f"{path}.question"] = f'There is no question with the id "{ref}"'
        return
    if ref not in earlier:
        what = "A section" if section else "A question"
        errors[f"{path}.question"] = f"{what} can only depend on a question that comes before it"
        return
    refdef = earlier[ref]
    if refdef is None:
        return
    qtype = get_type(refdef["type"])
    (op,) = [key for key in cond if key != "question"]
    if op not in qtype.allowed_operators(refdef):
        allowed = ", ".join(sorted(qtype.allowed_operators(refdef))) or "none"
        errors[f"{path}.{op}"] = (
            f'"{op}" cannot be used with {_describe(qtype, refdef)} (use: {allowed})'
        )
        return
    value = cond[op]
    if op == "answered":
        return
    if op == "includes":
        option = match_option(refdef["options"], value)
        if option is None:
            errors[f"{path}.includes"] = f'"{value}" is not one of the options of question "{ref}"'
        else:
            cond["includes"] = option
        return
    targets = value if op == "in" else [value]
    cleaned = []
    for target in targets:
        try:
            cleaned.append(qtype.clean_answer(refdef, target))
        except AnswerError:
            errors[f"{path}.{op}"] = f'"{target}" is not a possible answer to question "{ref}"'
            return
    cond[op] = cleaned if op == "in" else cleaned[0]


def _describe(qtype, definition) -> str:
    return qtype.describe(definition)


# -- answers ----------------------------------------------------------------------------------


def visible_questions(
    items: Sequence[Mapping[str, Any]], answers: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """The questions to show given the answers so far, in page order (normalised).

    Meant for drawing a form mid-way: an answer that does not pass its question's checks is
    treated as no answer yet, rather than making the rest of the form disappear.
    """
    entries = _entries(normalise_survey(items))
    states = _walk(entries, answers, invalid_as_unanswered=True)[0]
    return [e.question for e in entries if states[e.question["id"]][0] != _HIDDEN]


def clean_submission(
    items: Sequence[Mapping[str, Any]], answers: Mapping[str, Any], partial: bool = False
) -> dict[str, Any]:
    """Check a whole submission; return ``{question id: stored answer}`` or raise with every problem.

    Problems, each under the question id: answers to unknown questions, answers to questions
    the earlier answers hide, required visible questions left empty (not checked when
    ``partial``, for "save and come back later"), and answers their type refuses. ``""``,
    blank text, ``[]`` and ``None`` all count as not answered and are left out of the result.

    When an earlier answer is itself wrong, whether a later question applies is unknown: its
    own answer is still checked, but it is not reported as missing or as not applying, so the
    resident fixes the real mistake first.
    """
    if not isinstance(answers, Mapping):
        raise AnswerError({"answers": ANSWERS_MESSAGE})
    return submission_rules(items).clean(answers, partial)


@dataclass(frozen=True)
class SubmissionRules:
    """A survey's questions normalised and in page order, to check submissions against.

    Normalising a definition costs about as much as checking one submission with it, so a
    caller that checks many submissions against one version of a survey prepares the rules
    once (``submission_rules``) and keeps them as long as it keeps that version."""

    entries: tuple[_Entry, ...]
    definitions: Mapping[str, dict[str, Any]]

    def clean(self, answers: Mapping[str, Any], partial: bool = False) -> dict[str, Any]:
        """``clean_submission`` with these rules."""
        if not isinstance(answers, Mapping):
            raise AnswerError({"answers": ANSWERS_MESSAGE})
        states, errors = _walk(self.entries, answers, invalid_as_unanswered=False, partial=partial,
                               definitions=self.definitions)
        for key in answers:
            if key not in self.definitions:
                errors[str(key)] = UNKNOWN_MESSAGE
        if errors:
            raise AnswerError(errors)
        return {qid: value for qid, (state, value) in states.items() if state == _ANSWERED}


def submission_rules(items: Sequence[Mapping[str, Any]]) -> SubmissionRules:
    entries = tuple(_entries(normalise_survey(items)))
    return SubmissionRules(entries, {e.question["id"]: e.question for e in entries})


def _entries(items: Sequence[Mapping[str, Any]]) -> list[_Entry]:
    entries: list[_Entry] = []
    sectioned = any(isinstance(item, Mapping) and "questions" in item for item in items)
    if not sectioned:
        for i, q in enumerate(items):
            entries.append(_Entry(q, f"questions.{i}", (q["show_if"],) if q.get("show_if") else ()))
        return entries
    for s, section in enumerate(items):
        outer = (section["show_if"],) if section.get("show_if") else ()
        for i, q in enumerate(section["questions"]):
            own = (q["show_if"],) if q.get("show_if") else ()
            entries.append(_Entry(q, f"sections.{s}.questions.{i}", outer + own))
    return entries


def _walk(entries, answers, *, invalid_as_unanswered, partial=False, definitions=None):
    """One pass down the page: each question's state, and any problems found on the way."""
    states: dict[str, tuple[str, Any]] = {}
    errors: dict[str, str] = {}
    if definitions is None:
        definitions = {e.question["id"]: e.question for e in entries}
    for entry in entries:
        question = entry.question
        qid = question["id"]
        qtype = get_type(question["type"])
        shown = _visible(entry.conditions, states, definitions)
        raw = answers.get(qid)
        if shown is False:
            states[qid] = (_HIDDEN, None)
            if not is_empty(raw):
                errors[qid] = HIDDEN_MESSAGE
            continue
        if is_empty(raw):
            states[qid] = (_UNANSWERED, None) if shown else (_UNSURE, None)
            if shown and question.get("required") and not partial:
                errors[qid] = qtype.required_message_for(question)
            continue
        try:
            value = qtype.clean_answer(question, raw)
        except AnswerError as exc:
            states[qid] = (_UNANSWERED, None) if invalid_as_unanswered else (_UNSURE, None)
            errors[qid] = "; ".join(exc.fields.values())
            continue
        states[qid] = (_ANSWERED, value) if shown else (_UNSURE, value)
    return states, errors


def condition_holds(cond: Mapping[str, Any], answer: Any) -> bool:
    """Whether ``cond`` holds when the question it refers to has the (stored, cleaned) ``answer``
    (``None``: not answered). Lets a page work out which option of a question reveals a
    follow-up, without walking the whole survey for each option."""
    state = (_UNANSWERED, None) if is_empty(answer) else (_ANSWERED, answer)
    return _holds(cond, state, None) is True


def _visible(conditions, states, definitions) -> bool | None:
    """True, False, or None when an earlier wrong answer makes it impossible to say."""
    result: bool | None = True
    for cond in conditions:
        holds = _holds(cond, states[cond["question"]], definitions[cond["question"]])
        if holds is False:
            return False
        if holds is None:
            result = None
    return result


def _holds(cond, state_value, refdef) -> bool | None:
    state, value = state_value
    (op,) = [key for key in cond if key != "question"]
    target = cond[op]
    if state == _HIDDEN:
        return False
    if state == _UNSURE:
        return None
    if state == _UNANSWERED:
        return op == "answered" and target is False
    if op == "answered":
        return target is True
    if op == "equals":
        return value == target
    if op == "not_equals":
        return value != target
    if op == "in":
        return value in target
    if op == "includes":
        return target in value if isinstance(value, list) else value == target
    if op == "gte":
        return value >= target
    if op == "lte":
        return value <= target
    raise AssertionError(f"unhandled operator {op}")  # pragma: no cover
