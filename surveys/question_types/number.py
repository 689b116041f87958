"""Number: any finite number, optionally between ``min`` and ``max``.

The tally groups answers into at most about ten buckets with round edges (1, 2 or 5 times a
power of ten) so a bar chart of, say, "hours of care a week" is readable without a
statistician choosing the bins; the exact mean, median, lowest and highest are given too.
"""

from __future__ import annotations

import bisect
import math
import statistics

from surveys.question_types._base import (
    NUMBER_LIMIT,
    QuestionType,
    answered,
    answered_groups,
    definition_number,
    fmt_number,
    mean,
    parse_number,
    percentages,
    weighted_mean,
    weighted_median,
)

MAX_BUCKETS = 10


class Number(QuestionType):
    name = "number"
    label = "Number"
    keys = frozenset({"min", "max"})
    operators = frozenset({"equals", "not_equals", "in", "gte", "lte", "answered"})
    required_message = "Enter a number"

    def normalise_extra(self, raw, out, errors):
        low = definition_number(raw, "min", errors)
        high = definition_number(raw, "max", errors)
        if low is not None and high is not None and low >= high:
            errors["max"] = "The highest number allowed must be more than the lowest"
        if low is not None:
            out["min"] = low
        if high is not None:
            out["max"] = high

    def clean_answer(self, definition, value):
        number = parse_number(value)
        if number is None:
            self.fail(definition, "Enter a number")
        low, high = definition.get("min"), definition.get("max")
        out_of_range = (low is not None and number < low) or (high is not None and number > high)
        if out_of_range or abs(number) >= NUMBER_LIMIT:
            if low is not None and high is not None:
                self.fail(
                    definition, f"Enter a number between {fmt_number(low)} and {fmt_number(high)}"
                )
            if low is not None:
                self.fail(definition, f"Enter a number that is {fmt_number(low)} or more")
            if high is not None:
                self.fail(definition, f"Enter a number that is {fmt_number(high)} or less")
            self.fail(definition, "Enter a smaller number")
        return number

    def tally(self, definition, values):
        given = answered(values)
        low = definition.get("min", min(given) if given else None)
        high = definition.get("max", max(given) if given else None)
        counts: dict[str, int] = {}
        buckets: list[dict] = []
        if low is not None and high is not None:
            buckets = make_buckets(low, high, whole=_all_whole([low, high, *given]))
            counts = {b["label"]: 0 for b in buckets}
            lows = [b["low"] for b in buckets]
            for value in given:
                index = min(max(bisect.bisect_right(lows, value) - 1, 0), len(buckets) - 1)
                counts[buckets[index]["label"]] += 1
        return {
            "counts": counts,
            "total": len(given),
            "percentages": percentages(counts, len(given)),
            "buckets": buckets,
            "mean": mean(given),
            "median": statistics.median(given) if given else None,
            "min": min(given) if given else None,
            "max": max(given) if given else None,
        }

    def tally_groups(self, definition, groups):
        given = answered_groups(groups)
        values = [v for v, _ in given]
        total = sum(n for _, n in given)
        low = definition.get("min", min(values) if values else None)
        high = definition.get("max", max(values) if values else None)
        counts: dict[str, int] = {}
        buckets: list[dict] = []
        if low is not None and high is not None:
            buckets = make_buckets(low, high, whole=_all_whole([low, high, *values]))
            counts = {b["label"]: 0 for b in buckets}
            lows = [b["low"] for b in buckets]
            for value, n in given:
                index = min(max(bisect.bisect_right(lows, value) - 1, 0), len(buckets) - 1)
                counts[buckets[index]["label"]] += n
        return {
            "counts": counts,
            "total": total,
            "percentages": percentages(counts, total),
            "buckets": buckets,
            "mean": weighted_mean(given),
            "median": weighted_median(given),
            "min": min(values) if values else None,
            "max": max(values) if values else None,
        }

    # -- surveys: forms, exports, results --------------------------------------------------

    field_renderer = "number_input"

    def hint(self, definition):
        low, high = definition.get("min"), definition.get("max")
        return ("Enter a number" + (f" from {low}" if low is not None else "")
                + (f" up to {high}" if high is not None else "") + ".")


def make_buckets(low: float, high: float, *, whole: bool) -> list[dict]:
    """Round-edged buckets covering ``low``..``high``; each is {"label", "low", "high"} inclusive."""
    if whole:
        low, high = int(low), int(high)
        if high - low + 1 <= MAX_BUCKETS:
            return [{"label": str(v), "low": v, "high": v} for v in range(low, high + 1)]
        width = max(1, int(_nice_ceil((high - low) / MAX_BUCKETS)))
        start = (low // width) * width
        out = []
        while start <= high:
            out.append(
                {
                    "label": f"{start} to {start + width - 1}",
                    "low": start,
                    "high": start + width - 1,
                }
            )
            start += width
        if len(out) > 1 and out[-1]["low"] == high:
            # 0..100 would otherwise end with a lonely "100 to 109" bar; "90 to 100" reads better.
            out.pop()
            out[-1].update(label=f"{out[-1]['low']} to {high}", high=high)
        return out
    single = [
        {
            "label": fmt_number(low) if low == high else f"{fmt_number(low)} to {fmt_number(high)}",
            "low": low,
            "high": high,
        }
    ]
    if high - low <= max(abs(low), abs(high)) * 1e-9 or (high - low) / MAX_BUCKETS <= 0:
        # Too narrow to split in printable steps (or equal): one bar is the honest chart.
        return single
    width = _nice_ceil((high - low) / MAX_BUCKETS)
    start = math.floor(low / width) * width
    while _tidy(start) > low:  # division noise can land just above ``low``
        start -= width
    n = max(1, math.ceil((high - start) / width - 1e-9))
    while _tidy(start + n * width) < high:  # ... or leave ``high`` just outside
        n += 1
    edges = [_tidy(start + i * width) for i in range(n + 1)]
    out = []
    for i in range(n):
        last = i == n - 1
        a, b = edges[i], edges[i + 1]
        label = (
            f"{fmt_number(a)} to {fmt_number(b)}"
            if last
            else f"{fmt_number(a)} to under {fmt_number(b)}"
        )
        out.append({"label": label, "low": a, "high": b})
    if len({b["label"] for b in out}) != len(out):
        return single
    return out


def _nice_ceil(x: float) -> float:
    """The smallest 1, 2 or 5 times a power of ten that is at least ``x``."""
    exponent = math.floor(math.log10(x))
    for m in (1, 2, 5, 10):
        width = m * 10.0**exponent
        if width >= x * (1 - 1e-12):
            return _tidy(width)
    raise AssertionError("unreachable")  # pragma: no cover


def _tidy(x: float) -> float:
    """Drop binary noise (0.30000000000000004) so edges print as people write them."""
    return float(f"{x:.12g}")


def _all_whole(values) -> bool:
    return all(isinstance(v, int) for v in values)


TYPE = Number()
