"""What every socket event handler shares: size check, errors as acknowledgements, no crashes.

A handler returns its acknowledgement. Whatever goes wrong becomes
``{"ok": false, "error": {"code", "message"}}``; the service it called owns its transaction and
rolled it back (``commissioning_steps.db.transaction``), so bad input never leaves a stored
change behind, and it never takes the connection down. Payloads are
not logged: they can hold what residents wrote and participant tokens.
"""
from __future__ import annotations

import json
import logging
from functools import wraps
from typing import Any, Callable

from flask import current_app, request
from flask.ctx import RequestContext
from flask_socketio import Namespace
from marshmallow import ValidationError

from commissioning_steps.errors import DomainError

from ..common.validation import flatten, unstorable_text

log = logging.getLogger(__name__)


class EventError(Exception):
    """A protocol-level refusal (not a domain rule): ``bad_request``, ``not_joined``..."""

    def __init__(self, code: str, message: str, fields: dict[str, str] | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.fields = fields or {}


def error(code: str, message: str, fields: dict[str, str] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "message": message}
    if fields:
        body["fields"] = fields
    return {"ok": False, "error": body}


def payload_size(data: Any) -> int:
    try:
        # surrogatepass: a lone surrogate is measured here and refused by ``load``, naming its field
        return len(json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode("utf-8", "surrogatepass"))
    except (TypeError, ValueError):
        raise EventError("bad_request", "Send the event's data as a JSON object") from None


def load(schema, data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise EventError("bad_request", "Send the event's data as a JSON object")
    problems = unstorable_text(data)
    if problems:
        raise EventError("bad_request", "Some of the event's text cannot be saved", problems)
    try:
        return schema.load(data)
    except ValidationError as exc:
        fields = flatten(exc.messages)
        raise EventError("bad_request", "Some of the event's fields are missing or have the wrong type",
                         fields) from exc


def event(fn: Callable[..., dict[str, Any]]):
    """For every ``on_<event>`` method, so that no handler can take a socket down or leave half
    a change behind, and every refusal reaches the sender as an acknowledgement."""
    @wraps(fn)
    def wrapper(self, *args):
        data = args[0] if args else None
        try:
            if payload_size(data) > current_app.config["LIVE_MAX_EVENT_BYTES"]:
                limit = current_app.config["LIVE_MAX_EVENT_BYTES"] // 1024
                raise EventError("payload_too_large", f"That is too much to send at once (the limit is {limit} KB)")
            return fn(self, data)
        except EventError as exc:
            return error(exc.code, exc.message, exc.fields)
        except DomainError as exc:
            return error(exc.code, exc.message, exc.fields)
        except Exception:  # noqa: BLE001 - one bad event must not take the socket down
            log.exception("socket event %s on %s failed", fn.__name__.removeprefix("on_"), request.namespace)
            return error("server_error", "Something went wrong on our side. Try again in a moment.")
    return wrapper


class _EventContext(RequestContext):
    """The request context of one socket event: the connection's environ, the session it has
    already, and no URL to match (the handshake request was routed when the socket opened).

    Flask-SocketIO pushes a full request context for every event, which matches the URL again
    (and builds a NotFound for it) and opens the cookie session again (building a signing
    serializer): together over a quarter of the server's time while a hall votes."""

    def match_request(self) -> None:
        return None


class EventNamespace(Namespace):
    """Answers events it has no handler for, rather than leaving the sender waiting.

    ``light_events``: every event, connect and disconnect included, runs in an
    ``_EventContext`` instead of Flask-SocketIO's full request context (``/live``, where every
    phone's join and vote is an event; its handlers read only ``request.sid``,
    ``request.remote_addr`` and the database, never the cookie session). Connect and
    disconnect were a quarter of the work of a phone that joins, votes once and leaves
    (py-spy: each matched the URL and built a NotFound, and opened the cookie session).
    """

    light_events = False

    def trigger_event(self, event_name, *args):
        handler = getattr(self, f"on_{event_name}", None)
        if handler is None and event_name not in ("connect", "disconnect"):
            return error("bad_request", f'"{event_name}" is not an event of {self.namespace}')
        if self.light_events and handler is not None:
            return self._light_event(handler, event_name, args)
        return super().trigger_event(event_name, *args)

    def _light_event(self, handler, event_name, args):
        sid, data = args[0], args[1:]
        if event_name == "connect":  # (environ, auth): the handler takes auth, as Flask-SocketIO calls it
            data = data[1:2]
        environ = self.socketio.server.get_environ(sid, namespace=self.namespace)
        if not environ:
            return "", 400  # as Flask-SocketIO answers an event from a client it does not know
        app = environ["flask.app"]
        session = environ.get("saved_session")
        if session is None:
            session = app.session_interface.make_null_session(app)
        with _EventContext(app, environ, session=session):
            request.sid = sid
            request.namespace = self.namespace
            request.event = {"message": event_name, "args": data}
            return handler(*data)
