"""Marshmallow schemas of what the API answers.

Each route's ``@described(out=...)`` dumps its answer through one of these, so the OpenAPI
document says exactly what leaves the server: a field not declared here is not sent. Parts whose
shape belongs to the domain (a question's definition, a tally's counts, an evaluation step's
indicators) are declared as objects and described in words rather than copied field by field.
"""
from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, missing


class Out(Schema):
    class Meta:
        unknown = EXCLUDE

    def get_attribute(self, obj, attr, default):
        """Answers are dicts: a key they lack is left out, never looked up as an attribute
        (marshmallow's fallback would send ``dict.items`` for a missing ``items``)."""
        return obj.get(attr, missing) if isinstance(obj, dict) else super().get_attribute(obj, attr, default)


def Num(allow_none: bool = False, metadata: dict | None = None, **kw):  # noqa: N802 (reads as a field class)
    """A JSON number sent as it is (an integer stays an integer, where ``Float`` would make it 1.0)."""
    # apispec adds "null" itself for allow_none
    return fields.Raw(allow_none=allow_none, metadata={"type": "number", **(metadata or {})}, **kw)


def _s(**kw):
    return fields.String(allow_none=True, **kw)


def _time(description: str = "", **kw):
    return fields.String(allow_none=True, metadata={"format": "date-time", "description": description}, **kw)


def _objects(description: str = ""):
    return fields.List(fields.Dict(), metadata={"description": description})


# -- tokens and accounts ----------------------------------------------------------------------


class TokenOut(Out):
    token = fields.String(required=True, metadata={"example": "k1a2...secret"})
    token_type = fields.String(required=True, metadata={"example": "Bearer"})
    expires_in = fields.Integer(required=True, metadata={"description": "Seconds until it stops working"})


class TokenRowOut(Out):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    created_at = _time()
    expires_at = _time()
    current = fields.Boolean(metadata={"description": "The token this call was made with"})


class TokensOut(Out):
    tokens = fields.List(fields.Nested(TokenRowOut), required=True)


class NamedTokenOut(TokenRowOut):
    token = fields.String(required=True, metadata={"description": "Shown once: only its hash is kept"})
    token_type = fields.String(required=True)


class OwnDataOut(Out):
    account = fields.Dict(required=True)
    commissions = _objects()
    api_tokens = _objects()
    evidence_recorded = _objects()
    themes_created = _objects()
    decisions_recorded = _objects()
    exported_at = _time()


class JourneyOut(Out):
    version = fields.String(required=True)
    stages = fields.List(fields.Dict(), required=True, metadata={"description": "Four stages, each with its steps"})


# -- commissions ----------------------------------------------------------------------------


class PopulationGroupOut(Out):
    name = fields.String(required=True)
    target_share = Num(required=True, metadata={"description": "Percent"})


class StepStatusOut(Out):
    key = fields.String(required=True)
    name = fields.String(required=True)
    stage = fields.String(required=True)
    status = fields.String(required=True)
    evidence_count = fields.Integer(required=True)


class CommissionOut(Out):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    summary = fields.String()
    area = fields.String()
    partners = fields.List(fields.String())
    population_groups = fields.List(fields.Nested(PopulationGroupOut))
    retention_days = fields.Integer(allow_none=True)
    current_step = _s()
    journey_complete = fields.Boolean()
    journey_version = fields.String()
    steps = fields.List(fields.Nested(StepStatusOut))
    evidence = fields.Dict(metadata={"description": "`count` and `head` of the evidence log"})
    created_at = _time()
    updated_at = _time()
    links = fields.Dict(keys=fields.String(), values=fields.String())


class CommissionsOut(Out):
    commissions = fields.List(fields.Nested(CommissionOut), required=True)


class MemberOut(Out):
    id = fields.Integer(required=True)
    name = fields.String()
    role = fields.String(required=True)


class MembersOut(Out):
    members = fields.List(fields.Nested(MemberOut), required=True)


class MemberAddedOut(Out):
    user_id = fields.Integer(required=True)
    role = fields.String(required=True)


# -- evidence and checkpoints ---------------------------------------------------------------


class EvidenceEntryOut(Out):
    id = fields.Integer(required=True)
    commission_id = fields.Integer(required=True)
    seq = fields.Integer(required=True)
    step = fields.String(required=True)
    practice_question = fields.String()
    journey_version = fields.String()
    kind = fields.String(required=True)
    summary = fields.String()
    payload = fields.Dict()
    author = fields.String()
    source = fields.String()
    recorded_at = _time()
    supersedes = fields.Integer(allow_none=True)
    prev_hash = fields.String()
    hash = fields.String()
    kind_label = fields.String()
    superseded_by = fields.Integer(allow_none=True)
    after_sign_off = fields.Boolean()


class EvidenceListOut(Out):
    commission_id = fields.Integer()
    count = fields.Integer(required=True, metadata={"description": "Entries in the whole log (or step)"})
    head = fields.String(allow_none=True)
    signed_off_count = fields.Integer(allow_none=True)
    entries = fields.List(fields.Nested(EvidenceEntryOut), required=True)


class EvidenceExportOut(Out):
    """``?format=export``: the whole log as ``flask verify-evidence`` reads it."""

    format = fields.String()
    commission = fields.Dict()
    journey_version = fields.String()
    count = fields.Integer()
    head = fields.String(allow_none=True)
    entries = _objects()
    checkpoint = fields.Dict(allow_none=True)


class VerificationOut(Out):
    ok = fields.Boolean(required=True)
    entries = fields.Integer()
    head = fields.String(allow_none=True)
    first_bad_entry = fields.Integer(allow_none=True)
    reason = _s()
    checkpoint = fields.Dict(allow_none=True)


class CheckpointOut(Out):
    id = fields.Integer(required=True)
    format = fields.String()
    commission_id = fields.Integer()
    count = fields.Integer()
    head = fields.String()
    entries_digest = fields.String()
    issued_at = _time()
    key_id = fields.String()
    algorithm = fields.String()
    signature = fields.String()
    public_key = fields.String()
    reason = fields.String()
    entry_hashes = fields.List(fields.String())


class CheckpointsOut(Out):
    checkpoints = fields.List(fields.Nested(CheckpointOut), required=True)


class CheckpointKeyOut(Out):
    algorithm = fields.String(required=True)
    key_id = fields.String(required=True)
    public_key = fields.String(required=True)
    public_key_pem = fields.String()


# -- surveys --------------------------------------------------------------------------------


class SurveyOut(Out):
    id = fields.Integer(required=True)
    commission_id = fields.Integer(required=True)
    title = fields.String()
    description = fields.String(allow_none=True)
    privacy_notice = fields.String(allow_none=True)
    material = fields.Dict()
    step = fields.String()
    practice_question = fields.String(allow_none=True)
    status = fields.String(required=True)
    version = fields.Integer()
    template = _s()
    questions = _objects("Every question, flattened out of its sections")
    sections = fields.List(fields.Dict(), allow_none=True)
    opens_at = _time()
    closes_at = _time()
    opened_at = _time()
    closed_at = _time()
    archived_at = _time()
    responses = fields.Integer()
    links = fields.Dict(keys=fields.String(), values=fields.String())
    evidence_entry = fields.Dict(metadata={"description": "Closing only: the entry appended"})


class SurveysOut(Out):
    surveys = fields.List(fields.Nested(SurveyOut), required=True)


class PublicSurveyOut(Out):
    id = fields.Integer(required=True)
    title = fields.String()
    description = fields.String(allow_none=True)
    privacy_notice = fields.String(allow_none=True)
    material = fields.Dict()
    version = fields.Integer()
    questions = _objects()


class ReceiptOut(Out):
    receipt = fields.String(required=True, metadata={"description": "Keep it to see, change or delete the answers"})
    survey_id = fields.Integer(required=True)
    survey_version = fields.Integer(required=True)


class ResponseOut(Out):
    survey_id = fields.Integer(required=True)
    survey_title = fields.String()
    survey_status = fields.String()
    survey_version = fields.Integer()
    answers = fields.Dict()
    submitted_at = _time()
    updated_at = _time()
    can_change = fields.Boolean()


class ResultsOut(Out):
    survey_id = fields.Integer(required=True)
    title = fields.String()
    status = fields.String()
    version = fields.Integer()
    responses = fields.Integer()
    questions = _objects("Per question: counts, percentages, chart rows, segments")
    representativeness = fields.Dict(allow_none=True)
    segmented_by = _s()
    segment_options = fields.List(fields.String())
    answers = _objects("`?format=export` only: every response's answers")


# -- live polls -----------------------------------------------------------------------------


class LiveSessionOut(Out):
    id = fields.Integer(required=True)
    title = fields.String()
    code = fields.String()
    commission_id = fields.Integer(required=True)
    step = fields.String()
    step_name = fields.String()
    current_question_id = fields.Integer(allow_none=True)
    status = fields.String()
    ended = fields.Boolean()
    questions = _objects()
    join_url = fields.String()
    created_at = _time()
    ended_at = _time()
    archived_at = _time()
    participants_from_busiest_address = fields.Integer(
        allow_none=True, metadata={"description": "How many participants joined from the one client address "
                                                  "that brought the most (a count, never the address)"})
    links = fields.Dict(keys=fields.String(), values=fields.String())


class LiveSessionsOut(Out):
    live_sessions = fields.List(fields.Nested(LiveSessionOut), required=True)


class LiveQuestionOut(Out):
    """A question as the presenter sees it; the type's own settings come along as they are."""

    class Meta:
        unknown = EXCLUDE

    id = fields.Integer(required=True)
    type = fields.String(required=True)
    text = fields.String()
    help = fields.String()
    options = fields.List(fields.String())
    multiple = fields.Boolean()
    min = Num()
    max = Num()
    min_label = fields.String()
    max_label = fields.String()
    max_length = fields.Integer()
    max_words = fields.Integer()
    renderer = fields.String()
    label = fields.String()
    hint = _s()
    answers = _s()
    asks = fields.Boolean()
    noun = fields.List(fields.String())
    moderation = fields.List(fields.String())
    adds_answers = fields.Boolean()
    max_answers = fields.Integer()
    choices = _objects()
    state = fields.String()
    revealed = fields.Boolean()
    number = fields.Integer()
    of = fields.Integer()


class TallyOut(Out):
    question_id = fields.Integer(required=True)
    counts = fields.Dict()
    total = fields.Integer()
    seq = fields.Integer()
    chart = _objects()
    mean = Num(allow_none=True)
    median = Num(allow_none=True)


class LiveEntriesOut(Out):
    question_id = fields.Integer(required=True)
    entries = _objects()
    seq = fields.Integer()


class ModeratedOut(Out):
    ok = fields.Boolean(required=True)
    changed = fields.Boolean(required=True)


class DisclosuresOut(Out):
    disclosures = _objects("Who saw interim results, when, and how many had answered")


# -- "you said, we did" ---------------------------------------------------------------------


class InputsOut(Out):
    items = _objects("Residents' words in the inbox, with their themes")


class ThemeOut(Out):
    id = fields.Integer(required=True)
    commission_id = fields.Integer(required=True)
    name = fields.String()
    description = fields.String(allow_none=True)
    minority = fields.Boolean()
    items = fields.Integer()
    residents = fields.Integer()
    by_group = _objects()
    by_activity = _objects()
    quotes = _objects()
    response = fields.Dict()
    merged_into = fields.Integer(allow_none=True)


class ThemesOut(Out):
    themes = fields.List(fields.Nested(ThemeOut), required=True)


class DecisionOut(Out):
    id = fields.Integer(required=True)
    commission_id = fields.Integer(required=True)
    title = fields.String()
    description = fields.String()
    kind = fields.String()
    step = fields.String()
    decided_by = fields.String()
    decided_on = fields.String(allow_none=True)
    takes_effect_on = fields.String(allow_none=True)
    status = fields.String()
    themes = fields.List(fields.Integer())
    items = fields.List(fields.String())
    not_attributable_reason = _s()
    history = _objects()
    figures = fields.Dict()


class DecisionsOut(Out):
    decisions = fields.List(fields.Nested(DecisionOut), required=True)


class PublicationOut(Out):
    version = fields.Integer(required=True)
    published_at = _time()
    commission = fields.Dict()
    asked = _objects()
    took_part = fields.Dict()
    said = _objects()
    did = _objects()
    not_taken_up = _objects()
    unanswered_themes = fields.List(fields.String())
    evaluation = fields.Dict(allow_none=True)


class InfluenceOut(Out):
    answers = _objects("This resident's own words, their themes and the decisions they shaped")
    published = fields.Dict(allow_none=True, metadata={"description": "`api` and `page` links once published"})


# -- evaluation and benefits ----------------------------------------------------------------


class EvaluationOut(Out):
    commission = fields.Dict()
    version = fields.Integer(allow_none=True)
    draft = fields.Boolean()
    notice = _s()
    head = fields.String(allow_none=True)
    entry_count = fields.Integer()
    verification = fields.Dict()
    signed_off = fields.Dict(allow_none=True)
    versions = _objects()
    entries_after_sign_off = fields.Integer()
    can_sign_off = fields.Boolean()
    sign_off_problems = fields.Dict()
    throughout = _objects()
    steps = _objects("Per step: indicators, rating, commentary, evidence")
    you_said_we_did = fields.Dict()
    benefits = fields.Dict()
    challenges = _objects()


class RatingOut(Out):
    step = fields.String(required=True)
    rating = fields.String(required=True)
    rating_label = fields.String()
    commentary = _s()
    entry = fields.Nested(EvidenceEntryOut)


class ChallengeOut(Out):
    id = fields.Integer(required=True)
    commission_id = fields.Integer(required=True)
    step = _s()
    entry_id = fields.Integer(allow_none=True)
    text = fields.String()
    raised_by = fields.String()
    raised_at = _time()
    open = fields.Boolean()
    answered_at = _time()
    evidence_entry_id = fields.Integer(allow_none=True)
    answers = _objects()


class ChallengesOut(Out):
    challenges = fields.List(fields.Nested(ChallengeOut), required=True)


class ChallengeAnsweredOut(Out):
    answer = fields.Dict(required=True)
    challenge = fields.Nested(ChallengeOut, required=True)


class SignOffOut(Out):
    version = fields.Integer(required=True)
    head = fields.String()
    entry_count = fields.Integer()
    signed_at = _time()
    content_sha256 = fields.String()
    evidence_entry_id = fields.Integer(allow_none=True)
    checkpoint_id = fields.Integer(allow_none=True)


class BenefitOut(Out):
    id = fields.Integer(required=True)
    kind = fields.String()
    kind_label = fields.String()
    title = fields.String()
    description = fields.String()
    stakeholders = fields.List(fields.String())
    attributes = fields.List(fields.String())
    outputs = fields.List(fields.String())
    outcome = fields.String(allow_none=True)
    objectives = fields.List(fields.String())
    measure = fields.String()
    unit = fields.String(allow_none=True)
    method = fields.String()
    baseline = fields.Dict()
    target = fields.Dict()
    owner_role = fields.String()
    owner_id = fields.Integer(allow_none=True)
    measurement_dates = fields.List(fields.String())
    review_dates = fields.List(fields.String())
    depends_on = fields.List(fields.Integer())
    decisions = fields.List(fields.Integer())
    depends_on_titles = fields.List(fields.String())
    decision_titles = fields.List(fields.String())
    measurements = _objects()
    reviews = _objects()


class BenefitsOut(Out):
    commission_id = fields.Integer(required=True)
    strategy = fields.Dict(allow_none=True)
    profiles = fields.List(fields.Nested(BenefitOut), required=True)
    map = fields.Dict()


class StrategyOut(Out):
    approach = fields.String(required=True)
    partner_benefits = _objects()
    updated_at = _time()


class MeasurementOut(Out):
    id = fields.Integer(required=True)
    benefit_id = fields.Integer(required=True)
    date = fields.String()
    value = Num()
    source = fields.String()
    note = _s()
    evidence_entry_id = fields.Integer(allow_none=True)


class ReviewOut(Out):
    id = fields.Integer(required=True)
    benefit_id = fields.Integer(required=True)
    date = fields.String()
    extent = fields.String()
    findings = fields.String()
    new_target_value = Num(allow_none=True)
    new_target_date = _s()
    evidence_entry_id = fields.Integer(allow_none=True)


class BenefitsMapOut(Out):
    columns = _objects("Outputs (and decisions), outcomes, benefits, objectives")
    edges = _objects("`from`, `to` and `kind` of each link")


# -- webhooks -------------------------------------------------------------------------------


class EventTypesOut(Out):
    event_types = _objects("Each type with its description and its `data` fields")


class WebhookOut(Out):
    id = fields.Integer(required=True)
    commission_id = fields.Integer(required=True)
    url = fields.String(required=True)
    description = _s()
    events = fields.List(fields.String())
    status = fields.String()
    status_reason = _s()
    status_changed_at = _time()
    consecutive_failures = fields.Integer()
    failing_since = _time()
    last_success_at = _time()
    secret_hint = fields.String()
    previous_secret_expires_at = _time()
    created_at = _time()
    updated_at = _time()
    secret = fields.String(metadata={"description": "Only when created or rotated: `whsec_` and base64"})


class WebhooksOut(Out):
    webhooks = fields.List(fields.Nested(WebhookOut), required=True)


class DeliveryOut(Out):
    id = fields.Integer(required=True)
    message_id = fields.String()
    type = fields.String()
    event_id = fields.Integer(allow_none=True)
    status = fields.String()
    attempts = fields.Integer()
    last_status_code = fields.Integer(allow_none=True)
    last_outcome = _s()
    created_at = _time()
    next_attempt_at = _time()
    retry_until = _time()
    delivered_at = _time()
    body = fields.Dict()
    attempt_log = _objects()


class DeliveriesOut(Out):
    deliveries = fields.List(fields.Nested(DeliveryOut), required=True)
