import pytest

from surveys.errors import DefinitionError
from surveys.representativeness import representativeness

TARGETS = {"Under 18": 0.2, "18 to 64": 0.6, "65 or over": 0.2}


def rows_by_group(result):
    return {row["group"]: row for row in result["rows"]}


def test_rows_shares_differences_and_flags():
    result = representativeness(TARGETS, {"Under 18": 5, "18 to 64": 75, "65 or over": 20})
    rows = rows_by_group(result)
    assert rows["Under 18"] == {
        "group": "Under 18",
        "target_share": 0.2,
        "respondents": 5,
        "actual_share": 0.05,
        "difference": -15.0,
        "under_represented": True,
    }
    assert rows["18 to 64"]["actual_share"] == 0.75 and rows["18 to 64"]["difference"] == 15.0
    assert rows["18 to 64"]["under_represented"] is False
    assert rows["65 or over"]["under_represented"] is False  # exactly on target
    assert result["totals"] == {
        "target_share": 1.0,
        "respondents": 100,
        "actual_share": 1.0,
        "under_represented": 1,
    }
    assert result["threshold"] == 0.8


def test_the_threshold_is_relative_and_adjustable():
    # 16% against a 20% target is exactly 80%: not flagged; just under is.
    assert not rows_by_group(representativeness({"A": 0.2}, {"A": 16, "B": 84}))["A"][
        "under_represented"
    ]
    assert rows_by_group(representativeness({"A": 0.2}, {"A": 15, "B": 85}))["A"][
        "under_represented"
    ]
    strict = representativeness({"A": 0.2}, {"A": 18, "B": 82}, threshold=0.95)
    assert rows_by_group(strict)["A"]["under_represented"]
    # A small group is judged fairly: 2% of respondents against 5% of people is flagged.
    assert rows_by_group(representativeness({"A": 0.05}, {"A": 2, "B": 98}))["A"][
        "under_represented"
    ]


def test_groups_without_targets_are_listed_last_and_never_flagged():
    result = representativeness({"A": 0.5}, {"Prefer not to say": 3, "A": 1})
    assert [r["group"] for r in result["rows"]] == ["A", "Prefer not to say"]
    extra = result["rows"][1]
    assert (
        extra["target_share"] is None
        and extra["difference"] is None
        and extra["under_represented"] is False
    )
    assert extra["actual_share"] == 0.75
    assert result["totals"]["actual_share"] == 0.25


def test_no_respondents_is_handled_cleanly():
    result = representativeness({"A": 0.3, "B": 0.0}, {})
    rows = rows_by_group(result)
    assert rows["A"]["actual_share"] == 0.0 and rows["A"]["respondents"] == 0
    assert rows["A"]["under_represented"] is True and rows["A"]["difference"] == -30.0
    assert rows["B"]["under_represented"] is False
    assert result["totals"]["respondents"] == 0 and result["totals"]["actual_share"] == 0.0


def test_targets_may_cover_less_than_everyone():
    result = representativeness({"Carers": 0.1}, {"Carers": 10, "Residents": 90})
    assert result["totals"]["target_share"] == 0.1


@pytest.mark.parametrize(
    "targets, respondents, threshold, field",
    [
        ({"A": 1.5}, {}, 0.8, "targets.A"),
        ({"A": -0.1}, {}, 0.8, "targets.A"),
        ({"A": True}, {}, 0.8, "targets.A"),
        ({"A": float("nan")}, {}, 0.8, "targets.A"),
        ({"A": 0.7, "B": 0.4}, {}, 0.8, "targets"),
        ({"A": 0.5}, {"A": -1}, 0.8, "respondents.A"),
        ({"A": 0.5}, {"A": 2.5}, 0.8, "respondents.A"),
        ({"A": 0.5}, {"A": True}, 0.8, "respondents.A"),
        ({"A": 0.5}, {"A": 1}, 0, "threshold"),
        ({"A": 0.5}, {"A": 1}, 1.2, "threshold"),
    ],
)
def test_bad_inputs_name_the_field(targets, respondents, threshold, field):
    with pytest.raises(DefinitionError) as exc:
        representativeness(targets, respondents, threshold)
    assert field in exc.value.fields


def test_shares_that_sum_to_one_with_float_noise_are_fine():
    representativeness({"A": 0.1, "B": 0.2, "C": 0.7}, {"A": 1})
