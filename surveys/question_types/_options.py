"""Option lists and one-of-the-options answers, shared by the choice-like types.

Answers store the option's text rather than its position, so a stored answer still reads
correctly in an export, and reordering the options of a draft cannot silently move votes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from surveys.question_types._base import QuestionType, answered, answered_groups, percentages

MIN_OPTIONS = 2
MAX_OPTIONS = 50
OPTION_MAX = 200


def normalise_options(raw: Any, errors: dict[str, str], key: str = "options") -> list[str]:
    """2 to 50 distinct, trimmed, non-empty options of at most 200 characters.

    Duplicates are compared ignoring case, because "Yes" and "yes" as two options would split
    the same view across two bars.
    """
    if raw is None:
        errors[key] = "Give at least two options"
        return []
    if not isinstance(raw, (list, tuple)):
        errors[key] = "Give the options as a list"
        return []
    options: list[str] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(raw):
        if not isinstance(item, str) or not item.strip():
            errors[f"{key}.{i}"] = "Enter the text of this option"
            continue
        text = item.strip()
        if len(text) > OPTION_MAX:
            errors[f"{key}.{i}"] = f"Option must be {OPTION_MAX} characters or fewer"
            continue
        folded = text.casefold()
        if folded in seen:
            errors[f"{key}.{i}"] = f"This option is the same as option {seen[folded] + 1}"
            continue
        seen[folded] = i
        options.append(text)
    if len(raw) < MIN_OPTIONS:
        errors[key] = "Give at least two options"
    elif len(raw) > MAX_OPTIONS:
        errors[key] = f"Give no more than {MAX_OPTIONS} options"
    return options


def match_option(options: Sequence[str], value: Any) -> str | None:
    """The option a submitted value names, or ``None``. Surrounding spaces are ignored."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    return text if text in options else None


def option_tally(keys: Sequence[Any], values: Iterable[Any], key_of=None) -> dict[str, Any]:
    """Counts per key in definition order, the total, percentages of the total and leftovers.

    ``unmatched`` counts stored answers that no longer name a key (for example after an option
    was edited): they stay in ``total`` so the percentages never overstate the known answers.
    """
    counts = {key: 0 for key in keys}
    unmatched = 0
    given = answered(values)
    for value in given:
        key = key_of(value) if key_of else value
        if key in counts:
            counts[key] += 1
        else:
            unmatched += 1
    return {
        "counts": counts,
        "total": len(given),
        "percentages": percentages(counts, len(given)),
        "unmatched": unmatched,
    }


def option_tally_groups(keys: Sequence[Any], groups: Iterable[tuple[Any, int]], key_of=None) -> dict[str, Any]:
    """``option_tally`` over ``(value, n)`` groups: each group counted once, ``n`` times over."""
    counts = {key: 0 for key in keys}
    unmatched = total = 0
    for value, n in answered_groups(groups):
        total += n
        key = key_of(value) if key_of else value
        if key in counts:
            counts[key] += n
        else:
            unmatched += n
    return {"counts": counts, "total": total, "percentages": percentages(counts, total), "unmatched": unmatched}


class OneOfOptions(QuestionType):
    """A type whose answer is one of the definition's ``options``."""

    operators = frozenset({"equals", "not_equals", "in", "answered"})
    required_message = "Choose an answer"
    reveals = "one"

    def options(self, definition: Mapping[str, Any]) -> list[str]:
        return list(definition["options"])

    def clean_answer(self, definition, value):
        option = match_option(self.options(definition), value)
        if option is None:
            self.fail(definition, "Choose one of the options")
        return option

    def tally(self, definition, values):
        return option_tally(self.options(definition), values)

    def tally_groups(self, definition, groups):
        return option_tally_groups(self.options(definition), groups)
