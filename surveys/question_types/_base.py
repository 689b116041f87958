"""What every question type shares, so each type module only says what makes it different.

A type is an object rather than a bag of functions so that the registry can hand out one thing
that knows its definition rules, its answer rules, its tally and its chart together: the design
rule is that adding a type touches one module, and a half-declared type should not be possible.

Definitions are plain dicts (they are stored as JSON). ``normalise_definition`` is idempotent, so
a stored definition can be normalised again after any later change to the defaults.
"""

from __future__ import annotations

import math
from fractions import Fraction
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from surveys.errors import AnswerError, DefinitionError

SURVEY = "survey"
POLL = "poll"
BOTH = frozenset({SURVEY, POLL})

#: Branching operators, by name. The vocabulary lives here (not in ``branching``) so a type can
#: declare which of them make sense for its answers without importing the branching module.
OPERATORS = ("equals", "not_equals", "in", "includes", "gte", "lte", "answered")

COMMON_KEYS = frozenset({"id", "type", "text", "help", "required", "show_if", "metric"})

TEXT_MAX = 500
HELP_MAX = 1000
#: Numbers beyond this are almost certainly typing accidents, and keeping them out means sums and
#: means can never overflow to infinity.
NUMBER_LIMIT = 1e15

#: How a live poll shows a type's answers: ``COUNTED`` answers are tallied and charted,
#: ``LISTED`` ones are people's own words, sent to screens as a list of entries.
COUNTED, LISTED = "counted", "listed"
#: Said in the evidence log of every type whose answers are residents' own words.
OWN_WORDS_NOTE = " What residents wrote is kept as resident input for theming."

ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
_WHOLE_RE = re.compile(r"^[+-]?\d+$")
_DECIMAL_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


class QuestionType(ABC):
    """Base for a question type. Subclasses set the class attributes and override the hooks."""

    name: str = ""
    #: Shown to commissioners, and used in messages such as "cannot be used with a rating question".
    label: str = ""
    contexts: frozenset[str] = frozenset({SURVEY})
    #: Keys this type accepts beyond ``COMMON_KEYS``.
    keys: frozenset[str] = frozenset()
    #: Branching operators that make sense for this type's answers.
    operators: frozenset[str] = frozenset({"answered"})
    #: What a resident sees when they skip a required question of this type.
    required_message: str = "Answer this question"
    #: Types with nothing to answer (Q&A) are never required.
    always_optional: bool = False

    # -- definitions ---------------------------------------------------------------------

    def normalise_definition(self, raw: Mapping[str, Any]) -> dict[str, Any]:
        """Check a definition and return it with defaults filled in; raise naming every bad field."""
        if not isinstance(raw, Mapping):
            raise DefinitionError({"": "Give the question as a set of named fields"})
        errors: dict[str, str] = {}
        allowed = COMMON_KEYS | self.keys
        for key in raw:
            if key not in allowed:
                errors[str(key)] = f'"{key}" is not a setting of {_article(self.label)} question'
        out: dict[str, Any] = {}
        if raw.get("id") is not None:
            qid = raw["id"]
            if not isinstance(qid, str) or not ID_RE.match(qid):
                errors["id"] = "Use 1 to 64 letters, numbers, hyphens or underscores for the id"
            else:
                out["id"] = qid
        out["type"] = self.name
        out["text"] = _text(raw.get("text"), "text", errors)
        help_text = raw.get("help")
        if help_text is not None:
            if not isinstance(help_text, str):
                errors["help"] = "Hint text must be text"
            elif len(help_text.strip()) > HELP_MAX:
                errors["help"] = f"Hint text must be {HELP_MAX} characters or fewer"
            elif help_text.strip():
                out["help"] = help_text.strip()
        required = raw.get("required", False)
        if required is None:
            required = False
        if not isinstance(required, bool):
            errors["required"] = "Say whether the question is required with true or false"
        out["required"] = False if self.always_optional else required is True
        if raw.get("show_if") is not None:
            out["show_if"] = normalise_condition_shape(raw["show_if"], "show_if", errors)
        if raw.get("metric") is not None:
            metric = raw["metric"]
            if not isinstance(metric, str) or not ID_RE.match(metric):
                errors["metric"] = (
                    "Use 1 to 64 letters, numbers, hyphens or underscores for the metric"
                )
            else:
                out["metric"] = metric
        self.normalise_extra(raw, out, errors)
        if errors:
            raise DefinitionError(errors)
        return out

    def normalise_extra(
        self, raw: Mapping[str, Any], out: dict[str, Any], errors: dict[str, str]
    ) -> None:
        """Hook: check the type's own keys, write them to ``out``, record problems in ``errors``."""

    def required_message_for(self, definition: Mapping[str, Any]) -> str:
        return self.required_message

    def allowed_operators(self, definition: Mapping[str, Any]) -> frozenset[str]:
        """Branching operators a later question may use on this one (some depend on settings)."""
        return self.operators

    # -- answers -------------------------------------------------------------------------

    @abstractmethod
    def clean_answer(self, definition: Mapping[str, Any], value: Any) -> Any:
        """Return the answer in its stored form, or raise ``AnswerError``. Not given empty values."""

    def fail(self, definition: Mapping[str, Any], message: str):
        """Raise an ``AnswerError`` keyed by the question id, so callers can place it on the form."""
        raise AnswerError({definition.get("id") or "answer": message})

    # -- results -------------------------------------------------------------------------

    @abstractmethod
    def tally(self, definition: Mapping[str, Any], values: Iterable[Any]) -> dict[str, Any]:
        """Counts, total and percentages (plus the type's own figures) over cleaned answers."""

    def tally_groups(self, definition: Mapping[str, Any], groups: Iterable[tuple[Any, int]]) -> dict[str, Any]:
        """``tally`` over ``(value, n)`` groups, as if each value had been given ``n`` times:
        what the results read when the database has counted equal answers (``answer_counts``).

        The same figures as ``tally(definition, expand(groups))``, always; the types whose tally
        loops over every answer count each group once instead, so a results page over 100,000
        responses costs the number of distinct answers, not the number of responses
        (tests/unit/surveys/test_tally_groups.py compares both on random answers)."""
        return self.tally(definition, expand(groups))

    def chart(
        self, definition: Mapping[str, Any], tally: Mapping[str, Any]
    ) -> list[dict[str, Any]]:
        """Bars in the tally's key order; the same rows serve as the table alternative."""
        percentages = tally.get("percentages", {})
        return [
            {
                "label": self.label_for(definition, key),
                "count": count,
                "percent": percentages.get(key, 0.0),
            }
            for key, count in tally.get("counts", {}).items()
        ]

    def label_for(self, definition: Mapping[str, Any], key: Any) -> str:
        """How a tally key reads on a chart or in an export."""
        return str(key)

    # -- the input inbox ("you said") ----------------------------------------------------

    def residents_words(self, definition: Mapping[str, Any], value: Any) -> list[tuple[str, str]]:
        """The parts of a stored answer that are a resident's own words, as (inbox kind, text).

        Chosen options are counted, not read, so most types have none; free text, "other,
        please say" and word-cloud phrases go to the input inbox to be themed.
        """
        return []

    def describes_respondent(self, definition: Mapping[str, Any]) -> str | None:
        """The "about you" category this question asks (area, respondent group, age band), if it
        asks about the person answering rather than about the subject; inbox items carry it."""
        return None

    # -- surveys: forms, exports, results --------------------------------------------------
    # What the survey side asks of a type: how its field is drawn and read back on the
    # resident's page-by-page form, how an answer reads on the check page and in a CSV, and
    # how its results are reported. (Kept together so live-poll additions merge cleanly.)

    #: The Jinja macro that draws this type's form field, ``templates/surveys/renderers/<name>.html``
    #: ("" for types never drawn on a survey form).
    field_renderer: str = ""
    #: A choice renderer lays short options side by side.
    inline_choices: bool = False
    #: Answers are people's own words, listed (and searchable) rather than counted in a chart.
    lists_answers: bool = False
    #: Residents answer it on the form (Q&A takes questions instead, in its own flow).
    takes_answers: bool = True
    #: Answers say who the respondent is (about you): results can be broken down by them, and
    #: representativeness is judged from them.
    segments_respondents: bool = False
    #: The type's hint already says the question is optional (so "Optional." is not added).
    hint_says_optional: bool = False
    #: Answers with a ``metric`` are totalled per metric (the appetite tool's yes/no/maybe sums).
    totals_by_metric: bool = False
    #: Its options can be matched to the commission's population groups (a ``groups`` setting,
    #: ``{option: group name}``), which is how representativeness counts the answers.
    maps_to_groups: bool = False
    #: What a result's per-answer figure is, and how a table heads it: most types count answers;
    #: a ranking sums points.
    result_measure: str = "count"
    result_measure_label: str = "Count"

    def field_renderer_for(self, definition: Mapping[str, Any]) -> str:
        """The renderer for this definition (a setting can change the control, e.g. ``multiple``)."""
        return self.field_renderer

    #: How the field's options can reveal a follow-up question in place (GOV.UK's conditional
    #: reveal, under one option): ``"one"`` for a field where one option is chosen (radios),
    #: ``"many"`` where several can be (checkboxes), ``None`` for a field without options.
    reveals: str | None = None

    def reveals_for(self, definition: Mapping[str, Any]) -> str | None:
        """``reveals`` for this definition (a setting can change the control)."""
        return self.reveals

    def answer_for_choice(self, definition: Mapping[str, Any], value: str) -> Any:
        """The stored answer meaning "only this choice" (a value from ``choices``), so a page can
        tell which option reveals a follow-up; ``None`` if that alone is not a valid answer."""
        raw = [value] if self.reveals_for(definition) == "many" else value
        try:
            return self.clean_answer(definition, raw)
        except AnswerError:
            return None

    def hint(self, definition: Mapping[str, Any]) -> str | None:
        """What the type adds to the field's hint (the scale, the number range ...)."""
        return None

    def field_hint(self, definition: Mapping[str, Any]) -> str | None:
        """The whole hint under the question: its help text, the type's hint, "Optional."."""
        parts = [definition.get("help"), self.hint(definition)]
        if not definition.get("required") and not self.hint_says_optional:
            parts.append("Optional.")
        text = " ".join(p for p in parts if p)
        return text or None

    def choices(self, definition: Mapping[str, Any]) -> list[tuple[str, str]]:
        """(value, text) of each option a choice renderer draws, in order."""
        return [(o, o) for o in definition.get("options", [])]

    def read_form(
        self, definition: Mapping[str, Any], form: Any, answers: dict[str, Any], errors: dict[str, str]
    ) -> None:
        """Put this question's posted answer into ``answers`` (by id), in the shape
        ``clean_answer`` takes, and problems only the form can have into ``errors``. ``form``
        is a multi-dict (``get``, ``getlist``); leaving the id out means "not answered"."""
        answers[definition["id"]] = form.get(definition["id"], "")

    def form_state(self, definition: Mapping[str, Any], value: Any) -> dict[str, Any]:
        """What the field needs to show a stored or just-posted answer again."""
        return {"value": value}

    def display_answer(self, definition: Mapping[str, Any], value: Any) -> str:
        """An answer as the resident reads it back (check page, "your answers")."""
        if value is None or value == "" or value == []:
            return "Not answered"
        if isinstance(value, list):
            return "; ".join(str(v) for v in value)
        return str(value)

    def export_cell(self, definition: Mapping[str, Any], value: Any) -> str:
        """One stored answer as spreadsheet text ("A; B" for several); "" when unanswered."""
        if value is None:
            return ""
        if isinstance(value, (list, tuple)):
            return "; ".join(str(item) for item in value)
        if is_number(value):
            return fmt_number(value)
        return str(value)

    def describe(self, definition: Mapping[str, Any]) -> str:
        """How messages name a question of this type: "a rating question"."""
        return f"{_article(self.label)} question"

    # -- live polls ------------------------------------------------------------------------
    # What live sessions, their socket messages, pages and phones ask about a type, so none
    # of them branches on the type's name. Only read for types whose ``contexts`` hold POLL.

    #: Name of the renderer that draws it on phones and staff screens: a renderer of that name
    #: registers itself in static/js/live-render.mjs (``register``).
    renderer: str = ""
    #: ``COUNTED`` (tallied, charted) or ``LISTED`` (entries, newest or most up-voted first).
    answers: str = COUNTED
    #: Residents post their own questions (entries, which others up-vote) instead of voting.
    asks: bool = False
    #: What residents type is their own words, kept as resident input for theming.
    own_words: bool = False
    #: What a moderator may do to one of its answers or entries.
    moderation: tuple[str, ...] = ()
    #: Definition keys phones need to draw the question (beyond type, text and help).
    live_keys: tuple[str, ...] = ()
    #: Fields of the live set-up page's question form that this type reads.
    form_keys: tuple[str, ...] = ()
    #: Settings a live poll question gets unless it says otherwise.
    live_defaults: Mapping[str, Any] = {}
    #: Shown under the type's name when a commissioner adds a live poll question.
    live_description: str = ""
    #: How its responses are counted in words: (one, many).
    response_noun: tuple[str, str] = ("response", "responses")
    #: Each participant may send several answers (up to ``most_answers``), each stored, counted
    #: and indexed as resident input on its own: sending one adds it (never replaces another),
    #: and a participant may take one of theirs back while voting is open. The tally is then
    #: given one list of answers per participant.
    adds_answers: bool = False

    @property
    def listed(self) -> bool:
        return self.answers == LISTED

    def live_label(self, definition: Mapping[str, Any]) -> str:
        """The type as people read it next to the question ("Rating from 1 to 5")."""
        return self.label

    def live_hint(self, definition: Mapping[str, Any]) -> str | None:
        """The hint phones show under the question."""
        return None

    def live_choices(self, definition: Mapping[str, Any]) -> list[dict[str, Any]] | None:
        """For types answered by picking: each choice's value and how it reads."""
        return None

    def max_length_for(self, definition: Mapping[str, Any]) -> int | None:
        """The most characters a typed answer may have (``None``: not a typed answer)."""
        return None

    def most_answers(self, definition: Mapping[str, Any]) -> int:
        """How many answers one participant may have stored at once (see ``adds_answers``)."""
        return 1

    def answer_key(self, definition: Mapping[str, Any], value: Any) -> Any:
        """What makes two of one participant's answers the same answer (counted once)."""
        return value

    def answer_length(self, value: str) -> int:
        """How a typed answer is measured against ``max_length_for``."""
        return len(value)

    def evidence_count(self, total: int) -> str:
        """How many responded, as the poll result in the evidence log says it."""
        return plural(total, *self.response_noun)

    def evidence_sentence(self, definition: Mapping[str, Any], tally: Mapping[str, Any]) -> str:
        """What the poll result's summary says about the answers (after the counts)."""
        return OWN_WORDS_NOTE if self.own_words else ""

    def evidence_figures(self, definition: Mapping[str, Any], tally: Mapping[str, Any],
                         keep: Callable[[str], bool]) -> dict[str, Any]:
        """The figures a poll result's payload keeps; ``keep`` says whether a resident's words may
        go into the log (no contact details)."""
        if self.listed or self.asks:
            return {}
        figures: dict[str, Any] = {"counts": tally["counts"]}
        for extra in ("mean", "median"):
            if tally.get(extra) is not None:
                figures[extra] = tally[extra]
        return figures

    def __repr__(self) -> str:
        return f"<question type {self.name}>"


def plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def leaders(rows: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The chart rows with the highest count: one row, several when they tie, none when
    nobody chose anything. Anything that names a winner asks this, so a tie is never
    reported as a win."""
    rows = list(rows)
    top = max((row["count"] for row in rows), default=0)
    return [row for row in rows if row["count"] == top] if top > 0 else []


def leader_sentence(rows: Iterable[Mapping[str, Any]], lead: str, unit: tuple[str, str] | None = None) -> str:
    """' Chosen most: “A”.' for one leader, ' Tied first: “A” and “B” (1 each).' for a tie,
    and nothing when there is no leader; ``unit`` names the figure ("4 points each")."""
    best = leaders(rows)
    if not best:
        return ""
    if len(best) == 1:
        return f" {lead}: “{best[0]['label']}”."
    names = [f"“{row['label']}”" for row in best]
    count = best[0]["count"]
    figure = plural(count, *unit) if unit else str(count)
    return f" Tied first: {', '.join(names[:-1])} and {names[-1]} ({figure} each)."


# -- helpers shared by the type modules -----------------------------------------------------


def answered(values: Iterable[Any]) -> list[Any]:
    """Answers given to a tally, minus ``None`` placeholders for people who skipped the question."""
    return [v for v in values if v is not None]


def expand(groups: Iterable[tuple[Any, int]]) -> list[Any]:
    """The answers one by one again from ``(value, n)`` groups."""
    values: list[Any] = []
    for value, n in groups:
        values.extend([value] * n)
    return values


def answered_groups(groups: Iterable[tuple[Any, int]]) -> list[tuple[Any, int]]:
    """``answered`` for groups: the groups of ``None`` placeholders left out."""
    return [(v, n) for v, n in groups if v is not None and n]


def weighted_mean(groups: Iterable[tuple[Any, int]]) -> float | None:
    """``mean`` of the expanded values, to the last bit: ``math.fsum`` is the correctly rounded
    exact sum, and so is the exact rational sum of value × n rounded once."""
    total, count = Fraction(0), 0
    for value, n in groups:
        total += Fraction(value) * n
        count += n
    if not count:
        return None
    return round(float(total) / count, 2)


def weighted_median(groups: Iterable[tuple[Any, int]]) -> Any:
    """``statistics.median`` of the expanded values (the same element, or the same mean of two)."""
    ordered = sorted(((v, n) for v, n in groups if n), key=lambda g: g[0])  # stable, as sorted() is
    count = sum(n for _, n in ordered)
    if not count:
        return None

    def at(index: int) -> Any:
        for value, n in ordered:
            if index < n:
                return value
            index -= n
        raise IndexError(index)  # pragma: no cover

    if count % 2:
        return at(count // 2)
    return (at(count // 2 - 1) + at(count // 2)) / 2


def is_empty(value: Any) -> bool:
    """Whether a submitted value means "not answered": None, blank text or an empty list."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (list, tuple)):
        return len(value) == 0
    return False


def percentages(counts: Mapping[Any, int], denominator: int) -> dict[Any, float]:
    """Percent of ``denominator`` per key, to 1 dp.

    Plain rounding, as official statistics do: the figures may not add up to exactly 100, and
    forcing them to (largest remainder) would misstate some groups to tidy the total.
    """
    if not denominator:
        return {key: 0.0 for key in counts}
    return {key: round(100.0 * n / denominator, 1) for key, n in counts.items()}


def mean(values: list[float]) -> float | None:
    if not values:
        return None
    return round(math.fsum(values) / len(values), 2)


def fmt_number(n: float) -> str:
    """A number as a person would write it in a message: 5, not 5.0."""
    if isinstance(n, float) and n.is_integer() and abs(n) < NUMBER_LIMIT:
        return str(int(n))
    return str(n)


def is_number(value: Any) -> bool:
    """A real, finite number. ``True`` is an int in Python; on a form it is not a number."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    return math.isfinite(value)


def parse_number(value: Any) -> int | float | None:
    """A finite number from a number or from form text ("7", " 2.5 "); ``None`` if it is not one.

    Web forms post text, so accepting digits here saves every adapter from converting first.
    Whole-number text becomes an ``int`` so answers keep the form they were typed in.
    """
    if is_number(value):
        return value
    if isinstance(value, str):
        text = value.strip()
        if _WHOLE_RE.match(text):
            return int(text)
        if _DECIMAL_RE.match(text):
            number = float(text)
            return number if math.isfinite(number) else None
    return None


def parse_whole_number(value: Any) -> int | None:
    """A whole number from an int, an integral float (3.0) or digits; ``None`` otherwise."""
    number = parse_number(value)
    if number is None:
        return None
    if isinstance(number, float):
        if not number.is_integer() or abs(number) >= NUMBER_LIMIT:
            return None
        return int(number)
    return number


def check_text_answer(
    qtype: QuestionType, definition: Mapping[str, Any], value: Any, max_length: int
) -> str:
    """Shared rules for typed answers: text, within the limit, storable.

    NUL is refused because PostgreSQL text cannot hold it; everything else (including HTML) is
    kept exactly as given and escaped where it is shown, so nothing a resident wrote is lost.
    """
    if not isinstance(value, str):
        qtype.fail(definition, "Enter your answer as text")
    if "\x00" in value:
        qtype.fail(definition, "Answer contains a character that cannot be saved")
    if len(value) > max_length:
        qtype.fail(definition, f"Answer must be {max_length} characters or fewer")
    return value


def definition_number(
    raw: Mapping[str, Any], key: str, errors: dict[str, str], *, whole: bool = False
):
    """Read an optional numeric setting (min, max) from a definition, refusing booleans and NaN."""
    value = raw.get(key)
    if value is None:
        return None
    if not is_number(value) or abs(value) >= NUMBER_LIMIT:
        errors[key] = f"Enter a number for {key}"
        return None
    if whole:
        if isinstance(value, float) and not value.is_integer():
            errors[key] = f"Enter a whole number for {key}"
            return None
        return int(value)
    return value


def definition_length(
    raw: Mapping[str, Any], key: str, default: int, ceiling: int, errors: dict[str, str]
) -> int:
    """Read an optional character limit, between 1 and ``ceiling``."""
    value = raw.get(key)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= ceiling:
        errors[key] = f"Enter a whole number of characters from 1 to {ceiling}"
        return default
    return value


def definition_bool(
    raw: Mapping[str, Any], key: str, default: bool, errors: dict[str, str]
) -> bool:
    value = raw.get(key)
    if value is None:
        return default
    if not isinstance(value, bool):
        errors[key] = f'Set "{key}" to true or false'
        return default
    return value


def definition_label(
    raw: Mapping[str, Any], key: str, errors: dict[str, str], limit: int = 100
) -> str | None:
    value = raw.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or len(value.strip()) > limit:
        errors[key] = f"Enter text of {limit} characters or fewer"
        return None
    return value.strip() or None


def normalise_condition_shape(raw: Any, path: str, errors: dict[str, str]) -> dict[str, Any] | None:
    """Check that a ``show_if`` has the right shape; ``branching`` checks what it refers to.

    Only the shape can be checked here: whether the referenced question exists, comes earlier
    and accepts the compared value needs the whole survey.
    """
    if not isinstance(raw, Mapping):
        errors[path] = 'Give the condition as {"question": ..., "equals": ...}'
        return None
    out: dict[str, Any] = {}
    ref = raw.get("question")
    if not isinstance(ref, str) or not ref:
        errors[f"{path}.question"] = "Say which earlier question this depends on"
    else:
        out["question"] = ref
    ops = [key for key in raw if key != "question"]
    unknown = [key for key in ops if key not in OPERATORS]
    if unknown:
        errors[path] = f'"{unknown[0]}" is not a condition; use one of: {", ".join(OPERATORS)}'
        return None
    if len(ops) != 1:
        errors[path] = "Give exactly one condition, for example equals or includes"
        return None
    op = ops[0]
    value = raw[op]
    if op == "answered" and not isinstance(value, bool):
        errors[f"{path}.answered"] = 'Set "answered" to true or false'
    elif op == "in" and (not isinstance(value, (list, tuple)) or not value):
        errors[f"{path}.in"] = "Give a list of at least one answer"
    elif op in ("gte", "lte") and parse_number(value) is None:
        errors[f"{path}.{op}"] = "Compare with a number"
    elif op in ("equals", "not_equals", "includes") and is_empty(value):
        errors[f"{path}.{op}"] = "Give the answer to compare with"
    out[op] = list(value) if op == "in" and isinstance(value, (list, tuple)) else value
    return out


def _text(value: Any, key: str, errors: dict[str, str]) -> str:
    if not isinstance(value, str) or not value.strip():
        errors[key] = "Enter the question text"
        return ""
    text = value.strip()
    if len(text) > TEXT_MAX:
        errors[key] = f"Question text must be {TEXT_MAX} characters or fewer"
    return text


def _article(label: str) -> str:
    word = label.lower() or "this"
    return ("an " if word[:1] in "aeiou" else "a ") + word
