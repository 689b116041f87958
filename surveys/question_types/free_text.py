"""Free text (surveys) and open text (live polls): people's own words.

Text is stored exactly as given: no trimming, no HTML stripping. Stripping would change what
a resident said (someone may well write "<3" or quote a tag), and safety belongs where text is
shown, which escapes it. The tally keeps every text in order because reading them is the use.
"""

from __future__ import annotations

from surveys.question_types._base import (
    LISTED,
    POLL,
    QuestionType,
    answered,
    check_text_answer,
    definition_length,
)


class FreeText(QuestionType):
    name = "free_text"
    label = "Free text"
    keys = frozenset({"max_length"})
    required_message = "Enter your answer"
    default_length = 2000
    ceiling = 10000

    def normalise_extra(self, raw, out, errors):
        out["max_length"] = definition_length(
            raw, "max_length", self.default_length, self.ceiling, errors
        )

    def clean_answer(self, definition, value):
        return check_text_answer(
            self, definition, value, definition.get("max_length", self.default_length)
        )

    def tally(self, definition, values):
        texts = answered(values)
        return {"counts": {}, "total": len(texts), "percentages": {}, "texts": list(texts)}

    def chart(self, definition, tally):
        """No bars: the table alternative is the list of texts."""
        return []

    def residents_words(self, definition, value):
        return [(self.name, value)] if isinstance(value, str) and value.strip() else []

    # -- surveys: forms, exports, results --------------------------------------------------

    field_renderer = "character_count"
    lists_answers = True

    def max_length_for(self, definition):
        return definition.get("max_length", self.default_length)


class OpenText(FreeText):
    """Short enough to read on a projector while the room is still talking."""

    name = "open_text"
    label = "Open text"
    contexts = frozenset({POLL})
    default_length = 280
    ceiling = 1000

    # -- live polls ------------------------------------------------------------------------

    renderer = "open_text"
    answers = LISTED
    own_words = True
    moderation = ("hide", "show")
    live_keys = ("max_length",)
    live_description = "A sentence or two each; you can hide answers before the room sees them"

    def live_hint(self, definition):
        return (f"Up to {self.max_length_for(definition)} characters. Do not include names, email addresses "
                "or phone numbers.")


TYPE = FreeText()
OPEN_TEXT = OpenText()
