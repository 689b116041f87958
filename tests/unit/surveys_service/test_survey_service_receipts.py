"""surveys.responses: receipts as people type them, receipts derived from submission keys, and
submitting, finding, changing and deleting responses in a temporary SQLite database."""
from __future__ import annotations

import hashlib
import re

import pytest
from sqlalchemy import func, select

from commissioning_steps.commissions import Commission
from commissioning_steps.errors import Conflict, Invalid, NotFound
from commissioning_steps.staff import StaffUser
from surveys import lifecycle, responses
from surveys.codes import ALPHABET
from surveys.models import SurveyResponse

SECRET = b"unit-test-secret"
RECEIPT_RE = re.compile(rf"^[{ALPHABET}]{{4}}-[{ALPHABET}]{{4}}-[{ALPHABET}]{{4}}$")


# -- normalise_receipt ----------------------------------------------------------------------------


@pytest.mark.parametrize("typed", [
    "ABCD-EFGH-JKMN", "abcd-efgh-jkmn", "ABCD EFGH JKMN", "abcdefghjkmn", "  abcd efgh jkmn ",
    "ABCD\u2013EFGH\u2013JKMN", "ab cd-ef gh-jk mn", "ABCD\tEFGH\tJKMN",
])
def test_normalise_receipt_accepts_what_people_type(typed):
    assert responses.normalise_receipt(typed) == "ABCD-EFGH-JKMN"


@pytest.mark.parametrize("typed", [
    None, "", "ABCD-EFGH", "ABCD-EFGH-JKMNP", "ABCD-EFGH-JKM0",  # 0 is not in the alphabet
    "ABCD-EFGH-JKMI", "ABCD_EFGH_JKMN", "ABCD-EFGH-JKM!", 123456789012, ["ABCD-EFGH-JKMN"],
])
def test_normalise_receipt_refuses_anything_else(typed):
    assert responses.normalise_receipt(typed) is None


def test_new_receipts_are_in_the_printed_form_and_differ():
    receipts = {responses.new_receipt() for _ in range(200)}
    assert len(receipts) == 200
    assert all(RECEIPT_RE.match(r) for r in receipts)
    assert all(responses.normalise_receipt(r.lower()) == r for r in receipts)


# -- receipt_for_key --------------------------------------------------------------------------------


def test_receipt_for_key_is_deterministic_per_key_and_survey():
    first = responses.receipt_for_key(SECRET, 7, "key-1")
    assert first == responses.receipt_for_key(SECRET, 7, "key-1")
    assert RECEIPT_RE.match(first)
    assert responses.normalise_receipt(first) == first


def test_receipt_for_key_differs_by_key_survey_and_secret():
    base = responses.receipt_for_key(SECRET, 7, "key-1")
    assert responses.receipt_for_key(SECRET, 7, "key-2") != base
    assert responses.receipt_for_key(SECRET, 8, "key-1") != base
    assert responses.receipt_for_key(b"another-secret", 7, "key-1") != base
    many = {responses.receipt_for_key(SECRET, 7, f"key-{i}") for i in range(500)}
    assert len(many) == 500


# -- with a database ----------------------------------------------------------------------------------


QUESTIONS = [
    {"id": "park", "type": "single_choice", "text": "Which park?", "options": ["Rosehill", "Meadow"], "required": True},
    {"id": "again", "type": "yes_no_maybe", "text": "Again?"},
]


@pytest.fixture
def survey(session, team):
    owner = session.get(StaffUser, team["alice"].id)
    commission = session.get(Commission, team["mine"].id)
    survey = lifecycle.create_survey(session, commission, owner, lifecycle.SurveyInput(
        title="Parks", step="initiate", items=QUESTIONS))
    lifecycle.open_survey(session, survey)
    session.commit()
    return survey


def _count(session):
    return session.scalar(select(func.count()).select_from(SurveyResponse))


def test_submit_stores_the_hash_of_the_receipt_only(session, survey):
    response, receipt, created = responses.submit(session, survey, {"park": "Meadow"}, secret=SECRET)
    session.commit()
    assert created is True and RECEIPT_RE.match(receipt)
    assert response.receipt_hash == hashlib.sha256(receipt.encode()).hexdigest()
    assert response.submission_key is None
    assert response.answers == {"park": "Meadow"} and response.survey_version == survey.version
    assert responses.find(session, receipt.lower().replace("-", " ")).id == response.id


def test_submit_with_a_key_is_idempotent_and_its_receipt_is_derived(session, survey):
    first, receipt, created = responses.submit(session, survey, {"park": "Meadow"}, secret=SECRET,
                                               submission_key="form-123")
    session.commit()
    again, receipt_again, created_again = responses.submit(session, survey, {"park": "Meadow"}, secret=SECRET,
                                                           submission_key="form-123")
    session.commit()
    assert created is True and created_again is False
    assert again.id == first.id and receipt_again == receipt
    assert receipt == responses.receipt_for_key(SECRET, survey.id, "form-123")
    assert first.submission_key != "form-123" and len(first.submission_key) == 64  # hashed
    assert _count(session) == 1
    assert session.get(SurveyResponse, first.id).answers == {"park": "Meadow"}
    with pytest.raises(Invalid) as exc:  # the same key with other answers is not a replay
        responses.submit(session, survey, {"park": "Rosehill"}, secret=SECRET, submission_key="form-123")
    assert set(exc.value.fields) == {"Idempotency-Key"}
    assert _count(session) == 1


def test_invalid_answers_store_nothing_and_name_the_field(session, survey):
    with pytest.raises(Invalid) as exc:
        responses.submit(session, survey, {"again": "perhaps", "colour": "red"}, secret=SECRET)
    assert set(exc.value.fields) == {"answers.park", "answers.again", "answers.colour"}
    session.rollback()
    assert _count(session) == 0


def test_find_unknown_receipt(session, survey):
    for receipt in ("AAAA-AAAA-AAAA", "nonsense", None, ""):
        with pytest.raises(NotFound):
            responses.find(session, receipt)


def test_change_only_while_open_and_delete_any_time(session, survey):
    response, receipt, _ = responses.submit(session, survey, {"park": "Meadow"}, secret=SECRET)
    session.commit()
    responses.change(session, response, {"park": "Rosehill", "again": "Yes"})
    session.commit()
    assert responses.find(session, receipt).answers == {"park": "Rosehill", "again": "yes"}
    lifecycle.close_survey(session, survey)
    session.commit()
    with pytest.raises(Conflict):
        responses.change(session, responses.find(session, receipt), {"park": "Meadow"})
    session.rollback()
    with pytest.raises(Conflict):
        responses.submit(session, survey, {"park": "Meadow"}, secret=SECRET)
    session.rollback()
    responses.delete(session, responses.find(session, receipt))
    session.commit()
    assert _count(session) == 0
    with pytest.raises(NotFound):
        responses.find(session, receipt)
