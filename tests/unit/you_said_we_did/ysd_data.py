"""Hand-built input items for the "you said, we did" unit tests."""
from __future__ import annotations

from datetime import datetime

from commissioning_steps import inputs
from commissioning_steps.inputs import NewItem


def survey_item(response: int, question: str, text: str, group: str | None, when: int = 1,
                survey: int = 1, step: str = "initiate") -> NewItem:
    return NewItem(ref=inputs.ref(inputs.SURVEY_ANSWER, response, question), kind="free_text",
                   activity_kind="survey", activity_id=survey, activity_title=f"Survey {survey}", step=step,
                   text=text, question_ref=question, question_text=f"Question {question}",
                   respondent_key=f"survey-response:{response}", respondent_group=group,
                   about={"Which group are you in?": group} if group else {},
                   created_at=datetime(2026, 11, when, 10, 0))


def by_ref(items, *refs):
    return [items[r].id for r in refs]
