"""Reading a question's results: its tally, its list of answers or Q&A entries, resident input.

Tallies come from the question-type registry, so a live poll counts exactly as a survey does.
Every figure is read from the database, so any server process can produce the tally and all
of them produce the same one for the same ``seq`` (which is what ``TallyCache`` relies on).
"""
from __future__ import annotations

import json
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Text, cast, func, select
from sqlalchemy.orm import Session

from surveys import question_types

from .models import LiveEntry, LiveQuestion, LiveSession, LiveUpvote, LiveVote

#: A word cloud can collect hundreds of different phrases; every phone gets a few times a second
#: only the most frequent ones (``more`` says how many are left out).
WORD_CLOUD_LIMIT = 100
#: The most recent open-text answers and the top Q&A entries sent in one ``entries`` message.
ENTRIES_LIMIT = 200


def read_seq(session: Session, question_id: int) -> int:
    """The question's ``seq``, straight from the database (never a cached object).

    Read *before* the votes: a tally then never claims a higher ``seq`` than the votes it
    counts, so a client that keeps the highest ``seq`` can never keep stale figures.
    """
    return session.scalar(select(LiveQuestion.seq).where(LiveQuestion.id == question_id)) or 0


class TallyCache:
    """Tallies already counted, by question, ``seq`` and definition, so a room of phones
    joining at once (each acknowledged with the tally) counts the votes once, not once a phone.

    ``seq`` moves in the same transaction as every change to a question's votes and the
    definition only changes before any vote, so an entry is exact whichever process stored the
    votes; entries also lapse after ``ttl`` seconds and only ``size`` are kept. The owner (the
    app's broadcaster) holds it: nothing here is process-wide. Cached tallies are shared: read
    them, never change them.
    """

    def __init__(self, size: int = 64, ttl: float = 10.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.size, self.ttl, self.clock = size, ttl, clock
        self._entries: OrderedDict[tuple, tuple[float, dict[str, Any]]] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    @staticmethod
    def key(question: LiveQuestion, seq: int) -> tuple:
        return question.id, seq, json.dumps(question.definition, sort_keys=True, default=str)

    def get(self, key: tuple) -> dict[str, Any] | None:
        with self._lock:
            found = self._entries.get(key)
            if found is None or self.clock() - found[0] > self.ttl:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return found[1]

    def put(self, key: tuple, message: dict[str, Any]) -> None:
        with self._lock:
            self._entries[key] = (self.clock(), message)
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)


def tally(session: Session, question: LiveQuestion, cache: TallyCache | None = None) -> dict[str, Any]:
    """``{"question_id", "counts", "total", "seq", "chart"}``; counts keys are always strings.

    ``chart`` is the registry's ordered rows (label, count, percent): JSON objects do not keep
    key order everywhere, so clients draw from ``chart`` and look figures up in ``counts``.
    With a ``cache``, a tally already counted at the question's current ``seq`` is reused.
    """
    seq = read_seq(session, question.id)
    if cache is None:
        return _count(session, question, seq)
    key = cache.key(question, seq)
    message = cache.get(key)
    if message is None:
        message = _count(session, question, seq)
        cache.put(key, message)
    return message


def _count(session: Session, question: LiveQuestion, seq: int) -> dict[str, Any]:
    qtype = question.kind
    if qtype.asks:
        total = session.scalar(select(func.count()).select_from(LiveEntry)
                               .where(LiveEntry.question_id == question.id)) or 0
        return {"question_id": question.id, "counts": {}, "total": total, "seq": seq, "chart": []}
    if not qtype.adds_answers and not qtype.own_words:
        values = _values_counted_by_the_database(session, question)
    else:
        rows = session.execute(select(LiveVote.participant, LiveVote.value)
                               .where(LiveVote.question_id == question.id).order_by(LiveVote.id)).all()
        if qtype.adds_answers:  # one list of answers per participant, as the type's tally expects
            grouped: dict[str, list[Any]] = {}
            for participant, value in rows:
                grouped.setdefault(participant, []).append(value)
            values = list(grouped.values())
        else:
            values = [value for _, value in rows]
    result = question_types.tally(question.definition, values)
    rows = question_types.chart(question.definition, result)
    counts = {str(key): count for key, count in result["counts"].items()}
    message: dict[str, Any] = {"question_id": question.id, "counts": counts, "total": result["total"],
                               "seq": seq, "chart": rows}
    if qtype.own_words and len(counts) > WORD_CLOUD_LIMIT:
        kept = list(counts)[:WORD_CLOUD_LIMIT]
        message["counts"] = {key: counts[key] for key in kept}
        message["chart"] = rows[:WORD_CLOUD_LIMIT]
        message["more"] = len(counts) - WORD_CLOUD_LIMIT
    for extra in ("mean", "median", "words"):
        if extra in result:
            message[extra] = result[extra]
    return message


def _values_counted_by_the_database(session: Session, question: LiveQuestion) -> list[Any]:
    """Every vote's value, from one GROUP BY: the database counts the hall's votes (a few rows
    come back, one per distinct answer, decoded once each) instead of sending and decoding every
    vote, which was the largest cost of a tally broadcast. Values come in the order they were
    first given, repeated as often as they were given, which is all a counted type's tally reads.
    """
    text = cast(LiveVote.value, Text)
    rows = session.execute(select(text, func.count(), func.min(LiveVote.id))
                           .where(LiveVote.question_id == question.id).group_by(text)
                           .order_by(func.min(LiveVote.id))).all()
    values: list[Any] = []
    for raw, n, _first in rows:
        value = json.loads(raw) if raw is not None else None
        values.extend([value] * n)
    return values


def entries(session: Session, question: LiveQuestion, include_hidden: bool = False) -> dict[str, Any]:
    """``{"question_id", "entries", "seq"}`` for types whose answers are listed (open text, Q&A).

    Q&A entries are sorted by upvotes, then oldest first (the room's priorities); open-text
    answers newest first (what was just said). Hidden ones only go to staff screens.
    """
    seq = read_seq(session, question.id)
    rows: list[dict[str, Any]] = []
    qtype = question.kind
    if qtype.asks:
        upvotes = (select(LiveUpvote.entry_id, func.count().label("n")).group_by(LiveUpvote.entry_id)
                   .subquery())
        query = (select(LiveEntry, func.coalesce(upvotes.c.n, 0))
                 .outerjoin(upvotes, upvotes.c.entry_id == LiveEntry.id)
                 .where(LiveEntry.question_id == question.id)
                 .order_by(func.coalesce(upvotes.c.n, 0).desc(), LiveEntry.id))
        if not include_hidden:
            query = query.where(LiveEntry.hidden.is_(False))
        for entry, count in session.execute(query.limit(ENTRIES_LIMIT)):
            row = {"id": entry.id, "text": entry.text, "upvotes": count, "answered": entry.answered}
            if include_hidden:
                row["hidden"] = entry.hidden
            rows.append(row)
    elif qtype.listed:
        query = select(LiveVote).where(LiveVote.question_id == question.id).order_by(LiveVote.updated_at.desc(),
                                                                                     LiveVote.id.desc())
        if not include_hidden:
            query = query.where(LiveVote.hidden.is_(False))
        for vote in session.scalars(query.limit(ENTRIES_LIMIT)):
            row = {"id": vote.id, "text": vote.value}
            if include_hidden:
                row["hidden"] = vote.hidden
            rows.append(row)
    return {"question_id": question.id, "entries": rows, "seq": seq}


def moderated(session: Session, question: LiveQuestion) -> dict[str, int]:
    """How many of a question's answers or entries a moderator hid (and marked answered, where
    the type has that action), for the poll result in the evidence log."""
    qtype = question.kind
    model = LiveEntry if qtype.asks else LiveVote
    rows = session.execute(select(model.hidden, *([LiveEntry.answered] if "answered" in qtype.moderation else []))
                           .where(model.question_id == question.id)).all()
    figures = {"hidden_by_moderator": sum(1 for row in rows if row[0])}
    if "answered" in qtype.moderation:
        figures = {"answered": sum(1 for row in rows if row[1]), **figures}
    return figures


def vote_of(session: Session, question: LiveQuestion, participant: str) -> Any:
    """A participant's stored answer to a question, or ``None``; for a type that adds answers,
    the list of them in the order they were sent (``None`` when there are none)."""
    values = list(session.scalars(select(LiveVote.value).where(LiveVote.question_id == question.id,
                                                               LiveVote.participant == participant)
                                  .order_by(LiveVote.id)))
    if question.kind.adds_answers:
        return values or None
    return values[0] if values else None


def upvoted_by(session: Session, question: LiveQuestion, participant: str) -> list[int]:
    return list(session.scalars(
        select(LiveUpvote.entry_id).join(LiveEntry, LiveEntry.id == LiveUpvote.entry_id)
        .where(LiveEntry.question_id == question.id, LiveUpvote.participant == participant)
        .order_by(LiveUpvote.entry_id)))


@dataclass(frozen=True)
class InputItem:
    """One thing a resident wrote in a live session, for the "you said, we did" theming."""

    session_id: int
    question_id: int
    question: str
    kind: str  # the question's type: one whose answers are residents' own words
    text: str
    hidden: bool
    upvotes: int
    at: datetime

    @property
    def asked(self) -> bool:
        """A question from the room (which others up-vote), rather than an answer."""
        return question_types.get_type(self.kind).asks


def resident_input(session: Session, commission_id: int, step: str | None = None,
                   session_id: int | None = None) -> list[InputItem]:
    """Residents' own words from live sessions (word cloud, open text, Q&A), oldest first.

    Hidden items are included and flagged: a moderator hides things from the projector, not
    from the record of what was said.
    """
    base = select(LiveQuestion, LiveSession).join(LiveSession, LiveSession.id == LiveQuestion.session_id).where(
        LiveSession.commission_id == commission_id)
    if step:
        base = base.where(LiveSession.step == step)
    if session_id is not None:
        base = base.where(LiveSession.id == session_id)
    items: list[InputItem] = []
    for question, live in session.execute(base.order_by(LiveSession.id, LiveQuestion.position)):
        qtype = question.kind
        if not qtype.own_words:
            continue
        if not qtype.asks:
            for vote in session.scalars(select(LiveVote).where(LiveVote.question_id == question.id)
                                        .order_by(LiveVote.id)):
                items.append(InputItem(live.id, question.id, question.text, question.type, str(vote.value),
                                       vote.hidden, 0, vote.updated_at))
        else:
            counts = dict(session.execute(
                select(LiveUpvote.entry_id, func.count()).join(LiveEntry, LiveEntry.id == LiveUpvote.entry_id)
                .where(LiveEntry.question_id == question.id).group_by(LiveUpvote.entry_id)).all())
            for entry in session.scalars(select(LiveEntry).where(LiveEntry.question_id == question.id)
                                         .order_by(LiveEntry.id)):
                items.append(InputItem(live.id, question.id, question.text, question.type, entry.text, entry.hidden,
                                       counts.get(entry.id, 0), entry.created_at))
    items.sort(key=lambda item: (item.at, item.question_id))
    return items
