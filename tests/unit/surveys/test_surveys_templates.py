"""Templates are valid surveys, keep their source wording and total like the paper tool."""

import pytest

from surveys.branching import clean_submission, flatten, normalise_survey, validate_rules
from surveys.question_types import SURVEY, normalise_question
from surveys.templates import APPETITE_METRICS, TEMPLATES, appetite_totals, get_template

PRACTICE_QUESTIONS = {
    "incubate": "To what extent is any initial plan reflective of local people's needs and do they agree?",
    "negotiate": "What evidence is available to indicate that local people feel they have influenced the process?",
    "evaluate": "Does the evaluation include feedback from local people on the commissioning process as well "
    "as any outcomes?",
}
STEP_KEYS = {
    "initiate",
    "investigate",
    "collaborate",
    "incubate",
    "negotiate",
    "activate",
    "consolidate",
    "evaluate",
}


@pytest.mark.parametrize("key", sorted(TEMPLATES))
def test_every_template_is_a_valid_survey(key):
    template = TEMPLATES[key]
    assert set(template) >= {"key", "title", "step", "practice_question", "sections"}
    assert template["key"] == key and template["step"] in STEP_KEYS
    for question in flatten(template["sections"]):
        normalise_question(question, SURVEY)
    validate_rules(template["sections"])
    assert normalise_survey(template["sections"], SURVEY)


@pytest.mark.parametrize("step", sorted(PRACTICE_QUESTIONS))
def test_resident_templates_carry_their_practice_question_word_for_word(step):
    (template,) = [t for t in TEMPLATES.values() if t["step"] == step]
    assert template["practice_question"] == PRACTICE_QUESTIONS[step]
    assert template["audience"] == "residents"
    # About-you questions come last and are optional.
    last = template["sections"][-1]["questions"]
    assert {q["type"] for q in last} == {"about_you"}
    assert all(normalise_question(q)["required"] is False for q in last)
    assert all(q["type"] != "about_you" for s in template["sections"][:-1] for q in s["questions"])


def test_practice_questions_match_the_journey_table():
    journey = pytest.importorskip("commissioning_steps.journey")
    for template in TEMPLATES.values():
        assert template["practice_question"] == journey.get_step(template["step"]).practice_question


def test_appetite_questions_keep_the_seed_wording():
    texts = [q["text"] for q in flatten(TEMPLATES["collaborative_appetite"]["sections"])]
    assert texts == [
        "Is there a focus on cost reduction and/or greater efficiency?",
        "Are plans impeded by a lack of organisational scale?",
        "Is there clear drive to reduce financial risks?",
        "Is there clear strategic intent to seek new/resilient markets through product/service development?",
        "Is there clear strategic intent to seek new/resilient markets through consolidation?",
        "Is there clear strategic intent to seek new/resilient markets through cessation?",
        "Is there clear strategic intent to seek new/resilient markets through diversification?",
        "Is there an organisation imperative to improve performance and protect quality?",
        "Is there an organisation imperative to improve agility or flexibility?",
        "Is there an organisation imperative to improve service resilience?",
        "Is there an organisation imperative to improve or take action to overcome regulatory, policy or "
        "political barriers?",
        "Is there an openness towards the principle of sharing both at Board and Executive level?",
        "What do you see as the biggest benefits to collaborate?",
        "What do you see as the biggest barriers to collaboration efforts?",
        "Where are you in your collaboration journey?",
    ]
    sections = TEMPLATES["collaborative_appetite"]["sections"]
    assert (
        sections[0]["description"] == "Are there clear cut economic drivers to collaborate through?"
    )
    assert (
        sections[1]["description"]
        == "Is there clear strategic intent to seek new/resilient markets through"
    )
    assert sections[2]["description"] == "Is there an organisation imperative to improve"


def test_appetite_yes_no_maybe_questions_carry_their_metric():
    questions = flatten(TEMPLATES["collaborative_appetite"]["sections"])
    metrics = [q.get("metric") for q in questions if q["type"] == "yes_no_maybe"]
    assert metrics == ["economic_drivers"] * 3 + ["strategic_intent"] * 4 + [
        "imperative_to_improve"
    ] * 4 + ["openness"]


def test_appetite_totals_add_up_per_metric():
    sections = TEMPLATES["collaborative_appetite"]["sections"]
    one = clean_submission(
        sections,
        {
            "ed_cost": "Yes",
            "ed_scale": "no",
            "ed_risk": "maybe",
            "si_development": "yes",
            "ii_agility": "no",
            "openness": "yes",
            "benefits": "Shared back office",
        },
    )
    two = clean_submission(sections, {"ed_cost": "yes", "si_cessation": "maybe"})
    totals = appetite_totals([one, two, {}], sections)
    assert list(totals) == list(APPETITE_METRICS)
    assert totals == {
        "economic_drivers": {"yes": 2, "no": 1, "maybe": 1},
        "strategic_intent": {"yes": 1, "no": 0, "maybe": 1},
        "imperative_to_improve": {"yes": 0, "no": 1, "maybe": 0},
        "openness": {"yes": 1, "no": 0, "maybe": 0},
    }


def test_appetite_totals_include_other_metrics_and_skip_untagged():
    questions = [
        {"id": "a", "type": "yes_no_maybe", "text": "A?", "metric": "custom"},
        {"id": "b", "type": "yes_no_maybe", "text": "B?"},
    ]
    totals = appetite_totals([{"a": "no", "b": "yes"}], questions)
    assert totals["custom"] == {"yes": 0, "no": 1, "maybe": 0}
    assert totals["economic_drivers"] == {"yes": 0, "no": 0, "maybe": 0}


def test_resident_templates_branch_sensibly():
    incubate = TEMPLATES["incubate_plan_check"]["sections"]
    assert clean_submission(
        incubate, {"fits_needs": 2, "agree_with_plan": "no", "what_to_change": "Later hours"}
    )
    negotiate = TEMPLATES["negotiate_influence"]["sections"]
    got = clean_submission(
        negotiate,
        {
            "how_took_part": ["I did not have my say"],
            "changed_plans": "maybe",
            "more_say": "Evening meetings",
            "why_not": "Work",
            "age_band": "25 to 34",
        },
    )
    assert got["why_not"] == "Work"


def test_get_template_returns_a_copy():
    copy = get_template("negotiate_influence")
    copy["sections"][0]["questions"].clear()
    assert TEMPLATES["negotiate_influence"]["sections"][0]["questions"]
    with pytest.raises(KeyError):
        get_template("nope")
