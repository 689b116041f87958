"""Errors for survey and poll definitions and answers.

Both carry ``fields``: a path (``"questions.2.options"``, ``"q3"``) mapped to a plain-English
message that the person who made the mistake can act on. Adapters turn ``fields`` into a GOV.UK
error summary or a 422 body without parsing strings, and a service can collect every problem in
one pass so nobody has to fix a form one error at a time.

They subclass ``ValueError`` so code that only cares "was this input bad?" can catch one thing.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["AnswerError", "DefinitionError", "FieldErrors"]


class FieldErrors(ValueError):
    """Shared shape of the two errors below; not raised on its own."""

    def __init__(self, fields: Mapping[str, str] | str):
        if isinstance(fields, str):
            fields = {"": fields}
        if not fields:
            raise TypeError(f"{type(self).__name__} needs at least one field message")
        self.fields: dict[str, str] = {str(k): str(v) for k, v in fields.items()}
        super().__init__(self.summary())

    def summary(self) -> str:
        """One readable line, for logs and for ``str()``."""
        parts = [f"{path}: {message}" if path else message for path, message in self.fields.items()]
        if len(parts) == 1:
            return parts[0]
        return f"{len(parts)} problems: " + "; ".join(parts)

    def __str__(self) -> str:
        return self.summary()

    def prefixed(self, prefix: str):
        """The same error with every path put under ``prefix`` (``"options"`` -> ``"questions.2.options"``).

        Type validators only know about one question; the survey-level code knows where that
        question sits, so it re-roots the paths rather than threading positions downwards.
        """
        return type(self)({_join(prefix, path): message for path, message in self.fields.items()})


class DefinitionError(FieldErrors):
    """A survey, poll or question definition is wrong: for the commissioner building it."""


class AnswerError(FieldErrors):
    """An answer is wrong: for the resident answering."""


def _join(prefix: str, path: str) -> str:
    if not prefix:
        return path
    return f"{prefix}.{path}" if path else prefix
