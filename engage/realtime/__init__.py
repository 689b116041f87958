"""Socket.IO for live polls: the ``/live`` namespace for residents' phones, ``/presenter`` for
staff screens, and the broadcaster that turns committed changes into messages.

``init_app`` runs after ``socketio.init_app`` (which gives each app a fresh Socket.IO server),
registers both namespaces on it and subscribes this app's broadcaster to this app's event
bus (``app.extensions["engage.db"].bus``). The broadcaster's background task starts with the first
socket connection, so it runs in the serving process and never in CLI commands. Oversized
long-polling posts are refused before Engine.IO sees them (``transport``).
"""
from __future__ import annotations

from flask import Flask, current_app

from ..extensions import socketio
from .broadcaster import Broadcaster
from .presenter import PresenterNamespace
from .resident import ResidentNamespace
from .transport import PollingBodyLimit

def init_app(app: Flask) -> None:
    broadcaster = Broadcaster(app, socketio, app.extensions["engage.db"].bus, interval=app.config["LIVE_BROADCAST_INTERVAL"],
                              loop=app.config["LIVE_BROADCAST_LOOP"])
    broadcaster.subscribe()
    app.extensions["engage.live"] = broadcaster
    socketio.on_namespace(ResidentNamespace(broadcaster))
    socketio.on_namespace(PresenterNamespace(broadcaster))
    app.wsgi_app = PollingBodyLimit(app.wsgi_app, app.config["SOCKETIO_MAX_HTTP_BUFFER_SIZE"])


def broadcaster() -> Broadcaster:
    return current_app.extensions["engage.live"]
