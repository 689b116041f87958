"""The evaluation on the API: the report (steps, indicators, ratings, version, head, sign-off),
rating a step, challenges and their answers, and signing off. Evaluators of the commission rate,
challenge and sign off; its commissioners answer; anyone else is told it does not exist."""
from __future__ import annotations

from flask import current_app
from marshmallow import EXCLUDE, Schema, fields, validate

from commissioning_steps import access, evaluation
from commissioning_steps.errors import Invalid, NotFound
from surveys import evaluation_report

from ..common.evaluation import challenge_json, report_json
from ..extensions import db_session
from . import bp
from .evidence import entry_json
from .contract import args, body, described, paginate
from .helpers import current_staff, staff_required
from .schemas import NoBody
from .response_schemas import ChallengeAnsweredOut, ChallengeOut, ChallengesOut, EvaluationOut, RatingOut, SignOffOut



class RatingIn(Schema):
    rating = fields.String(required=True)
    commentary = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=10_000))


class ChallengeIn(Schema):
    text = fields.String(required=True, validate=validate.Length(max=10_000))
    step = fields.String(load_default=None, allow_none=True)
    entry_id = fields.Integer(strict=True, load_default=None, allow_none=True,
                              validate=validate.Range(min=1, max=2**63 - 1))


class AnswerIn(Schema):
    text = fields.String(required=True, validate=validate.Length(max=10_000))


class EvaluationQuery(Schema):
    class Meta:
        unknown = EXCLUDE

    version = fields.String(validate=validate.Regexp(r"^(draft|[0-9]{1,9})$", error="Give a version number, or 'draft'"),
                            metadata={"description": "A signed-off version's number, or `draft`"})


class ChallengesQuery(Schema):
    class Meta:
        unknown = EXCLUDE

    open = fields.String(validate=validate.OneOf(("1", "true", "0", "false")),
                         metadata={"description": "`1` or `true`: only open challenges"})


def _version_arg() -> tuple[int | None, bool]:
    raw = args().get("version")
    if raw in (None, ""):
        return None, False
    if raw == "draft":
        return None, True
    if not raw.isdigit() or len(raw) > 9:
        raise Invalid({"version": "Give a version number, or 'draft'"})
    return int(raw), False


@bp.get("/commissions/<int:commission_id>/evaluation")
@staff_required
@described("The evaluation report: steps, indicators, ratings, sign-off and versions", query=EvaluationQuery,
           out=EvaluationOut, etag=True)
def get_evaluation(commission_id: int):
    """The latest signed-off version (``?version=N`` for another, ``?version=draft`` for the
    record as it stands); the draft when never signed off."""
    session = db_session()
    commission = access.require(session, current_staff(), commission_id)
    version, draft = _version_arg()
    report = evaluation_report.report(session, commission, version=version, draft=draft)
    return report_json(report, evaluation.sign_off_problems(session, commission))


@bp.post("/commissions/<int:commission_id>/steps/<key>/rating")
@staff_required
@described("Rate a completed step (the commission's evaluators)", body=RatingIn, out=RatingOut, status=201,
           errors=(403, 409), example={"rating": "partly_evidenced", "commentary": "No residents' view of option B"})
def rate_step(commission_id: int, key: str):
    session = db_session()
    commission = access.require(session, current_staff(), commission_id, access.ASSESS)
    data = body()
    entry = evaluation.rate_step(session, commission, current_staff(), step=key, rating=data["rating"],
                                 commentary=data["commentary"])
    rating = evaluation.ratings(session, commission.id)[entry.step]
    return {"step": entry.step, "rating": rating.rating, "rating_label": rating.label,
            "commentary": rating.commentary, "entry": entry_json(entry)}, 201


@bp.get("/commissions/<int:commission_id>/challenges")
@staff_required
@described("The evaluators' challenges and their answers", query=ChallengesQuery, out=ChallengesOut,
           paged="challenges")
def list_challenges(commission_id: int):
    session = db_session()
    commission = access.require(session, current_staff(), commission_id)
    open_only = args().get("open") in ("1", "true")
    threads = [t for t in evaluation.challenges(session, commission.id) if t.challenge.is_open or not open_only]
    return {"challenges": [challenge_json(t) for t in paginate(threads)]}


@bp.post("/commissions/<int:commission_id>/challenges")
@staff_required
@described("Challenge a step or one evidence entry (the commission's evaluators)", body=ChallengeIn,
           out=ChallengeOut, status=201, errors=(403, 409),
           example={"text": "Which residents were asked about the bus route?", "step": "investigate", "entry_id": None})
def raise_challenge(commission_id: int):
    session = db_session()
    commission = access.require(session, current_staff(), commission_id, access.ASSESS)
    data = body()
    challenge = evaluation.raise_challenge(session, commission, current_staff(), text=data["text"],
                                           step=data["step"], entry_id=data["entry_id"])
    return challenge_json(evaluation.Thread(challenge)), 201


def _challenge(challenge_id: int, action: str):
    session = db_session()
    challenge = evaluation.get_challenge(session, challenge_id)
    try:
        access.require(session, current_staff(), challenge.commission_id, action)
    except NotFound:
        raise NotFound("No challenge with that id") from None
    return challenge


@bp.get("/challenges/<int:challenge_id>")
@staff_required
@described("One challenge with its answers", out=ChallengeOut)
def get_challenge(challenge_id: int):
    challenge = _challenge(challenge_id, access.READ)
    [thread] = [t for t in evaluation.challenges(db_session(), challenge.commission_id) if t.challenge.id == challenge.id]
    return challenge_json(thread)


@bp.post("/challenges/<int:challenge_id>/answers")
@staff_required
@described("Answer a challenge (the commission's commissioners)", body=AnswerIn, out=ChallengeAnsweredOut,
           status=201, errors=(403, 409), example={"text": "The survey of 212 residents, entry 14"})
def answer_challenge(challenge_id: int):
    challenge = _challenge(challenge_id, access.WRITE)
    data = body()
    answer = evaluation.answer_challenge(db_session(), challenge, current_staff(), text=data["text"])
    [thread] = [t for t in evaluation.challenges(db_session(), challenge.commission_id) if t.challenge.id == challenge.id]
    return {"answer": {"id": answer.id, "text": answer.text, "evidence_entry_id": answer.evidence_entry_id},
            "challenge": challenge_json(thread)}, 201


@bp.post("/commissions/<int:commission_id>/evaluation/sign-off")
@staff_required
@described("Sign the evaluation off (refused, naming what is missing, while a step is unrated or a challenge open)",
           body=NoBody, out=SignOffOut, status=201, errors=(403, 409))
def sign_off(commission_id: int):
    session = db_session()
    commission = access.require(session, current_staff(), commission_id, access.ASSESS)
    body()
    row = evaluation_report.sign_off(session, commission, current_staff(),
                                     current_app.extensions["engage.checkpoint_signer"])
    return {"version": row.version, "head": row.head, "entry_count": row.entry_count,
            "signed_at": row.signed_at.isoformat() + "Z", "content_sha256": row.content_sha256,
            "evidence_entry_id": row.evidence_entry_id, "checkpoint_id": row.checkpoint_id}, 201
