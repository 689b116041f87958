"""Demonstration data for the final evaluation: a commission that has walked the whole journey
with residents, with surveys from the Incubate, Negotiate and Evaluate templates, themes and
decisions, data residents collected, benefits with measurements and a review, every step rated,
a challenge answered, the evaluation signed off (version 1), and one entry recorded after the
sign-off. ``load_demo`` calls ``load`` with one line, inside its transaction."""
from __future__ import annotations

from datetime import timedelta

from flask import current_app

from commissioning_steps import benefits, commissions, decisions, evaluation, evidence, inputs, progression, staff, themes
from commissioning_steps.db import utcnow
from commissioning_steps.decisions import DecisionInput

TITLE = "Community transport for older residents"
GROUPS = [("Older residents (65+)", 60.0), ("Carers", 25.0), ("Disabled residents under 65", 15.0)]


def _survey(session, commission, commissioner, *, template: str | None, step: str, answers: list[dict],
            title: str | None = None, items=None):
    from surveys import lifecycle, responses
    from surveys.templates import get_template

    if template and items is None:
        items = get_template(template)["sections"]
        for section in items:
            for q in section.get("questions", []):
                if q.get("category") == "respondent_group":
                    q["options"] = [name for name, _ in GROUPS]
    material = get_template(template).get("material") if template else None
    survey = lifecycle.create_survey(session, commission, commissioner, lifecycle.SurveyInput(
        template=template, step=step, title=title, items=items,
        material_title=material["title"] if material else None,
        material_text=("Saturday opening at the day centre from April, and a minibus on the two busiest "
                       "routes, chosen with the residents' forum.") if material else None))
    lifecycle.open_survey(session, survey)
    secret = current_app.config["SECRET_KEY"].encode()
    for a in answers:
        responses.submit(session, survey, a, secret=secret)
    lifecycle.close_survey(session, survey, commissioner)
    return survey


def _decision(session, commission, commissioner, kind, step, title, **links):
    return decisions.record_decision(session, commission, commissioner, DecisionInput(
        title=title, description=f"{title}, agreed with the residents' panel.", kind=kind, step=step,
        decided_by="Older people's services commissioning board", decided_on=utcnow().date().isoformat(),
        status=decisions.AGREED), **links)


def load(session, users: dict) -> None:
    commissioner, evaluator = users[staff.COMMISSIONER], users[staff.EVALUATOR]
    older, carers, disabled = (name for name, _ in GROUPS)
    c = commissions.create_commission(session, commissioner, commissions.CommissionInput(
        title=TITLE, summary="Older residents, carers and disabled residents redesign the dial-a-ride and "
                             "community bus service with the council and the NHS, and judge whether it worked.",
        area="London Borough of Sutton",
        partners=["London Borough of Sutton", "Sutton Community Transport", "South West London NHS"],
        population_groups=GROUPS))
    commissions.add_member(session, c, "evaluator@example.org", staff.EVALUATOR)
    note = evidence.record_manual

    # Analyse
    note(session, c, commissioner, step="initiate", kind="resident_data",
         summary="Twelve older residents logged every journey they made, or could not make, for two weeks.",
         payload={"residents": 12, "journeys": 214})
    note(session, c, commissioner, step="initiate", kind="workshop",
         summary="Launch workshop at the Phoenix Centre: residents mapped the trips that matter to them.",
         payload={"attendance": 34})
    progression.complete_step(session, c, "initiate", commissioner)
    _survey(session, c, commissioner, template=None, step="investigate", title="Getting about: what matters", items=[
        {"id": "trips", "type": "free_text", "text": "Which trips are hardest to make now?", "max_length": 500},
        {"id": "group", "type": "about_you", "category": "respondent_group", "text": "Which of these are you?",
         "why": "So we can check we have heard from everyone the service is for.",
         "options": [name for name, _ in GROUPS]}],
        answers=[{"trips": "Hospital appointments before 10am", "group": older},
                 {"trips": "Getting to the day centre when the bus is full", "group": older},
                 {"trips": "Evening trips to see family", "group": older},
                 {"trips": "Taking my mother to the GP", "group": carers},
                 {"trips": "Any trip with my wheelchair", "group": disabled},
                 {"trips": "Hospital visits: the booking line is always busy", "group": older}])
    items = inputs.search(session, c.id).items
    health = themes.create_theme(session, c, commissioner, name="Getting to health appointments")
    booking = themes.create_theme(session, c, commissioner, name="Booking is hard")
    themes.tag(session, health, [i.id for i in items if "ospital" in i.text or "GP" in i.text], commissioner)
    themes.tag(session, booking, [i.id for i in items if "booking" in i.text or "full" in i.text], commissioner)
    hospital = next(i for i in items if "before 10am" in i.text)
    themes.pick_quote(session, health, hospital.id, commissioner)
    progression.complete_step(session, c, "investigate", commissioner)

    # Plan
    minibus = _decision(session, c, commissioner, decisions.PLAN_ITEM, "collaborate",
                        "Early-morning health runs", themes=[health.id])
    _decision(session, c, commissioner, decisions.PLAN_ITEM, "collaborate", "Online and phone booking",
              themes=[booking.id])
    _decision(session, c, commissioner, decisions.PLAN_ITEM, "collaborate", "Fleet size kept at six vehicles",
              not_attributable_reason="Set by the capital budget agreed before the commission began")
    note(session, c, commissioner, step="collaborate", kind="workshop",
         summary="Planning day: residents and drivers drafted the timetable together.", payload={"attendance": 22})
    progression.complete_step(session, c, "collaborate", commissioner)
    _survey(session, c, commissioner, template="incubate_plan_check", step="incubate", answers=[
        {"fits_needs": 4, "agree_with_plan": "yes", "respondent_group": older},
        {"fits_needs": 5, "agree_with_plan": "yes", "respondent_group": older},
        {"fits_needs": 3, "agree_with_plan": "maybe", "what_to_change": "Weekend runs too", "respondent_group": older},
        {"fits_needs": 4, "agree_with_plan": "yes", "respondent_group": carers},
        {"fits_needs": 2, "agree_with_plan": "no", "what_to_change": "Vehicles with ramps", "respondent_group": disabled},
    ])
    progression.complete_step(session, c, "incubate", commissioner)

    # Do
    note(session, c, commissioner, step="negotiate", kind="meeting",
         summary="Provider dialogue day: three operators heard the residents' panel present the plan.",
         payload={"attendance": 18, "residents": 6})
    note(session, c, commissioner, step="negotiate", kind="meeting",
         summary="Clarification meeting with the shortlisted operator on vehicle accessibility.",
         payload={"attendance": 5})
    _survey(session, c, commissioner, template="negotiate_influence", step="negotiate", answers=[
        {"how_took_part": ["I went to a meeting"], "listened_to": "Agree", "changed_plans": "yes",
         "what_changed": "The early health runs", "respondent_group": older},
        {"how_took_part": ["I filled in a survey"], "listened_to": "Strongly agree", "changed_plans": "yes",
         "respondent_group": carers},
        {"how_took_part": ["I filled in a survey"], "listened_to": "Disagree", "changed_plans": "maybe",
         "respondent_group": disabled},
    ])
    progression.complete_step(session, c, "negotiate", commissioner)
    facet = _decision(session, c, commissioner, decisions.SOLUTION_FACET, "activate",
                      "Health runs from 7.30am, booked the day before", themes=[health.id, booking.id])
    _decision(session, c, commissioner, decisions.SOLUTION_FACET, "activate", "Operator's fleet tracking system",
              not_attributable_reason="A contract requirement of the council's fleet policy")
    progression.complete_step(session, c, "activate", commissioner)

    # Review: benefits, measured and reviewed from Consolidate on
    today = utcnow().date()
    benefits.save_strategy(session, c, commissioner,
                           approach="Agree a baseline for every benefit before the new service starts, measure "
                                    "quarterly from operator and NHS records, and review with the residents' panel "
                                    "twice a year.",
                           partner_benefits=[{"partner": "London Borough of Sutton", "benefits": "Lower cost per trip"},
                                             {"partner": "South West London NHS", "benefits": "Fewer missed outpatient appointments"},
                                             {"partner": "Sutton Community Transport", "benefits": "A resilient, fuller timetable"}])
    missed = benefits.create_benefit(session, c, commissioner, benefits.BenefitInput(
        title="Fewer missed hospital appointments", description="Older residents reach morning appointments.",
        stakeholders=["Older residents", "South West London NHS"], attributes=["Non-cashable", "Quantitative"],
        outputs=["Early-morning health runs"], outcome="Residents arrive on time for morning appointments",
        objectives=["Older residents stay well at home"], measure="Missed outpatient appointments a month",
        unit="appointments", method="NHS outpatient records for Sutton postcodes, monthly",
        baseline_value=140, baseline_date=(today - timedelta(days=300)).isoformat(), target_value=90,
        target_date=(today + timedelta(days=365)).isoformat(), owner_role="Head of older people's commissioning",
        owner_id=commissioner.id, measurement_dates=[(today + timedelta(days=3)).isoformat()],
        review_dates=[(today + timedelta(days=90)).isoformat()]), decisions=[minibus.id, facet.id])
    cost = benefits.create_benefit(session, c, commissioner, benefits.BenefitInput(
        title="Lower cost per trip", description="Fuller vehicles bring the council's cost per trip down.",
        stakeholders=["London Borough of Sutton"], attributes=["Cashable"], outputs=["Online and phone booking"],
        outcome="Fuller vehicles", objectives=["Value for money"], measure="Cost per passenger trip", unit="£",
        method="Operator invoices divided by trips recorded", baseline_value=14.2,
        baseline_date=(today - timedelta(days=300)).isoformat(), target_value=11.5,
        target_date=(today + timedelta(days=365)).isoformat(), owner_role="Transport commissioning manager"),
        depends_on=[missed.id])
    benefits.create_benefit(session, c, commissioner, benefits.BenefitInput(
        kind=benefits.DIS_BENEFIT, title="Longer rides on shared routes",
        description="Sharing vehicles makes some journeys longer.", stakeholders=["Disabled residents under 65"],
        outputs=["Online and phone booking"], outcome="Fuller vehicles", measure="Average ride time",
        unit="minutes", method="Operator trip logs", baseline_value=24,
        baseline_date=(today - timedelta(days=300)).isoformat(), owner_role="Transport commissioning manager"))
    note(session, c, commissioner, step="consolidate", kind="resident_data",
         summary="Six residents rode every route with a checklist and reported on punctuality and access.",
         payload={"residents": 6, "routes": 9})
    benefits.record_measurement(session, missed, commissioner, measured_on=today - timedelta(days=120), value=126,
                                source="NHS outpatient records, first quarter")
    benefits.record_measurement(session, cost, commissioner, measured_on=today - timedelta(days=110), value=13.4,
                                source="Operator invoices, first quarter")
    progression.complete_step(session, c, "consolidate", commissioner)
    benefits.record_measurement(session, missed, commissioner, measured_on=today - timedelta(days=20), value=104,
                                source="NHS outpatient records, second quarter")
    benefits.record_review(session, missed, commissioner, held_on=today - timedelta(days=10), extent="partly_realised",
                           findings="Missed appointments are down by a quarter; winter may reverse some of it.",
                           new_target_value=85, new_target_date=(today + timedelta(days=365)).isoformat())
    _survey(session, c, commissioner, template="evaluate_process_and_outcomes", step="evaluate", answers=[
        {"process_rating": 4, "easy_to_take_part": "Agree", "told_what_we_did": "Agree", "service_better": "yes",
         "outcome_rating": 4, "respondent_group": older},
        {"process_rating": 5, "easy_to_take_part": "Strongly agree", "told_what_we_did": "Agree",
         "service_better": "yes", "outcome_rating": 5, "respondent_group": older},
        {"process_rating": 3, "easy_to_take_part": "Neither agree nor disagree", "service_better": "maybe",
         "outcome_rating": 3, "respondent_group": carers},
        {"process_rating": 2, "easy_to_take_part": "Disagree", "service_better": "no", "outcome_rating": 2,
         "what_is_worse": "Ramps are still too steep", "respondent_group": disabled},
    ])
    progression.complete_step(session, c, "evaluate", commissioner)

    # The evaluation: every step rated, a challenge answered, signed off, then one more entry.
    ratings = {
        "initiate": ("fully_evidenced", ""),
        "investigate": ("fully_evidenced", ""),
        "collaborate": ("partly_evidenced", "Two of three plan items trace to residents; the fleet size did not."),
        "incubate": ("partly_evidenced", "Disabled residents did not agree with the plan; their change was not taken up."),
        "negotiate": ("fully_evidenced", ""),
        "activate": ("fully_evidenced", ""),
        "consolidate": ("fully_evidenced", ""),
        "evaluate": ("partly_evidenced", "Outcome feedback is positive overall but comes from few disabled residents."),
    }
    for key, (rating, commentary) in ratings.items():
        evaluation.rate_step(session, c, evaluator, step=key, rating=rating, commentary=commentary)
    challenge = evaluation.raise_challenge(session, c, evaluator, step="consolidate",
                                           text="What is the source of the missed-appointment figures?")
    evaluation.answer_challenge(session, challenge, commissioner,
                                text="NHS outpatient records for Sutton postcodes, shared monthly under the data "
                                     "sharing agreement.")
    from surveys import evaluation_report

    evaluation_report.sign_off(session, c, evaluator, current_app.extensions["engage.checkpoint_signer"])
    note(session, c, commissioner, step="evaluate", kind="note",
         summary="The residents' panel asked for the ramp complaint to be raised with the operator; it has been.")
