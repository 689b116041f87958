"""REST API v1. Staff calls take ``Authorization: Bearer <token>`` from ``POST /auth/token``.

Bearer tokens are not sent by browsers on their own, so the API is exempt from CSRF checks;
cookies do not authenticate API calls at all.
"""
from __future__ import annotations

from flask import Blueprint, Flask

from ..extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def init_app(app: Flask) -> None:
    from . import (  # noqa: F401
        benefits, checkpoints, collectors, commissions, document, evaluation, evidence, live, surveys, tokens,
        webhooks,
        you_said_we_did,
    )

    csrf.exempt(bp)
    app.register_blueprint(bp)
