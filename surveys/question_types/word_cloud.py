"""Word cloud (live polls): a word or short phrase, grouped with everyone else's.

The answer is stored as typed; the tally groups by a normalised phrase so "Transport",
"transport!" and " TRANSPORT " make one word rather than three small ones. Normalising is
NFKC (full-width and ligature forms become plain letters), lower case, punctuation removed and
spaces collapsed. Whole phrases are kept rather than split into words, because "not enough
buses" split up would put "enough" and "buses" in the cloud with the opposite meaning.
"""

from __future__ import annotations

import unicodedata

from surveys.question_types._base import POLL, QuestionType, answered, percentages

MAX_LENGTH = 40


def normalise_phrase(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    text = "".join(" " if unicodedata.category(ch).startswith("P") else ch for ch in text)
    return " ".join(text.split())


class WordCloud(QuestionType):
    name = "word_cloud"
    label = "Word cloud"
    contexts = frozenset({POLL})
    required_message = "Enter a word or short phrase"

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
        given = answered(values)
        counts: dict[str, int] = {}
        for value in given:
            phrase = normalise_phrase(value)
            if phrase:
                counts[phrase] = counts.get(phrase, 0) + 1
        # Biggest first, then A to Z, so equal counts never shuffle between updates.
        ordered = dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))
        return {
            "counts": ordered,
            "total": len(given),
            "percentages": percentages(ordered, len(given)),
        }

    def residents_words(self, definition, value):
        return [(self.name, value)] if isinstance(value, str) and value.strip() else []


    # -- live polls ------------------------------------------------------------------------

    renderer = "word_cloud"
    own_words = True
    live_description = "A word or short phrase each; the same words grow bigger"
    #: Phrases quoted in a poll result's evidence entry.
    evidence_phrases = 20

    def live_hint(self, definition):
        return f"A word or a short phrase, up to {MAX_LENGTH} characters."

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
        return {"phrases": phrases, "distinct_phrases": len(tally["counts"]) + tally.get("more", 0)}


TYPE = WordCloud()
