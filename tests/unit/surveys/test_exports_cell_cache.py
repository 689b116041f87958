"""The export remembers the cells of answers that repeat (``exports._ColumnCells``); every cell
must still be exactly ``safe_cell(format_answer(question, value))``, for values Python thinks
equal but a spreadsheet does not (1, 1.0, True), formulas, lists and more distinct answers than
a column remembers."""
from hypothesis import given, settings, strategies as st

from surveys import exports

QUESTIONS = [
    {"id": "n", "type": "number", "text": "How many?"},
    {"id": "c", "type": "multiple_choice", "text": "Which?", "options": ["=A", "B", "-1"]},
    {"id": "r", "type": "ranking", "text": "Rank", "options": ["x", "y"]},
    {"id": "y", "type": "yes_no_maybe", "text": "Yes?"},
    {"id": "t", "type": "free_text", "text": "Say"},
]
values = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.sampled_from([1.0, -0.0, 2.5, float("inf")]),
                   st.sampled_from(["=1+1", "-3", " @x", "yes", "B", "", "\u2028", "\uff1d1"]), st.text(max_size=5),
                   st.lists(st.sampled_from(["=A", "B", "-1", "x", "y"]), max_size=3),
                   st.lists(st.one_of(st.integers(0, 2), st.booleans(), st.none()), max_size=2))


def _reference(answers):
    return [exports.safe_cell(exports.format_answer(q, answers.get(q["id"]))) for q in QUESTIONS]


@settings(max_examples=80, deadline=None)
@given(st.lists(st.fixed_dictionaries({}, optional={q["id"]: values for q in QUESTIONS}), max_size=30))
def test_each_cell_is_the_uncached_cell(rows):
    got = list(exports.csv_rows(QUESTIONS, [{"answers": a} for a in rows]))[1:]
    assert [row[3:] for row in got] == [_reference(a) for a in rows]


def test_more_distinct_answers_than_a_column_remembers():
    rows = [{"answers": {"t": f"={i % 700}", "n": i % 3 or 1.0}} for i in range(2000)]
    got = list(exports.csv_rows(QUESTIONS, rows))[1:]
    assert [row[3:] for row in got] == [_reference(r["answers"]) for r in rows]
