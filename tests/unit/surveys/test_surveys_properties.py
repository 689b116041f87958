"""Property tests: answers are accepted exactly when valid, and tallies always add up.

Each type gets an independent oracle (``is_valid``) written from the documented answer formats,
and ``clean_answer`` must agree with it on generated values, both well-formed and junk.
"""

import math
import re
import string

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from surveys.errors import AnswerError
from surveys.question_types import chart, clean_answer, normalise_question, tally
from surveys.question_types.agreement import OPTIONS as AGREEMENT
from surveys.question_types.word_cloud import normalise_phrase

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

option_text = (
    st.text(alphabet=string.ascii_letters + " ", min_size=1, max_size=12)
    .map(str.strip)
    .filter(bool)
)
options = st.lists(option_text, min_size=2, max_size=6, unique_by=str.casefold)


@st.composite
def definitions(draw, type_name=None):
    name = type_name or draw(
        st.sampled_from(
            [
                "single_choice",
                "multiple_choice",
                "rating",
                "agreement",
                "yes_no_maybe",
                "number",
                "free_text",
                "ranking",
                "about_you",
                "word_cloud",
                "open_text",
            ]
        )
    )
    raw = {"id": "q", "type": name, "text": "Question?"}
    if name == "single_choice":
        raw["options"] = draw(options.filter(lambda o: "other" not in {x.casefold() for x in o}))
        raw["other"] = draw(st.booleans())
    elif name == "multiple_choice":
        raw["options"] = draw(options)
        raw["multiple"] = draw(st.booleans())
        if raw["multiple"] and draw(st.booleans()):
            raw["max"] = draw(st.integers(1, len(raw["options"])))
    elif name == "rating":
        low = draw(st.integers(0, 9))
        raw["min"], raw["max"] = low, draw(st.integers(low + 1, 10))
    elif name == "number":
        bound = st.one_of(st.none(), st.integers(-1000, 1000), st.floats(-1000, 1000))
        low, high = draw(bound), draw(bound)
        if low is not None and high is not None and low >= high:
            low, high = None, high
        if low is not None:
            raw["min"] = low
        if high is not None:
            raw["max"] = high
    elif name in ("free_text", "open_text"):
        raw["max_length"] = draw(st.integers(1, 30))
    elif name == "ranking":
        raw["options"] = draw(options)
    elif name == "about_you":
        raw["category"] = draw(st.sampled_from(["area", "respondent_group", "age_band"]))
        raw["why"] = "To check we hear from everyone"
        if raw["category"] == "area":
            raw["options"] = draw(options)
    return normalise_question(raw)


# -- the oracle --------------------------------------------------------------------------------

_NUMERIC = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")


def as_number(value):
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return value if math.isfinite(value) else None
    if isinstance(value, str) and _NUMERIC.fullmatch(value.strip()):
        text = value.strip()
        number = int(text) if re.fullmatch(r"[+-]?[0-9]+", text) else float(text)
        return number if math.isfinite(number) else None
    return None


def in_range(d, number):
    return (d.get("min") is None or number >= d["min"]) and (
        d.get("max") is None or number <= d["max"]
    )


def is_valid(d, value):
    kind = d["type"]
    opts = d.get("options", [])
    if kind in ("single_choice", "about_you"):
        if isinstance(value, str) and value.strip() in opts:
            return True
        return bool(
            d.get("other")
            and isinstance(value, str)
            and value.strip()
            and len(value.strip()) <= 200
            and "\x00" not in value
        )
    if kind == "multiple_choice":
        if not d["multiple"]:
            if isinstance(value, (list, tuple)):
                if len(value) != 1:
                    return False
                value = value[0]
            return isinstance(value, str) and value.strip() in opts
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, (list, tuple)):
            return False
        if not all(isinstance(i, str) and i.strip() in opts for i in items):
            return False
        chosen = [i.strip() for i in items]
        return len(set(chosen)) == len(chosen) and len(chosen) <= d.get("max", len(opts))
    if kind == "rating":
        n = as_number(value)
        return n is not None and float(n).is_integer() and abs(n) < 1e15 and in_range(d, n)
    if kind == "number":
        n = as_number(value)
        return n is not None and abs(n) < 1e15 and in_range(d, n)
    if kind == "agreement":
        return isinstance(value, str) and value.strip().casefold() in {
            o.casefold() for o in AGREEMENT
        }
    if kind == "yes_no_maybe":
        return isinstance(value, str) and value.strip().lower() in ("yes", "no", "maybe")
    if kind in ("free_text", "open_text"):
        return isinstance(value, str) and "\x00" not in value and len(value) <= d["max_length"]
    if kind == "word_cloud":
        return (
            isinstance(value, str)
            and bool(normalise_phrase(value))
            and "\x00" not in value
            and len(value.strip()) <= 40
        )
    if kind == "ranking":
        if not isinstance(value, (list, tuple)) or not all(isinstance(i, str) for i in value):
            return False
        stripped = [i.strip() for i in value]
        return sorted(stripped) == sorted(opts) and len(set(stripped)) == len(stripped)
    raise AssertionError(kind)


# -- values ------------------------------------------------------------------------------------


@st.composite
def valid_answers(draw, d):
    kind = d["type"]
    opts = d.get("options", [])
    pad = st.sampled_from(["", " ", "  "])
    if kind in ("single_choice", "about_you"):
        if d.get("other") and draw(st.booleans()):
            return draw(
                st.text(string.printable, min_size=1, max_size=200).filter(lambda t: t.strip())
            )
        return draw(pad) + draw(st.sampled_from(opts)) + draw(pad)
    if kind == "multiple_choice":
        if not d["multiple"]:
            choice = draw(st.sampled_from(opts))
            return [choice] if draw(st.booleans()) else choice
        most = d.get("max", len(opts))
        return draw(st.lists(st.sampled_from(opts), unique=True, max_size=most))
    if kind == "rating":
        n = draw(st.integers(d["min"], d["max"]))
        return draw(st.sampled_from([n, float(n), str(n), f" {n} "]))
    if kind == "number":
        low = d.get("min", -1e6)
        high = d.get("max", 1e6)
        return draw(
            st.one_of(
                st.floats(low, high, allow_nan=False, allow_infinity=False),
                (
                    st.integers(math.ceil(low), math.floor(high))
                    if math.ceil(low) <= math.floor(high)
                    else st.nothing()
                ),
            )
        )
    if kind == "agreement":
        return (
            draw(st.sampled_from(AGREEMENT)).upper()
            if draw(st.booleans())
            else draw(st.sampled_from(AGREEMENT))
        )
    if kind == "yes_no_maybe":
        return draw(st.sampled_from(["yes", "no", "maybe", "Yes", " NO "]))
    if kind in ("free_text", "open_text"):
        return draw(st.text(max_size=d["max_length"]).filter(lambda t: "\x00" not in t))
    if kind == "word_cloud":
        return draw(
            st.text(string.ascii_letters + " !?", min_size=1, max_size=40).filter(normalise_phrase)
        )
    if kind == "ranking":
        return draw(st.permutations(opts))
    raise AssertionError(kind)


def junk_for(d):
    opts = d.get("options") or ["x"]
    text = st.text(alphabet=string.printable, max_size=45)
    return st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-20, 20),
        st.floats(allow_nan=True, allow_infinity=True),
        text,
        st.sampled_from(
            ["3", " 4 ", "2.5", "1e1", "-0", "nan", "inf", "3.0", "Yes", "maybe", "Agree", "", "!!"]
        ),
        st.sampled_from(opts),
        st.lists(st.one_of(st.sampled_from(opts), text, st.integers()), max_size=7),
        st.dictionaries(text, text, max_size=2),
        st.text(min_size=1, max_size=300),
    )


@SETTINGS
@given(st.data())
def test_clean_answer_agrees_with_the_oracle(data):
    d = data.draw(definitions())
    value = data.draw(st.one_of(valid_answers(d), junk_for(d)))
    try:
        cleaned = clean_answer(d, value)
    except AnswerError as exc:
        assert not is_valid(d, value), f"refused a valid answer {value!r}: {exc}"
        assert set(exc.fields) == {"q"} and all(exc.fields.values())
        return
    assert is_valid(d, value), f"accepted an invalid answer {value!r} as {cleaned!r}"
    # What is stored is itself a valid answer, and cleaning it again changes nothing.
    assert clean_answer(d, cleaned) == cleaned


@SETTINGS
@given(st.data())
def test_generated_valid_answers_are_always_accepted(data):
    d = data.draw(definitions())
    value = data.draw(valid_answers(d))
    assert is_valid(d, value)
    clean_answer(d, value)


@SETTINGS
@given(st.data())
def test_booleans_are_never_numbers(data):
    d = data.draw(st.one_of(definitions("rating"), definitions("number")))
    for value in (True, False):
        try:
            clean_answer(d, value)
        except AnswerError:
            continue
        raise AssertionError(f"accepted {value!r}")


# -- tallies -----------------------------------------------------------------------------------


def cleaned_answers(data, d, max_size=25):
    raws = data.draw(st.lists(valid_answers(d), max_size=max_size))
    return [clean_answer(d, raw) for raw in raws]


def assert_percentages_add_up(result):
    total = sum(result["percentages"].values())
    # Each figure is rounded to 1 dp, so the sum can drift by up to 0.05 per key.
    assert abs(total - 100.0) <= 0.05 * len(result["percentages"]) + 1e-9


@SETTINGS
@given(st.data())
def test_tallies_add_up(data):
    d = data.draw(definitions())
    values = cleaned_answers(data, d)
    result = tally(d, values)
    assert result["total"] == len(values)
    counts = result["counts"]
    assert set(result["percentages"]) == set(counts)
    bars = chart(d, result)
    if d["type"] in ("free_text", "open_text"):
        assert result["texts"] == values and bars == []
        return
    assert [b["count"] for b in bars] == [counts[k] for k in counts] or d["type"] == "ranking"
    assert sorted(b["count"] for b in bars) == sorted(counts.values())
    if d["type"] == "ranking":
        k = len(d["options"])
        assert sum(counts.values()) == len(values) * k * (k - 1) // 2
        assert sum(result["first_choice"].values()) == len(values)
        if values:
            assert_percentages_add_up(result)
        return
    if d["type"] == "multiple_choice" and d["multiple"]:
        assert sum(counts.values()) == sum(len(v) for v in values) == result["choices"]
        assert all(0.0 <= p <= 100.0 for p in result["percentages"].values())
        return
    assert sum(counts.values()) == len(values)
    if values:
        assert_percentages_add_up(result)
    else:
        assert all(p == 0.0 for p in result["percentages"].values())


@SETTINGS
@given(st.data())
def test_means_stay_on_the_scale(data):
    d = data.draw(st.one_of(definitions("rating"), definitions("agreement"), definitions("number")))
    values = cleaned_answers(data, d)
    assume(values)
    result = tally(d, values)
    if d["type"] == "rating":
        assert d["min"] <= result["mean"] <= d["max"]
    elif d["type"] == "agreement":
        assert 1 <= result["mean"] <= 5
    else:
        assert result["min"] - 0.01 <= result["mean"] <= result["max"] + 0.01
        assert result["min"] <= result["median"] <= result["max"]


@SETTINGS
@given(st.data())
def test_number_buckets_are_distinct_ordered_and_cover_the_answers(data):
    d = data.draw(definitions("number"))
    values = cleaned_answers(data, d)
    result = tally(d, values)
    buckets = result["buckets"]
    assert len(buckets) == len(result["counts"]) <= 12
    for before, after in zip(buckets, buckets[1:]):
        assert before["low"] < after["low"]
    if values:
        assert buckets[0]["low"] <= min(values) and max(values) <= buckets[-1]["high"]
