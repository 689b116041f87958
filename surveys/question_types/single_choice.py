"""Single choice: pick one option, optionally "Other, please say".

"Other" answers are stored as the resident's own words, not as a flag plus text, so one value
per question is enough everywhere (storage, branching, exports). The tally groups them under
"Other" and keeps the words, because reading them is the point of offering "Other".
"""

from __future__ import annotations

from surveys.question_types._base import answered_groups, definition_bool
from surveys.question_types._options import (
    OPTION_MAX,
    OneOfOptions,
    match_option,
    normalise_options,
    option_tally,
    option_tally_groups,
)

OTHER = "Other"
#: The radio value of "Other, please say" on the form; the words go in ``<id>-other``.
FORM_OTHER = "__other__"


class SingleChoice(OneOfOptions):
    name = "single_choice"
    label = "Single choice"
    keys = frozenset({"options", "other"})

    def normalise_extra(self, raw, out, errors):
        out["options"] = normalise_options(raw.get("options"), errors)
        out["other"] = definition_bool(raw, "other", False, errors)
        if out["other"] and any(o.casefold() == OTHER.casefold() for o in out["options"]):
            errors["options"] = (
                'Remove the "Other" option: "other" already adds one where people can say more'
            )

    def clean_answer(self, definition, value):
        option = match_option(definition["options"], value)
        if option is not None:
            return option
        if definition.get("other") and isinstance(value, str) and value.strip():
            text = value.strip()
            if "\x00" in text:
                self.fail(definition, "Answer contains a character that cannot be saved")
            if len(text) > OPTION_MAX:
                self.fail(definition, f"Other answer must be {OPTION_MAX} characters or fewer")
            return text
        self.fail(definition, "Choose one of the options")

    def tally(self, definition, values):
        options = list(definition["options"])
        if not definition.get("other"):
            return option_tally(options, values)
        other_texts: list[str] = []

        def key_of(value):
            if value in options:
                return value
            other_texts.append(value)
            return OTHER

        result = option_tally(options + [OTHER], values, key_of)
        result["other_texts"] = other_texts
        return result

    def tally_groups(self, definition, groups):
        options = list(definition["options"])
        if not definition.get("other"):
            return option_tally_groups(options, groups)
        groups = answered_groups(groups)
        other_texts = [v for v, n in groups if v not in options for _ in range(n)]
        result = option_tally_groups(options + [OTHER], groups, lambda v: v if v in options else OTHER)
        result["other_texts"] = other_texts
        return result

    def residents_words(self, definition, value):
        if definition.get("other") and isinstance(value, str) and value not in definition["options"]:
            return [("other", value)]
        return []

    # -- surveys: forms, exports, results --------------------------------------------------

    field_renderer = "radios"

    def read_form(self, definition, form, answers, errors):
        qid = definition["id"]
        if form.get(qid) != FORM_OTHER:
            return super().read_form(definition, form, answers, errors)
        answers[qid] = form.get(f"{qid}-other", "").strip() or None
        if answers[qid] is None:
            errors[qid] = "Say what your other answer is"

    def form_state(self, definition, value):
        state = super().form_state(definition, value)
        if isinstance(value, str) and value and value not in definition.get("options", []):
            state.update(value=FORM_OTHER, other=value)
        return state


TYPE = SingleChoice()
