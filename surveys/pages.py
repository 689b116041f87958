"""The resident's form, one page at a time.

A sectioned survey shows one section per page; a plain list of questions shows one question per
page (GOV.UK's "one thing per page"). Which pages appear depends on earlier answers, so the page
list is always worked out from the answers so far, and answers to questions that an earlier
change has hidden are dropped rather than kept and reported.

**Follow-up questions on the same page.** A question whose condition refers to another question
of its own section (``what_to_change`` shown when ``agree_with_plan`` is No or Maybe) is a
*follow-up*. A page is walked in up to two *steps*:

- the page itself (``MAIN``): its questions that are not follow-ups, each follow-up drawn in
  place under the option that reveals it (GOV.UK's conditional reveal, which needs JavaScript:
  without it those copies stay hidden);
- its follow-ups (``MORE``): the page's follow-ups that apply given the answers, on a page of
  their own. A resident without JavaScript is asked them here, right after the page, before
  anything later; with JavaScript they were answered in place and this step is skipped.

Nothing a resident was due to answer can be skipped: the draft remembers which questions were
put in front of the resident (``asked``), every save re-works out which questions apply, and a
step holding a question that applies and was neither answered nor asked is *due*. The form goes
to a due step before anything after it, and "Check your answers" is not reached while any step
is due. A question that an answer hides is forgotten as asked, so if a later change shows it
again it is asked again.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Sequence

from . import branching
from .errors import AnswerError
from .question_types import get_type, is_empty

MAIN, MORE = "main", "more"


@dataclass(frozen=True)
class Page:
    number: int  # 1-based, stable for the survey (not for the resident's path)
    title: str | None
    description: str | None
    questions: tuple[dict[str, Any], ...] = field(default_factory=tuple)

    @property
    def ids(self) -> set[str]:
        return {q["id"] for q in self.questions}


@dataclass(frozen=True)
class Reveal:
    """A follow-up drawn in place under one option of a question asked on the same step.

    When several options reveal it (No and Maybe), each has its own copy, so GOV.UK's
    conditional reveal (one container per option) works as designed; only the copy under the
    chosen option is read back. ``copy_id`` names the copy's fields (never a question id:
    question ids cannot hold a full stop).
    """

    controller: str
    value: str  # the option's form value (from the controller's type's ``choices``)
    question: dict[str, Any]
    copy_id: str

    @property
    def copy(self) -> dict[str, Any]:
        """The follow-up's definition under its copy's id, for drawing and reading the copy."""
        return {**self.question, "id": self.copy_id}


@dataclass(frozen=True)
class Step(Page):
    """A page (``MAIN``) or its follow-ups (``MORE``): what one screen of the form asks."""

    part: str = MAIN
    reveals: tuple[Reveal, ...] = ()

    @property
    def ids(self) -> set[str]:
        """Every question this step's form carries: asked at once, or drawn in place."""
        return {q["id"] for q in self.questions} | {r.question["id"] for r in self.reveals}

    @property
    def key(self) -> tuple[int, int]:
        return (self.number, 0 if self.part == MAIN else 1)

    def reveals_of(self, question_id: str) -> list[Reveal]:
        return [r for r in self.reveals if r.controller == question_id]

    def shown(self, in_place: bool) -> set[str]:
        """What the resident was asked on this step: its questions, plus the follow-ups drawn in
        place when their conditional reveal worked (JavaScript ran)."""
        ids = {q["id"] for q in self.questions}
        if in_place:
            ids |= {r.question["id"] for r in self.reveals}
        return ids


def all_pages(definition: Sequence[Mapping[str, Any]]) -> list[Page]:
    if any("questions" in item for item in definition):
        return [Page(i, s.get("title"), s.get("description"), tuple(s.get("questions", [])))
                for i, s in enumerate(definition, start=1)]
    return [Page(i, None, None, (q,)) for i, q in enumerate(definition, start=1)]


def visible_pages(definition: Sequence[Mapping[str, Any]], answers: Mapping[str, Any]) -> list[Page]:
    """The pages this resident will see, each holding only its visible questions."""
    visible = {q["id"] for q in branching.visible_questions(definition, answers)}
    out = []
    for page in all_pages(definition):
        shown = tuple(q for q in page.questions if q["id"] in visible)
        if shown:
            out.append(Page(page.number, page.title, page.description, shown))
    return out


# -- steps -----------------------------------------------------------------------------------


def _follow_ups(page: Page) -> dict[str, str]:
    """The page's follow-ups: question id -> the id of the question on this page it depends on."""
    on_page = {q["id"] for q in page.questions}
    out = {}
    for q in page.questions:
        ref = (q.get("show_if") or {}).get("question")
        if ref in on_page:
            out[q["id"]] = ref
    return out


def _reveals(controller: Mapping[str, Any], follow_up: Mapping[str, Any],
             answers: Mapping[str, Any]) -> list[Reveal]:
    """The copies of ``follow_up`` to draw under the options of ``controller`` that reveal it.

    None when the controller has no options to draw it under (a number, free text), and none
    for checkboxes revealing it under several options (ticking two would show two copies): then
    it is asked on the page's follow-up step only.
    """
    qtype = get_type(controller["type"])
    mode = qtype.reveals_for(controller)
    if mode is None:
        return []
    values = [value for value, _ in qtype.choices(controller)
              if branching.condition_holds(follow_up["show_if"], qtype.answer_for_choice(controller, value))]
    if mode == "many" and len(values) > 1:
        return []
    return [Reveal(controller["id"], value, dict(follow_up), f"{follow_up['id']}.{controller['id']}-{n}")
            for n, value in enumerate(values, start=1)]


def steps(definition: Sequence[Mapping[str, Any]], answers: Mapping[str, Any]) -> list[Step]:
    """The steps of this resident's form, in order, given the answers so far."""
    visible = {q["id"] for q in branching.visible_questions(definition, answers)}
    out: list[Step] = []
    for page in all_pages(definition):
        follow_ups = _follow_ups(page)
        main = tuple(q for q in page.questions if q["id"] in visible and q["id"] not in follow_ups)
        more = tuple(q for q in page.questions if q["id"] in visible and q["id"] in follow_ups)
        by_id = {q["id"]: q for q in page.questions}
        for part, asked in ((MAIN, main), (MORE, more)):
            if not asked:
                continue
            here = {q["id"] for q in asked}
            reveals = tuple(r for fid, ref in follow_ups.items() if ref in here and fid not in here
                            for r in _reveals(by_id[ref], by_id[fid], answers))
            out.append(Step(page.number, page.title, page.description, asked, part=part, reveals=reveals))
    return out


def find_step(definition, answers: Mapping[str, Any], number: int, part: str = MAIN) -> Step | None:
    return next((s for s in steps(definition, answers) if (s.number, s.part) == (number, part)), None)


def is_due(step: Step, answers: Mapping[str, Any], asked: Iterable[str]) -> bool:
    """Whether the step holds a question that applies and is still to be put to the resident
    (or, required, is still unanswered)."""
    asked = set(asked)
    return any(q["id"] not in answers and (q["id"] not in asked or q.get("required"))
               for q in step.questions)


def first_due_step(definition, answers: Mapping[str, Any], asked: Iterable[str]) -> Step | None:
    """The first step with a question still to answer; ``None`` when "Check your answers" may come."""
    asked = set(asked)
    return next((s for s in steps(definition, answers) if is_due(s, answers, asked)), None)


def next_step(definition, answers: Mapping[str, Any], asked: Iterable[str], current: Step | None,
              *, changing: bool = False) -> Step | None:
    """Where the form goes after ``current`` was saved (``None``: the form's start); ``None`` when
    it is time to check the answers.

    A due step that comes before ``current`` (reached by typing a page's address) goes first.
    Otherwise the form walks on to the next page, or to a follow-up step when it is due; a
    follow-up step answered in place is not shown again. When changing an answer from "Check
    your answers", the form goes only to steps that are due, then back to the check page.
    """
    asked = set(asked)
    order = steps(definition, answers)
    due = [s for s in order if is_due(s, answers, asked)]
    if changing:
        return due[0] if due else None
    here = current.key if current is not None else (0, 0)
    earlier = [s for s in due if s.key < here]
    if earlier:
        return earlier[0]
    later = [s for s in order if s.key > here and (s.part == MAIN or s in due)]
    if later:
        return later[0]
    return due[0] if due else None


def previous_step(definition, answers: Mapping[str, Any], current: Step) -> Step | None:
    before = [s for s in steps(definition, answers) if s.key < current.key]
    return before[-1] if before else None


def still_asked(definition, answers: Mapping[str, Any], asked: Iterable[str]) -> list[str]:
    """``asked`` without the questions the answers now hide (shown again, they are asked again)."""
    visible = {q["id"] for q in branching.visible_questions(definition, answers)}
    return sorted(set(asked) & visible)


def asked_when_changing(definition, answers: Mapping[str, Any]) -> list[str]:
    """A stored response's questions that applied were all put to the resident who sent it."""
    return sorted(q["id"] for q in branching.visible_questions(definition, answers))


# -- saving -----------------------------------------------------------------------------------


def prune(definition: Sequence[Mapping[str, Any]], answers: Mapping[str, Any]) -> dict[str, Any]:
    """Drop answers to questions that are hidden (or unknown) given the other answers."""
    current = {k: v for k, v in answers.items() if not is_empty(v)}
    while True:
        visible = {q["id"] for q in branching.visible_questions(definition, current)}
        kept = {k: v for k, v in current.items() if k in visible}
        if kept == current:
            return kept
        current = kept


def save_page(definition: Sequence[Mapping[str, Any]], page: Page, answers_so_far: Mapping[str, Any],
              submitted: Mapping[str, Any], *, asked: Iterable[str] | None = None,
              form_errors: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Merge one page's (or step's) answers into the answers so far; raise ``AnswerError`` with
    every problem of the page at once.

    Required questions are enforced on the page they are asked on, so a resident is told on the
    page itself: ``asked`` is what was put to the resident here (default: the page's questions;
    a follow-up drawn in place but not seen, without JavaScript, is asked on its own step).
    ``form_errors`` are problems only the form could see (two options given the same position):
    they are reported together with the answers' own problems, never one after the other.
    """
    form_errors = dict(form_errors or {})
    asked_here = set(asked) if asked is not None else {q["id"] for q in page.questions}
    merged = {k: v for k, v in answers_so_far.items() if k not in page.ids}
    merged.update({k: v for k, v in submitted.items()
                   if k in page.ids and k not in form_errors and not is_empty(v)})
    merged = prune(definition, merged)
    errors: dict[str, str] = {}
    try:
        cleaned = branching.clean_submission(definition, merged, partial=True)
    except AnswerError as exc:
        errors.update(exc.fields)
        cleaned = merged
    errors.update(form_errors)
    visible_here = {q["id"] for q in branching.visible_questions(definition, merged)} & asked_here
    for q in branching.flatten(definition):
        if q["id"] in visible_here and q.get("required") and q["id"] not in merged and q["id"] not in errors:
            errors[q["id"]] = get_type(q["type"]).required_message_for(q)
    if errors:
        raise AnswerError(errors)
    return cleaned


# -- kept for callers that walk pages rather than steps -----------------------------------------


def next_page(definition, answers: Mapping[str, Any], current: int | None) -> Page | None:
    """The first visible page after page number ``current`` (None: the first page)."""
    for page in visible_pages(definition, answers):
        if current is None or page.number > current:
            return page
    return None


def previous_page(definition, answers: Mapping[str, Any], current: int) -> Page | None:
    before = [p for p in visible_pages(definition, answers) if p.number < current]
    return before[-1] if before else None
