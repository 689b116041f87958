"""Ranking: put every option in order.

Answers must rank all options so every ballot carries the same weight in the points. Points
are a Borda count: with k options, first place earns k-1 points and last earns 0, so n ballots
share n*k*(k-1)/2 points. ``counts`` holds the points (what the chart shows), with
first-choice counts and mean positions alongside, because a well-liked second choice and a
divisive favourite can score the same points.
"""

from __future__ import annotations

from surveys.question_types._base import BOTH, QuestionType, answered, answered_groups, leader_sentence, percentages
from surveys.question_types._options import match_option, normalise_options


class Ranking(QuestionType):
    name = "ranking"
    label = "Ranking"
    contexts = BOTH
    keys = frozenset({"options"})
    required_message = "Put the options in order"

    def normalise_extra(self, raw, out, errors):
        out["options"] = normalise_options(raw.get("options"), errors)

    def clean_answer(self, definition, value):
        options = definition["options"]
        if not isinstance(value, (list, tuple)):
            self.fail(definition, f"Put all {len(options)} options in order")
        order: list[str] = []
        for item in value:
            option = match_option(options, item)
            if option is None:
                self.fail(definition, "Put only the options given in order")
            if option in order:
                self.fail(definition, "Use each option only once")
            order.append(option)
        if len(order) != len(options):
            self.fail(definition, f"Put all {len(options)} options in order")
        return order

    def tally(self, definition, values):
        return self.tally_groups(definition, [(ballot, 1) for ballot in answered(values)])

    def tally_groups(self, definition, groups):
        """Points, first choices and mean positions, each distinct ballot counted once, ``n``
        times over (a survey's ballots are few orders repeated many times)."""
        options = list(definition["options"])
        k = len(options)
        points = {option: 0 for option in options}
        first = {option: 0 for option in options}
        position_sums = {option: 0 for option in options}
        position_counts = {option: 0 for option in options}
        ballots = 0
        for ballot, n in answered_groups(groups):
            ballots += n
            for position, option in enumerate(ballot):
                if option not in points:
                    continue
                points[option] += (k - 1 - position) * n
                position_sums[option] += (position + 1) * n
                position_counts[option] += n
            if ballot and ballot[0] in first:
                first[ballot[0]] += n
        return {
            "counts": points,
            "total": ballots,
            "percentages": percentages(points, sum(points.values())),
            "first_choice": first,
            "mean_position": {
                o: round(position_sums[o] / position_counts[o], 2) if position_counts[o] else None
                for o in options
            },
            "order": sorted(options, key=lambda o: (-points[o], options.index(o))),
        }

    def chart(self, definition, tally):
        """Highest points first: the order is the result. ``count`` is points (the bar); how
        many put the option first rides along, because points alone can hide a divisive favourite."""
        percent = tally["percentages"]
        return [
            {"label": o, "count": tally["counts"][o], "percent": percent[o],
             "first_choice": tally["first_choice"][o]}
            for o in tally["order"]
        ]

    # -- surveys: forms, exports, results --------------------------------------------------

    field_renderer = "ranking"
    result_measure = "points"
    result_measure_label = "Points"

    def hint(self, definition):
        return "Give each option a position: 1 for the most important."

    def read_form(self, definition, form, answers, errors):
        """One position select per option (works without JavaScript); all or none."""
        qid = definition["id"]
        positions = {}
        for i, option in enumerate(definition.get("options", [])):
            raw = form.get(f"{qid}-rank-{i}", "")
            if raw:
                positions[option] = raw
        if not positions:
            return
        if len(positions) != len(definition["options"]):
            errors[qid] = "Give every option a position"
        elif len(set(positions.values())) != len(positions):
            errors[qid] = "Give each option a different position"
        else:
            answers[qid] = [o for o, _ in sorted(positions.items(), key=lambda item: int(item[1]))]
            return
        # Not an answer: the positions as chosen, so the page shows them again with its error
        # (a page with a form error is never saved).
        answers[qid] = {"positions": positions}

    def form_state(self, definition, value):
        state = super().form_state(definition, value)
        if isinstance(value, list):
            state["positions"] = {option: str(value.index(option) + 1) for option in value}
        elif isinstance(value, dict):
            state["positions"] = dict(value.get("positions") or {})
        return state

    def display_answer(self, definition, value):
        if isinstance(value, list) and value:
            return _numbered(value)
        return super().display_answer(definition, value)

    def export_cell(self, definition, value):
        if isinstance(value, (list, tuple)):
            return _numbered(value)
        return super().export_cell(definition, value)

    # -- live polls ------------------------------------------------------------------------

    renderer = "ranking"
    live_keys = ("options",)
    form_keys = ("options",)
    live_description = "Residents put every option in order"

    def live_hint(self, definition):
        return "Put the options in order, most important first, with the Move up and Move down buttons."

    def evidence_sentence(self, definition, tally):
        """The most points (a Borda count) lead; equal points are a tie, not a win for
        whichever option happens to be listed first."""
        return leader_sentence(tally["chart"], "Ranked first", ("point", "points"))


def _numbered(order) -> str:
    return "; ".join(f"{i}. {item}" for i, item in enumerate(order, start=1))


TYPE = Ranking()
