"""``/live``: residents' phones. Anyone may connect; a phone is a participant once it has joined.

Each handler is thin: who is this (the socket's join, the participant token), is this within
the rate limit, load the payload with a schema, call one service (which commits), acknowledge.
A vote is acknowledged only after it is stored: votes go through the app's one writer
(``vote_writer``), which commits them in batches and answers each after its batch committed. The rate limits' buckets
belong to this namespace, so to this app's Socket.IO server: two apps never share them.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass

from flask import request
from flask_socketio import join_room, leave_room

from commissioning_steps.errors import DomainError
from surveys.live import results, sessions, views, voting
from surveys.live.errors import SessionEnded, UnknownSession
from surveys.live.models import LiveQuestion, LiveSession
from engage.common.token_bucket import TokenBucket

from .. import rate_limits
from ..extensions import db_session
from ..common import participant_tokens as tokens
from .broadcaster import LIVE, Broadcaster, room
from . import participant_budget
from .busiest_address import BusiestAddressRecorder
from .handling import EventError, EventNamespace, event, load
from .join_views import JoinView, JoinViews
from .participant_budget import ParticipantBudget
from .schemas import AskIn, JoinIn, UpvoteIn, VoteIn, WithdrawIn
from .vote_writer import VoteWriter

#: Per participant: a burst of 10 events, then 5 a second (docs/live-protocol.md).
EVENT_RATE, EVENT_BURST = 5.0, 10
#: One instance of each schema: making one per event cost more than loading with it.
_JOIN, _VOTE, _WITHDRAW, _ASK, _UPVOTE = JoinIn(), VoteIn(), WithdrawIn(), AskIn(), UpvoteIn()


@dataclass(frozen=True)
class Joined:
    session_id: int
    participant: str


class ResidentNamespace(EventNamespace):
    light_events = True  # a vote is an event: no URL matching or cookie session per event

    def __init__(self, broadcaster: Broadcaster, writer: VoteWriter, budget: ParticipantBudget,
                 busiest: BusiestAddressRecorder, join_views: JoinViews | None = None) -> None:
        super().__init__(LIVE)
        self.views = join_views or JoinViews(None, enabled=False)
        self.broadcaster = broadcaster
        self.writer = writer
        self.budget = budget
        self.busiest = busiest
        self.events = TokenBucket(EVENT_RATE, EVENT_BURST)
        self._joined: dict[str, Joined] = {}
        self._lock = threading.Lock()

    # -- connection -------------------------------------------------------------------------

    def on_connect(self, auth=None):
        self.broadcaster.ensure_started()
        return True

    def on_disconnect(self, reason=None):
        with self._lock:
            self._joined.pop(request.sid, None)
        self.broadcaster.left(request.sid)

    # -- helpers ----------------------------------------------------------------------------

    def _limit(self, key) -> None:
        with self._lock:
            allowed = self.events.allow(key)
        if not allowed:
            raise EventError("rate_limited", "You are sending too fast. Wait a moment, then try again.")

    def _joined_participant(self) -> Joined:
        with self._lock:
            joined = self._joined.get(request.sid)
        if joined is None:
            raise EventError("not_joined", "Join a session with its code first")
        self._limit(joined.participant)
        return joined

    # -- events -----------------------------------------------------------------------------

    @event
    def on_join(self, data):
        self._limit(("sid", request.sid))
        data = load(_JOIN, data)
        try:
            view = self.views.find(data["code"], self._read_session)
        except UnknownSession:
            # Counted only once the code is known to be wrong: a correct code is never refused.
            if not rate_limits.wrong_join_code():
                raise EventError("rate_limited", rate_limits.TOO_MANY_WRONG_CODES) from None
            raise
        if view.ended:
            raise SessionEnded(sessions.ENDED_MESSAGE)
        session_id = view.session_id
        participant = tokens.participant_of(data.get("participant"), session_id)
        token = data.get("participant") if participant else None
        new = participant is None
        if new:
            made = self.budget.admit(session_id, request.remote_addr)
            if made is None:
                raise EventError("too_many_participants", participant_budget.TOO_MANY)
            if self.budget.is_new_busiest(session_id, made):
                self.busiest.note(session_id, made)
            token, participant = tokens.issue(session_id)
        with self._lock:
            previous = self._joined.get(request.sid)
        if previous is not None and previous.session_id != session_id:
            leave_room(room(previous.session_id))
        try:
            join_room(room(session_id))
        except KeyError:  # the phone went away while its join waited its turn
            raise EventError("not_connected", "This connection has closed: connect again") from None
        with self._lock:
            self._joined[request.sid] = Joined(session_id, participant)
        self.broadcaster.joined(request.sid, session_id, participant)
        ack = {"ok": True, "participant": token, "session": view.session, "question": view.question,
               **self._results(view), "your_vote": None, "your_upvotes": []}
        if view.question_id is not None and not new:  # a participant made just now has sent nothing
            db = db_session()
            current = db.get(LiveQuestion, view.question_id)
            if current is not None:
                ack["your_vote"] = results.vote_of(db, current, participant)
                if view.asks:
                    ack["your_upvotes"] = results.upvoted_by(db, current, participant)
        return ack

    @staticmethod
    def _read_session(code: str):
        return sessions.find_by_code(db_session(), code)

    def _results(self, view: JoinView) -> dict:
        """The room's ``tally`` and ``entries`` of the current question, as ``views.snapshot``
        gives them: the tally this process last broadcast when it has one (``join_views``),
        else read from the database (lists of entries always are)."""
        if not view.room_sees:
            return {"tally": None, "entries": None}
        if not view.listed and self.views.enabled:
            tally = self.broadcaster.latest_tally(view.question_id)
            if tally is not None:
                return {"tally": tally, "entries": None}
        db = db_session()
        live = db.get(LiveSession, view.session_id)
        shown = views.results_for(db, live, db.get(LiveQuestion, view.question_id), (views.ROOM,),
                                  tallies=self.broadcaster.tallies)[views.ROOM]
        if shown["tally"] is not None and self.views.enabled:
            self.broadcaster.note_tally(view.question_id, shown["tally"])
        return shown

    @event
    def on_vote(self, data):
        joined = self._joined_participant()
        data = load(_VOTE, data)
        return self._cast(voting.Ballot(joined.session_id, joined.participant, data["question_id"], data["value"],
                                        data["client_vote_id"]))

    @event
    def on_withdraw(self, data):
        joined = self._joined_participant()
        data = load(_WITHDRAW, data)
        return self._cast(voting.Ballot(joined.session_id, joined.participant, data["question_id"], data["value"],
                                        data["client_vote_id"], voting.WITHDRAW))

    def _cast(self, ballot: voting.Ballot):
        """Through the app's one vote writer: answered once the vote's batch has committed, with
        the participant's answers as then stored (a retry's ack says the same as the first)."""
        outcome = self.writer.submit(ballot)
        if isinstance(outcome, DomainError):
            raise outcome
        return {"ok": True, "your_vote": outcome.yours}

    @event
    def on_ask(self, data):
        joined = self._joined_participant()
        data = load(_ASK, data)
        db = db_session(write=True)
        live = sessions.get_session(db, joined.session_id)
        entry = voting.ask(db, live, joined.participant, data["text"])
        return {"ok": True, "entry_id": entry.id}

    @event
    def on_upvote(self, data):
        joined = self._joined_participant()
        data = load(_UPVOTE, data)
        db = db_session(write=True)
        live = sessions.get_session(db, joined.session_id)
        voting.upvote(db, live, joined.participant, data["entry_id"])
        return {"ok": True}
