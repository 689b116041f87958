"""What staff templates ask of the domain while drawing: a condition in words, and the findings an
automatic survey result holds. Registered as template globals (``engage.web.init_app``)."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from surveys import results, wording


def shown_if(item: Mapping[str, Any], questions: Iterable[Mapping[str, Any]]) -> str | None:
    """"shown only if ‘Do you agree with the plan?’ is No or Maybe", or ``None``."""
    return wording.shown_if_words(item, wording.by_id(questions))


def evidence_findings(entry) -> dict[str, Any] | None:
    """A survey result entry's figures as the evidence log shows them: each question's findings
    in a sentence, and who was heard against the targets. ``None`` for other kinds of entry."""
    if entry.kind != "survey_result" or not isinstance(entry.payload, Mapping):
        return None
    payload = entry.payload
    return {
        "questions": [{"text": q.get("text", ""), "findings": results.question_findings(q)}
                      for q in payload.get("questions", []) if isinstance(q, Mapping)],
        "representativeness": payload.get("representativeness"),
    }
