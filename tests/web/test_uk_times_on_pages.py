"""Staff and public pages show times in UK time (``ENGAGE_TIMEZONE``, by default Europe/London),
never in UTC: the live session's record of who saw results, a decision's status history, and no
template formats a stored time itself (issue 8, point 14)."""
from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from sqlalchemy import update

from commissioning_steps import decisions
from commissioning_steps.db import transaction
from surveys.live.models import ResultDisclosure

from live_support import app, control, running_session  # noqa: F401  (fixtures)

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
SUMMER = datetime(2026, 7, 1, 16, 0, 5)  # 5:00:05pm in London (British Summer Time)


def test_the_live_session_shows_when_results_were_seen_in_uk_time(client, world, team, store, running_session):
    world.sign_in(client, "alice@example.org")
    base = f"/commissions/{team['mine'].id}/live-sessions/{running_session['id']}"
    control(running_session, "open", 1)
    client.post(base + "/control", data={"action": "reveal", "question_id": str(running_session["questions"][1])})
    with store.session(write=True) as s, transaction(s):
        s.execute(update(ResultDisclosure).values(at=SUMMER))
    page = client.get(base).get_data(as_text=True)
    assert "When (UK time)" in page and "1 Jul 2026, 17:00:05" in page
    assert "16:00:05" not in page and "UTC" not in page


def test_a_decisions_status_history_is_in_uk_time(client, world, team, store):
    world.sign_in(client, "alice@example.org")
    cid = team["mine"].id
    response = client.post(f"/commissions/{cid}/decisions/new", data={
        "title": "Minibus on Saturdays", "description": "d", "kind": "decision", "step": "initiate",
        "decided_by": "Board", "decided_on-day": "1", "decided_on-month": "7", "decided_on-year": "2026",
        "status": "proposed", "not_attributable_reason": "A legal duty"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    with store.session(write=True) as s, transaction(s):
        s.execute(update(decisions.DecisionStatusChange).values(changed_at=SUMMER))
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "1 July 2026 at 5pm (UK time)" in page and "UTC" not in page


def test_no_template_formats_a_stored_time_itself():
    """Times go through the filters of ``engage.common.times`` (``uk_datetime``, ``uk_timestamp``,
    ``long_date``), which read them in the service's zone; a template's own ``strftime`` of an
    hour, or a time labelled UTC, would show UTC."""
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text()
        if re.search(r"strftime\([^)]*%[HIMS]", text) or re.search(r"\bUTC\b", text) \
                or re.search(r"_at\.strftime", text):
            offenders.append(str(path.relative_to(TEMPLATES)))
    assert offenders == []
