"""Keeping contact details out of the evidence log (pure function, no database)."""
from __future__ import annotations

import pytest

from commissioning_steps.evidence import personal_details_problem


@pytest.mark.parametrize("value", [
    "write to jane.doe@example.org",
    "JANE@EXAMPLE.CO.UK",
    "call 07700 900123",
    "call 07700-900-123",
    "call +44 7700 900123",
    "landline 020 7946 0018",
    {"contact": "jane@example.org"},
    {"jane@example.org": "as a key"},
    {"people": [{"phone": "07700900123"}]},
    ["fine", ["still fine", "ring 07700900123"]],
])
def test_contact_details_are_found(value):
    assert personal_details_problem(value)


@pytest.mark.parametrize("value", [
    "Twelve residents came; 1200 leaflets went out in 2024",
    "Meet @ the library at 10:30",
    "Reference 12345678",
    {"attendance": 12, "url": "https://example.org/minutes.pdf"},
    [1, 2.5, None, True],
    "",
])
def test_ordinary_text_passes(value):
    assert personal_details_problem(value) is None


def test_email_message_and_phone_message_differ():
    assert "email address" in personal_details_problem("a@example.org")
    assert "phone number" in personal_details_problem("07700 900123")


def test_email_pattern_is_bounded_so_long_text_cannot_make_it_quadratic():
    """An unbounded local part made the scan quadratic on long text with no '@' (seconds of CPU
    per request). The bound is behaviour we can see: a 'local part' longer than any real one
    (RFC 5321 caps it at 64) is not taken as an address, while a real address still is.
    The cost itself is measured in bench/, not asserted here."""
    assert personal_details_problem("x" * 64 + "@example.org") is not None
    from commissioning_steps.evidence import _EMAIL

    match = _EMAIL.search("x" * 200 + "@example.org")
    assert match is not None and len(match.group(0).split("@")[0]) == 64
    assert _EMAIL.pattern.count("{1,64}") == 1
    assert personal_details_problem("y" * 20000) is None
    assert personal_details_problem({"k": "a.b-c" * 4000}) is None
