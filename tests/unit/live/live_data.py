"""Question definitions and small helpers shared by the live-poll service tests."""
from __future__ import annotations

ALL_TYPES = [
    {"type": "multiple_choice", "text": "Which should come first?", "options": ["Playground", "Lighting", "Benches"]},
    {"type": "multiple_choice", "text": "Which do you use?", "options": ["Bus", "Bike", "Car"], "multiple": True},
    {"type": "rating", "text": "How safe do you feel at night?", "min": 1, "max": 5},
    {"type": "word_cloud", "text": "One word for the park today"},
    {"type": "ranking", "text": "Rank these", "options": ["A", "B", "C"]},
    {"type": "open_text", "text": "Anything else?"},
    {"type": "qa", "text": "Questions for the panel"},
]


def question(live, kind: str, multiple: bool | None = None):
    for q in live.questions:
        if q.type == kind and (multiple is None or q.definition.get("multiple") == multiple):
            return q
    raise LookupError(kind)
