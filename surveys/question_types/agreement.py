"""Agreement (a five-point Likert scale) with fixed wording.

The options are fixed so results can be compared across surveys and steps: a commissioner
cannot reword "Agree" to something that means something else. The mean score (Strongly agree
= 5) is reported alongside the counts because evaluators summarise scales that way, and the
agree/disagree shares because residents read them more easily than a mean.
"""

from __future__ import annotations

from surveys.question_types._base import answered, answered_groups, mean, weighted_mean
from surveys.question_types._options import OneOfOptions, option_tally, option_tally_groups

OPTIONS = (
    "Strongly agree",
    "Agree",
    "Neither agree nor disagree",
    "Disagree",
    "Strongly disagree",
)
SCORES = {text: 5 - i for i, text in enumerate(OPTIONS)}
_FOLDED = {text.casefold(): text for text in OPTIONS}


class Agreement(OneOfOptions):
    name = "agreement"
    label = "Agreement"

    keys = frozenset({"options"})

    def normalise_extra(self, raw, out, errors):
        # The options are written out so renderers need no special case; they cannot be changed.
        given = raw.get("options")
        if given is not None and (
            not isinstance(given, (list, tuple)) or list(given) != list(OPTIONS)
        ):
            errors["options"] = "Agreement questions always use the five standard answers"
        out["options"] = list(OPTIONS)

    def options(self, definition):
        return list(OPTIONS)

    def clean_answer(self, definition, value):
        if isinstance(value, str) and value.strip().casefold() in _FOLDED:
            return _FOLDED[value.strip().casefold()]
        self.fail(definition, "Choose how much you agree")

    def tally(self, definition, values):
        given = answered(values)
        result = option_tally(OPTIONS, given)
        result["mean"] = mean([SCORES[v] for v in given if v in SCORES])
        return _leaning(result)

    def tally_groups(self, definition, groups):
        given = answered_groups(groups)
        result = option_tally_groups(OPTIONS, given)
        result["mean"] = weighted_mean((SCORES[v], n) for v, n in given if v in SCORES)
        return _leaning(result)

    # -- surveys: forms, exports, results --------------------------------------------------

    field_renderer = "radios"


def _leaning(result):
    """How many agree and disagree, as percentages of those who answered."""
    total = result["total"]
    counts = result["counts"]
    result["agree_percent"] = (
        round(100.0 * (counts[OPTIONS[0]] + counts[OPTIONS[1]]) / total, 1) if total else 0.0
    )
    result["disagree_percent"] = (
        round(100.0 * (counts[OPTIONS[3]] + counts[OPTIONS[4]]) / total, 1) if total else 0.0
    )
    return result


TYPE = Agreement()
