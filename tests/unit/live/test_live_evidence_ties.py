"""Issue 8 point 17: a tie is reported as a tie, in the poll result's evidence sentence and
wherever else a leader is named (``question_types._base.leaders``), never as a win for the
option that happens to be listed first."""
from __future__ import annotations

from commissioning_steps import evidence
from surveys import question_types
from surveys.live import running, voting
from surveys.live.sessions import normalise_poll_question
from surveys.question_types._base import leaders

from live_data import question

CHOICE = normalise_poll_question({"type": "multiple_choice", "text": "Where should it go?",
                                  "options": ["Northfield Library", "Town hall", "Leisure centre"]})
RANKING = normalise_poll_question({"type": "ranking", "text": "Rank these", "options": ["A", "B", "C"]})


def _sentence(definition, values):
    qtype = question_types.get_type(definition["type"])
    tally = question_types.tally(definition, values)
    tally["chart"] = question_types.chart(definition, tally)
    return qtype.evidence_sentence(definition, tally)


def test_one_leader_is_chosen_most():
    assert _sentence(CHOICE, ["Town hall", "Town hall", "Northfield Library"]) == " Chosen most: “Town hall”."


def test_a_tie_of_two_is_a_tie():
    assert _sentence(CHOICE, ["Northfield Library", "Town hall"]) == \
        " Tied first: “Northfield Library” and “Town hall” (1 each)."


def test_a_tie_of_three_names_all_three():
    assert _sentence(CHOICE, ["Northfield Library", "Town hall", "Leisure centre"] * 2) == \
        " Tied first: “Northfield Library”, “Town hall” and “Leisure centre” (2 each)."


def test_no_votes_names_no_leader():
    assert _sentence(CHOICE, []) == ""
    assert leaders([{"label": "A", "count": 0}, {"label": "B", "count": 0}]) == []


def test_ranking_ties_on_points_are_ties():
    assert _sentence(RANKING, [["A", "B", "C"]]) == " Ranked first: “A”."
    assert _sentence(RANKING, [["A", "B", "C"], ["B", "A", "C"]]) == " Tied first: “A” and “B” (3 points each)."
    # A, B and C each earn 3 points from these three ballots.
    assert _sentence(RANKING, [["A", "B", "C"], ["B", "C", "A"], ["C", "A", "B"]]) == \
        " Tied first: “A”, “B” and “C” (3 points each)."
    assert _sentence(RANKING, []) == ""


def test_a_one_one_live_vote_is_logged_as_a_tie(db, live, owner):
    q = question(live, "multiple_choice", multiple=False)
    running.open_question(db, live, q.id, owner)
    voting.cast_vote(db, live, "a" * 24, q.id, "Playground", "v1")
    voting.cast_vote(db, live, "b" * 24, q.id, "Lighting", "v2")
    running.close_question(db, live, q.id, owner)
    entry = db.get(evidence.EvidenceEntry, q.evidence_entry_id)
    assert "Tied first: “Playground” and “Lighting” (1 each)." in entry.summary
    assert "Chosen most" not in entry.summary


def test_choose_any_ties_are_ties_too():
    definition = normalise_poll_question({"type": "multiple_choice", "text": "Which do you use?",
                                          "options": ["Bus", "Bike", "Car"], "multiple": True})
    assert _sentence(definition, [["Bus", "Bike"], ["Bike", "Bus"]]) == " Tied first: “Bus” and “Bike” (2 each)."
