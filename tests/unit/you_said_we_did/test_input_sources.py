"""What surveys and live polls put in the inbox, and take out: a response's own words (free text
and "other") with its about-you answers; a deleted response leaves no text anywhere but the
evidence counts; live phrases and questions from the room, hidden ones kept and marked."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from commissioning_steps import evidence, inputs, themes
from commissioning_steps.inputs import Filters, InputItem
from surveys import lifecycle, responses
from surveys.live import running, sessions, voting

SECRET = b"test-secret"


@pytest.fixture
def survey(db, commission, owner):
    created = lifecycle.create_survey(db, commission, owner, lifecycle.SurveyInput(
        title="Spring survey", step="investigate", items=[
            {"id": "change", "type": "free_text", "text": "What would you change?"},
            {"id": "use", "type": "single_choice", "text": "How do you travel?", "options": ["Bus", "Car"],
             "other": True},
            {"id": "rating", "type": "rating", "text": "How good is it?", "min": 1, "max": 5},
            {"id": "who", "type": "about_you", "category": "respondent_group", "text": "Which group are you in?",
             "why": "To check we hear from everyone", "options": ["Carers", "Residents"]},
            {"id": "where", "type": "about_you", "category": "area", "text": "Where do you live?",
             "why": "To check we hear from every area", "options": ["Northfield", "Southgate"]},
        ]))
    lifecycle.open_survey(db, created)
    return created


def _inbox(db, commission, **filters):
    return inputs.search(db, commission.id, Filters(**filters))


def test_a_response_puts_its_own_words_in_the_inbox_with_who_said_them(db, commission, survey):
    response, _, _ = responses.submit(db, survey, {"change": "Later opening hours", "use": "On foot", "rating": 4,
                                                   "who": "Carers", "where": "Northfield"}, secret=SECRET)
    page = _inbox(db, commission)
    assert sorted((i.ref, i.kind, i.text) for i in page.items) == [
        (f"survey-answer:{response.id}:change", "free_text", "Later opening hours"),
        (f"survey-answer:{response.id}:use", "other", "On foot")]
    item = page.items[0]
    assert (item.respondent_group, item.area, item.step, item.activity_title) == (
        "Carers", "Northfield", "investigate", "Spring survey")
    assert item.about == {"Which group are you in?": "Carers", "Where do you live?": "Northfield"}
    assert _inbox(db, commission, area="Northfield").total == 2
    assert _inbox(db, commission, q="opening").total == 1


def test_a_chosen_option_is_counted_not_listed(db, commission, survey):
    responses.submit(db, survey, {"use": "Bus", "rating": 2}, secret=SECRET)
    assert _inbox(db, commission).total == 0


def test_changing_answers_updates_the_inbox(db, commission, survey):
    response, _, _ = responses.submit(db, survey, {"change": "Later opening", "use": "On foot"}, secret=SECRET)
    responses.change(db, response, {"change": "Cheaper lunches", "use": "Bus"})
    assert [i.text for i in _inbox(db, commission).items] == ["Cheaper lunches"]


def test_deleting_a_response_removes_its_words_everywhere_but_the_evidence_counts(db, commission, owner, survey):
    kept, _, _ = responses.submit(db, survey, {"change": "Buses on Sunday", "who": "Residents"}, secret=SECRET)
    gone, _, _ = responses.submit(db, survey, {"change": "Buses at night", "who": "Carers"}, secret=SECRET)
    theme = themes.create_theme(db, commission, owner, name="Buses")
    themes.tag(db, theme, [i.id for i in _inbox(db, commission).items], owner)
    lifecycle.close_survey(db, survey, owner)
    responses.delete(db, gone)
    assert [i.text for i in _inbox(db, commission).items] == ["Buses on Sunday"]
    [summary] = themes.summaries(db, commission.id)
    assert (summary.items, summary.residents) == (1, 1)
    assert _inbox(db, commission, q="night").total == 0  # gone from the search index too
    logged = [e for e in evidence.entries(db, commission.id) if e.kind == "survey_result"][0]
    assert logged.payload["responses"] == 2  # what was logged at closing stays: counts, no words
    assert "Buses at night" not in repr(logged.payload) and "Buses at night" not in logged.summary
    assert evidence.verify(db, commission).ok


@pytest.fixture
def live(db, commission, owner):
    return sessions.create_session(db, commission, owner, title="Market day", step="investigate", questions=[
        {"type": "word_cloud", "text": "One word for the centre"},
        {"type": "multiple_choice", "text": "Which first?", "options": ["A", "B"]},
        {"type": "qa", "text": "Questions for the panel"}])


def _open(db, live, owner, position):
    question = live.questions[position]
    running.open_question(db, live, question.id, owner)
    return question


def test_live_phrases_and_questions_join_the_inbox_and_votes_do_not(db, commission, owner, live):
    cloud = _open(db, live, owner, 0)
    voting.cast_vote(db, live, "p" * 24, cloud.id, "Friendly", "v1")
    voting.cast_vote(db, live, "q" * 24, cloud.id, "Too far", "v2")
    voting.cast_vote(db, live, "p" * 24, cloud.id, "Welcoming", "v3")  # a second word, kept beside the first
    choice = _open(db, live, owner, 1)
    voting.cast_vote(db, live, "p" * 24, choice.id, "A", "v4")
    _open(db, live, owner, 2)
    entry = voting.ask(db, live, "q" * 24, "Who pays for the minibus?")
    page = _inbox(db, commission, activity=f"live_session:{live.id}")
    assert sorted((i.kind, i.text) for i in page.items) == [
        ("qa", "Who pays for the minibus?"), ("word_cloud", "Friendly"), ("word_cloud", "Too far"),
        ("word_cloud", "Welcoming")]
    assert {i.respondent_key for i in page.items} == {f"live:{live.id}:{'p' * 24}", f"live:{live.id}:{'q' * 24}"}
    running.moderate(db, live, live.questions[2].id, entry.id, "hide", owner)
    hidden = db.scalar(select(InputItem).where(InputItem.ref == f"live-entry:{entry.id}"))
    assert hidden.hidden  # hidden from the room, kept in the inbox, marked


def test_each_word_of_a_phone_is_its_own_item_with_a_stable_ref(db, commission, owner, live):
    """A word cloud keeps several words per phone: each is one stored answer and one inbox item,
    ``live-vote:<id>``; taking one back removes only that item, the others keep their refs."""
    from surveys.live.models import LiveVote

    cloud = _open(db, live, owner, 0)
    for n, word in enumerate(("Buses", "Parking", "Trees"), start=1):
        voting.cast_vote(db, live, "p" * 24, cloud.id, word, f"w{n}")
    votes = {v.value: v.id for v in db.scalars(select(LiveVote).where(LiveVote.question_id == cloud.id))}
    refs = {i.text: i.ref for i in _inbox(db, commission, activity=f"live_session:{live.id}").items}
    assert refs == {word: f"live-vote:{vote_id}" for word, vote_id in votes.items()}
    voting.withdraw(db, live, "p" * 24, cloud.id, "parking", "w4")
    left = {i.text: i.ref for i in _inbox(db, commission, activity=f"live_session:{live.id}").items}
    assert left == {"Buses": refs["Buses"], "Trees": refs["Trees"]}
    voting.cast_vote(db, live, "p" * 24, cloud.id, "Benches", "w5")
    again = {i.text: i.ref for i in _inbox(db, commission, activity=f"live_session:{live.id}").items}
    assert again["Buses"] == refs["Buses"] and again["Trees"] == refs["Trees"]
    assert again["Benches"] not in refs.values()
