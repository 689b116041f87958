"""A commission at Collaborate with residents' input in its inbox, built by hand: two surveys'
free text from five respondents in two population groups, and live-poll phrases."""
from __future__ import annotations

from datetime import datetime

import pytest

from commissioning_steps import inputs, progression, staff
from commissioning_steps.commissions import Commission

from ysd_data import survey_item


@pytest.fixture
def db(store):
    s = store.session(write=True)
    yield s
    s.close()


@pytest.fixture
def owner(world):
    return world.user("casey@example.org", staff.COMMISSIONER, "Casey")


@pytest.fixture
def commission(world, owner, db):
    c = db.get(Commission, world.commission(owner, "Day opportunities", groups=[("Carers", 30), ("Residents", 70)]).id)
    for step in ("initiate", "investigate"):
        progression.complete_step(db, c, step, owner, override_reason="Evidence is held on paper for this test")
    return c


@pytest.fixture
def items(db, commission):
    """Ten items; respondents 1-3 are carers, 4-5 residents, live participants have no group."""
    made = inputs.index(db, commission.id, [
        survey_item(1, "q1", "More transport to the day centre on Saturdays", "Carers", 1),
        survey_item(1, "q2", "The minibus is always late", "Carers", 1),
        survey_item(2, "q1", "Transport: a bus that waits for wheelchairs", "Carers", 2),
        survey_item(3, "q1", "Open the centre at weekends", "Carers", 3),
        survey_item(4, "q1", "Weekend opening would let me work", "Residents", 4),
        survey_item(5, "q1", "Cheaper lunches in the café", "Residents", 5),
        survey_item(5, "q2", "Call me on 07700 900123 about the café", "Residents", 5),
        inputs.NewItem(ref=inputs.ref(inputs.LIVE_VOTE, 71), kind="word_cloud", activity_kind="live_session",
                activity_id=9, activity_title="Market day poll", step="investigate", text="transport",
                question_ref="lq1", question_text="One word for what matters", respondent_key="live:9:aaaa",
                created_at=datetime(2026, 11, 6)),
        inputs.NewItem(ref=inputs.ref(inputs.LIVE_VOTE, 72), kind="word_cloud", activity_kind="live_session",
                activity_id=9, activity_title="Market day poll", step="investigate", text="weekends",
                question_ref="lq1", question_text="One word for what matters", respondent_key="live:9:bbbb",
                created_at=datetime(2026, 11, 6)),
        inputs.NewItem(ref=inputs.ref(inputs.LIVE_ENTRY, 5), kind="qa", activity_kind="live_session", activity_id=9,
                activity_title="Market day poll", step="investigate", text="Who pays for the minibus?",
                question_ref="lq2", question_text="Questions", respondent_key="live:9:aaaa", hidden=True,
                created_at=datetime(2026, 11, 7)),
    ])
    return {row.ref: row for row in made}
