"""About you: optional questions about the person answering, to check who has been heard.

Each one must say ``why`` it is asked (shown to residents), and is always optional, whatever
the definition says: people should never have to describe themselves to have their say, and
asking only what has a stated purpose keeps the data minimal. The categories are the ones the
representativeness check compares against population shares.

Area options must be given, because areas are local; the other categories have defaults so
commissioners use the same groups across surveys and results can be compared.
"""

from __future__ import annotations

from collections.abc import Mapping

from surveys.question_types._base import TEXT_MAX
from surveys.question_types._options import OneOfOptions, normalise_options

DEFAULT_OPTIONS = {
    "respondent_group": ["Resident", "Carer", "Member of staff", "Community leader", "Other"],
    "age_band": [
        "Under 18",
        "18 to 24",
        "25 to 34",
        "35 to 44",
        "45 to 54",
        "55 to 64",
        "65 to 74",
        "75 or over",
        "Prefer not to say",
    ],
}
CATEGORIES = ("area", "respondent_group", "age_band")
#: As long as a commission's population group name may be.
GROUP_NAME_MAX = 120


class AboutYou(OneOfOptions):
    name = "about_you"
    label = "About you"
    keys = frozenset({"category", "why", "options", "groups"})
    always_optional = True

    def describes_respondent(self, definition):
        return definition.get("category") or "about_you"

    def normalise_extra(self, raw, out, errors):
        category = raw.get("category")
        if category not in CATEGORIES:
            errors["category"] = "Choose what this asks about: area, respondent_group or age_band"
        else:
            out["category"] = category
        why = raw.get("why")
        if not isinstance(why, str) or not why.strip():
            errors["why"] = "Say why you are asking this, so people can decide whether to answer"
        elif len(why.strip()) > TEXT_MAX:
            errors["why"] = f"The reason must be {TEXT_MAX} characters or fewer"
        else:
            out["why"] = why.strip()
        options = raw.get("options")
        if options is None:
            if category == "area":
                errors["options"] = "Give the areas people can choose from"
            options = DEFAULT_OPTIONS.get(category)
        out["options"] = normalise_options(options, errors) if options is not None else []
        groups = _groups(raw.get("groups"), out["options"], errors)
        if groups:
            out["groups"] = groups

    # -- surveys: forms, exports, results --------------------------------------------------

    field_renderer = "radios"
    segments_respondents = True
    maps_to_groups = True
    hint_says_optional = True

    def hint(self, definition):
        return f"Optional. {definition.get('why')}"


def _groups(raw, options, errors) -> dict[str, str]:
    """``{option: population group name}``, in the options' order; which names the commission
    has is checked where the commission is known (``surveys.lifecycle``, ``surveys.builder``)."""
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        errors["groups"] = "Give the groups as option and group name pairs"
        return {}
    out = {}
    for option, group in raw.items():
        if option not in options:
            errors["groups"] = f'"{option}" is not one of the options'
        elif group is None or group == "":
            continue
        elif not isinstance(group, str) or len(group.strip()) > GROUP_NAME_MAX:
            errors["groups"] = f"Give each group's name as text of {GROUP_NAME_MAX} characters or fewer"
        else:
            out[option] = group.strip()
    return {o: out[o] for o in options if o in out}


TYPE = AboutYou()
