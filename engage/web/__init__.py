"""The pages: resident-facing, commissioner and evaluator views, on GOV.UK Frontend."""
from __future__ import annotations

from flask import Flask

from ..common.times import uk_date, uk_datetime
from . import account, commissions, errors, evidence_log, help_pages, live, public, survey_answering, surveys_staff
from .answer_forms import form_state, question_view


def init_app(app: Flask) -> None:
    for module in (public, account, commissions, evidence_log, survey_answering, surveys_staff, live, help_pages):
        app.register_blueprint(module.bp)
    errors.init_app(app)
    app.add_template_global(form_state)
    app.add_template_global(question_view)
    app.add_template_filter(uk_datetime)
    app.add_template_filter(uk_date)
