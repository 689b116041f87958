"""Joins answered from the session's view held in memory (engage/realtime/join_views.py): each
phone's ack is what the database says at the time, whatever staff changed between two joins;
the tally is the latest broadcast one; and a phone that left before its join was handled
leaves nothing behind."""
from __future__ import annotations

from flask_socketio import SocketIO

from engage.realtime import resident as resident_module

from live_support import (  # noqa: F401  (app and clock are fixtures)
    app, clock, control, join, resident, running_session, vote,
)

MC = 0


def _views(app):
    namespace = app.extensions["socketio"].server.namespace_handlers["/live"]
    return namespace, namespace.views


def test_a_room_of_joins_reads_the_session_once_and_sees_every_change(app, running_session):
    namespace, views = _views(app)
    assert views.enabled
    code = running_session["code"]
    first = join(resident(app), code)
    assert first["question"] is None
    reads = views.misses
    for _ in range(5):
        assert join(resident(app), code)["question"] is None
    assert views.misses == reads  # the view was held

    control(running_session, "open", MC)
    opened = join(resident(app), code)
    assert opened["question"]["id"] == running_session["questions"][MC] and opened["question"]["state"] == "open"
    assert opened["tally"] is None  # results not shown to the room yet

    control(running_session, "reveal", MC)
    phone = resident(app)
    shown = join(phone, code)
    assert shown["question"]["revealed"] is True and shown["tally"]["total"] == 0
    assert vote(phone, running_session["questions"][MC], "Lighting")["ok"] is True
    app.extensions["engage.live"].tick(now=10_000.0)  # the coalesced broadcast (no loop in these tests)
    later = join(resident(app), code)
    assert later["tally"]["total"] == 1 and later["tally"]["counts"]["Lighting"] == 1

    control(running_session, "close", MC)
    closed = join(resident(app), code)
    assert closed["question"]["state"] == "closed" and closed["tally"]["total"] == 1

    response = running_session["http"].post(f"/api/v1/live-sessions/{running_session['id']}/end",
                                            headers=running_session["headers"])
    assert response.status_code == 200
    ended = join(resident(app), code)
    assert ended["ok"] is False and ended["error"]["code"] == "session_ended"


def test_the_ack_from_a_held_view_equals_one_read_from_the_database(app, running_session):
    namespace, views = _views(app)
    control(running_session, "open", MC)
    control(running_session, "reveal", MC)
    phone = resident(app)
    join(phone, running_session["code"])
    vote(phone, running_session["questions"][MC], "Benches")
    app.extensions["engage.live"].tick(now=10_000.0)
    held = join(resident(app), running_session["code"])
    views.enabled = False
    try:
        read = join(resident(app), running_session["code"])
    finally:
        views.enabled = True
    for ack in (held, read):
        ack.pop("participant")
    assert held == read


def test_a_phone_gone_before_its_join_was_handled_leaves_nothing_behind(app, running_session, monkeypatch):
    namespace, _ = _views(app)

    def gone(_room):  # what Flask-SocketIO raises for a socket that disconnected meanwhile
        raise KeyError("sid")

    monkeypatch.setattr(resident_module, "join_room", gone)
    phone = resident(app)
    ack = join(phone, running_session["code"])
    assert ack["ok"] is False and ack["error"]["code"] == "not_connected"
    assert namespace._joined == {}
    assert app.extensions["engage.live"].connected.snapshot() == {}
    assert isinstance(app.extensions["socketio"], SocketIO)
