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
from array import array
from collections import Counter
from typing import Any, Iterable, Protocol, Sequence

from sqlalchemy import LargeBinary, Text, case, cast, func, literal, select
from sqlalchemy.orm import Session

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
        r = SurveyResponse
        # Read in the responses' own order (the index on survey_id, submitted_at, id) and look
        # each one's answer up by primary key, so the first ``limit`` cost ``limit`` probes: the
        # join the other way round sorted every answer to the question first (0.2 s at 100k).
        # ``survey_id`` in the join and the order is what lets SQLite's planner see that.
        rows = self.session.scalars(
            select(_text(self.session, a.value)).select_from(r)
            .join(a, (a.survey_id == r.survey_id) & (a.question_id == question_id) & (a.response_id == r.id))
            .where(r.survey_id == self.survey_id)
            .order_by(r.survey_id, r.submitted_at, r.id).limit(limit))
        return [_load(v) for v in rows]

    def listed_count(self, question_id: str) -> tuple[int, int]:
        a = SurveyAnswer
        answered, given = self.session.execute(
            select(func.count(), func.coalesce(func.sum(case((a.value == "null", 0), else_=1)), 0))
            .where(a.survey_id == self.survey_id, a.question_id == question_id)).one()
        return int(answered), int(given)

    def _ids(self, column):
        """The response ids of a group, as one text (``group_concat`` / ``string_agg``)."""
        if self.session.get_bind().dialect.name == "postgresql":
            return func.string_agg(cast(column, Text), ",")
        return func.group_concat(column, ",")

    def segmented(self, by: str, question_ids: Sequence[str]):
        """Respondents per answer to ``by``, and every question's answers per segment.

        Not a join: joining each of a survey's answers to its respondent's answer to ``by`` is
        one index probe an answer (over 3 s for 100k responses of ten questions on SQLite, plus
        sorting every joined row to group it). Instead each respondent's segment is read once
        into a table by response id (a byte each), and each question's answers come grouped by
        value with their response ids, so a group is split by segment with a lookup per id in
        C (``Counter`` over ``map``). The same counts as the join, exactly (tests compare it
        with ``ListedAnswers``); the (segment, answer, n) rows come in no order that matters,
        because segmentation only sums them."""
        a = SurveyAnswer
        mine = SurveyResponse.survey_id == self.survey_id
        lo, total = self.session.execute(select(func.min(SurveyResponse.id), func.count()).where(mine)).one()
        lo = lo or 0
        # respondents per segment alone (representativeness) need no response ids
        ids = self._ids(a.response_id - lo) if question_ids else literal("")
        segments = self.session.execute(
            select(_text(self.session, a.value), ids, func.count(),
                   func.min(a.response_id).label("first"))
            .where(a.survey_id == self.survey_id, a.question_id == by).group_by(a.value).order_by("first")).all()
        hi = self.session.scalar(select(func.max(SurveyResponse.id)).where(mine)) or lo
        keys: dict[str, int] = {}
        values: list[Any] = [MISSING_KEY]  # code 0: no answer to ``by``
        firsts: dict[int, int] = {}
        people_n: dict[int, int] = {}
        loaded = [(_load(v), ids, n, first) for v, ids, n, first in segments]
        size = hi - lo + 1 if question_ids else 0
        lookup: Any = bytearray(size) if len(loaded) < 255 else array("I", bytes(4 * size))
        for value, ids, n, first in loaded:
            code = keys.setdefault(_key(value), len(values))
            if code == len(values):
                values.append(value)
                firsts[code] = first
            people_n[code] = people_n.get(code, 0) + n
            if question_ids:
                for i in map(int, ids.split(",")):
                    lookup[i] = code
        missing = total - sum(people_n.values())
        if missing:
            firsts[0] = self.session.scalar(
                select(SurveyResponse.id).where(mine, ~select(a.response_id).where(
                    a.survey_id == self.survey_id, a.question_id == by, a.response_id == SurveyResponse.id).exists())
                .order_by(SurveyResponse.id).limit(1))
            people_n[0] = missing
        people = [(values[code], people_n[code]) for code in sorted(firsts, key=firsts.__getitem__)]
        out: dict[str, list[tuple[Any, Any, int]]] = {}
        if question_ids:
            rows = self.session.execute(
                select(a.question_id, _text(self.session, a.value), self._ids(a.response_id - lo),
                       func.min(a.response_id).label("first"))
                .where(a.survey_id == self.survey_id, a.question_id.in_(list(question_ids)))
                .group_by(a.question_id, a.value).order_by(a.question_id, "first"))
            for qid, value, ids, _ in rows:
                answer = _load(value)
                split = Counter(map(lookup.__getitem__, map(int, ids.split(","))))
                out.setdefault(qid, []).extend((values[code], answer, n) for code, n in split.items())
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
