"""``tally_groups`` (what the results page tallies from SQL's ``(value, n)`` groups) gives the
same figures as ``tally`` over the same answers one by one, for every question type.

Equal answers counted once, n times over, is how a results page over 100,000 responses costs
the number of distinct answers instead of the number of responses; these tests are what lets
it: every key of every tally, to the last bit (means and medians included), on generated
answers, with repeats, skipped answers (``None``) and groups of the same value split in two.
"""
from hypothesis import given, strategies as st

from surveys.question_types import clean_answer, tally, tally_groups
from surveys.question_types._base import expand, weighted_mean, weighted_median

from test_surveys_properties import SETTINGS, definitions, valid_answers


@st.composite
def answer_groups(draw, d):
    distinct = draw(st.lists(valid_answers(d), min_size=0, max_size=8))
    cleaned = [clean_answer(d, v) for v in distinct]
    pool = cleaned + [None]
    groups = []
    for _ in range(draw(st.integers(0, 12))):
        groups.append((draw(st.sampled_from(pool)), draw(st.integers(0, 40))))
    return groups


@SETTINGS
@given(st.data())
def test_tally_groups_equals_tally_of_the_expanded_answers(data):
    d = data.draw(definitions())
    groups = data.draw(answer_groups(d))
    assert tally_groups(d, groups) == tally(d, expand(groups))


@SETTINGS
@given(st.lists(st.tuples(st.one_of(st.integers(-10**6, 10**6),
                                    st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)),
                          st.integers(0, 30)), max_size=10))
def test_weighted_mean_and_median_are_the_plain_ones_to_the_bit(groups):
    import statistics

    from surveys.question_types._base import mean

    values = expand(groups)
    assert weighted_mean(groups) == mean(values)
    expected = statistics.median(values) if values else None
    got = weighted_median(groups)
    assert got == expected and type(got) is type(expected)


def test_a_survey_sized_tally_counts_each_distinct_answer_once():
    """100,000 ballots of 24 distinct orders: the figures of 100,000 answers, from 24 groups."""
    d = {"id": "q", "type": "ranking", "text": "Rank", "options": ["a", "b", "c", "d"]}
    import itertools

    orders = [list(p) for p in itertools.permutations(d["options"])]
    groups = [(o, 4000 + i) for i, o in enumerate(orders)]
    figures = tally_groups(d, groups)
    assert figures["total"] == sum(n for _, n in groups)
    assert figures == tally(d, expand(groups))
