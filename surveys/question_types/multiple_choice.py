"""Multiple choice, for surveys and live polls alike.

One type covers "choose one" and "choose any" because they share options, tallies and charts;
``multiple: false`` turns it into choose-one (the usual live-poll question) and then the
answer is a single option's text, the same shape as a single choice answer.

Percentages are of people who answered, not of ticks: "40% chose Transport" is what a reader
expects, so with ``multiple`` they can add up to more than 100.
"""

from __future__ import annotations

from surveys.question_types._base import (
    BOTH,
    QuestionType,
    answered,
    answered_groups,
    definition_bool,
    leader_sentence,
    percentages,
)
from surveys.question_types._options import match_option, normalise_options, option_tally, option_tally_groups


class MultipleChoice(QuestionType):
    name = "multiple_choice"
    label = "Multiple choice"
    contexts = BOTH
    keys = frozenset({"options", "multiple", "max"})
    operators = frozenset({"includes", "answered", "equals", "not_equals", "in"})

    required_message = "Choose at least one option"

    def normalise_extra(self, raw, out, errors):
        out["options"] = normalise_options(raw.get("options"), errors)
        out["multiple"] = definition_bool(raw, "multiple", True, errors)
        most = raw.get("max")
        if most is not None:
            if not out["multiple"]:
                errors["max"] = (
                    "Only set a most number of choices when people can choose more than one"
                )
            elif isinstance(most, bool) or not isinstance(most, int) or most < 1:
                errors["max"] = "Enter the most choices allowed as a whole number, 1 or more"
            elif out["options"] and most > len(out["options"]):
                errors["max"] = (
                    f"The most choices allowed cannot be more than the {len(out['options'])} options"
                )
            else:
                out["max"] = most

    def allowed_operators(self, definition):
        """Equality only makes sense when the answer is one option."""
        if definition.get("multiple", True):
            return frozenset({"includes", "answered"})
        return self.operators

    def clean_answer(self, definition, value):
        options = definition["options"]
        if not definition.get("multiple", True):
            if isinstance(value, (list, tuple)):
                if len(value) != 1:
                    self.fail(definition, "Choose one option")
                value = value[0]
            option = match_option(options, value)
            if option is None:
                self.fail(definition, "Choose one of the options")
            return option
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, (list, tuple)):
            self.fail(definition, "Choose from the options given")
        chosen: set[str] = set()
        for item in value:
            option = match_option(options, item)
            if option is None:
                self.fail(definition, "Choose from the options given")
            if option in chosen:
                self.fail(definition, "Choose each option only once")
            chosen.add(option)
        most = definition.get("max")
        if most is not None and len(chosen) > most:
            self.fail(definition, f"Choose no more than {most} option{'' if most == 1 else 's'}")
        # Definition order, so equal choices always store (and export) identically.
        return [option for option in options if option in chosen]

    def tally(self, definition, values):
        options = list(definition["options"])
        if not definition.get("multiple", True):
            return option_tally(options, values)
        counts = {option: 0 for option in options}
        unmatched = 0
        given = answered(values)
        for answer in given:
            for option in answer:
                if option in counts:
                    counts[option] += 1
                else:
                    unmatched += 1
        return {
            "counts": counts,
            "total": len(given),
            "percentages": percentages(counts, len(given)),
            "choices": sum(counts.values()),
            "unmatched": unmatched,
        }

    def tally_groups(self, definition, groups):
        options = list(definition["options"])
        if not definition.get("multiple", True):
            return option_tally_groups(options, groups)
        counts = {option: 0 for option in options}
        unmatched = total = 0
        for answer, n in answered_groups(groups):
            total += n
            for option in answer:
                if option in counts:
                    counts[option] += n
                else:
                    unmatched += n
        return {
            "counts": counts,
            "total": total,
            "percentages": percentages(counts, total),
            "choices": sum(counts.values()),
            "unmatched": unmatched,
        }

    # -- surveys: forms, exports, results --------------------------------------------------

    def field_renderer_for(self, definition):
        return "checkboxes" if definition.get("multiple", True) else "radios"

    def reveals_for(self, definition):
        return "many" if definition.get("multiple", True) else "one"

    def hint(self, definition):
        if not definition.get("multiple", True):
            return None
        most = definition.get("max")
        return f"Choose up to {most}." if most else "Select all that apply."

    def read_form(self, definition, form, answers, errors):
        if definition.get("multiple", True):
            answers[definition["id"]] = form.getlist(definition["id"])
        else:
            super().read_form(definition, form, answers, errors)

    def form_state(self, definition, value):
        state = super().form_state(definition, value)
        if definition.get("multiple", True):
            state["values"] = value if isinstance(value, list) else ([value] if value else [])
        return state

    def describe(self, definition):
        if definition.get("multiple", True):
            return "a multiple choice question that allows several answers"
        return super().describe(definition)


    # -- live polls ------------------------------------------------------------------------

    renderer = "choice"
    live_keys = ("options", "multiple", "max")
    form_keys = ("options", "multiple")
    #: In a room, "pick the one that matters most" is the usual question (surveys: choose any).
    live_defaults = {"multiple": False}
    live_description = "Residents choose one option, or several if you allow it"

    def live_label(self, definition):
        return "Multiple choice, choose any" if definition.get("multiple", True) else "Multiple choice, choose one"

    def live_hint(self, definition):
        if not definition.get("multiple", True):
            return "Choose one"
        most = definition.get("max")
        return "Choose all that apply" + (f" (up to {most})" if most else "")

    def live_choices(self, definition):
        return [{"value": option, "label": option} for option in definition["options"]]

    def evidence_sentence(self, definition, tally):
        return leader_sentence(tally["chart"], "Chosen most")


TYPE = MultipleChoice()
