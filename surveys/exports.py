"""Survey responses as CSV rows, for commissioners' spreadsheets and for open data.

Rows are numbered (``response`` = 1, 2, 3 ...) instead of carrying stored ids or receipt codes:
a receipt lets a resident find their own answer, so putting it in a file that gets emailed
around would tie answers to people. One column per question, headed by its text (with the id
added when two questions share a text, so columns stay distinguishable).

Cells are protected against CSV formula injection. Spreadsheet programs treat a cell that
starts with ``=``, ``+``, ``-`` or ``@`` (and tab or carriage return, which some programs strip
before looking) as a formula, so a resident typing ``=HYPERLINK("http://evil", "Click")`` into
a free-text box could get a formula run on a commissioner's computer. Such cells get a leading
single quote, which spreadsheets read as "this is text" (OWASP's recommendation). Plain numbers
such as ``-3`` are left alone: they cannot be formulas and prefixing them would turn numbers
into text. Question texts are protected too, since commissioners write those.

The rows are lists of strings; write them with ``csv.writer`` (which does the quoting).
``stored_rows`` reads a survey's responses from the database as it goes (``yield_per``, a
server-side cursor on PostgreSQL), so a million-row export holds one batch at a time, never the
whole survey.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from surveys.branching import flatten
from surveys.models import SurveyResponse
from surveys.question_types import get_type
from surveys.question_types._base import fmt_number, is_number

__all__ = ["FIXED_COLUMNS", "csv_rows", "format_answer", "safe_cell", "stored_rows"]

#: Responses read from the database at a time while exporting.
YIELD_PER = 1000

FIXED_COLUMNS = ("response", "submitted_at", "survey_version")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")


def csv_rows(
    questions: Sequence[Mapping[str, Any]], responses: Iterable[Mapping[str, Any]]
) -> Iterator[list[str]]:
    """Yield the header row, then one row per response.

    ``questions`` is the survey (questions or sections). Each response is a mapping with
    ``answers`` (question id -> stored answer) and optionally ``submitted_at`` (a datetime or
    text) and ``survey_version``. Questions that take no answers (Q&A) get no column.
    """
    columns = [q for q in flatten(questions) if get_type(q.get("type")).takes_answers]
    texts = [q["text"] for q in columns]
    header = [
        f"{q['text']} ({q['id']})" if texts.count(q["text"]) > 1 and q.get("id") else q["text"]
        for q in columns
    ]
    yield [safe_cell(cell) for cell in (*FIXED_COLUMNS, *header)]
    cells = [_ColumnCells(q) for q in columns]
    for number, response in enumerate(responses, start=1):
        answers = response.get("answers") or {}
        row = [
            safe_cell(str(number)),
            safe_cell(_when(response.get("submitted_at"))),
            safe_cell(_plain(response.get("survey_version"))),
        ]
        row.extend([column.cell(answers.get(column.id)) for column in cells])
        yield row


class _ColumnCells:
    """One column's cells, ``safe_cell(format_answer(question, value))``, remembered for the
    answers that repeat (choices, ratings, numbers: a survey's columns hold few distinct values
    over thousands of rows), so a million-row export formats each of those once. At most
    ``CACHED`` a column, so the export's memory stays constant whatever residents typed."""

    CACHED = 512

    def __init__(self, question: Mapping[str, Any]) -> None:
        self.question, self.id = question, question.get("id")
        self.export = get_type(question.get("type")).export_cell
        self.known: dict[Any, str] = {}

    def cell(self, value: Any) -> str:
        key = _cache_key(value)
        if key is None:
            return safe_cell(self.export(self.question, value))
        cell = self.known.get(key)
        if cell is None:
            cell = safe_cell(self.export(self.question, value))
            if len(self.known) < self.CACHED:
                self.known[key] = cell
        return cell


_SCALARS = frozenset({str, int, float, bool, type(None)})
_TEXTS = frozenset({str})


def _cache_key(value: Any) -> Any:
    """A key equal only for answers that format alike: the type is part of it (``1``, ``1.0``
    and ``True`` are equal in Python, not in a cell); a list of texts (choices, a ranking)
    becomes a tuple; anything else is not remembered (``None``)."""
    kind = type(value)
    if kind in _SCALARS:
        return (kind, value)
    if kind is list and {*map(type, value)} <= _TEXTS:
        return (list, *value)
    return None


def stored_rows(session: Session, survey) -> Iterator[list[str]]:
    """The survey's CSV rows from its stored responses, in the order they were submitted, read a
    batch at a time. The caller keeps ``session`` open until the last row is taken.

    Read through the session's connection (SQLAlchemy Core), not ``session.execute``: the rows
    are plain columns, and reading them through the ORM's result machinery cost 8 to 10 us a row
    where Core costs 3.4 (the JSON decode included): a third of a million-row export's time."""
    query = (select(SurveyResponse.answers, SurveyResponse.submitted_at, SurveyResponse.survey_version)
             .where(SurveyResponse.survey_id == survey.id)
             .order_by(SurveyResponse.submitted_at, SurveyResponse.id)
             .execution_options(yield_per=YIELD_PER))
    stored = ({"answers": answers, "submitted_at": at, "survey_version": version}
              for answers, at, version in session.connection().execute(query))
    yield from csv_rows(survey.definition, stored)


def format_answer(question: Mapping[str, Any], value: Any) -> str:
    """One stored answer as spreadsheet text: "A; B" for choices, "1. A; 2. B" for rankings (each
    type says, in ``export_cell``)."""
    return get_type(question.get("type")).export_cell(question, value)


def safe_cell(cell: str) -> str:
    """Prefix a single quote to text a spreadsheet would run as a formula; the one rule for every
    CSV Engage writes (survey responses and the evidence log).

    Spreadsheets skip leading spaces before reading a formula, and some fold full-width signs
    (``＝``, ``＋``, ``－``, ``＠``) into plain ones, so the first character that is not white
    space is what counts, compared after NFKC folding. Text no UTF-8 file can hold (an
    unpaired surrogate from old data) is replaced rather than failing the whole download.
    """
    if cell.isascii():  # the same test without NFKC, which leaves ASCII as it is
        head = cell.lstrip(" ")[:1]
    else:
        cell = cell.encode("utf-8", "replace").decode("utf-8")
        head = unicodedata.normalize("NFKC", cell.lstrip(" \u00a0\u3000")[:1]) if cell else ""
    starts_like_formula = head in _FORMULA_STARTS or (cell[:1] in ("\t", "\r"))
    if starts_like_formula and not _PLAIN_NUMBER.match(cell):
        return "'" + cell
    return cell


def _plain(value: Any) -> str:
    if value is None:
        return ""
    if is_number(value):
        return fmt_number(value)
    return str(value)


def _when(value: Any) -> str:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return _plain(value)
