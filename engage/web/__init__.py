"""The pages: resident-facing, commissioner and evaluator views, on GOV.UK Frontend."""
from __future__ import annotations

from flask import Flask, g

from ..common import times
from . import (
    account, activity, api_reference, benefits, collecting, collectors_staff, commissions, errors, evaluation,
    evidence_log, form_text, help_pages, live, public, survey_answering, surveys_staff, webhooks, you_said_we_did,
)
from .answer_forms import form_state, question_view
from .staff_views import evidence_findings, shown_if


def init_app(app: Flask) -> None:
    for module in (public, account, commissions, evidence_log, survey_answering, surveys_staff, live,
                   you_said_we_did, evaluation, webhooks, help_pages, activity, api_reference, benefits,
                   collecting, collectors_staff):
        app.register_blueprint(module.bp)
    errors.init_app(app)
    form_text.init_app(app)
    app.add_template_global(form_state)
    app.add_template_global(question_view)
    times.zone_named(app.config.get("ENGAGE_TIMEZONE"))  # a mistyped zone stops the app at start
    app.add_template_filter(times.uk_datetime, "uk_datetime")
    app.add_template_filter(times.uk_date, "uk_date")
    app.add_template_filter(times.long_date, "long_date")
    app.add_template_filter(times.uk_timestamp, "uk_timestamp")
    app.add_template_global(times.zone_label)
    app.add_template_global(shown_if)
    app.add_template_global(evidence_findings)
    app.add_template_filter(rating_label)
    app.add_template_global(next_id)


def next_id(prefix: str) -> str:
    """An id no other element of this page has: several scrolling tables on one page each need
    their own accessible name (axe's ``landmark-unique``), taken from their own caption."""
    count = g.get("_engage_ids", 0) + 1
    g._engage_ids = count
    return f"{prefix}-{count}"


def rating_label(value) -> str:
    """A rating as people read it, whichever name it was recorded under ("partly answered" too)."""
    from commissioning_steps.evaluation import RATINGS, normalise_rating

    key = normalise_rating(value)
    return RATINGS[key] if key else str(value)
