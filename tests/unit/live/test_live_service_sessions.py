"""surveys.live.sessions: creating a live session for a step, its questions, finding it by code."""
from __future__ import annotations

import pytest

from commissioning_steps import progression
from commissioning_steps.db import transaction
from commissioning_steps.errors import Invalid
from surveys.live import sessions
from surveys.live.errors import UnknownQuestion, UnknownSession
from surveys.live.events import LiveQuestionAdded, LiveSessionCreated
from surveys.live.join_codes import ALPHABET, CODE_LENGTH
from surveys.live.models import PENDING

from live_data import ALL_TYPES, question


def test_a_session_gets_a_code_without_look_alike_characters_and_its_questions_in_order(live):
    assert len(live.code) == CODE_LENGTH and set(live.code) <= set(ALPHABET)
    assert not set(live.code) & set("0O1IL")
    assert [q.position for q in live.questions] == list(range(1, len(ALL_TYPES) + 1))
    assert [q.text for q in live.questions] == [q["text"] for q in ALL_TYPES]
    assert all(q.state == PENDING and not q.revealed and q.seq == 0 for q in live.questions)
    assert live.current_question_id is None


def test_poll_multiple_choice_is_choose_one_unless_it_says_otherwise(live):
    assert question(live, "multiple_choice", multiple=False).definition["multiple"] is False
    assert question(live, "multiple_choice", multiple=True).definition["multiple"] is True
    assert "required" not in question(live, "rating").definition


def test_creating_publishes_after_its_own_commit(db, commission, owner, published):
    created = sessions.create_session(db, commission, owner, title="Evening session", step="initiate")
    assert [type(e) for e in published] == [LiveSessionCreated]
    assert published[0].session_id == created.id and published[0].questions == 0


def test_inside_a_callers_transaction_it_publishes_when_that_commits(db, commission, owner, published):
    with transaction(db):
        sessions.create_session(db, commission, owner, title="Evening session", step="initiate")
        assert published == []
    assert [type(e) for e in published] == [LiveSessionCreated]


def test_a_rolled_back_session_publishes_nothing(db, commission, owner, published):
    with pytest.raises(RuntimeError), transaction(db):
        sessions.create_session(db, commission, owner, title="Evening session", step="initiate")
        raise RuntimeError("the caller's next step failed")
    assert published == []
    assert sessions.sessions_for(db, commission.id) == []


@pytest.mark.parametrize("title, step, field, words", [
    ("", "initiate", "title", "Enter a title"),
    ("x" * 201, "initiate", "title", "200 characters"),
    ("Call 07700 900123", "initiate", "title", "phone number"),
    ("Park", "somewhere", "step", "Step must be one of"),
    ("Park", "investigate", "step", "has not started yet"),
])
def test_bad_session_details_are_refused_with_the_field_named(db, commission, owner, title, step, field, words):
    with pytest.raises(Invalid) as caught:
        sessions.create_session(db, commission, owner, title=title, step=step)
    assert words in caught.value.fields[field]


def test_a_completed_step_can_still_have_sessions(db, commission, owner):
    from commissioning_steps import evidence

    evidence.record_manual(db, commission, owner, step="initiate", kind="note", summary="Walkabout")
    progression.complete_step(db, commission, "initiate", owner)
    db.commit()
    created = sessions.create_session(db, commission, owner, title="Looking back", step="initiate")
    assert created.step == "initiate"


@pytest.mark.parametrize("raw, path, words", [
    ({"type": "poll", "text": "?"}, "questions.0.type", "is not a question type"),
    ({"type": "single_choice", "text": "?", "options": ["a", "b"]}, "questions.0.type", "only be used in surveys"),
    ({"type": "multiple_choice", "text": "?", "options": ["a"]}, "questions.0.options", "at least two"),
    ({"type": "rating", "text": "?", "min": 3, "max": 2}, "questions.0.max", "more than the lowest"),
    ({"type": "word_cloud", "text": ""}, "questions.0.text", "Enter the question text"),
    ({"type": "qa", "text": "?", "show_if": {"question": "a", "answered": True}}, "questions.0.show_if",
     "not a setting of a live poll question"),
    ({"type": "ranking", "text": "?", "options": ["Ring jo@example.org", "b"]}, "questions.0.options", "email address"),
    (["not", "a", "question"], "questions.0", "named fields"),
])
def test_bad_questions_are_refused_naming_the_question_and_field(db, commission, owner, raw, path, words):
    with pytest.raises(Invalid) as caught:
        sessions.create_session(db, commission, owner, title="Park", step="initiate", questions=[raw])
    assert words in caught.value.fields[path], caught.value.fields


def test_every_bad_question_is_reported_at_once(db, commission, owner):
    with pytest.raises(Invalid) as caught:
        sessions.create_session(db, commission, owner, title="Park", step="initiate", questions=[
            {"type": "rating", "text": "ok"}, {"type": "nope", "text": "?"}, {"type": "word_cloud"}])
    assert set(caught.value.fields) == {"questions.1.type", "questions.2.text"}


def test_at_most_fifty_questions(db, commission, owner):
    with pytest.raises(Invalid) as caught:
        sessions.create_session(db, commission, owner, title="Park", step="initiate",
                                questions=[{"type": "word_cloud", "text": f"Q{i}"} for i in range(51)])
    assert "up to 50" in caught.value.fields["questions"]


def test_adding_a_question_appends_it_and_publishes(db, live, owner, published):
    added = sessions.add_question(db, live, owner, {"type": "rating", "text": "One more?", "min": 0, "max": 10})
    db.commit()
    assert added.position == len(ALL_TYPES) + 1 and live.questions[-1].id == added.id
    assert isinstance(published[-1], LiveQuestionAdded) and published[-1].question_id == added.id


def test_an_added_question_is_checked_like_the_others(db, live, owner):
    with pytest.raises(Invalid) as caught:
        sessions.add_question(db, live, owner, {"type": "rating", "text": "?", "max": 11})
    assert list(caught.value.fields) == [f"questions.{len(ALL_TYPES)}.max"]


@pytest.mark.parametrize("typed", ["{code}", "{lower}", "{spaced}", "{dashed}"])
def test_codes_are_found_as_people_type_them(db, live, typed):
    code = live.code
    text = typed.format(code=code, lower=code.lower(), spaced=f" {code[:3]} {code[3:]} ", dashed=f"{code[:3]}-{code[3:]}")
    assert sessions.find_by_code(db, text).id == live.id


@pytest.mark.parametrize("typed", ["", "ABC", "ABCDEFG", None, 42, "O0O0O0", "ÄBCDEF"])
def test_malformed_or_unknown_codes_are_not_found(db, live, typed):
    with pytest.raises(UnknownSession):
        sessions.find_by_code(db, typed)


def test_get_question_only_finds_the_sessions_own_questions(db, live, commission, owner):
    other = sessions.create_session(db, commission, owner, title="Other", step="initiate",
                                    questions=[{"type": "word_cloud", "text": "Word?"}])
    db.commit()
    with pytest.raises(UnknownQuestion):
        sessions.get_question(live, other.questions[0].id)
    with pytest.raises(UnknownQuestion):
        sessions.get_question(live, True)
    assert sessions.get_question(live, live.questions[2].id) is live.questions[2]


def test_a_code_taken_between_the_check_and_the_insert_costs_one_retry(db, live, commission, owner, monkeypatch):
    from surveys.live import join_codes

    codes = iter([live.code, "ABCDEF"])
    monkeypatch.setattr(sessions, "new_code", lambda is_taken: next(codes))  # the pre-check "missed" a clash
    created = sessions.create_session(db, commission, owner, title="Second", step="initiate")
    db.commit()
    assert created.code == "ABCDEF" and join_codes.is_valid_code(created.code)
