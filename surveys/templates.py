"""Ready-made surveys, as data, that a commissioner copies and adapts.

Templates are plain dicts in the same shape a commissioner's own survey is stored in, so the
question builder, validation and tallies need no special case for them, and a test can prove
every template is valid.

The collaborative appetite questionnaire keeps its source wording word for word ("Understanding
Collaborative Appetite", in "Nothing About Us, Without Us!", SSA): evaluators compare it with the
printed tool, and the tool's totals per metric only mean something if the questions are the
same. Only the printed numbering ("1.", "2.") is left out, because the form numbers questions
itself. The printed table puts a stem ("Is there clear strategic intent to seek new/resilient
markets through") above its items ("product/service development?"); each question here is the
stem and the item joined, which reads as a whole question without changing a word of either.
Each metric's printed heading (including the first, which is phrased as a question) becomes its
section's description, so every metric is scored on its items alone and the three compare
fairly. The tool is filed under Initiate because it is used with partner leaders while setting
the context and agreeing parameters, before residents are asked anything.

The resident templates ask the journey's practice questions in plain words (aimed at a reading
age of about nine: short sentences, everyday words), because residents answer them, not
commissioners. The practice question itself is kept word for word in ``practice_question``
so the results can be filed as evidence against it. About-you questions come last and are
always optional.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import Any

from surveys.branching import flatten
from surveys.question_types import get_type

__all__ = ["APPETITE_METRICS", "TEMPLATES", "appetite_totals", "get_template"]

#: The three metrics of the appetite tool, in the order it prints them, then the openness question
#: (printed in the same Yes/No/Maybe grid but outside the three numbered metrics).
APPETITE_METRICS = ("economic_drivers", "strategic_intent", "imperative_to_improve", "openness")

_STRATEGIC_STEM = "Is there clear strategic intent to seek new/resilient markets through"
_IMPROVE_STEM = "Is there an organisation imperative to improve"


def _ynm(qid: str, text: str, metric: str) -> dict[str, Any]:
    return {"id": qid, "type": "yes_no_maybe", "text": text, "metric": metric}


def _about_you_section() -> dict[str, Any]:
    return {
        "id": "about_you",
        "title": "About you",
        "description": "You do not have to answer these questions. Skip any you do not want to answer.",
        "questions": [
            {
                "id": "respondent_group",
                "type": "about_you",
                "category": "respondent_group",
                "text": "Which of these best describes you?",
                "why": "This helps us check we have heard from all kinds of people.",
            },
            {
                "id": "age_band",
                "type": "about_you",
                "category": "age_band",
                "text": "How old are you?",
                "why": "This helps us check we have heard from people of all ages.",
            },
        ],
    }


COLLABORATIVE_APPETITE: dict[str, Any] = {
    "key": "collaborative_appetite",
    "title": "Understanding collaborative appetite",
    "step": "initiate",
    "practice_question": "How can local people help collect information and intelligence as well as provide it?",
    "audience": "partners",
    "sections": [
        {
            "id": "economic_drivers",
            "title": "Economic drivers",
            "description": "Are there clear cut economic drivers to collaborate through?",
            "questions": [
                _ynm(
                    "ed_cost",
                    "Is there a focus on cost reduction and/or greater efficiency?",
                    "economic_drivers",
                ),
                _ynm(
                    "ed_scale",
                    "Are plans impeded by a lack of organisational scale?",
                    "economic_drivers",
                ),
                _ynm(
                    "ed_risk", "Is there clear drive to reduce financial risks?", "economic_drivers"
                ),
            ],
        },
        {
            "id": "strategic_intent",
            "title": "Strategic intent",
            "description": _STRATEGIC_STEM,
            "questions": [
                _ynm(
                    "si_development",
                    f"{_STRATEGIC_STEM} product/service development?",
                    "strategic_intent",
                ),
                _ynm("si_consolidation", f"{_STRATEGIC_STEM} consolidation?", "strategic_intent"),
                _ynm("si_cessation", f"{_STRATEGIC_STEM} cessation?", "strategic_intent"),
                _ynm(
                    "si_diversification", f"{_STRATEGIC_STEM} diversification?", "strategic_intent"
                ),
            ],
        },
        {
            "id": "imperative_to_improve",
            "title": "Imperative to improve",
            "description": _IMPROVE_STEM,
            "questions": [
                _ynm(
                    "ii_performance",
                    f"{_IMPROVE_STEM} performance and protect quality?",
                    "imperative_to_improve",
                ),
                _ynm(
                    "ii_agility",
                    f"{_IMPROVE_STEM} agility or flexibility?",
                    "imperative_to_improve",
                ),
                _ynm(
                    "ii_resilience", f"{_IMPROVE_STEM} service resilience?", "imperative_to_improve"
                ),
                _ynm(
                    "ii_barriers",
                    f"{_IMPROVE_STEM} or take action to overcome regulatory, policy or political barriers?",
                    "imperative_to_improve",
                ),
            ],
        },
        {
            "id": "openness",
            "title": "Openness and your journey",
            "questions": [
                _ynm(
                    "openness",
                    "Is there an openness towards the principle of sharing both at Board and Executive level?",
                    "openness",
                ),
                {
                    "id": "benefits",
                    "type": "free_text",
                    "text": "What do you see as the biggest benefits to collaborate?",
                },
                {
                    "id": "barriers",
                    "type": "free_text",
                    "text": "What do you see as the biggest barriers to collaboration efforts?",
                },
                {
                    "id": "journey",
                    "type": "free_text",
                    "text": "Where are you in your collaboration journey?",
                },
            ],
        },
    ],
}


INCUBATE_PLAN_CHECK: dict[str, Any] = {
    "key": "incubate_plan_check",
    "title": "Our first plan: does it work for you?",
    "step": "incubate",
    "practice_question": "To what extent is any initial plan reflective of local people's needs and do they agree?",
    "audience": "residents",
    # Residents judge a plan, so they must be able to read it: the survey opens only once the
    # plan (its text, or a link to it) is attached, and the start page shows it.
    "material": {
        "title": "Our first plan",
        "required": True,
        "missing": "Attach the plan residents are asked about (its text, a link to it or the document itself) before opening the survey",
    },
    "sections": [
        {
            "id": "the_plan",
            "title": "The plan",
            "description": "We have made a first plan. We want to know if it is right for you.",
            "questions": [
                {
                    "id": "fits_needs",
                    "type": "rating",
                    "text": "How well does the plan fit what you need?",
                    "min": 1,
                    "max": 5,
                    "min_label": "Not at all",
                    "max_label": "Very well",
                    "required": True,
                },
                {
                    "id": "agree_with_plan",
                    "type": "yes_no_maybe",
                    "text": "Do you agree with the plan?",
                    "required": True,
                },
                {
                    "id": "what_to_change",
                    "type": "free_text",
                    "text": "What would you change?",
                    "help": "Tell us in your own words.",
                    "show_if": {"question": "agree_with_plan", "in": ["no", "maybe"]},
                },
                {
                    "id": "missing",
                    "type": "free_text",
                    "text": "Is there anything you need that is not in the plan?",
                },
            ],
        },
        _about_you_section(),
    ],
}


NEGOTIATE_INFLUENCE: dict[str, Any] = {
    "key": "negotiate_influence",
    "title": "Did you have a say?",
    "step": "negotiate",
    "practice_question": (
        "What evidence is available to indicate that local people feel they have influenced the process?"
    ),
    "audience": "residents",
    "sections": [
        {
            "id": "your_say",
            "title": "Your say",
            "questions": [
                {
                    "id": "how_took_part",
                    "type": "multiple_choice",
                    "text": "How did you have your say?",
                    "help": "Choose all that apply.",
                    "options": [
                        "I filled in a survey",
                        "I went to a meeting",
                        "I voted in a live poll",
                        "I talked to a member of staff",
                        "I did not have my say",
                    ],
                },
                {
                    "id": "listened_to",
                    "type": "agreement",
                    "text": "People listened to what I said.",
                },
                {
                    "id": "changed_plans",
                    "type": "yes_no_maybe",
                    "text": "Do you think what local people said changed the plans?",
                    "required": True,
                },
                {
                    "id": "what_changed",
                    "type": "free_text",
                    "text": "What changed because of what people said?",
                    "show_if": {"question": "changed_plans", "equals": "yes"},
                },
                {
                    "id": "more_say",
                    "type": "free_text",
                    "text": "What would help you have more say?",
                    "show_if": {"question": "changed_plans", "in": ["no", "maybe"]},
                },
                {
                    "id": "why_not",
                    "type": "free_text",
                    "text": "What stopped you having your say?",
                    "show_if": {"question": "how_took_part", "includes": "I did not have my say"},
                },
            ],
        },
        _about_you_section(),
    ],
}


EVALUATE_PROCESS_AND_OUTCOMES: dict[str, Any] = {
    "key": "evaluate_process_and_outcomes",
    "title": "How did we do?",
    "step": "evaluate",
    "practice_question": (
        "Does the evaluation include feedback from local people on the commissioning process as well as "
        "any outcomes?"
    ),
    "audience": "residents",
    "sections": [
        {
            "id": "how_we_worked",
            "title": "How we worked with you",
            "description": "First, tell us about how we asked for your views.",
            "questions": [
                {
                    "id": "process_rating",
                    "type": "rating",
                    "text": "How good was the way we asked for your views?",
                    "min": 1,
                    "max": 5,
                    "min_label": "Very bad",
                    "max_label": "Very good",
                    "required": True,
                },
                {
                    "id": "easy_to_take_part",
                    "type": "agreement",
                    "text": "It was easy to have my say.",
                },
                {
                    "id": "told_what_we_did",
                    "type": "agreement",
                    "text": "You told us what you did with our views.",
                },
                {
                    "id": "process_better",
                    "type": "free_text",
                    "text": "How could we do better next time?",
                },
            ],
        },
        {
            "id": "what_changed",
            "title": "What has changed",
            "description": "Now, tell us about the service.",
            "questions": [
                {
                    "id": "service_better",
                    "type": "yes_no_maybe",
                    "text": "Is the new service better for you?",
                    "required": True,
                },
                {
                    "id": "outcome_rating",
                    "type": "rating",
                    "text": "How good is the new service?",
                    "min": 1,
                    "max": 5,
                    "min_label": "Very bad",
                    "max_label": "Very good",
                },
                {
                    "id": "what_is_better",
                    "type": "free_text",
                    "text": "What is better now?",
                    "show_if": {"question": "service_better", "in": ["yes", "maybe"]},
                },
                {
                    "id": "what_is_worse",
                    "type": "free_text",
                    "text": "What is worse, or still not right?",
                    "show_if": {"question": "service_better", "in": ["no", "maybe"]},
                },
            ],
        },
        _about_you_section(),
    ],
}


#: A street survey and walkabout audit that community researchers carry out with their
#: neighbours (the collectors in ``surveys.collectors``): one response per person they stop, and
#: what they see on the walk as observations with photos. Filed under Initiate, whose practice
#: question asks how local people can collect information as well as provide it.
WALKABOUT_STREET_SURVEY: dict[str, Any] = {
    "key": "walkabout_street_survey",
    "title": "Walkabout and street survey",
    "step": "initiate",
    "practice_question": "How can local people help collect information and intelligence as well as provide it?",
    "audience": "community researchers to ask people in the street",
    "description": "A community researcher from the area is asking people what it is like to get around here.",
    "sections": [
        {
            "id": "getting_around",
            "title": "Getting around here",
            "questions": [
                {
                    "id": "how_easy",
                    "type": "rating",
                    "text": "How easy is it to get around this area?",
                    "min": 1,
                    "max": 5,
                    "min_label": "Very hard",
                    "max_label": "Very easy",
                    "required": True,
                },
                {
                    "id": "main_problem",
                    "type": "single_choice",
                    "text": "What makes it hardest?",
                    "options": ["Pavements and crossings", "Buses", "Lighting and feeling safe", "Distance to shops "
                                "and services", "Nothing, it is easy"],
                    "other": True,
                },
                {
                    "id": "one_change",
                    "type": "free_text",
                    "text": "If you could change one thing about getting around here, what would it be?",
                },
            ],
        },
        _about_you_section(),
    ],
}


TEMPLATES: dict[str, dict[str, Any]] = {
    t["key"]: t
    for t in (
        COLLABORATIVE_APPETITE,
        INCUBATE_PLAN_CHECK,
        NEGOTIATE_INFLUENCE,
        EVALUATE_PROCESS_AND_OUTCOMES,
        WALKABOUT_STREET_SURVEY,
    )
}


def get_template(key: str) -> dict[str, Any]:
    """A deep copy of a template, so adapting it can never change the original. KeyError if unknown."""
    return copy.deepcopy(TEMPLATES[key])


def appetite_totals(
    responses: Sequence[Mapping[str, Any]], questions: Sequence[Mapping[str, Any]]
) -> dict[str, dict[str, int]]:
    """Yes / No / Maybe totals per metric, as the facilitator adds them up from the paper sheets.

    ``responses`` are stored answers (question id -> answer); ``questions`` is the survey, as
    questions or sections. Only yes/no/maybe questions with a ``metric`` count; an unanswered
    question adds nothing. The appetite metrics are always present (zero if unasked), in the
    tool's order, so a chart of them never changes shape.
    """
    counted = [q for q in flatten(questions) if q.get("metric") and get_type(q.get("type")).totals_by_metric]
    totals: dict[str, dict[str, int]] = {
        metric: {"yes": 0, "no": 0, "maybe": 0} for metric in APPETITE_METRICS
    }
    for question in counted:
        totals.setdefault(question["metric"], {"yes": 0, "no": 0, "maybe": 0})
    for response in responses:
        for question in counted:
            answer = response.get(question["id"])
            if isinstance(answer, str) and answer.strip().lower() in ("yes", "no", "maybe"):
                totals[question["metric"]][answer.strip().lower()] += 1
    return totals
