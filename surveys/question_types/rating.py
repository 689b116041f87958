"""Rating on a short whole-number scale (1 to 5 by default, 0 to 10 allowed).

The scale is capped at 0..10 because longer scales stop meaning anything to the person
answering, and every point is tallied (zeros included) so the chart shows the shape of the
scale rather than only the points somebody happened to choose.
"""

from __future__ import annotations

import statistics

from surveys.question_types._base import (
    BOTH,
    QuestionType,
    answered,
    answered_groups,
    definition_label,
    definition_number,
    mean,
    weighted_mean,
    weighted_median,
    parse_whole_number,
)
from surveys.question_types._options import option_tally, option_tally_groups

SCALE_FLOOR = 0
SCALE_CEILING = 10


class Rating(QuestionType):
    name = "rating"
    label = "Rating"
    contexts = BOTH
    keys = frozenset({"min", "max", "min_label", "max_label"})
    operators = frozenset({"equals", "not_equals", "in", "gte", "lte", "answered"})

    def normalise_extra(self, raw, out, errors):
        low = definition_number(raw, "min", errors, whole=True)
        high = definition_number(raw, "max", errors, whole=True)
        low = 1 if low is None else low
        high = 5 if high is None else high
        if not SCALE_FLOOR <= low <= SCALE_CEILING:
            errors["min"] = f"The lowest point must be from {SCALE_FLOOR} to {SCALE_CEILING}"
        elif not SCALE_FLOOR <= high <= SCALE_CEILING:
            errors["max"] = f"The highest point must be from {SCALE_FLOOR} to {SCALE_CEILING}"
        elif low >= high:
            errors["max"] = "The highest point must be more than the lowest"
        out["min"], out["max"] = low, high
        for key in ("min_label", "max_label"):
            text = definition_label(raw, key, errors)
            if text:
                out[key] = text

    def required_message_for(self, definition):
        return f"Choose a number from {definition['min']} to {definition['max']}"

    def clean_answer(self, definition, value):
        low, high = definition["min"], definition["max"]
        number = parse_whole_number(value)
        if number is None or not low <= number <= high:
            self.fail(definition, f"Enter a whole number between {low} and {high}")
        return number

    def tally(self, definition, values):
        points = range(definition["min"], definition["max"] + 1)
        given = answered(values)
        result = option_tally(list(points), given)
        on_scale = [v for v in given if v in result["counts"]]
        result["mean"] = mean(on_scale)
        result["median"] = statistics.median(on_scale) if on_scale else None
        return result

    def tally_groups(self, definition, groups):
        points = range(definition["min"], definition["max"] + 1)
        given = answered_groups(groups)
        result = option_tally_groups(list(points), given)
        on_scale = [(v, n) for v, n in given if v in result["counts"]]
        result["mean"] = weighted_mean(on_scale)
        result["median"] = weighted_median(on_scale)
        return result

    def label_for(self, definition, key):
        if key == definition["min"] and definition.get("min_label"):
            return f"{key} ({definition['min_label']})"
        if key == definition["max"] and definition.get("max_label"):
            return f"{key} ({definition['max_label']})"
        return str(key)

    # -- surveys: forms, exports, results --------------------------------------------------

    field_renderer = "radios"
    reveals = "one"

    def hint(self, definition):
        low, high = definition["min"], definition["max"]
        low_label, high_label = definition.get("min_label"), definition.get("max_label")
        return (f"{low}" + (f" ({low_label})" if low_label else "") + f" to {high}"
                + (f" ({high_label})" if high_label else ""))

    def choices(self, definition):
        low, high = definition["min"], definition["max"]
        low_label, high_label = definition.get("min_label"), definition.get("max_label")
        return [(str(n), f"{n}" + (f" – {low_label}" if n == low and low_label else "")
                 + (f" – {high_label}" if n == high and high_label else ""))
                for n in range(low, high + 1)]


    # -- live polls ------------------------------------------------------------------------

    renderer = "choice"
    live_keys = ("min", "max", "min_label", "max_label")
    form_keys = ("min", "max", "min_label", "max_label")
    live_description = "A number on a scale, for example 1 to 5"

    def live_label(self, definition):
        return f"Rating from {definition['min']} to {definition['max']}"

    def live_hint(self, definition):
        return f"Choose a number from {definition['min']} to {definition['max']}"

    def live_choices(self, definition):
        return [{"value": point, "label": self.label_for(definition, point)}
                for point in range(definition["min"], definition["max"] + 1)]

    def evidence_sentence(self, definition, tally):
        if tally.get("mean") is None:
            return ""
        return f" Average rating {tally['mean']:g} on a scale of {definition['min']} to {definition['max']}."


TYPE = Rating()
