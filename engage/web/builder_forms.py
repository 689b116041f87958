"""The question builder's form: its fields to a question definition and back, and the domain's
errors in the words the form uses (issue 8 point 11).

The registry names a question's settings by key (``"category" is not a setting of a free text
question``), which suits the API. On the page a commissioner only knows the fields' labels, so
every message is put in those words here: a setting the chosen type does not use names the field
("A free text question does not use “What an about-you question asks about”"), and a key in a
message becomes the field's label. Conditions come back from the builder already in words.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from surveys.question_types import get_type
from surveys.question_types._base import COMMON_KEYS
from surveys.errors import DefinitionError

#: The form's fields and their labels, as the builder page shows them (the template reads these).
LABELS = {
    "type": "Type of question",
    "text": "Question",
    "help": "Hint (optional)",
    "options": "Options, one per line",
    "required": "Residents must answer this question",
    "min": "Lowest value",
    "max": "Highest value, or most choices",
    "min_label": "Label for the lowest rating",
    "max_label": "Label for the highest rating",
    "max_length": "Most characters",
    "other": "Offer “Other, please say”",
    "category": "What an about-you question asks about",
    "why": "Why you ask it",
    "section": "Page",
    "show_question": "Show only when the answer to",
    "show_operator": "Condition",
    "show_value": "Value",
}
FIELDS = tuple(LABELS)
#: The definition's settings each field fills.
SETTING_FIELDS = ("help", "options", "required", "min", "max", "min_label", "max_label", "max_length", "other",
                  "category", "why")
#: Messages for a field whose registry message names keys or values only a developer knows.
FIELD_MESSAGES = {
    "category": "Choose what the about-you question asks about",
}
_KEYISH = re.compile(r"\b[a-z]+_[a-z_]+\b")


def _number(value: str | None):
    value = (value or "").strip()
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        try:
            return float(value)
        except ValueError:
            return value  # the registry says it is not a number; page_errors words it


def question_from_form(form: Mapping[str, str]) -> dict[str, Any]:
    """The builder's fields as a question definition; the registry decides if it is right."""
    raw: dict[str, Any] = {"type": form.get("type", ""), "text": form.get("text", "")}
    if form.get("help", "").strip():
        raw["help"] = form["help"]
    if form.get("required") == "yes":
        raw["required"] = True
    options = [line.strip() for line in form.get("options", "").splitlines() if line.strip()]
    if options:
        raw["options"] = options
    for key in ("min", "max", "max_length"):
        number = _number(form.get(key))
        if number is not None:
            raw[key] = number
    for key in ("min_label", "max_label", "why"):
        if form.get(key, "").strip():
            raw[key] = form[key].strip()
    if form.get("category"):
        raw["category"] = form["category"]
    if form.get("other") == "yes":
        raw["other"] = True
    if form.get("show_question"):
        operator = form.get("show_operator") or "equals"
        value = form.get("show_value", "").strip()
        cond_value = True if operator == "answered" else (
            [v.strip() for v in re.split(r"[,\n]", value) if v.strip()] if operator == "in" else
            (_number(value) if operator in ("gte", "lte") else value))
        raw["show_if"] = {"question": form["show_question"], operator: cond_value}
    return raw


def form_from_question(q: Mapping[str, Any]) -> dict[str, str]:
    """A stored question as the builder's fields show it, to change it."""
    form = {"type": q.get("type", ""), "text": q.get("text", ""), "help": q.get("help", ""),
            "options": "\n".join(q.get("options", [])) if q.get("options") and _shows_options(q) else "",
            "required": "yes" if q.get("required") else ""}
    for key in ("min", "max", "max_length", "min_label", "max_label", "why", "category"):
        if q.get(key) is not None:
            form[key] = str(q[key])
    if q.get("other"):
        form["other"] = "yes"
    cond = q.get("show_if")
    if cond:
        op = next(k for k in cond if k != "question")
        value = cond[op]
        form.update(show_question=cond["question"], show_operator=op,
                    show_value="" if op == "answered" else
                    (", ".join(str(v) for v in value) if isinstance(value, list) else str(value)))
    return form


def _shows_options(q: Mapping[str, Any]) -> bool:
    """Options the commissioner typed (an agreement scale's standard answers are not)."""
    try:
        return "options" in get_type(q.get("type")).keys and q.get("type") != "agreement"
    except DefinitionError:
        return True


def _article(label: str) -> str:
    word = label.lower()
    return ("An " if word[:1] in "aeiou" else "A ") + word


def page_errors(fields: Mapping[str, str], raw: Mapping[str, Any],
                questions: Mapping[str, Mapping[str, Any]]) -> dict[str, str]:
    """The builder service's errors, keyed by the form's fields and in the form's words.

    ``raw`` is what the form sent (``question_from_form``); ``questions`` the survey's questions
    by id, to tell an operator that does not suit a question from a value that is not an answer.
    """
    try:
        qtype = get_type(raw.get("type"))
        accepted = qtype.keys | COMMON_KEYS
    except DefinitionError:
        qtype, accepted = None, None
    out: dict[str, str] = {}
    for path, message in fields.items():
        key, _, rest = path.partition(".")
        if key == "show_if":
            cond = raw.get("show_if") or {}
            op = rest if rest and rest != "question" else None
            ref = questions.get(cond.get("question"))
            if op and ref is not None and op not in get_type(ref["type"]).allowed_operators(ref):
                out.setdefault("show_operator", message)
            elif op:
                out.setdefault("show_value", message)
            else:
                out.setdefault("show_question", message)
        elif key == "options" and rest.isdigit():
            n = int(rest) + 1
            out.setdefault("options", re.sub(r"^(This option|Option)", f"Option {n}", message))
        elif key in SETTING_FIELDS and accepted is not None and key not in accepted:
            out.setdefault(key, f"{_article(qtype.label)} question does not use “{LABELS[key]}”: "
                                "leave it empty, or choose another type of question")
        elif key in SETTING_FIELDS or key in ("type", "text", "section"):
            label = LABELS[key].replace(" (optional)", "")
            worded = message.replace(f'"{key}"', f"“{label}”").replace(f"for {key}", f"for “{label}”")
            if key == "type" and '"' in worded:
                worded = "Choose a type of question from the list"
            if _KEYISH.search(worded):
                worded = FIELD_MESSAGES.get(key, f"Check “{label}”")
            out.setdefault(key, worded)
        else:
            out.setdefault("text", message)
    return out
