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

    # -- surveys: forms, exports, results --------------------------------------------------

    field_renderer = "radios"
    inline_choices = True
    totals_by_metric = True

    def choices(self, definition):
        return [(value, LABELS[value]) for value in VALUES]

    def display_answer(self, definition, value):
        if isinstance(value, str) and value:
            return value.capitalize()
        return super().display_answer(definition, value)

    def export_cell(self, definition, value):
        if value is not None and not isinstance(value, (list, tuple)):
            return self.label_for(definition, value)
        return super().export_cell(definition, value)


TYPE = YesNoMaybe()
