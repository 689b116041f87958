"""A survey's answers, counted: from the database with ``GROUP BY`` over ``survey_answers``
(``StoredAnswers``), or from responses already in memory (``ListedAnswers``).

Results, segmentation and representativeness need how many gave each answer, not every
response: counting in SQL reads an index instead of parsing every response's JSON in Python,
which is what kept the results page from growing linearly (bench/growth.py). Both sources hand
back the same shapes in the same order, so ``surveys.results`` computes every figure once, by the
question type's own ``tally``, whichever source it reads.

Counted answers come as ``(value, n)`` groups in the order each value was first given (the
lowest response id, which is the order responses were stored in); equal answers are one group.
Listed answers (residents' own words) come one by one in the order the responses were stored.
"""
from __future__ import annotations

import json
from typing import Any, Iterable, Protocol, Sequence

from sqlalchemy import LargeBinary, and_, case, cast, func, select
from sqlalchemy.orm import Session, aliased

from .models import SurveyAnswer, SurveyResponse

#: The segment of respondents who did not answer the question results are broken down by.
MISSING = object()

Groups = list[tuple[Any, int]]


class Answers(Protocol):
    def total(self) -> int:
        """How many responses."""

    def counted(self, question_ids: Sequence[str]) -> dict[str, Groups]:
        """Each question's answers as (value, n) groups; a question nobody answered is missing."""

    def listed(self, question_id: str, limit: int | None = None) -> list[Any]:
        """The answers given to the question (the first ``limit``), in the order the responses
        were stored."""

    def listed_count(self, question_id: str) -> tuple[int, int]:
        """How many answered the question, and how many of the answers are not empty (null)."""

    def segmented(self, by: str, question_ids: Sequence[str]) -> tuple[Groups, dict[str, list[tuple[Any, Any, int]]]]:
        """Respondents per answer to ``by`` (``MISSING`` for those who did not answer it), and
        each question's (answer to ``by``, answer, n) groups."""


def _text(session: Session, column):
    """The answer's JSON text as SQLite hands it over as bytes: old data may hold an unpaired
    surrogate, which SQLite's JSON functions turn into bytes no UTF-8 decoder accepts, and a
    page must still render (``_load`` replaces them, as every download does)."""
    return cast(column, LargeBinary) if session.get_bind().dialect.name == "sqlite" else column


def _load(value: Any) -> Any:
    return json.loads(value.decode("utf-8", "replace") if isinstance(value, bytes) else value)


def _key(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _merge(groups: Iterable[tuple[Any, int]]) -> Groups:
    """Equal values written differently (``[1,2]`` and ``[1, 2]``) are one group, kept in order."""
    out: dict[str, list] = {}
    for value, n in groups:
        row = out.setdefault(_key(value), [value, 0])
        row[1] += n
    return [(v, n) for v, n in out.values()]


class StoredAnswers:
    """A survey's stored answers, counted by the database."""

    def __init__(self, session: Session, survey_id: int) -> None:
        self.session, self.survey_id = session, survey_id

    def total(self) -> int:
        return self.session.scalar(select(func.count()).select_from(SurveyResponse)
                                   .where(SurveyResponse.survey_id == self.survey_id)) or 0

    def counted(self, question_ids: Sequence[str]) -> dict[str, Groups]:
        if not question_ids:
            return {}
        a = SurveyAnswer
        rows = self.session.execute(
            select(a.question_id, _text(self.session, a.value), func.count(), func.min(a.response_id).label("first"))
            .where(a.survey_id == self.survey_id, a.question_id.in_(list(question_ids)))
            .group_by(a.question_id, a.value).order_by(a.question_id, "first"))
        raw: dict[str, list[tuple[Any, int]]] = {}
        for qid, value, n, _ in rows:
            raw.setdefault(qid, []).append((_load(value), n))
        return {qid: _merge(groups) for qid, groups in raw.items()}

    def listed(self, question_id: str, limit: int | None = None) -> list[Any]:
        a = SurveyAnswer
        rows = self.session.scalars(
            select(_text(self.session, a.value)).join(SurveyResponse, SurveyResponse.id == a.response_id)
            .where(a.survey_id == self.survey_id, a.question_id == question_id)
            .order_by(SurveyResponse.submitted_at, SurveyResponse.id).limit(limit))
        return [_load(v) for v in rows]

    def listed_count(self, question_id: str) -> tuple[int, int]:
        a = SurveyAnswer
        answered, given = self.session.execute(
            select(func.count(), func.coalesce(func.sum(case((a.value == "null", 0), else_=1)), 0))
            .where(a.survey_id == self.survey_id, a.question_id == question_id)).one()
        return int(answered), int(given)

    def segmented(self, by: str, question_ids: Sequence[str]):
        seg = aliased(SurveyAnswer)
        joined = and_(seg.survey_id == self.survey_id, seg.question_id == by)
        respondents = self.session.execute(
            select(_text(self.session, seg.value), func.count(), func.min(SurveyResponse.id).label("first"))
            .select_from(SurveyResponse).outerjoin(seg, and_(joined, seg.response_id == SurveyResponse.id))
            .where(SurveyResponse.survey_id == self.survey_id).group_by(seg.value).order_by("first"))
        people = _merge((MISSING_KEY if v is None else _load(v), n) for v, n, _ in respondents)
        out: dict[str, list[tuple[Any, Any, int]]] = {}
        if question_ids:
            a = SurveyAnswer
            rows = self.session.execute(
                select(a.question_id, _text(self.session, seg.value).label("segment"),
                       _text(self.session, a.value).label("answer"), func.count(),
                       func.min(a.response_id).label("first"))
                .select_from(a).outerjoin(seg, and_(joined, seg.response_id == a.response_id))
                .where(a.survey_id == self.survey_id, a.question_id.in_(list(question_ids)))
                .group_by(a.question_id, seg.value, a.value).order_by(a.question_id, "first"))
            for qid, segment, value, n, _ in rows:
                out.setdefault(qid, []).append((MISSING_KEY if segment is None else _load(segment),
                                                _load(value), n))
        return _unmissing(people), {q: _unmissing3(rows) for q, rows in out.items()}


# ``MISSING`` cannot pass through ``_merge`` (it is no JSON value), so the queries use a key no
# answer can be and swap it back afterwards.
MISSING_KEY = {"\x00missing": True}


def _unmissing(groups: Groups) -> Groups:
    return [(MISSING if v == MISSING_KEY else v, n) for v, n in groups]


def _unmissing3(rows: list[tuple[Any, Any, int]]) -> list[tuple[Any, Any, int]]:
    merged: dict[tuple[str, str], list] = {}
    for segment, value, n in rows:
        row = merged.setdefault((_key(segment), _key(value)), [segment, value, 0])
        row[2] += n
    return [(MISSING if s == MISSING_KEY else s, v, n) for s, v, n in merged.values()]


class ListedAnswers:
    """Responses already in memory (anything with ``answers``), counted the same way."""

    def __init__(self, responses: Sequence[Any]) -> None:
        self.answers = [r.answers or {} for r in responses]

    def total(self) -> int:
        return len(self.answers)

    def counted(self, question_ids: Sequence[str]) -> dict[str, Groups]:
        out = {}
        for qid in question_ids:
            groups = _merge((a[qid], 1) for a in self.answers if qid in a)
            if groups:
                out[qid] = groups
        return out

    def listed(self, question_id: str, limit: int | None = None) -> list[Any]:
        return [a[question_id] for a in self.answers if question_id in a][:limit]

    def listed_count(self, question_id: str) -> tuple[int, int]:
        given = [a[question_id] for a in self.answers if question_id in a]
        return len(given), sum(1 for v in given if v is not None)

    def segmented(self, by: str, question_ids: Sequence[str]):
        people = _merge((a.get(by, MISSING_KEY), 1) for a in self.answers)
        out = {}
        for qid in question_ids:
            rows = _unmissing3([(a.get(by, MISSING_KEY), a[qid], 1) for a in self.answers if qid in a])
            if rows:
                out[qid] = rows
        return _unmissing(people), out


def expand(groups: Iterable[tuple[Any, int]]) -> list[Any]:
    """The answers one by one again, for a question type's ``tally`` (which counts a list)."""
    values: list[Any] = []
    for value, n in groups:
        values.extend([value] * n)
    return values


__all__ = ["Answers", "ListedAnswers", "MISSING", "StoredAnswers", "expand"]
