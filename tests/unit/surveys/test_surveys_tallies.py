"""Tallies and chart bars for every type."""

import json

from surveys.question_types import chart, normalise_question, tally


def q(**raw):
    raw.setdefault("text", "Question?")
    return normalise_question(raw)


def test_single_choice_tally_and_chart():
    d = q(type="single_choice", options=["Bus", "Train", "Walk"])
    t = tally(d, ["Train", "Bus", "Train", None])
    assert t["counts"] == {"Bus": 1, "Train": 2, "Walk": 0}
    assert list(t["counts"]) == ["Bus", "Train", "Walk"]  # definition order
    assert t["total"] == 3
    assert t["percentages"] == {"Bus": 33.3, "Train": 66.7, "Walk": 0.0}
    assert chart(d, t) == [
        {"label": "Bus", "count": 1, "percent": 33.3},
        {"label": "Train", "count": 2, "percent": 66.7},
        {"label": "Walk", "count": 0, "percent": 0.0},
    ]
    json.dumps(t)  # tallies go straight to sockets and the evidence log


def test_single_choice_other_texts_are_kept():
    d = q(type="single_choice", options=["Bus", "Train"], other=True)
    t = tally(d, ["Bus", "Tram", "Bike", "Bus"])
    assert t["counts"] == {"Bus": 2, "Train": 0, "Other": 2}
    assert t["other_texts"] == ["Tram", "Bike"]
    assert t["percentages"]["Other"] == 50.0


def test_stale_answers_are_counted_as_unmatched():
    d = q(type="single_choice", options=["Bus", "Train"])
    t = tally(d, ["Bus", "Coach"])
    assert t["counts"] == {"Bus": 1, "Train": 0}
    assert (t["total"], t["unmatched"]) == (2, 1)
    assert t["percentages"] == {"Bus": 50.0, "Train": 0.0}


def test_empty_tallies_have_zero_percentages_and_no_mean():
    t = tally(q(type="rating"), [])
    assert t["total"] == 0 and t["mean"] is None and t["median"] is None
    assert set(t["percentages"].values()) == {0.0}
    assert tally(q(type="agreement"), [])["agree_percent"] == 0.0
    empty_number = tally(q(type="number"), [])
    assert empty_number["counts"] == {} and empty_number["mean"] is None


def test_multiple_choice_percent_of_people():
    d = q(type="multiple_choice", options=["A", "B", "C"])
    t = tally(d, [["A", "B"], ["A"], ["A", "C"], ["B"]])
    assert t["counts"] == {"A": 3, "B": 2, "C": 1}
    assert t["total"] == 4 and t["choices"] == 6
    assert t["percentages"] == {"A": 75.0, "B": 50.0, "C": 25.0}


def test_multiple_choice_single_answer_poll():
    d = q(type="multiple_choice", options=["A", "B"], multiple=False)
    t = tally(d, ["A", "A", "B"])
    assert t["counts"] == {"A": 2, "B": 1} and t["percentages"] == {"A": 66.7, "B": 33.3}


def test_rating_counts_every_point_and_the_mean():
    d = q(type="rating", min=0, max=10, min_label="Awful", max_label="Great")
    t = tally(d, [10, 7, 7, 0])
    assert list(t["counts"]) == list(range(11))
    assert t["counts"][7] == 2 and t["counts"][3] == 0
    assert t["mean"] == 6.0 and t["median"] == 7
    bars = chart(d, t)
    assert bars[0] == {"label": "0 (Awful)", "count": 1, "percent": 25.0}
    assert bars[-1] == {"label": "10 (Great)", "count": 1, "percent": 25.0}
    assert bars[5]["label"] == "5"


def test_agreement_mean_score_and_shares():
    d = q(type="agreement")
    t = tally(d, ["Strongly agree", "Agree", "Disagree", "Strongly disagree", "Agree"])
    assert list(t["counts"]) == [
        "Strongly agree",
        "Agree",
        "Neither agree nor disagree",
        "Disagree",
        "Strongly disagree",
    ]
    assert t["mean"] == round((5 + 4 + 2 + 1 + 4) / 5, 2)
    assert t["agree_percent"] == 60.0 and t["disagree_percent"] == 40.0


def test_yes_no_maybe_keys_and_labels():
    d = q(type="yes_no_maybe")
    t = tally(d, ["yes", "maybe", "yes"])
    assert t["counts"] == {"yes": 2, "no": 0, "maybe": 1}
    assert [bar["label"] for bar in chart(d, t)] == ["Yes", "No", "Maybe"]


def test_number_small_whole_range_gets_one_bar_per_value():
    d = q(type="number", min=0, max=4)
    t = tally(d, [0, 1, 1, 4])
    assert t["counts"] == {"0": 1, "1": 2, "2": 0, "3": 0, "4": 1}
    assert (t["mean"], t["median"], t["min"], t["max"]) == (1.5, 1.0, 0, 4)


def test_number_wide_whole_range_gets_round_buckets():
    d = q(type="number", min=0, max=100)
    t = tally(d, [0, 5, 9, 10, 55, 100])
    labels = list(t["counts"])
    assert labels[0] == "0 to 9" and labels[1] == "10 to 19"
    assert labels[-1] == "90 to 100"  # no lonely "100 to 109" bar
    assert len(labels) == 10
    assert t["counts"]["0 to 9"] == 3 and t["counts"]["90 to 100"] == 1
    assert sum(t["counts"].values()) == 6


def test_number_decimals_use_data_range_without_bounds():
    d = q(type="number")
    t = tally(d, [0.5, 1.25, 2.0, 3.9])
    labels = list(t["counts"])
    assert labels[:2] == ["0.5 to under 1", "1 to under 1.5"]
    assert labels[-1] == "3.5 to 4"
    assert sum(t["counts"].values()) == 4
    assert t["min"] == 0.5 and t["max"] == 3.9
    assert all(set(b) == {"label", "low", "high"} for b in t["buckets"])


def test_number_single_value():
    t = tally(q(type="number"), [2.5, 2.5])
    assert t["counts"] == {"2.5": 2} and t["percentages"] == {"2.5": 100.0}


def test_free_text_keeps_texts_and_has_no_bars():
    d = q(type="free_text")
    t = tally(d, ["one", "<b>two</b>", None])
    assert t["total"] == 2 and t["texts"] == ["one", "<b>two</b>"]
    assert t["counts"] == {} and chart(d, t) == []


def test_ranking_borda_points_first_choices_and_order():
    d = q(type="ranking", options=["A", "B", "C"])
    t = tally(d, [["A", "B", "C"], ["B", "A", "C"], ["B", "C", "A"]])
    assert t["counts"] == {"A": 2 + 1 + 0, "B": 1 + 2 + 2, "C": 0 + 0 + 1}
    assert sum(t["counts"].values()) == 3 * 3 * 2 // 2
    assert t["first_choice"] == {"A": 1, "B": 2, "C": 0}
    assert t["mean_position"] == {"A": 2.0, "B": 1.33, "C": 2.67}
    assert t["order"] == ["B", "A", "C"]
    assert [bar["label"] for bar in chart(d, t)] == ["B", "A", "C"]
    assert chart(d, t)[0] == {"label": "B", "count": 5, "percent": 55.6, "first_choice": 2}


def test_about_you_tally():
    d = q(type="about_you", category="respondent_group", why="Reach")
    t = tally(d, ["Carer", "Resident", "Carer"])
    assert t["counts"]["Carer"] == 2 and list(t["counts"])[0] == "Resident"


def test_word_cloud_groups_phrases_biggest_first_then_a_to_z():
    d = q(type="word_cloud")
    t = tally(
        d,
        [
            "Transport",
            "transport!",
            " TRANSPORT ",
            "more  buses",
            "More buses.",
            "Parks",
            "cafés",
            "Ｃａｆéｓ",
        ],
    )
    assert list(t["counts"].items()) == [
        ("transport", 3),
        ("cafés", 2),
        ("more buses", 2),
        ("parks", 1),
    ]
    assert t["total"] == 8
    assert t["percentages"]["transport"] == 37.5
    assert chart(d, t)[0] == {"label": "transport", "count": 3, "percent": 37.5}


def test_qa_tally_is_empty():
    d = q(type="qa")
    assert tally(d, []) == {"counts": {}, "total": 0, "percentages": {}}
    assert chart(d, tally(d, [])) == []
