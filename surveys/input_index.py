"""What surveys and live polls put in the commission's input inbox, and take out again.

The services that store a response, a live vote or a Q&A question call these in the same
transaction, so the inbox never holds words that were not stored, nor keeps words a resident
deleted. Which parts of an answer are a resident's own words is the question type's to say
(``residents_words``), and which questions describe the respondent too (``describes_respondent``);
nothing here branches on a type.
"""
from __future__ import annotations

from typing import Any, Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from commissioning_steps import inputs
from commissioning_steps.commissions import Commission
from commissioning_steps.inputs import NewItem

from . import branching
from .live.models import LiveEntry, LiveQuestion, LiveSession, LiveVote
from .models import Survey, SurveyResponse
from .question_types import get_type
from .results import group_of, representation_question

RESPONDENT_GROUP, AREA = "respondent_group", "area"


def respondent_key(response: SurveyResponse) -> str:
    return _respondent(response.id)


def _respondent(response_id: int) -> str:
    return f"survey-response:{response_id}"


def participant_key(session_id: int, participant: str) -> str:
    return f"live:{session_id}:{participant}"


def _about(questions: list[dict[str, Any]], describes: list[str | None],
           answers: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    about: dict[str, Any] = {}
    categories: dict[str, str] = {}
    for q, category in zip(questions, describes):
        if category and q["id"] in answers:
            about[q["text"]] = answers[q["id"]]
            if isinstance(answers[q["id"]], str):
                categories.setdefault(category, answers[q["id"]])
    return about, categories


class ResponseWords:
    """What one survey's responses put in the inbox. What depends only on the survey (its
    questions in page order, which describe the respondent, the question that names a
    population group) is worked out once here, for every response of a group that the
    submission writer stores together."""

    def __init__(self, survey: Survey, group_names: Iterable[str]) -> None:
        self.survey = survey
        self.questions = branching.flatten(survey.definition)
        self.types = [get_type(q["type"]) for q in self.questions]
        self.describes = [t.describes_respondent(q) for t, q in zip(self.types, self.questions)]
        self.names = list(group_names)
        self.rep = representation_question(self.questions, self.names)

    def items(self, response_id: int, answers: dict[str, Any] | None, submitted_at) -> list[NewItem]:
        survey = self.survey
        answers = answers or {}
        about, categories = _about(self.questions, self.describes, answers)
        group = None
        rep = self.rep
        if rep is not None and isinstance(answers.get(rep["id"]), str):
            group = group_of(rep, answers[rep["id"]], self.names) or answers[rep["id"]]
        group = group or categories.get(RESPONDENT_GROUP)
        respondent = _respondent(response_id)
        items = []
        for q, qtype in zip(self.questions, self.types):
            if q["id"] not in answers:
                continue
            for kind, words in qtype.residents_words(q, answers[q["id"]]):
                items.append(NewItem(
                    ref=inputs.ref(inputs.SURVEY_ANSWER, response_id, q["id"]), kind=kind, activity_kind="survey",
                    activity_id=survey.id, activity_title=survey.title, step=survey.step, text=words,
                    question_ref=q["id"], question_text=q["text"], respondent_key=respondent,
                    respondent_group=group, area=categories.get(AREA), about=about, created_at=submitted_at))
        return items


def response_items(survey: Survey, response: SurveyResponse, group_names: Iterable[str]) -> list[NewItem]:
    return ResponseWords(survey, group_names).items(response.id, response.answers, response.submitted_at)


def index_response(session: Session, survey: Survey, response: SurveyResponse) -> None:
    """Index (or re-index, after a change) one response's own words; drop answers now blank."""
    commission = session.get(Commission, survey.commission_id)
    items = response_items(survey, response, [g.name for g in commission.population_groups])
    keep = {i.ref for i in items}
    stale = [r for r in session.scalars(select(inputs.InputItem.ref).where(
        inputs.InputItem.respondent_key == respondent_key(response))) if r not in keep]
    inputs.remove(session, stale)
    inputs.index(session, survey.commission_id, items)


def index_new_response(session: Session, survey: Survey, response: SurveyResponse, group_names: Iterable[str]) -> None:
    """Index a response just stored: nothing can be indexed under its id yet (deleting a
    response takes its words out in the same transaction), so its words are only added."""
    inputs.add_new(session, survey.commission_id, response_items(survey, response, group_names))


def unindex_response(session: Session, response: SurveyResponse) -> int:
    """The resident deleted their answers: their words leave the inbox and every theme count."""
    return inputs.remove(session, prefix=f"{inputs.SURVEY_ANSWER}:{response.id}:")


def _live_item(live: LiveSession, question: LiveQuestion, ref: str, kind: str, words: str, participant: str,
               hidden: bool, at) -> NewItem:
    return NewItem(ref=ref, kind=kind, activity_kind="live_session", activity_id=live.id, activity_title=live.title,
                   step=live.step, text=words, question_ref=str(question.id), question_text=question.text,
                   respondent_key=participant_key(live.id, participant), hidden=hidden, created_at=at)


def set_hidden(session: Session, model: type, row_id: int, hidden: bool) -> None:
    """A moderator hid (or showed) an answer or question: the inbox keeps it, marked."""
    source = inputs.LIVE_ENTRY if model is LiveEntry else inputs.LIVE_VOTE
    inputs.set_hidden(session, inputs.ref(source, row_id), hidden)


def index_live_vote(session: Session, live: LiveSession, question: LiveQuestion, vote: LiveVote) -> None:
    words = get_type(question.definition["type"]).residents_words(question.definition, vote.value)
    ref = inputs.ref(inputs.LIVE_VOTE, vote.id)
    if not words:
        inputs.remove(session, [ref])
        return
    kind, text = words[0]
    inputs.index(session, live.commission_id, [_live_item(live, question, ref, kind, text, vote.participant,
                                                          vote.hidden, vote.updated_at)])


def unindex_live_vote(session: Session, vote_id: int) -> int:
    """A participant took back one of their words: it leaves the inbox and every theme count."""
    return inputs.remove(session, [inputs.ref(inputs.LIVE_VOTE, vote_id)])


def index_live_entry(session: Session, live: LiveSession, question: LiveQuestion, entry: LiveEntry) -> None:
    words = get_type(question.definition["type"]).residents_words(question.definition, entry.text)
    if words:
        kind, text = words[0]
        inputs.index(session, live.commission_id, [_live_item(live, question, inputs.ref(inputs.LIVE_ENTRY, entry.id),
                                                              kind, text, entry.participant, entry.hidden,
                                                              entry.created_at)])


def reindex_commission(session: Session, commission: Commission) -> int:
    """Index everything a commission already holds (data stored before the inbox existed)."""
    count = 0
    for survey in session.scalars(select(Survey).where(Survey.commission_id == commission.id)):
        for response in session.scalars(select(SurveyResponse).where(SurveyResponse.survey_id == survey.id)):
            index_response(session, survey, response)
            count += 1
    for live in session.scalars(select(LiveSession).where(LiveSession.commission_id == commission.id)):
        for question in live.questions:
            for vote in session.scalars(select(LiveVote).where(LiveVote.question_id == question.id)):
                index_live_vote(session, live, question, vote)
            for entry in session.scalars(select(LiveEntry).where(LiveEntry.question_id == question.id)):
                index_live_entry(session, live, question, entry)
    return count
