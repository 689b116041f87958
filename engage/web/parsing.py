"""Reading the free-form lists on the commission form (one item per line).

Textareas keep the form usable without JavaScript and on a phone; the cost is parsing, done
here with messages that say which line is wrong.
"""
from __future__ import annotations

import re

from commissioning_steps.errors import Invalid

_GROUP = re.compile(r"^(?P<name>.+?)\s*[:=,]\s*(?P<share>\d+(?:\.\d+)?)\s*%?$")


def parse_lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def parse_groups(text: str | None) -> list[tuple[str, float]]:
    groups = []
    for number, line in enumerate(parse_lines(text), start=1):
        match = _GROUP.match(line)
        if not match:
            raise Invalid({"population_groups": f"Line {number} should be a group name, a colon and a "
                                                f"percentage, like “Carers: 15”"})
        groups.append((match["name"].strip(), float(match["share"])))
    return groups


def format_groups(groups) -> str:
    return "\n".join(f"{g.name}: {g.target_share:g}" for g in groups)
