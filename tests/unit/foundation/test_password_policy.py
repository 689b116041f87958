"""Trivial and common passwords are refused, offline (issue 12 point 11, ASVS 2.1.7)."""
from __future__ import annotations

import pytest

from commissioning_steps.passwords import password_problem


@pytest.mark.parametrize("password", [
    "aaaaaaaaaaaa", " " * 12, "\t" * 14, "password1234", "qwertyuiop12", "123456789012",
    "abcdefghijkl", "Password1234!", "letmein12345", "iloveyou2026", "short",
])
def test_trivial_and_common_passwords_are_refused(password):
    assert password_problem(password) is not None


def test_the_account_s_own_email_and_name_are_refused():
    assert password_problem("alice@example.org", ["alice@example.org", "Alice Liddell"]) is not None
    assert password_problem("aliceliddell1", ["alice@example.org", "Alice Liddell"]) is not None


@pytest.mark.parametrize("password", ["correct horse battery staple", "a long enough password",
                                      "tangerine-violin-harbour-47", "x" * 10 + "Qk#8vT!pZr2m"])
def test_strong_passwords_are_accepted(password):
    assert password_problem(password) is None


def test_very_long_passwords_are_checked_and_bounded():
    assert password_problem("tangerine-violin-harbour-47 " * 3) is None  # past zxcvbn's 72
    assert password_problem("z" * 129) is not None
