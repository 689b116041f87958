"""What a stored response row holds: the answers, when, against which version of the survey,
and of the receipt only its SHA-256 (moved here from the web tests: it is the domain's rule)."""
from __future__ import annotations

import hashlib
from datetime import timedelta

from sqlalchemy import select

from commissioning_steps.commissions import Commission
from commissioning_steps.db import utcnow
from commissioning_steps.staff import StaffUser
from surveys import builder, lifecycle, responses
from surveys.models import SurveyResponse

SECRET = b"unit-test-secret"
QUESTIONS = [{"id": "again", "type": "yes_no_maybe", "text": "Would you go again?", "required": True},
             {"id": "comments", "type": "free_text", "text": "Anything else?"}]


def test_a_response_row_holds_answers_time_and_version_and_only_the_receipts_hash(store, session, team):
    owner = session.get(StaffUser, team["alice"].id)
    commission = session.get(Commission, team["mine"].id)
    survey = lifecycle.create_survey(session, commission, owner, lifecycle.SurveyInput(
        title="Stored", step="initiate", items=QUESTIONS))
    builder.add_question(session, survey, {"id": "extra", "type": "yes_no_maybe", "text": "One more?"})
    lifecycle.open_survey(session, survey)
    before = utcnow()
    _, receipt, _ = responses.submit(session, survey, {"again": "maybe", "comments": "Fine"}, secret=SECRET,
                                     submission_key="form-1")

    with store.session() as other:  # the row as stored, read afresh, every column
        row = other.execute(select(SurveyResponse.__table__)).one()._mapping
    assert row["answers"] == {"again": "maybe", "comments": "Fine"}
    assert row["survey_version"] == 2
    assert before - timedelta(seconds=1) <= row["submitted_at"] <= utcnow() + timedelta(seconds=1)
    # Of the receipt, only its SHA-256 is kept: no column holds the code itself in any of the
    # forms a resident could type it, so the database alone cannot lead back to a resident.
    assert row["receipt_hash"] == hashlib.sha256(receipt.encode()).hexdigest()
    stored = " ".join(str(value) for value in row.values()).upper()
    for form in (receipt, receipt.replace("-", ""), receipt.replace("-", " ")):
        assert form.upper() not in stored
    assert responses.find(session, receipt.lower()).id == row["id"]
