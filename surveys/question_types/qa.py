"""Q&A (live polls): the room asks the questions.

Residents post questions (and up-vote them) through a separate flow with its own moderation,
so this type only defines the prompt; there is nothing to vote on, and a vote sent here is a
mistake worth telling the sender about rather than silently dropping.
"""

from __future__ import annotations

from surveys.question_types._base import LISTED, POLL, QuestionType, answered

#: The longest question someone in the room may post.
MAX_LENGTH = 280


class QA(QuestionType):
    name = "qa"
    label = "Q&A"
    contexts = frozenset({POLL})
    operators = frozenset()
    always_optional = True

    def clean_answer(self, definition, value):
        self.fail(definition, "Q&A takes questions, not votes: post your question instead")

    def tally(self, definition, values):
        return {"counts": {}, "total": len(answered(values)), "percentages": {}}

    def chart(self, definition, tally):
        return []

    def residents_words(self, definition, value):
        """A question from the room (a ``LiveEntry``'s text) is the resident's own words."""
        return [(self.name, value)] if isinstance(value, str) and value.strip() else []

    # -- surveys: forms, exports, results --------------------------------------------------

    takes_answers = False

    def describe(self, definition):
        return f"a {self.label} question"

    # -- live polls ------------------------------------------------------------------------

    renderer = "qa"
    answers = LISTED
    asks = True
    own_words = True
    moderation = ("hide", "show", "answered", "unanswered")
    live_description = "Residents ask questions and up-vote each other's; you can hide them and mark them answered"
    response_noun = ("question", "questions")

    def live_hint(self, definition):
        return f"Up to {MAX_LENGTH} characters. Do not include names, email addresses or phone numbers."

    def max_length_for(self, definition):
        return MAX_LENGTH

    def evidence_count(self, total):
        return super().evidence_count(total) + " from the room"


TYPE = QA()
