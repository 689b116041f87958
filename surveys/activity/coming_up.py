"""What is coming up for a commission, and what needs attention, read against a clock.

Not events: the dates are on the surveys and benefits, so these are worked out afresh on each
read (the caller's ``now`` and ``today``, so tests control the clock). Surveys opening or closing
within ``SURVEY_HORIZON``; scheduled benefit measurements and reviews due within the reminder
lead (``benefits.REMINDER_LEAD_DAYS``) or overdue and not yet done, by the same rule as the
reminders job; webhooks that have stopped, or whose deliveries are failing.
"""
from __future__ import annotations

import dataclasses
import math
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from commissioning_steps import benefits as benefit_rules
from commissioning_steps.benefits import Benefit, BenefitMeasurement, BenefitReview

from ..models import DRAFT, OPEN, Survey
from ..webhooks.models import DISABLED, PAUSED, WebhookSubscription

SURVEY_HORIZON = timedelta(hours=24)


@dataclasses.dataclass(frozen=True)
class Coming:
    key: str
    kind: str
    text: str
    #: A naive UTC time (surveys, webhooks) or a date (benefits).
    at: datetime | date
    link: tuple[str, dict[str, int]] | None = None


def in_time(at: datetime, now: datetime) -> str:
    """"in 24 hours", "in 3 hours", "in 40 minutes": rounded up, so it never says sooner than it is."""
    seconds = (at - now).total_seconds()
    if seconds < 3600:
        minutes = max(1, math.ceil(seconds / 60))
        return "in 1 minute" if minutes == 1 else f"in {minutes} minutes"
    hours = math.ceil(seconds / 3600)
    return "in 1 hour" if hours == 1 else f"in {hours} hours"


def on_day(due: date, today: date) -> str:
    days = (due - today).days
    if days == 0:
        return "due today"
    if days == 1:
        return "due tomorrow"
    if days > 1:
        return f"due in {days} days"
    return "was due yesterday" if days == -1 else f"was due {-days} days ago"


def _surveys(session: Session, commission_id: int, now: datetime) -> list[Coming]:
    horizon = now + SURVEY_HORIZON
    out = []
    for survey in session.scalars(select(Survey).where(
            Survey.commission_id == commission_id,
            Survey.status.in_((DRAFT, OPEN)))):
        link = ("survey", {"survey_id": survey.id})
        if survey.status == OPEN and survey.closes_at and now < survey.closes_at <= horizon:
            out.append(Coming(f"closes:{survey.id}", "survey_closes",
                              f"“{survey.title}” closes {in_time(survey.closes_at, now)}", survey.closes_at, link))
        if survey.status == DRAFT and survey.opens_at and now < survey.opens_at <= horizon:
            out.append(Coming(f"opens:{survey.id}", "survey_opens",
                              f"“{survey.title}” opens {in_time(survey.opens_at, now)}", survey.opens_at, link))
    return out


def _benefits(session: Session, commission_id: int, today: date) -> list[Coming]:
    lead = timedelta(days=benefit_rules.REMINDER_LEAD_DAYS)
    rows = session.scalars(select(Benefit).where(Benefit.commission_id == commission_id).order_by(Benefit.id)).all()
    if not rows:
        return []
    ids = [b.id for b in rows]
    measured = dict(session.execute(select(BenefitMeasurement.benefit_id, func.max(BenefitMeasurement.measured_on))
                                    .where(BenefitMeasurement.benefit_id.in_(ids))
                                    .group_by(BenefitMeasurement.benefit_id)).tuples().all())
    reviewed = dict(session.execute(select(BenefitReview.benefit_id, func.max(BenefitReview.held_on))
                                    .where(BenefitReview.benefit_id.in_(ids))
                                    .group_by(BenefitReview.benefit_id)).tuples().all())
    out = []
    for benefit in rows:
        for kind, label, dates, last in (
                (benefit_rules.MEASUREMENT, "Measurement", benefit.measurement_dates, measured.get(benefit.id)),
                (benefit_rules.REVIEW, "Review", benefit.review_dates, reviewed.get(benefit.id))):
            due = _next_due(dates, last, today, lead)
            if due is not None:
                out.append(Coming(f"{kind}:{benefit.id}", f"benefit_{kind}",
                                  f"{label} of {benefit.kind_label.lower()} “{benefit.title}” {on_day(due, today)}",
                                  due, ("benefits", {})))
    return out


def _next_due(dates, last: date | None, today: date, lead: timedelta) -> date | None:
    """The earliest scheduled date within the lead that is not done yet (the reminders job's
    rule: a measurement or review up to ``lead`` before a date does it)."""
    pending = []
    for raw in dates or ():
        try:
            due = date.fromisoformat(raw)
        except (TypeError, ValueError):
            continue
        if due > today + lead or (last is not None and last + lead >= due):
            continue
        pending.append(due)
    return min(pending) if pending else None


def coming_up(session: Session, commission_id: int, now: datetime, today: date | None = None) -> list[Coming]:
    """Surveys opening or closing within a day, benefit measurements and reviews due: soonest first."""
    items = [*_surveys(session, commission_id, now), *_benefits(session, commission_id, today or now.date())]
    return sorted(items, key=lambda c: (c.at if isinstance(c.at, datetime) else datetime.combine(c.at, datetime.min.time()), c.key))


def webhook_name(subscription: WebhookSubscription) -> str:
    """As its page names it, without the path (which can carry the receiver's own tokens)."""
    if subscription.description:
        return f"“{subscription.description}”"
    return f"to {urlsplit(subscription.url).hostname or 'its receiver'}"


def needing_attention(session: Session, commission_id: int) -> list[Coming]:
    """Webhooks that stopped or are failing, the longest-failing first."""
    out = []
    for sub in session.scalars(select(WebhookSubscription).where(
            WebhookSubscription.commission_id == commission_id,
            WebhookSubscription.status.in_((PAUSED, DISABLED)) | (WebhookSubscription.consecutive_failures > 0))
            .order_by(WebhookSubscription.id)):
        name = webhook_name(sub)
        if sub.status == DISABLED:
            text = f"The webhook {name} is turned off: its receiver answered that it is gone"
        elif sub.status == PAUSED:
            text = f"The webhook {name} is paused" + (": deliveries to it kept failing" if sub.consecutive_failures else "")
        else:
            failures = sub.consecutive_failures
            text = (f"Deliveries of the webhook {name} are failing: "
                    f"{'1 attempt' if failures == 1 else f'{failures:,} attempts'} in a row")
        at = sub.failing_since or sub.status_changed_at or sub.updated_at
        out.append(Coming(f"webhook:{sub.id}", "webhook", text, at, ("webhook", {"webhook_id": sub.id})))
    return sorted(out, key=lambda c: (c.at, c.key))


__all__ = ["Coming", "SURVEY_HORIZON", "coming_up", "in_time", "needing_attention", "on_day"]
