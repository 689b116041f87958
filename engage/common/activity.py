"""The activity feed as the page and the ``/activity`` socket show it: links made into URLs and
times written in UK time, in one place so the list without JavaScript and the live list are the
same words.

The domain (``surveys.activity``) names a link by the page it points at and that page's ids;
``LINKS`` maps those onto this app's endpoints.
"""
from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any

from flask import url_for

from commissioning_steps.db import utcnow
from surveys import activity

from .times import to_uk, uk_date, uk_datetime, zone_label

#: Page name in a domain link -> endpoint.
LINKS: dict[str, str] = {
    "survey": "surveys_staff.manage",
    "survey_results": "surveys_staff.results_page",
    "live_session": "live.manage",
    "evidence": "evidence_log.log_page",
    "step": "commissions.step",
    "decision": "you_said_we_did.decision_page",
    "evaluation": "evaluation.workspace",
    "evaluation_report": "evaluation.report_page",
    "theme": "you_said_we_did.theme_page",
    "you_said_we_did": "you_said_we_did.public_page",
    "team": "commissions.team",
    "benefits": "evaluation.benefits_page",
    "webhook": "webhooks.show",
}


def href(commission_id: int, link: tuple[str, dict[str, Any]] | None) -> str | None:
    if link is None or link[0] not in LINKS:
        return None
    params = {k: v for k, v in link[1].items() if v is not None}
    entry = params.pop("entry_id", None)  # the evidence log marks each entry with its id
    return url_for(LINKS[link[0]], commission_id=commission_id, **params) + (f"#entry-{entry}" if entry else "")


def _iso(moment: datetime | date) -> str:
    if isinstance(moment, datetime):
        return moment.replace(tzinfo=timezone.utc).isoformat().replace("+00:00", "Z")
    return moment.isoformat()


def _when(moment: datetime | date) -> str:
    return uk_datetime(moment) if isinstance(moment, datetime) else uk_date(moment)


def item_view(commission_id: int, item: activity.Item) -> dict[str, Any]:
    return {"key": item.key, "id": item.id, "kind": item.kind, "text": item.text, "count": item.count,
            "href": href(commission_id, item.link), "time": _iso(item.at), "when": _when(item.at)}


def coming_view(commission_id: int, item: activity.Coming) -> dict[str, Any]:
    return {"key": item.key, "kind": item.kind, "text": item.text, "href": href(commission_id, item.link),
            "time": _iso(item.at), "when": _when(item.at)}


def feed_view(commission_id: int, *, after: int | None = None, session) -> dict[str, Any]:
    """One read of the feed (``surveys.activity.read``), as JSON-ready lists; today is the UK's."""
    now = utcnow()
    feed = activity.read(session, commission_id, after=after, now=now, today=to_uk(now).date())
    return {"commission_id": commission_id, "cursor": feed.cursor, "zone": zone_label(),
            "items": [item_view(commission_id, i) for i in feed.items],
            "coming_up": [coming_view(commission_id, c) for c in feed.coming_up],
            "attention": [coming_view(commission_id, c) for c in feed.attention]}
