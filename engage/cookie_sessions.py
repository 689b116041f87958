"""Flask's cookie sessions, with the signing serializer made once per key rather than per request.

Flask builds a new ``URLSafeTimedSerializer`` for every request (and itsdangerous serialises an
empty object to learn that the serializer writes text), whether or not the request carries a
cookie: a measurable share of a survey submission or a socket event under load. The serializer
depends only on the secret key and its fallbacks, so it is kept per (key, fallbacks) here and
made again if either changes. Everything else is Flask's own.
"""
from __future__ import annotations

from flask import Flask
from flask.sessions import SecureCookieSessionInterface


class CachedSigningSessionInterface(SecureCookieSessionInterface):
    def __init__(self) -> None:
        self._cached: tuple[tuple, object] | None = None

    def get_signing_serializer(self, app: Flask):
        keys = (app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        cached = self._cached
        if cached is not None and cached[0] == keys:
            return cached[1]
        serializer = super().get_signing_serializer(app)
        self._cached = (keys, serializer)
        return serializer
