"""Building a draft survey: questions (add, edit, duplicate, move, remove) and pages (add, rename,
move, remove), and matching an about-you question's answers to the commission's population groups.

These are the survey counterparts of ``surveys.live.sessions.add_question``. Each one works on a
copy of the stored definition, has the whole survey checked again by the registry and the
branching rules (``lifecycle.set_definition``: a condition may only look back, ids stay unique),
bumps the definition's version, refuses once the survey is open or closed (people who already
answered must have answered the survey that is reported: nothing that could change what a stored
answer means is allowed, so no question or page changes at all once open), and publishes one
event naming the question or page. Each is one transaction: it commits, or on any error rolls
back and changes nothing. Matching answers to groups is the one change allowed while a survey
is open: it changes how answers are counted towards representativeness, never what they say.

**Pages** are the survey's sections. A survey without sections shows one question a page; the
first page a commissioner creates holds the questions the survey already has, and later pages
start empty. A draft may keep an empty page while it is being built; opening refuses one.

**Messages name things as the builder page does** (``surveys.wording``): questions by their
text, conditions in words, never an id or a setting's key. Errors about the question being added
or edited are keyed by that question's own settings (``options``, ``show_if.question``), so a
form can put them beside its fields; a problem the change makes for another question keeps the
survey-wide path the registry gave it (``questions.4.show_if``), with a message in words.
"""
from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from commissioning_steps.commissions import Commission
from commissioning_steps.db import transactional
from commissioning_steps.errors import Conflict, Invalid, NotFound
from commissioning_steps.events import publish

from . import branching, lifecycle, wording
from .errors import DefinitionError
from .events import (
    SurveyQuestionAdded,
    SurveyQuestionChanged,
    SurveyQuestionEvent,
    SurveyQuestionMoved,
    SurveyQuestionRemoved,
    SurveySectionAdded,
    SurveySectionChanged,
    SurveySectionEvent,
    SurveySectionMoved,
    SurveySectionRemoved,
)
from .models import CLOSED, Survey
from .question_types import get_type
from .question_types._base import COMMON_KEYS

#: Settings a question keeps when the builder's question form edits it, because the form does not
#: carry them: a template's ``metric`` and the about-you ``groups`` mapping (set on its own page).
KEPT_ON_EDIT = ("metric", "groups")
UP, DOWN = -1, 1


def _items(survey: Survey) -> list[dict[str, Any]]:
    return copy.deepcopy(list(survey.definition or []))


def _sectioned(items: list[dict[str, Any]]) -> bool:
    return any("questions" in item for item in items)


def _locate(items: list[dict[str, Any]], question_id: str) -> tuple[list[dict[str, Any]], int, str]:
    """The list holding the question (the survey, or its section), its index there, and the
    path prefix the registry uses for it."""
    if _sectioned(items):
        for s, section in enumerate(items):
            for i, q in enumerate(section.get("questions", [])):
                if q.get("id") == question_id:
                    return section["questions"], i, f"sections.{s}.questions.{i}"
    else:
        for i, q in enumerate(items):
            if q.get("id") == question_id:
                return items, i, f"questions.{i}"
    raise NotFound("No question with that id in this survey")


def _section_index(items: list[dict[str, Any]], section_id: Any) -> int:
    if _sectioned(items):
        for s, section in enumerate(items):
            if section.get("id") == section_id:
                return s
    raise NotFound("No page with that id in this survey")


def _at(items: list[dict[str, Any]], path: str) -> dict[str, Any] | None:
    """The question (or section) a registry path starts with, in ``items``."""
    match = re.match(r"^(?:sections\.(\d+)\.questions\.(\d+)|questions\.(\d+)|sections\.(\d+))(?:\.|$)", path)
    if not match:
        return None
    s, i, flat, section = match.groups()
    try:
        if s is not None:
            return items[int(s)]["questions"][int(i)]
        if flat is not None:
            return items[int(flat)]
        return items[int(section)]
    except (IndexError, KeyError, TypeError):
        return None


def _new_section_id(items: list[dict[str, Any]]) -> str:
    taken = {s.get("id") for s in items}
    n = len(items) + 1
    while f"s{n}" in taken:
        n += 1
    return f"s{n}"


# -- messages in the page's words ------------------------------------------------------------


def _condition_problem(item: dict[str, Any], items: list[dict[str, Any]], before: dict[str, Any],
                       what: str) -> str:
    """Why ``item``'s condition no longer works after the change, in words. ``before`` holds the
    questions as they were, so the condition still reads as the commissioner wrote it."""
    cond = item.get("show_if") or {}
    after = {q["id"]: (n, q) for n, q in enumerate(branching.flatten(items)) if q.get("id")}
    shown = wording.shown_if_words(item, {**before, **{k: q for k, (_, q) in after.items() if k not in before}})
    lead = f"{what} {wording.quoted(item.get('title') or item.get('text') or '')} is {shown}"
    ref = cond.get("question")
    if ref not in after:
        return f"{lead}: change or remove that condition first"
    own = item.get("id")
    questions = item.get("questions")
    first = questions[0].get("id") if questions else own
    if first in after and after[ref][0] >= after[first][0]:
        return f"{lead}, so it must come after that question"
    return f"{lead}, which would no longer be possible: change or remove that condition first"


def _own_condition_problem(path: str, message: str, question: dict[str, Any], items: list[dict[str, Any]]) -> str:
    """A problem with the condition of the question being added or edited, in words."""
    cond = question.get("show_if") if isinstance(question.get("show_if"), Mapping) else {}
    questions = wording.by_id(branching.flatten(items))
    ref = questions.get(cond.get("question"))
    if path == "show_if.question":
        if ref is None:
            return "Choose one of the earlier questions"
        return message if '"' not in message else "Choose one of the earlier questions"
    op = path.split(".", 1)[1] if "." in path else None
    if ref is None or op not in wording.OPERATOR_WORDS:
        return message if '"' not in message else "Choose when to show this question"
    if op not in get_type(ref["type"]).allowed_operators(ref):
        return wording.operator_problem(op, ref)
    if '"' not in message:
        return message
    return wording.value_problem(cond.get(op), ref, op)


def _store(session: Session, survey: Survey, items: list[dict[str, Any]], own: str | None = None,
           own_section: str | None = None) -> None:
    """Check and save the new definition. ``own`` (a question id) or ``own_section`` (a page id)
    names what the change is about: its errors are keyed by its own settings."""
    try:
        lifecycle.set_definition(session, survey, items)
    except Invalid as exc:
        before = wording.by_id(branching.flatten(survey.definition or []))
        prefix = None
        if own is not None:
            prefix = _locate(items, own)[2]
        elif own_section is not None:
            prefix = f"sections.{_section_index(items, own_section)}"
        fields: dict[str, str] = {}
        for path, message in exc.fields.items():
            mine = prefix is not None and (path == prefix or path.startswith(prefix + "."))
            if mine and own_section is not None and path.startswith(prefix + ".questions."):
                mine = False
            if mine:
                key = path[len(prefix) + 1:] or "text"
                if key.startswith("show_if") and own is not None:
                    message = _own_condition_problem(key, message, _at(items, prefix) or {}, items)
                fields[key] = message
                continue
            item = _at(items, path)
            if item is not None and ".show_if" in path:
                what = "The page" if "questions" in item else "The question"
                fields.setdefault(path, _condition_problem(item, items, before, what))
            elif item is not None and ("text" in item or "title" in item):
                fields.setdefault(path, f"{wording.quoted(item.get('text') or item.get('title'))}: {message}")
            else:
                fields.setdefault(path, message)
        raise Invalid(fields, exc.message) from exc


def _publish(session: Session, survey: Survey, event: type[SurveyQuestionEvent], question_id: str) -> None:
    publish(session, event(survey.commission_id, survey.id, question_id, survey.version,
                           len(branching.flatten(survey.definition))))


def _publish_section(session: Session, survey: Survey, event: type[SurveySectionEvent], section_id: str) -> None:
    sections = len(survey.definition) if _sectioned(survey.definition) else 0
    publish(session, event(survey.commission_id, survey.id, section_id, survey.version, sections))


def _question(raw: Mapping[str, Any]) -> dict[str, Any]:
    if not isinstance(raw, Mapping):
        raise Invalid({"": "Give the question as a set of named fields"})
    return dict(raw)


def _stored(survey: Survey, question_id: str) -> dict[str, Any]:
    holder, index, _ = _locate(survey.definition, question_id)
    return holder[index]


def _position(value: Any, size: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < size:
        raise Invalid({"position": f"Choose a position from 1 to {size}"})
    return value


# -- questions -------------------------------------------------------------------------------


@transactional
def add_question(session: Session, survey: Survey, raw: Mapping[str, Any], section_id: str | None = None,
                 position: int | None = None) -> dict[str, Any]:
    """Add a question on the page ``section_id`` (in a survey with pages; by default the last)
    at ``position`` (from 0; by default the end); returns it as stored, with its id."""
    lifecycle.require_draft(survey)
    items = _items(survey)
    question = _question(raw)
    if _sectioned(items):
        if section_id is None:
            holder = items[-1].setdefault("questions", [])
        else:
            try:
                holder = items[_section_index(items, section_id)].setdefault("questions", [])
            except NotFound:
                raise Invalid({"section": "Choose one of the survey's pages"}) from None
    else:
        holder = items
    where = len(holder) if position is None else _position(position, len(holder) + 1)
    taken = {q.get("id") for q in branching.flatten(items)}
    if not question.get("id"):
        n = 1
        while f"q{n}" in taken:
            n += 1
        question["id"] = f"q{n}"
    holder.insert(where, question)
    _store(session, survey, items, own=question["id"])
    _publish(session, survey, SurveyQuestionAdded, question["id"])
    return _stored(survey, question["id"])


@transactional
def edit_question(session: Session, survey: Survey, question_id: str, raw: Mapping[str, Any]) -> dict[str, Any]:
    """Replace a question's settings; it keeps its id (so conditions on it still point at it),
    and the settings the builder's form does not carry (``KEPT_ON_EDIT``) while its type still
    takes them; a mapping of answers to groups keeps only the options that are left."""
    lifecycle.require_draft(survey)
    items = _items(survey)
    holder, index, _ = _locate(items, question_id)
    old = holder[index]
    new = {**_question(raw), "id": question_id}
    try:
        accepted = get_type(new.get("type")).keys | COMMON_KEYS
    except DefinitionError:  # an unknown type: the registry names it when the survey is checked
        accepted = frozenset()
    for key in KEPT_ON_EDIT:
        if key in old and key not in new and key in accepted:
            new[key] = old[key]
    if isinstance(new.get("groups"), Mapping) and isinstance(new.get("options"), list):
        new["groups"] = {o: g for o, g in new["groups"].items() if o in new["options"]}
        if not new["groups"]:
            del new["groups"]
    holder[index] = new
    _store(session, survey, items, own=question_id)
    _publish(session, survey, SurveyQuestionChanged, question_id)
    return _stored(survey, question_id)


@transactional
def duplicate_question(session: Session, survey: Survey, question_id: str) -> dict[str, Any]:
    """A copy of the question (settings, condition and all) straight after it, with a new id."""
    lifecycle.require_draft(survey)
    items = _items(survey)
    holder, index, _ = _locate(items, question_id)
    taken = {q.get("id") for q in branching.flatten(items)}
    n = 2
    while f"{question_id[:56]}_copy{n if n > 2 else ''}" in taken:
        n += 1
    copy_id = f"{question_id[:56]}_copy{n if n > 2 else ''}"
    holder.insert(index + 1, {**copy.deepcopy(holder[index]), "id": copy_id})
    _store(session, survey, items)
    _publish(session, survey, SurveyQuestionAdded, copy_id)
    return _stored(survey, copy_id)


@transactional
def move_question(session: Session, survey: Survey, question_id: str, position: int,
                  section_id: str | None = None) -> None:
    """Move a question to ``position`` (from 0) among the questions of its list (the survey, or
    its page), or of the page ``section_id``. Refused if it would put a condition before the
    question it depends on."""
    lifecycle.require_draft(survey)
    items = _items(survey)
    holder, index, _ = _locate(items, question_id)
    if section_id is None or holder is items:
        position = _position(position, len(holder))
        holder.insert(position, holder.pop(index))
    else:
        try:
            target = items[_section_index(items, section_id)]["questions"]
        except NotFound:
            raise Invalid({"section": "Choose one of the survey's pages"}) from None
        if target is holder:
            position = _position(position, len(holder))
            holder.insert(position, holder.pop(index))
        else:
            position = _position(position, len(target) + 1)
            target.insert(position, holder.pop(index))
    _store(session, survey, items)
    _publish(session, survey, SurveyQuestionMoved, question_id)


@transactional
def shift_question(session: Session, survey: Survey, question_id: str, direction: int) -> None:
    """Move a question one place up (``UP``) or down (``DOWN``). At the top or bottom of a page
    it moves on to the end of the page before or the start of the page after."""
    lifecycle.require_draft(survey)
    if direction not in (UP, DOWN):
        raise Invalid({"direction": "Choose up or down"})
    items = _items(survey)
    holder, index, _ = _locate(items, question_id)
    name = wording.quoted(holder[index]["text"])
    if 0 <= index + direction < len(holder):
        holder.insert(index + direction, holder.pop(index))
    elif holder is items:
        raise Conflict(f"{name} is already the {'first' if direction == UP else 'last'} question")
    else:
        s = next(n for n, section in enumerate(items) if section["questions"] is holder)
        if not 0 <= s + direction < len(items):
            raise Conflict(f"{name} is already the {'first' if direction == UP else 'last'} question")
        question = holder.pop(index)
        target = items[s + direction]["questions"]
        target.insert(len(target) if direction == UP else 0, question)
    _store(session, survey, items)
    _publish(session, survey, SurveyQuestionMoved, question_id)


@transactional
def remove_question(session: Session, survey: Survey, question_id: str) -> None:
    """Remove a question (its page stays, to be removed on its own). Refused while a later
    question's condition depends on it."""
    lifecycle.require_draft(survey)
    items = _items(survey)
    holder, index, _ = _locate(items, question_id)
    holder.pop(index)
    _store(session, survey, items)
    _publish(session, survey, SurveyQuestionRemoved, question_id)


# -- pages -----------------------------------------------------------------------------------


def _section_input(title: Any, description: Any) -> dict[str, Any]:
    section: dict[str, Any] = {"title": title if isinstance(title, str) else ""}
    if isinstance(description, str) and description.strip():
        section["description"] = description
    return section


@transactional
def add_section(session: Session, survey: Survey, title: str, description: str | None = None) -> dict[str, Any]:
    """A new page at the end. In a survey without pages, the first page created holds the
    questions it already has; any later page starts empty."""
    lifecycle.require_draft(survey)
    items = _items(survey)
    section = {"id": _new_section_id(items if _sectioned(items) else []), **_section_input(title, description)}
    if _sectioned(items):
        section["questions"] = []
        items.append(section)
    else:
        section["questions"] = items
        items = [section]
    _store(session, survey, items, own_section=section["id"])
    _publish_section(session, survey, SurveySectionAdded, section["id"])
    return survey.definition[_section_index(survey.definition, section["id"])]


@transactional
def edit_section(session: Session, survey: Survey, section_id: str, title: str,
                 description: str | None = None) -> dict[str, Any]:
    """Rename a page and change what it says above its questions; its condition is kept."""
    lifecycle.require_draft(survey)
    items = _items(survey)
    s = _section_index(items, section_id)
    kept = {k: v for k, v in items[s].items() if k not in ("title", "description")}
    items[s] = {**kept, **_section_input(title, description)}
    _store(session, survey, items, own_section=section_id)
    _publish_section(session, survey, SurveySectionChanged, section_id)
    return survey.definition[s]


@transactional
def shift_section(session: Session, survey: Survey, section_id: str, direction: int) -> None:
    """Move a page, with its questions, one place up (``UP``) or down (``DOWN``)."""
    lifecycle.require_draft(survey)
    if direction not in (UP, DOWN):
        raise Invalid({"direction": "Choose up or down"})
    items = _items(survey)
    s = _section_index(items, section_id)
    if not 0 <= s + direction < len(items):
        raise Conflict(f"{wording.quoted(items[s]['title'])} is already the "
                       f"{'first' if direction == UP else 'last'} page")
    items.insert(s + direction, items.pop(s))
    _store(session, survey, items)
    _publish_section(session, survey, SurveySectionMoved, section_id)


@transactional
def remove_section(session: Session, survey: Survey, section_id: str) -> None:
    """Remove an empty page. A page with questions keeps them: move or remove them first."""
    lifecycle.require_draft(survey)
    items = _items(survey)
    s = _section_index(items, section_id)
    count = len(items[s].get("questions") or [])
    if count:
        raise Conflict(f"{wording.quoted(items[s]['title'])} still has {count} "
                       f"{'question' if count == 1 else 'questions'}: move or remove "
                       f"{'it' if count == 1 else 'them'} first")
    items.pop(s)
    _store(session, survey, items)
    _publish_section(session, survey, SurveySectionRemoved, section_id)


# -- answers to population groups --------------------------------------------------------------


def _significant_words(text: str) -> set[str]:
    words = set()
    for word in re.findall(r"[a-z0-9]+", text.casefold()):
        if len(word) >= 4:
            words.add(word[:-1] if word.endswith("s") else word)
    return words


def suggest_groups(options: list[str], group_names: list[str]) -> dict[str, str]:
    """A likely group for each option, where there is exactly one: the same name ignoring case,
    else a name that contains the other, else one sharing a word of four letters or more
    ("Carer" and "Family carers", "Member of staff" and "Support staff")."""
    suggestions: dict[str, str] = {}
    for option in options:
        folded = option.strip().casefold()
        tests = (
            lambda g: g.casefold() == folded,
            lambda g: folded in g.casefold() or g.casefold() in folded,
            lambda g: bool(_significant_words(option) & _significant_words(g)),
        )
        for test in tests:
            found = [g for g in group_names if test(g)]
            if len(found) == 1:
                suggestions[option] = found[0]
                break
            if found:
                break
    return suggestions


def group_mapping_view(question: Mapping[str, Any], group_names: list[str]) -> dict[str, Any]:
    """What the builder shows about matching a question's answers to groups: the stored (or, when
    none is stored, the suggested) group of each option, the groups no option matches, and the
    stored matches to groups the commission no longer has."""
    from .results import group_of

    stored = question.get("groups") or {}
    options = list(question.get("options") or [])
    matched = ({o: group_of(question, o, group_names) for o in options} if stored
               else {o: g for o, g in suggest_groups(options, group_names).items()})
    return {
        "stored": bool(stored),
        "matches": {o: matched.get(o) for o in options},
        "unmatched_groups": [g for g in group_names if g not in matched.values()],
        "stale": {o: g for o, g in stored.items() if g not in group_names},
    }


@transactional
def set_group_mapping(session: Session, survey: Survey, question_id: str,
                      mapping: Mapping[str, str | None]) -> dict[str, Any]:
    """Say which population group each answer of an about-you question stands for
    (``{option: group name}``; an option left out, or given ``None``, stands for none).

    Allowed while the survey is open as well as in draft: it changes how answers count towards
    representativeness, never what an answer says. Refused once closed, when the evidence has
    recorded the figures as they were."""
    if survey.status == CLOSED:
        raise Conflict("This survey is closed: its results are in the evidence log as they were counted")
    items = _items(survey)
    holder, index, _ = _locate(items, question_id)
    question = holder[index]
    if not get_type(question["type"]).maps_to_groups:
        raise Invalid({"groups": f"{wording.quoted(question['text'])} does not say which group someone is in"})
    commission = session.get(Commission, survey.commission_id)
    names = [g.name for g in commission.population_groups]
    fields: dict[str, str] = {}
    chosen: dict[str, str] = {}
    for option, group in (mapping or {}).items():
        if option not in question.get("options", []):
            fields[f"groups.{option}"] = f"“{option}” is not an answer to {wording.quoted(question['text'])}"
        elif group:
            if group not in names:
                fields[f"groups.{option}"] = f"“{group}” is not one of the commission's population groups"
            else:
                chosen[option] = group
    if fields:
        raise Invalid(fields)
    new = {k: v for k, v in question.items() if k != "groups"}
    if chosen:
        new["groups"] = {o: chosen[o] for o in question["options"] if o in chosen}
    holder[index] = new
    normalised = lifecycle.normalise_items(items)
    if normalised != survey.definition:
        lifecycle.store_definition(session, survey, normalised)
    _publish(session, survey, SurveyQuestionChanged, question_id)
    return _stored(survey, question_id)
