"""The resident's form, one page at a time.

A sectioned survey shows one section per page; a plain list of questions shows one question per
page (GOV.UK's "one thing per page"). Which pages appear depends on earlier answers, so the page
list is always worked out from the answers so far, and answers to questions that an earlier
change has hidden are dropped rather than kept and reported.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

from . import branching
from .errors import AnswerError
from .question_types import get_type, is_empty


@dataclass(frozen=True)
class Page:
    number: int  # 1-based, stable for the survey (not for the resident's path)
    title: str | None
    description: str | None
    questions: tuple[dict[str, Any], ...] = field(default_factory=tuple)

    @property
    def ids(self) -> set[str]:
        return {q["id"] for q in self.questions}


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
              submitted: Mapping[str, Any]) -> dict[str, Any]:
    """Merge one page's answers into the answers so far; raise AnswerError for this page's problems.

    Required questions are enforced page by page, so a resident is told on the page itself.
    """
    merged = {k: v for k, v in answers_so_far.items() if k not in page.ids}
    merged.update({k: v for k, v in submitted.items() if k in page.ids and not is_empty(v)})
    merged = prune(definition, merged)
    errors: dict[str, str] = {}
    try:
        cleaned = branching.clean_submission(definition, merged, partial=True)
    except AnswerError as exc:
        errors.update(exc.fields)
        cleaned = merged
    visible_here = {q["id"] for q in branching.visible_questions(definition, merged)} & page.ids
    for q in page.questions:
        if q["id"] in visible_here and q.get("required") and q["id"] not in merged and q["id"] not in errors:
            errors[q["id"]] = get_type(q["type"]).required_message_for(q)
    if errors:
        raise AnswerError(errors)
    return cleaned


def next_page(definition, answers: Mapping[str, Any], current: int | None) -> Page | None:
    """The first visible page after page number ``current`` (None: the first page)."""
    for page in visible_pages(definition, answers):
        if current is None or page.number > current:
            return page
    return None


def previous_page(definition, answers: Mapping[str, Any], current: int) -> Page | None:
    before = [p for p in visible_pages(definition, answers) if p.number < current]
    return before[-1] if before else None


def first_incomplete_page(definition, answers: Mapping[str, Any]) -> Page | None:
    """The first visible page with a required question still unanswered (None when complete)."""
    for page in visible_pages(definition, answers):
        if any(q.get("required") and q["id"] not in answers for q in page.questions):
            return page
    return None
