import csv
import io
from datetime import datetime, timezone

from surveys.exports import csv_rows, safe_cell

QUESTIONS = [
    {
        "id": "q1",
        "type": "multiple_choice",
        "text": "What do you use?",
        "options": ["Bus", "Train", "Bike"],
    },
    {"id": "q2", "type": "ranking", "text": "Put these in order", "options": ["Cost", "Speed"]},
    {"id": "q3", "type": "yes_no_maybe", "text": "Happy?"},
    {"id": "q4", "type": "free_text", "text": "Anything else?"},
    {"id": "q5", "type": "number", "text": "Miles?"},
    {"id": "q6", "type": "qa", "text": "Ask us"},
]


def rows(questions, responses):
    return list(csv_rows(questions, responses))


def test_header_and_rows():
    got = rows(
        QUESTIONS,
        [
            {
                "answers": {
                    "q1": ["Bus", "Bike"],
                    "q2": ["Speed", "Cost"],
                    "q3": "maybe",
                    "q4": "More trains",
                    "q5": 2.5,
                },
                "submitted_at": datetime(2025, 3, 1, 9, 30, tzinfo=timezone.utc),
                "survey_version": 2,
                "receipt": "SECRET-RECEIPT",
                "id": 991,
            },
            {"answers": {"q5": -3}, "submitted_at": "2025-03-02T10:00:00Z", "survey_version": 2},
        ],
    )
    assert got[0] == [
        "response",
        "submitted_at",
        "survey_version",
        "What do you use?",
        "Put these in order",
        "Happy?",
        "Anything else?",
        "Miles?",
    ]
    assert got[1] == [
        "1",
        "2025-03-01T09:30:00+00:00",
        "2",
        "Bus; Bike",
        "1. Speed; 2. Cost",
        "Maybe",
        "More trains",
        "2.5",
    ]
    assert got[2] == ["2", "2025-03-02T10:00:00Z", "2", "", "", "", "", "-3"]
    flat = "".join("".join(r) for r in got)
    assert "SECRET-RECEIPT" not in flat and "991" not in flat


def test_formula_injection_is_neutralised():
    got = rows(
        QUESTIONS,
        [
            {
                "answers": {
                    "q4": '=HYPERLINK("http://evil.example","Click")',
                    "q1": ["Bus"],
                    "q3": "yes",
                }
            },
            {"answers": {"q4": "+1+1"}},
            {"answers": {"q4": "-2+3"}},
            {"answers": {"q4": "@SUM(A1)"}},
            {"answers": {"q4": "\t=1"}},
            {"answers": {"q4": "fine = ok"}},
        ],
    )
    column = [r[6] for r in got[1:]]
    assert column == [
        '\'=HYPERLINK("http://evil.example","Click")',
        "'+1+1",
        "'-2+3",
        "'@SUM(A1)",
        "'\t=1",
        "fine = ok",
    ]


def test_plain_negative_numbers_stay_numbers():
    assert safe_cell("-3") == "-3" and safe_cell("-2.5") == "-2.5"
    assert safe_cell("-") == "'-" and safe_cell("") == ""


def test_question_texts_are_protected_and_duplicates_told_apart():
    got = rows(
        [
            {"id": "a", "type": "free_text", "text": "=cmd|' /C calc'!A0"},
            {"id": "b", "type": "free_text", "text": "Why?"},
            {"id": "c", "type": "free_text", "text": "Why?"},
        ],
        [],
    )
    assert got == [
        [
            "response",
            "submitted_at",
            "survey_version",
            "'=cmd|' /C calc'!A0",
            "Why? (b)",
            "Why? (c)",
        ]
    ]


def test_sections_and_csv_writer_round_trip():
    sections = [
        {
            "title": "S",
            "questions": [{"id": "q", "type": "free_text", "text": 'Say, "quoted"\nthings'}],
        }
    ]
    buffer = io.StringIO()
    csv.writer(buffer).writerows(csv_rows(sections, [{"answers": {"q": 'a, "b"\nc'}}]))
    parsed = list(csv.reader(io.StringIO(buffer.getvalue())))
    assert parsed == [
        ["response", "submitted_at", "survey_version", 'Say, "quoted"\nthings'],
        ["1", "", "", 'a, "b"\nc'],
    ]
