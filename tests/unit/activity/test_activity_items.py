"""Turning stored catalogue events into feed items: responses are counted, never listed one by
one; everything is named as the pages name it; nothing that is not for staff's eyes gets in."""
from __future__ import annotations

import itertools
from datetime import datetime, timedelta

from surveys.activity.items import RESPONSE_WINDOW, EventRow, Names, items_from

T0 = datetime(2026, 12, 1, 13, 0)
NAMES = Names(surveys={6: "Getting to day centres", 7: "Evening activities"}, sessions={2: "Drop-in at the library"},
              questions={14: "Which should come first?"}, decisions={8: "Run a Saturday minibus"},
              question_participants={14: 23}, session_participants={2: 31})


class Rows:
    """Stored events in id order, each a minute after the one before unless told otherwise."""

    def __init__(self) -> None:
        self.ids = itertools.count(100)
        self.at = T0
        self.rows: list[EventRow] = []

    def add(self, name: str, after: timedelta = timedelta(minutes=1), **payload) -> EventRow:
        self.at += after
        row = EventRow(next(self.ids), name, payload, self.at)
        self.rows.append(row)
        return row

    def response(self, survey_id: int = 6, **kw) -> EventRow:
        return self.add("survey.response_submitted", survey_id=survey_id, responses=0, **kw)


def test_responses_to_a_survey_are_counted_as_one_item_that_grows():
    rows = Rows()
    first = rows.response()
    rows.response()
    last = rows.response()
    [item] = items_from(rows.rows, NAMES)
    assert item.text == "3 new responses to “Getting to day centres”"
    assert (item.count, item.id, item.at, item.since) == (3, last.id, last.at, first.at)
    assert item.key == f"responses:6:{first.id}"
    assert item.link == ("survey_results", {"survey_id": 6})
    rows.response()
    [grown] = items_from(rows.rows, NAMES)
    assert grown.key == item.key and grown.count == 4 and grown.id > item.id  # the client replaces it by key


def test_one_response_is_one_new_response():
    rows = Rows()
    rows.response()
    assert items_from(rows.rows, NAMES)[0].text == "1 new response to “Getting to day centres”"


def test_something_else_happening_starts_a_new_count_and_two_surveys_count_apart():
    rows = Rows()
    rows.response(6)
    rows.response(7)
    rows.response(6)
    opened = rows.add("live.question_opened", session_id=2, question_id=14)
    rows.response(6)
    texts = [i.text for i in items_from(rows.rows, NAMES)]
    assert texts == [
        "1 new response to “Getting to day centres”",
        "Live poll “Drop-in at the library”: “Which should come first?” opened for votes",
        "2 new responses to “Getting to day centres”",
        "1 new response to “Evening activities”",
    ]
    assert items_from(rows.rows, NAMES)[1].key == f"event:{opened.id}"


def test_a_count_covers_at_most_an_hour_from_its_first_response():
    rows = Rows()
    rows.response()
    rows.response(after=RESPONSE_WINDOW - timedelta(minutes=1))
    rows.response(after=timedelta(minutes=2))  # more than an hour after the first
    assert [i.count for i in items_from(rows.rows, NAMES)] == [1, 2]


def test_each_kind_of_event_reads_as_the_pages_say_it():
    rows = Rows()
    rows.add("survey.opened", survey_id=6)
    rows.add("live.question_closed", session_id=2, question_id=14, total=40, seq=9)
    rows.add("live.session_ended", session_id=2, closed_question_id=None)
    rows.add("evidence.appended", entry_id=3, seq=12, step="investigate", kind="workshop", source="manual", hash="x")
    rows.add("step.completed", step="investigate", overridden=False)
    rows.add("step.activated", step="collaborate")
    rows.add("decision.recorded", decision_id=8, kind="decision", step="collaborate", status="proposed")
    rows.add("decision.changed", decision_id=8, changed=["status"], status="agreed")
    rows.add("survey.closed", survey_id=6, responses=128, evidence_entry_id=40)
    rows.add("assessment.recorded", entry_id=41, step="investigate", rating="partly answered")
    rows.add("commission.member_added", user_id=12, role="evaluator")
    texts = [i.text for i in reversed(items_from(rows.rows, NAMES))]
    assert texts == [
        "“Getting to day centres” opened for answers",
        "Live poll “Drop-in at the library”: “Which should come first?” closed with 40 answers from 23 people",
        "Live poll “Drop-in at the library” ended: 31 people took part",
        "Workshop record added to Investigate",
        "Step 2, Investigate, completed",
        "Collaborate is now the active step",
        "Decision recorded: “Run a Saturday minibus” (proposed)",
        "Decision “Run a Saturday minibus” is now agreed",
        "“Getting to day centres” closed with 128 responses; its results are in the evidence log",
        "An evaluator rated Investigate: partly answered",
        "The team gained an evaluator",
    ]


def test_bookkeeping_and_what_other_items_tell_already_are_left_out():
    rows = Rows()
    rows.add("survey.question_added", survey_id=6, question_id="q2", version=2, questions=3)
    rows.add("checkpoint.issued", checkpoint_id=1, count=4, head="x", reason="scheduled")
    rows.add("evidence.appended", entry_id=3, seq=12, step="initiate", kind="survey_result", source="automatic", hash="x")
    rows.add("evidence.appended", entry_id=4, seq=13, step="evaluate", kind="benefit_review", source="automatic", hash="x")
    assert [i.text for i in items_from(rows.rows, NAMES)] == ["Benefit review recorded under Evaluate"]


def test_a_deleted_survey_is_named_without_a_link():
    rows = Rows()
    rows.response(survey_id=99)
    [item] = items_from(rows.rows, NAMES)
    assert item.text == "1 new response to a survey that has since been deleted" and item.link is None


def test_a_count_that_may_have_begun_before_what_was_read_says_or_more():
    rows = Rows()
    for _ in range(3):
        rows.response()
    rows.add("survey.opened", survey_id=7)
    rows.response()
    items = items_from(rows.rows, NAMES, cut=True)
    assert [i.text for i in items] == ["1 new response to “Getting to day centres”", "“Evening activities” opened for answers",
                                       "3 or more new responses to “Getting to day centres”"]
    assert [i.partial for i in items] == [False, False, True]
