import itertools
import string

import pytest

from surveys.live.join_codes import (
    ALPHABET,
    CODE_LENGTH,
    is_valid_code,
    new_code,
    normalise_code,
)


def test_alphabet_has_no_look_alikes():
    for c in "0O1IL":
        assert c not in ALPHABET
    assert set(ALPHABET) <= set(string.ascii_uppercase + string.digits)
    assert len(set(ALPHABET)) == len(ALPHABET)


def test_new_code_shape():
    for _ in range(200):
        code = new_code(lambda c: False)
        assert len(code) == CODE_LENGTH == 6
        assert set(code) <= set(ALPHABET)
        assert is_valid_code(code)
        assert normalise_code(code) == code


def test_codes_are_not_all_the_same():
    assert len({new_code(lambda c: False) for _ in range(50)}) > 45


@pytest.mark.parametrize(
    "typed",
    ["abc234", "ABC234", " abc 234 ", "abc-234", "ABC - 234", "a-b-c-2-3-4",
     "abc\u2013234", "abc\u00a0234", "\tabc234\n"],
)
def test_normalise_is_lenient_about_case_and_separators(typed):
    assert normalise_code(typed) == "ABC234"


@pytest.mark.parametrize(
    "typed",
    ["", "abc23", "abc2345", "abc 0de", "ABCO23", "ABC123", "ABCI23", "abcl23",
     "ab_234", "ab.234", "abc23\u00df", "\uff21BC234", None, 123456, "A" * 1000],
)
def test_normalise_rejects_what_is_not_a_code(typed):
    assert normalise_code(typed) is None


def test_is_valid_code_is_strict():
    assert is_valid_code("ABC234")
    assert not is_valid_code("abc234")
    assert not is_valid_code("ABC-234")
    assert not is_valid_code(None)


def test_new_code_retries_on_collision():
    seen = []

    def is_taken(code):
        seen.append(code)
        return len(seen) < 4

    code = new_code(is_taken)
    assert len(seen) == 4
    assert code == seen[-1]


def test_new_code_gives_up():
    calls = itertools.count()

    def always(code):
        next(calls)
        return True

    with pytest.raises(RuntimeError):
        new_code(always, attempts=5)
    assert next(calls) == 5
    with pytest.raises(ValueError):
        new_code(always, attempts=0)
