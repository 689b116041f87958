"""Yes / No / Maybe.

Stored as the lower-case words so branching rules, exports and the appetite totals compare
one spelling; what residents see ("Yes") is a label. "Maybe" is kept as its own answer rather
than folded into "No": in the collaborative appetite tool it is the signal worth discussing.
"""

from __future__ import annotations

from surveys.question_types._options import OneOfOptions

VALUES = ("yes", "no", "maybe")
LABELS = {"yes": "Yes", "no": "No", "maybe": "Maybe"}


class YesNoMaybe(OneOfOptions):
    name = "yes_no_maybe"
    label = "Yes, no or maybe"

    def options(self, definition):
        return list(VALUES)

    def clean_answer(self, definition, value):
        if isinstance(value, str) and value.strip().lower() in VALUES:
            return value.strip().lower()
        self.fail(definition, "Choose yes, no or maybe")

    def label_for(self, definition, key):
        return LABELS.get(key, str(key))


TYPE = YesNoMaybe()
