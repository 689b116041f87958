"""Demonstration data for ``make run``: three staff accounts and a commission part-way along.

The password is ``ENGAGE_DEMO_PASSWORD`` when set; otherwise one is generated the first time and
kept in ``instance/demo-password`` (readable by its owner only) so every start can print it.
Demo data is never loaded under the production configuration (see ``cli.demo_data``).
"""
from __future__ import annotations

import os
import secrets
from typing import Iterator

from sqlalchemy import func, select

from commissioning_steps import commissions, evidence, passwords, progression, staff
from commissioning_steps.db import transaction
from commissioning_steps.staff import StaffUser

from .auth import hash_password
from .config import INSTANCE
from .demo_evaluation import load as load_evaluation
from .demo_you_said_we_did import load_you_said_we_did
from .extensions import database

DEMO_ACCOUNTS = (
    ("commissioner@example.org", "Casey Commissioner", staff.COMMISSIONER),
    ("evaluator@example.org", "Eve Evaluator", staff.EVALUATOR),
    ("admin@example.org", "Alex Admin", staff.ADMIN),
)


def demo_password() -> tuple[str, bool]:
    """The password and whether it came from the environment."""
    from_env = os.environ.get("ENGAGE_DEMO_PASSWORD")
    if from_env:
        problem = passwords.password_problem(from_env, [email for email, _, _ in DEMO_ACCOUNTS])
        if problem:
            raise ValueError(f"ENGAGE_DEMO_PASSWORD cannot be used. {problem}.")
        return from_env, True
    path = INSTANCE / "demo-password"
    if not path.exists():
        INSTANCE.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(12))
        path.chmod(0o600)
    return path.read_text().strip(), False


def load_demo(if_empty: bool = False) -> Iterator[str]:
    password, from_env = demo_password()
    session = database().session(write=True)
    try:
        has_staff = session.scalar(select(func.count()).select_from(StaffUser)) > 0
        if has_staff and if_empty:
            if from_env:  # keep the accounts usable with the password the user has just set
                with transaction(session):
                    for email, _, _ in DEMO_ACCOUNTS:
                        user = staff.find_by_email(session, email)
                        if user and not _password_matches(user, password):
                            user.password_hash = hash_password(password)
            yield "Demo data is already loaded; your data is kept."
        else:
            # One transaction: the services below join it, so a failure part-way loads nothing.
            with transaction(session):
                _load(session, password)
            yield "Demo data loaded."
    finally:
        session.close()
    yield "Demo accounts: " + ", ".join(email for email, _, _ in DEMO_ACCOUNTS)
    yield f"Demo password: {password}" + ("  (from ENGAGE_DEMO_PASSWORD)" if from_env else
                                          f"  (generated, kept in {INSTANCE / 'demo-password'})")


def _password_matches(user: StaffUser, password: str) -> bool:
    from werkzeug.security import check_password_hash

    return check_password_hash(user.password_hash, password)


def _load(session, password: str) -> None:
    users = {}
    for email, name, role in DEMO_ACCOUNTS:
        users[role] = staff.find_by_email(session, email) or staff.create_user(
            session, email=email, name=name, role=role, password_hash=hash_password(password))
    commissioner = users[staff.COMMISSIONER]
    day = commissions.create_commission(session, commissioner, commissions.CommissionInput(
        title="Future of day opportunities for adults with learning disabilities",
        summary="Working with people who use day services, their families and carers to decide what "
                "should replace the current day centre offer.",
        area="London Borough of Sutton",
        partners=["London Borough of Sutton", "South West London NHS partners", "Sutton Housing Partnership"],
        population_groups=[("Adults with learning disabilities", 50), ("Family carers", 30),
                            ("Support staff", 10), ("Community organisations", 10)],
    ))
    commissions.add_member(session, day, "evaluator@example.org", staff.EVALUATOR)
    evidence.record_manual(session, day, commissioner, step="initiate", kind="workshop",
                           summary="Co-design workshop at the day centre: people who use the service mapped "
                                   "what they do in a week and what they would like to do instead.",
                           payload={"attendance": 23})
    evidence.record_manual(session, day, commissioner, step="initiate", kind="resident_data",
                           summary="Eight self-advocates photographed places in the borough they use and "
                                   "would like to use, and presented the map to the project board.",
                           payload={"photographs": 64, "places": 31})
    progression.complete_step(session, day, "initiate", commissioner)
    evidence.record_manual(session, day, commissioner, step="investigate", kind="resident_quote",
                           summary="“I want a job, not a day centre. Somewhere people know my name.”")
    park = commissions.create_commission(session, commissioner, commissions.CommissionInput(
        title="Rosehill Park improvements",
        summary="Residents decide how the park's improvement budget is spent.",
        area="Rosehill ward",
        partners=["London Borough of Sutton"],
        population_groups=[("Young people (under 18)", 25), ("Older residents (65+)", 25), ("Park users", 50)],
    ))
    commissions.add_member(session, park, "evaluator@example.org", staff.EVALUATOR)
    _demo_surveys(session, day, commissioner)
    _demo_live_session(session, day, commissioner)
    load_you_said_we_did(session, commissioner)
    load_evaluation(session, users)


def _demo_live_session(session, commission, commissioner) -> None:
    """A live session ready for a meeting: open its first question from the presenter screen."""
    from surveys.live import sessions

    sessions.create_session(session, commission, commissioner, title="Day opportunities drop-in, Sutton library",
                            step="investigate", questions=[
        {"type": "multiple_choice", "text": "What should the new service offer first?", "multiple": False,
         "options": ["Paid work and volunteering", "Art, music and drama", "Sport and keeping well",
                     "Learning new skills"]},
        {"type": "rating", "text": "How well does the current day centre work for you?", "min": 1, "max": 5},
        {"type": "word_cloud", "text": "One word for a good day out"},
        {"type": "qa", "text": "Your questions for the commissioning team"},
    ])


def _demo_surveys(session, commission, commissioner) -> None:
    """An open survey with a few answers, and a partners' questionnaire in draft."""
    from flask import current_app

    from surveys import lifecycle, responses

    groups = [g.name for g in commission.population_groups]
    survey = lifecycle.create_survey(session, commission, commissioner, lifecycle.SurveyInput(
        title="Day opportunities: what matters to you", step="investigate",
        description="We want to know what you do in the day now and what you would like to do instead. "
                    "Your answers help decide what replaces the day centre.",
        items=[
            {"id": "uses", "type": "yes_no_maybe", "text": "Do you go to a day centre now?", "required": True},
            {"id": "likes", "type": "multiple_choice", "text": "What do you like doing there?",
             "options": ["Art", "Cooking", "Music", "Sport", "Seeing friends"], "max": 3,
             "show_if": {"question": "uses", "equals": "yes"}},
            {"id": "safe", "type": "rating", "text": "How safe do you feel getting there?", "min": 1, "max": 5,
             "min_label": "Not safe", "max_label": "Very safe"},
            {"id": "agree", "type": "agreement", "text": "I would like to spend more time in the community."},
            {"id": "ideas", "type": "free_text", "text": "What would you like to do instead?", "max_length": 1000},
            {"id": "group", "type": "about_you", "category": "respondent_group", "text": "Which of these are you?",
             "why": "So we can check we have heard from everyone the service is for.", "options": groups},
        ]))
    lifecycle.open_survey(session, survey)
    secret = current_app.config["SECRET_KEY"].encode()
    for answers in (
        {"uses": "yes", "likes": ["Art", "Seeing friends"], "safe": 4, "agree": "Strongly agree",
         "ideas": "Work at the garden centre", "group": groups[0]},
        {"uses": "yes", "likes": ["Cooking"], "safe": 2, "agree": "Agree", "group": groups[0]},
        {"uses": "no", "safe": 3, "agree": "Neither agree nor disagree", "ideas": "A drama group", "group": groups[1]},
        {"uses": "maybe", "safe": 5, "agree": "Agree", "group": groups[2]},
    ):
        responses.submit(session, survey, answers, secret=secret)
    _demo_collectors(session, survey, commissioner, groups, secret)
    lifecycle.create_survey(session, commission, commissioner,
                            lifecycle.SurveyInput(template="collaborative_appetite", step="investigate"))


def _demo_collectors(session, survey, commissioner, groups, secret: bytes) -> None:
    """Peer researchers who asked people at the day centre and at home (issue 8, residents who
    collect data): three responses and an observation with a photo, one researcher withdrawn.
    Their codes are not kept anywhere (only hashes), so invite a new one to try the collector's side."""
    import io

    from PIL import Image, ImageDraw

    from surveys import collectors

    a = collectors.invite(session, survey, commissioner, "Peer researcher A").collector
    b = collectors.invite(session, survey, commissioner, "Peer researcher B").collector
    for collector, answers in (
        (a, {"uses": "yes", "likes": ["Music"], "safe": 3, "agree": "Agree", "group": groups[0]}),
        (a, {"uses": "no", "safe": 2, "agree": "Strongly agree", "ideas": "Swimming with friends", "group": groups[0]}),
        (b, {"uses": "yes", "likes": ["Sport", "Seeing friends"], "safe": 4, "agree": "Agree", "group": groups[1]}),
    ):
        collectors.record_response(session, collector.id, survey.id, answers, secret=secret)
    picture = Image.new("RGB", (320, 200), (225, 232, 240))
    ImageDraw.Draw(picture).rectangle((40, 120, 280, 150), fill=(90, 90, 90))
    photo = io.BytesIO()
    picture.save(photo, "PNG")
    collectors.record_observation(session, b.id, survey.id,
                                  "The bus stop outside the day centre has no seat and no shelter.", photo.getvalue())
    collectors.withdraw(session, b)
