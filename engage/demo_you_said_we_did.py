"""Demonstration data for "you said, we did": a commission whose residents' words went all the way
round the loop, so ``make run`` shows it whole.

Everything goes through the real services: survey answers and live-poll phrases are indexed in
the input inbox by the services that store them, themes are tagged and quoted, decisions are
recorded against them (one theme is not taken up, with the reason), and the public page is
published. It runs inside ``load_demo``'s one transaction.
"""
from __future__ import annotations

import secrets

from sqlalchemy import select

from commissioning_steps import commissions, decisions, evidence, progression, staff, themes
from commissioning_steps.inputs import InputItem
from commissioning_steps.staff import StaffUser

GROUPS = [("Adults with learning disabilities", 50), ("Family carers", 30), ("Support staff", 20)]
SURVEY_ANSWERS = [
    ("The bus comes at a different time every day, so I miss the start", GROUPS[0][0], "Sometimes"),
    ("I wait outside for an hour when the minibus is late", GROUPS[0][0], "Often"),
    ("Tell us when the bus is coming, by text or a call to the house", GROUPS[1][0], "Often"),
    ("I would like to learn to catch the bus on my own", GROUPS[0][0], "Sometimes"),
    ("A travel buddy for the first few weeks would give my son confidence", GROUPS[1][0], "Never"),
    ("There is nothing at weekends, so Saturdays are long", GROUPS[0][0], "Often"),
    ("Saturday trips to the shops would help me see friends", GROUPS[0][0], "Sometimes"),
    ("More parking at the centre for families who drive", GROUPS[1][0], "Never"),
]
PHRASES = ["On time", "Friendly driver", "Saturdays", "Travel buddy", "Parking", "On time"]
QUESTIONS = ["Will the new times work for people who start at 9?", "Can carers ride along?"]


def load_you_said_we_did(session, commissioner: StaffUser) -> None:
    from flask import current_app

    from surveys import lifecycle, responses, you_said_we_did
    from surveys.live import running, sessions, voting

    commission = commissions.create_commission(session, commissioner, commissions.CommissionInput(
        title="Getting to day services: community transport",
        summary="People who use day services, their families and staff decide how transport to and from "
                "the borough's day services should change.",
        area="London Borough of Sutton",
        partners=["London Borough of Sutton", "Sutton Community Transport"],
        population_groups=GROUPS,
    ))
    commissions.add_member(session, commission, "evaluator@example.org", staff.EVALUATOR)
    groups = [g for g, _ in GROUPS]
    survey = lifecycle.create_survey(session, commission, commissioner, lifecycle.SurveyInput(
        title="Getting there: your journey to the day centre", step="initiate",
        description="Tell us how you get to your day service and what would make the journey better.",
        items=[
            {"id": "late", "type": "single_choice", "text": "How often is your transport late?",
             "options": ["Never", "Sometimes", "Often"]},
            {"id": "better", "type": "free_text", "text": "What would make getting there better?", "max_length": 1000},
            {"id": "group", "type": "about_you", "category": "respondent_group", "text": "Which of these are you?",
             "why": "So we can check we have heard from everyone the service is for.", "options": groups},
        ]))
    lifecycle.open_survey(session, survey)
    secret = current_app.config["SECRET_KEY"].encode()
    for text, group, late in SURVEY_ANSWERS:
        responses.submit(session, survey, {"late": late, "better": text, "group": group}, secret=secret)
    responses.submit(session, survey, {"late": "Sometimes", "group": groups[2]}, secret=secret)

    live = sessions.create_session(session, commission, commissioner, title="Transport drop-in, Wallington hall",
                                   step="initiate", questions=[
        {"type": "word_cloud", "text": "One word for a good journey"},
        {"type": "qa", "text": "Your questions for the transport team"},
    ])
    cloud, qa = live.questions
    running.open_question(session, live, cloud.id, commissioner)
    for n, phrase in enumerate(PHRASES):
        voting.cast_vote(session, live, secrets.token_hex(12), cloud.id, phrase, f"demo-{n}")
    running.close_question(session, live, cloud.id, commissioner)
    running.open_question(session, live, qa.id, commissioner)
    for text in QUESTIONS:
        voting.ask(session, live, secrets.token_hex(12), text)
    running.close_question(session, live, qa.id, commissioner)
    evidence.record_manual(session, commission, commissioner, step="initiate", kind="workshop",
                           summary="Journey-mapping workshop with people who use day services and their carers.",
                           payload={"attendance": 14})
    lifecycle.close_survey(session, survey, commissioner)
    progression.complete_step(session, commission, "initiate", commissioner)
    progression.complete_step(session, commission, "investigate", commissioner,
                              override_reason="Demo data: the investigation is summarised in the survey and drop-in.")

    items = {i.text: i.id for i in session.scalars(select(InputItem).where(InputItem.commission_id == commission.id))}

    def theme(name: str, texts: list[str], description: str = "", minority: bool = False):
        made = themes.create_theme(session, commission, commissioner, name=name, description=description,
                                   minority=minority)
        themes.tag(session, made, [items[t] for t in texts], commissioner)
        return made

    on_time = theme("Reliable pick-up times", [SURVEY_ANSWERS[0][0], SURVEY_ANSWERS[1][0], SURVEY_ANSWERS[2][0],
                                               "On time", QUESTIONS[0]],
                    "Transport that comes when it says, and word when it will not.")
    learning = theme("Learning to travel independently", [SURVEY_ANSWERS[3][0], SURVEY_ANSWERS[4][0], "Travel buddy"])
    weekends = theme("Something to do at weekends", [SURVEY_ANSWERS[5][0], SURVEY_ANSWERS[6][0], "Saturdays"])
    parking = theme("More parking at the centre", [SURVEY_ANSWERS[7][0], "Parking"], minority=True)
    themes.pick_quote(session, on_time, items[SURVEY_ANSWERS[1][0]], commissioner)
    themes.pick_quote(session, learning, items[SURVEY_ANSWERS[4][0]], commissioner)
    themes.pick_quote(session, weekends, items[SURVEY_ANSWERS[6][0]], commissioner)
    themes.pick_quote(session, parking, items[SURVEY_ANSWERS[7][0]], commissioner, minority=True)

    decisions.record_decision(session, commission, commissioner, decisions.DecisionInput(
        title="Booked pick-up windows with a text the day before",
        description="Every journey gets a 15-minute pick-up window, confirmed by text or a phone call the day "
                    "before, and a call if the vehicle is running late.",
        kind=decisions.PLAN_ITEM, step="collaborate", decided_by="Adult social care commissioning board",
        decided_on="2026-11-20", takes_effect_on="2027-04-01", status=decisions.AGREED), themes=[on_time.id])
    buddies = decisions.record_decision(session, commission, commissioner, decisions.DecisionInput(
        title="Travel buddies and Saturday outings",
        description="Trained volunteers travel with people learning to use buses, and the same scheme runs "
                    "Saturday group trips into town.",
        kind=decisions.PLAN_ITEM, step="collaborate", decided_by="Day services partnership board",
        decided_on="2026-11-27", status=decisions.PROPOSED), themes=[learning.id, weekends.id])
    decisions.change_decision(session, buddies, commissioner, status=decisions.AGREED, takes_effect_on="2027-06-01")
    decisions.record_decision(session, commission, commissioner, decisions.DecisionInput(
        title="Wheelchair-accessible vehicles only",
        description="Every vehicle on the contract must carry a wheelchair user safely.",
        kind=decisions.PLAN_ITEM, step="collaborate", decided_by="Transport contracts team",
        decided_on="2026-11-20", status=decisions.AGREED),
        not_attributable_reason="Required by the council's accessible transport standard, whatever was said.")
    decisions.respond_to_theme(session, parking, commissioner,
                               not_taken_up="The car park belongs to the leisure centre next door; we have passed "
                                            "the request on to them.")
    you_said_we_did.publish(session, commission, commissioner)
