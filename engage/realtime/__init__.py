"""Socket.IO for live polls: the ``/live`` namespace for residents' phones, ``/presenter`` for
staff screens, and the broadcaster that turns committed changes into messages; and
``/activity``, a commission's live activity feed for its team (``activity``).

``init_app`` runs after ``create_app`` made the app's own Socket.IO server
(``app.extensions["socketio"]``; two apps in one process have two): it registers both
namespaces on it and subscribes this app's broadcaster to this app's event bus
(``app.extensions["engage.db"].bus``). The broadcaster's background task starts with the first
socket connection, so it runs in the serving process and never in CLI commands. Oversized
long-polling posts are refused before Engine.IO sees them (``transport``).

Socket plumbing lives here and nowhere in the domain: ``connected`` (this process's sockets by
room), ``coalescer`` (tally refreshes at most every interval), ``tokens`` (participant tokens).
"""
from __future__ import annotations

from flask import Flask, current_app

from commissioning_steps.db import Store

from ..extensions import socketio_of
from . import activity
from .broadcaster import Broadcaster
from .presenter import PresenterNamespace
from .resident import ResidentNamespace
from .transport import NoWebSocketCompression, PollingBodyLimit
from .busiest_address import BusiestAddressRecorder
from .join_views import JoinViews
from .participant_budget import ParticipantBudget
from .vote_writer import VoteWriter


def init_app(app: Flask) -> None:
    socketio = socketio_of(app)
    store = app.extensions["engage.db"]
    budget = app.config["LIVE_BROADCAST_SEND_BUDGET"]
    broadcaster = Broadcaster(app, socketio, store.bus, interval=app.config["LIVE_BROADCAST_INTERVAL"],
                              send_budget=budget if budget > 0 else None,
                              local_tallies=bool(app.config["SOCKETIO_MESSAGE_QUEUE"]) and app.config["LIVE_LOCAL_TALLIES"],
                              loop=app.config["LIVE_BROADCAST_LOOP"])
    broadcaster.subscribe()
    app.extensions["engage.live"] = broadcaster
    writer = _vote_writer(app, socketio, store)
    app.extensions["engage.live_votes"] = writer
    busiest = BusiestAddressRecorder(
        store, start_task=socketio.start_background_task if app.config["LIVE_BROADCAST_LOOP"] else None)
    # Join views in memory only within one process: with a message queue, other processes
    # change sessions and store votes without this one hearing of it (``join_views``).
    views = JoinViews(store.bus, enabled=not app.config["SOCKETIO_MESSAGE_QUEUE"] and app.config["LIVE_JOIN_VIEWS"])
    socketio.on_namespace(ResidentNamespace(broadcaster, writer, ParticipantBudget(app), busiest, views))
    socketio.on_namespace(PresenterNamespace(broadcaster))
    activity.init_app(app, socketio, store.bus)
    app.wsgi_app = PollingBodyLimit(app.wsgi_app, app.config["SOCKETIO_MAX_HTTP_BUFFER_SIZE"])
    if not app.config["LIVE_WEBSOCKET_COMPRESSION"]:
        app.wsgi_app = NoWebSocketCompression(app.wsgi_app)


def _vote_writer(app: Flask, socketio, store: Store) -> VoteWriter:
    """The app's one writer of votes (``vote_writer``): a task of this app's Socket.IO server (a
    greenlet under gevent), started with the first vote."""
    return VoteWriter(store, start_task=socketio.start_background_task, loop=app.config["LIVE_BROADCAST_LOOP"])


def broadcaster() -> Broadcaster:
    return current_app.extensions["engage.live"]
