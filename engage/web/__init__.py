"""The pages: resident-facing, commissioner and evaluator views, on GOV.UK Frontend."""
from __future__ import annotations

from flask import Flask

from . import account, commissions, errors, evidence_log, public


def init_app(app: Flask) -> None:
    for module in (public, account, commissions, evidence_log):
        app.register_blueprint(module.bp)
    errors.init_app(app)
