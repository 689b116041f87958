"""Word cloud (live polls): words or short phrases, grouped with everyone else's.

Each participant may send several (``max_words``, 3 unless set, 1 to 10), one at a time: each
is stored as an answer of its own, and a participant can take one back while voting is open.
A participant's words count once each: sending the same phrase twice is refused, and the
tally counts each phrase once per participant, so "40% said transport" means 40% of the
people who answered. The answer is stored as typed; the tally groups by a normalised phrase so "Transport",
"transport!" and " TRANSPORT " make one word rather than three small ones. Normalising is
NFKC (full-width and ligature forms become plain letters), lower case, punctuation removed and
spaces collapsed. Whole phrases are kept rather than split into words, because "not enough
buses" split up would put "enough" and "buses" in the cloud with the opposite meaning.
"""

from __future__ import annotations

import unicodedata

from surveys.question_types._base import OWN_WORDS_NOTE, POLL, QuestionType, answered, percentages, plural

MAX_LENGTH = 40
DEFAULT_MAX_WORDS, MAX_WORDS_CEILING = 3, 10


def normalise_phrase(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    text = "".join(" " if unicodedata.category(ch).startswith("P") else ch for ch in text)
    return " ".join(text.split())


class WordCloud(QuestionType):
    name = "word_cloud"
    label = "Word cloud"
    contexts = frozenset({POLL})
    keys = frozenset({"max_words"})
    required_message = "Enter a word or short phrase"

    def normalise_extra(self, raw, out, errors):
        most = raw.get("max_words")
        if most is None:
            out["max_words"] = DEFAULT_MAX_WORDS
        elif isinstance(most, bool) or not isinstance(most, int) or not 1 <= most <= MAX_WORDS_CEILING:
            errors["max_words"] = (f"Enter how many words each person may send as a whole number "
                                   f"from 1 to {MAX_WORDS_CEILING}")
        else:
            out["max_words"] = most

    def clean_answer(self, definition, value):
        if not isinstance(value, str) or not normalise_phrase(value):
            self.fail(definition, "Enter a word or short phrase")
        text = value.strip()
        if "\x00" in text:
            self.fail(definition, "Answer contains a character that cannot be saved")
        if len(text) > MAX_LENGTH:
            self.fail(definition, f"Answer must be {MAX_LENGTH} characters or fewer")
        return text

    def tally(self, definition, values):
        """One value per participant: their phrase, or the list of their phrases."""
        counts: dict[str, int] = {}
        people = words = 0
        for value in answered(values):
            phrases = {normalise_phrase(v) for v in (value if isinstance(value, list) else [value])
                       if isinstance(v, str)} - {""}
            if not phrases:
                continue
            people += 1
            words += len(phrases)
            for phrase in phrases:
                counts[phrase] = counts.get(phrase, 0) + 1
        # Biggest first, then A to Z, so equal counts never shuffle between updates.
        ordered = dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))
        return {
            "counts": ordered,
            "total": people,
            "words": words,
            "percentages": percentages(ordered, people),
        }

    def residents_words(self, definition, value):
        return [(self.name, value)] if isinstance(value, str) and value.strip() else []


    # -- live polls ------------------------------------------------------------------------

    renderer = "word_cloud"
    own_words = True
    adds_answers = True
    live_keys = ("max_words",)
    form_keys = ("max_words",)
    live_description = "A few words or short phrases each (3 unless you say); the same words grow bigger"
    #: Phrases quoted in a poll result's evidence entry.
    evidence_phrases = 20

    def most_answers(self, definition):
        return definition.get("max_words", DEFAULT_MAX_WORDS)

    def answer_key(self, definition, value):
        return normalise_phrase(value) if isinstance(value, str) else value

    def live_label(self, definition):
        most = self.most_answers(definition)
        return self.label if most == 1 else f"Word cloud, up to {most} words each"

    def live_hint(self, definition):
        most = self.most_answers(definition)
        if most == 1:
            return f"A word or a short phrase, up to {MAX_LENGTH} characters."
        return (f"Up to {most} words or short phrases, sent one at a time, each up to {MAX_LENGTH} "
                "characters.")

    def evidence_sentence(self, definition, tally):
        if not tally["total"]:
            return OWN_WORDS_NOTE
        return (f" {plural(tally.get('words', tally['total']), 'word or phrase', 'words or phrases')} in all, "
                f"up to {self.most_answers(definition)} from each participant.{OWN_WORDS_NOTE}")

    def max_length_for(self, definition):
        return MAX_LENGTH

    def answer_length(self, value):
        return len(value.strip())

    def evidence_figures(self, definition, tally, keep):
        """The most frequent phrases, leaving out any that look like contact details."""
        phrases: dict[str, int] = {}
        for phrase, count in tally["counts"].items():
            if keep(phrase):
                phrases[phrase] = count
            if len(phrases) == self.evidence_phrases:
                break
        return {"phrases": phrases, "distinct_phrases": len(tally["counts"]) + tally.get("more", 0),
                "words": tally.get("words", tally["total"]), "max_words": self.most_answers(definition)}


TYPE = WordCloud()
