"""Friendly error pages, and domain errors turned into them.

API requests get JSON instead (see ``engage.common.errors``): the choice is made by path, so an
error raised before any view runs (a 404 for an unknown URL, a 413 body) is answered in the
right form too.
"""
from __future__ import annotations

import logging

from flask import Flask, render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from commissioning_steps.access import NotVisible
from commissioning_steps.errors import Conflict, DomainError, Forbidden, Invalid, NotFound, TooLarge

log = logging.getLogger(__name__)

_TITLES = {
    400: "Sorry, there is a problem with that request",
    403: "You do not have permission to see this page",
    404: "Page not found",
    405: "Sorry, that action is not available here",
    409: "That cannot be done right now",
    413: "What you sent is too large",
    422: "Sorry, there is a problem with what you sent",
    429: "Too many requests",
    500: "Sorry, there is a problem with the service",
}
STATUS_FOR = {NotFound: 404, Forbidden: 403, Conflict: 409, Invalid: 422, TooLarge: 413}


def status_for(exc: DomainError) -> int:
    if getattr(exc, "status", None):
        return exc.status
    for cls, status in STATUS_FOR.items():
        if isinstance(exc, cls):
            return status
    return 400


def _is_api() -> bool:
    return request.path.startswith("/api/")


def render_error(status: int, message: str | None = None):
    return render_template("errors/error.html", status=status, title=_TITLES.get(status, _TITLES[400]),
                           message=message), status


def init_app(app: Flask) -> None:
    from ..common.errors import json_error

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if _is_api():
            return json_error(exc.code or 500, exc.name.lower().replace(" ", "_"), exc.description)
        if isinstance(exc, CSRFError):
            return render_error(400, "The form had expired. Go back, refresh the page and try again.")
        return render_error(exc.code or 500)

    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError):
        status = status_for(exc)
        if _is_api():
            response = json_error(status, exc.code, exc.message, exc.fields)
            if getattr(exc, "retry_after", None):
                response.headers["Retry-After"] = str(exc.retry_after)
            return response
        if isinstance(exc, NotVisible) and current_user.is_authenticated:
            # A commission this member of staff cannot see: tell them how to get access, the
            # same way whether it exists or not (and never its title), still as a 404.
            return render_template("errors/no_access.html", title="You cannot see this commission",
                                   role=current_user.role), 404
        return render_error(status, exc.message if status not in (404,) else None)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        # The route, not the path: a path can hold a receipt code (and the log filter would have to
        # catch it); the route names the page without anyone's data.
        log.exception("unhandled error on %s %s", request.method, request.url_rule.rule if request.url_rule else "?")
        if _is_api():
            return json_error(500, "server_error", "Something went wrong on our side")
        return render_error(500)
