"""Who answered, compared with who lives here.

Commissioners set the share of the population each group makes up (from the census or a
service's own records); the about-you answers give how many people in each group responded.
A group is *under-represented* when its share of respondents is less than ``threshold`` times
(by default 80% of) its share of the population. The rule is relative rather than a fixed
number of percentage points so that small groups are judged fairly: a group that is 5% of the
population but 2% of respondents is badly under-heard even though the gap is only 3 points.
80% follows the "four-fifths" rule of thumb used for adverse impact; it is a parameter because
a commission may agree a stricter or looser line with its partners.

Groups with respondents but no target ("Prefer not to say") are listed with no target and are
never flagged. With no respondents at all every share is 0, so every group with a target above
zero is flagged: nobody has been heard yet, which is exactly what the flag is for.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from surveys.errors import DefinitionError

__all__ = ["DEFAULT_THRESHOLD", "representativeness"]

DEFAULT_THRESHOLD = 0.8
_TOLERANCE = 1e-9


def representativeness(
    targets: Mapping[str, float],
    respondents: Mapping[str, int],
    threshold: float = DEFAULT_THRESHOLD,
) -> dict[str, Any]:
    """Compare respondent shares with target shares, group by group.

    ``targets``: group -> share of the population, a fraction from 0 to 1; together at most 1
    (the rest is people in groups nobody asked about). ``respondents``: group -> count.

    Returns ``{"rows": [...], "totals": {...}, "threshold": t}``. Each row has ``group``,
    ``target_share`` and ``actual_share`` (fractions, actual to 4 dp), ``respondents``,
    ``difference`` (actual minus target, in percentage points, 1 dp) and ``under_represented``.
    Target groups come first in the order given, then groups that only have respondents.
    """
    _check(targets, respondents, threshold)
    total = sum(respondents.values())
    rows: list[dict[str, Any]] = []
    for group in [*targets, *(g for g in respondents if g not in targets)]:
        count = respondents.get(group, 0)
        actual = count / total if total else 0.0
        target = targets.get(group)
        rows.append(
            {
                "group": group,
                "target_share": target,
                "respondents": count,
                "actual_share": round(actual, 4),
                "difference": None if target is None else round(100.0 * (actual - target), 1),
                "under_represented": target is not None
                and actual < threshold * target - _TOLERANCE,
            }
        )
    return {
        "rows": rows,
        "totals": {
            "target_share": round(math.fsum(targets.values()), 4),
            "respondents": total,
            "actual_share": (
                round(
                    sum(r["respondents"] for r in rows if r["target_share"] is not None) / total, 4
                )
                if total
                else 0.0
            ),
            "under_represented": sum(1 for r in rows if r["under_represented"]),
        },
        "threshold": threshold,
    }


def _check(targets, respondents, threshold) -> None:
    errors: dict[str, str] = {}
    if not isinstance(targets, Mapping):
        raise DefinitionError({"targets": "Give the target shares as group and share pairs"})
    if not isinstance(respondents, Mapping):
        raise DefinitionError(
            {"respondents": "Give the respondent counts as group and count pairs"}
        )
    for group, share in targets.items():
        if isinstance(share, bool) or not isinstance(share, (int, float)) or not 0 <= share <= 1:
            errors[f"targets.{group}"] = (
                "Enter the share as a fraction from 0 to 1, for example 0.25 for 25%"
            )
    if not errors and math.fsum(targets.values()) > 1 + _TOLERANCE:
        errors["targets"] = "The target shares add up to more than 1 (100%)"
    for group, count in respondents.items():
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            errors[f"respondents.{group}"] = (
                "Enter the number of respondents as a whole number, 0 or more"
            )
    if (
        isinstance(threshold, bool)
        or not isinstance(threshold, (int, float))
        or not 0 < threshold <= 1
    ):
        errors["threshold"] = "Enter the threshold as a fraction above 0 and up to 1"
    if errors:
        raise DefinitionError(errors)
