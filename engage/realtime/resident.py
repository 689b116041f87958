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
from surveys.live.errors import UnknownSession
from engage.common.token_bucket import TokenBucket

from .. import rate_limits
from ..extensions import db_session
from ..common import participant_tokens as tokens
from .broadcaster import LIVE, Broadcaster, room
from . import participant_budget
from .busiest_address import BusiestAddressRecorder
from .handling import EventError, EventNamespace, event, load
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
                 busiest: BusiestAddressRecorder) -> None:
        super().__init__(LIVE)
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
        db = db_session()
        try:
            live = sessions.find_joinable(db, data["code"])
        except UnknownSession:
            # Counted only once the code is known to be wrong: a correct code is never refused.
            if not rate_limits.wrong_join_code():
                raise EventError("rate_limited", rate_limits.TOO_MANY_WRONG_CODES) from None
            raise
        participant = tokens.participant_of(data.get("participant"), live.id)
        token = data.get("participant") if participant else None
        new = participant is None
        if new:
            made = self.budget.admit(live.id, request.remote_addr)
            if made is None:
                raise EventError("too_many_participants", participant_budget.TOO_MANY)
            if self.budget.is_new_busiest(live.id, made):
                self.busiest.note(live.id, made)
            token, participant = tokens.issue(live.id)
        with self._lock:
            previous = self._joined.get(request.sid)
            self._joined[request.sid] = Joined(live.id, participant)
        if previous is not None and previous.session_id != live.id:
            leave_room(room(previous.session_id))
        join_room(room(live.id))
        self.broadcaster.joined(request.sid, live.id, participant)

        current = sessions.current_question(live)
        ack = {"ok": True, "participant": token, **views.snapshot(db, live, views.ROOM, tallies=self.broadcaster.tallies),
               "your_vote": None, "your_upvotes": []}
        if current is not None and not new:  # a participant made just now has sent nothing
            ack["your_vote"] = results.vote_of(db, current, participant)
            if current.kind.asks:
                ack["your_upvotes"] = results.upvoted_by(db, current, participant)
        return ack

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
