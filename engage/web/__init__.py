"""The pages: resident-facing, commissioner and evaluator views, on GOV.UK Frontend."""
from __future__ import annotations

from flask import Flask

from . import account, commissions, errors, evaluation, evidence_log, live, public, survey_answering, surveys_staff, webhooks, you_said_we_did
from .answer_forms import form_state, question_view


def init_app(app: Flask) -> None:
    for module in (public, account, commissions, evidence_log, survey_answering, surveys_staff, live, you_said_we_did, evaluation, webhooks):
        app.register_blueprint(module.bp)
    errors.init_app(app)
    app.add_template_global(form_state)
    app.add_template_global(question_view)
    app.add_template_filter(rating_label)


def rating_label(value) -> str:
    """A rating as people read it, whichever name it was recorded under ("partly answered" too)."""
    from commissioning_steps.evaluation import RATINGS, normalise_rating

    key = normalise_rating(value)
    return RATINGS[key] if key else str(value)
