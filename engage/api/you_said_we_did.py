"""The API of "you said, we did": the input inbox, themes, decisions, theme answers, publishing,
and the public page as JSON. Commissioners of the commission write; its evaluators read.

Residents' influence needs no account: a survey receipt (``/responses/{receipt}/influence``) or a
live poll participant token in a ``Participant-Token`` header (``/live/influence``) shows that
resident's own words and where they went, and nobody else's."""
from __future__ import annotations

from flask import request, url_for
from marshmallow import EXCLUDE, Schema, fields, validate

from commissioning_steps import access, decisions, influence, inputs, themes
from commissioning_steps.errors import Invalid, NotFound
from surveys import input_index, responses, you_said_we_did
from surveys.live.models import LiveSession
from surveys.models import Survey

from ..common import participant_tokens
from ..common import you_said_we_did as shared
from ..extensions import db_session
from ..rate_limits import limit_client
from . import bp
from .contract import args, body, described, paginate
from .helpers import ApiError, current_staff, staff_required
from .schemas import NoBody
from .response_schemas import DecisionOut, DecisionsOut, InfluenceOut, InputsOut, PublicationOut, ThemeOut, ThemesOut

PARTICIPANT_HEADER = "Participant-Token"


class ThemeIn(Schema):
    name = fields.String(required=True)
    description = fields.String(load_default=None, allow_none=True)
    minority = fields.Boolean(load_default=False)


class ThemePatch(Schema):
    name = fields.String()
    description = fields.String(allow_none=True)
    minority = fields.Boolean()


class MergeIn(Schema):
    into = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=2**63 - 1))


class ItemsIn(Schema):
    items = fields.List(fields.String(validate=validate.Length(min=1, max=100)), required=True,
                        validate=validate.Length(min=1, max=10_000))


class SplitIn(ItemsIn):
    name = fields.String(required=True)
    description = fields.String(load_default=None, allow_none=True)


class QuoteIn(Schema):
    item = fields.String(required=True, validate=validate.Length(min=1, max=100))
    minority = fields.Boolean(load_default=False)


class ResponseIn(Schema):
    decisions = fields.List(fields.Integer(strict=True, validate=validate.Range(min=1, max=2**63 - 1)),
                            load_default=None, validate=validate.Length(max=500))
    not_taken_up = fields.String(load_default=None, validate=validate.Length(max=4000))


class DecisionIn(Schema):
    title = fields.String(required=True)
    description = fields.String(required=True)
    kind = fields.String(required=True)
    step = fields.String(required=True)
    decided_by = fields.String(required=True)
    decided_on = fields.String(required=True)
    takes_effect_on = fields.String(load_default=None, allow_none=True)
    status = fields.String(load_default=None)
    themes = fields.List(fields.Integer(strict=True, validate=validate.Range(min=1, max=2**63 - 1)),
                         load_default=None, validate=validate.Length(max=500))
    items = fields.List(fields.String(validate=validate.Length(min=1, max=100)), load_default=None,
                        validate=validate.Length(max=10_000))
    not_attributable_reason = fields.String(load_default=None, allow_none=True)


class DecisionPatch(Schema):
    status = fields.String()
    takes_effect_on = fields.String(allow_none=True)
    themes = fields.List(fields.Integer(strict=True, validate=validate.Range(min=1, max=2**63 - 1)),
                         validate=validate.Length(max=500))
    items = fields.List(fields.String(validate=validate.Length(min=1, max=100)), validate=validate.Length(max=10_000))
    not_attributable_reason = fields.String(allow_none=True)


class InputsQuery(Schema):
    """The inbox's filters, read by ``inputs.parse_filters`` (which names each wrong one)."""

    class Meta:
        unknown = EXCLUDE

    step = fields.String(metadata={"description": "A step's key"})
    activity = fields.String(metadata={"description": "`survey:ID`, `live_session:ID` or `evidence:ID`"})
    question = fields.String(metadata={"description": "A question's id"})
    group = fields.String(metadata={"description": "A population group's name"})
    area = fields.String()
    theme = fields.String(metadata={"description": "A theme's id, or `none` for words in no theme"})
    since = fields.String(metadata={"description": "YYYY-MM-DD"})
    until = fields.String(metadata={"description": "YYYY-MM-DD"})
    q = fields.String(metadata={"description": "Words to search for"})


DECISION_EXAMPLE = {"title": "A minibus on Tuesdays", "description": "Two extra runs from the estate",
                    "kind": "service_change", "step": "negotiate", "decided_by": "Adult social care board",
                    "decided_on": "2027-01-12", "themes": [3]}


# -- loading with authorisation -------------------------------------------------------------


def _commission(commission_id: int, action: str = access.READ):
    return access.require(db_session(), current_staff(), commission_id, action)


def _theme(theme_id: int, action: str = access.READ):
    session = db_session()
    theme = themes.get_theme(session, theme_id)
    try:
        access.require(session, current_staff(), theme.commission_id, action)
    except NotFound:
        raise NotFound("No theme with that id") from None
    return theme


def _decision(decision_id: int, action: str = access.READ):
    session = db_session()
    decision = decisions.get_decision(session, decision_id)
    try:
        access.require(session, current_staff(), decision.commission_id, action)
    except NotFound:
        raise NotFound("No decision with that id") from None
    return decision


def _item_ids(commission_id: int, refs: list[str]) -> list[int]:
    found = {i.ref: i.id for i in inputs.by_refs(db_session(), commission_id, refs)}
    missing = [r for r in refs if r not in found]
    if missing:
        raise Invalid({"items": f"Not in this commission's inbox: {', '.join(missing[:5])}"})
    return [found[r] for r in refs]


# -- the inbox ------------------------------------------------------------------------------


@bp.get("/commissions/<int:commission_id>/inputs")
@staff_required
@described("The input inbox: residents' words from every activity, newest first, filtered", query=InputsQuery,
           out=InputsOut, paged="items")
def list_inputs(commission_id: int):
    commission = _commission(commission_id)
    filters = inputs.parse_filters({k: v for k, v in args().items() if k not in ("page", "per_page")})
    page = inputs.search(db_session(), commission.id, filters, args()["page"], args()["per_page"])
    by_item = themes.themes_by_item(db_session(), [i.id for i in page.items])
    return {"items": [shared.item_json(i, by_item.get(i.id, [])) for i in paginate(page.items, total=page.total)]}


# -- themes ---------------------------------------------------------------------------------


@bp.get("/commissions/<int:commission_id>/themes")
@staff_required
@described("The commission's themes with their counts, quotes and responses", out=ThemesOut, paged="themes")
def list_themes(commission_id: int):
    commission = _commission(commission_id)
    return {"themes": [shared.theme_json(s) for s in paginate(themes.summaries(db_session(), commission.id))]}


@bp.post("/commissions/<int:commission_id>/themes")
@staff_required
@described("Create a theme", body=ThemeIn, out=ThemeOut, status=201, errors=(403, 409),
           example={"name": "Transport", "description": "Getting there and back", "minority": False})
def create_theme(commission_id: int):
    commission = _commission(commission_id, access.WRITE)
    data = body()
    theme = themes.create_theme(db_session(), commission, current_staff(), **data)
    return _theme_response(theme, 201)


def _theme_response(theme, status: int = 200):
    [summary] = themes.summaries(db_session(), theme.commission_id, [theme.id]) or [themes.ThemeSummary(theme)]
    headers = {"Location": url_for("api.get_theme", theme_id=theme.id)} if status == 201 else {}
    return shared.theme_json(summary), status, headers


@bp.get("/themes/<int:theme_id>")
@staff_required
@described("One theme (a merged one says which it was merged into)", out=ThemeOut)
def get_theme(theme_id: int):
    theme = _theme(theme_id)
    if theme.merged:
        return shared.merged_theme_json(theme)
    return _theme_response(theme)


@bp.patch("/themes/<int:theme_id>")
@staff_required
@described("Rename or re-describe a theme", body=ThemePatch, out=ThemeOut, errors=(403, 409),
           example={"name": "Transport and access"})
def update_theme(theme_id: int):
    theme = _theme(theme_id, access.WRITE)
    data = body()
    themes.update_theme(db_session(), theme, **data)
    return _theme_response(theme)


@bp.delete("/themes/<int:theme_id>")
@staff_required
@described("Delete a theme", out=None, status=204, errors=(403, 409))
def delete_theme(theme_id: int):
    theme = _theme(theme_id, access.WRITE)
    themes.delete_theme(db_session(), theme)
    return "", 204


@bp.post("/themes/<int:theme_id>/merge")
@staff_required
@described("Merge this theme into another; answers with the theme merged into", body=MergeIn, out=ThemeOut,
           errors=(403, 409), example={"into": 4})
def merge_theme(theme_id: int):
    theme = _theme(theme_id, access.WRITE)
    data = body()
    into = themes.get_theme(db_session(), data["into"])
    themes.merge(db_session(), theme, into, current_staff())
    return _theme_response(into)


@bp.post("/themes/<int:theme_id>/split")
@staff_required
@described("Split items out of a theme into a new one", body=SplitIn, out=ThemeOut, status=201, errors=(403, 409),
           example={"items": ["survey-response:12:why"], "name": "Parking", "description": None})
def split_theme(theme_id: int):
    theme = _theme(theme_id, access.WRITE)
    data = body()
    new = themes.split(db_session(), theme, _item_ids(theme.commission_id, data["items"]), current_staff(),
                       name=data["name"], description=data["description"])
    return _theme_response(new, 201)


@bp.post("/themes/<int:theme_id>/items")
@staff_required
@described("Tag inbox items with the theme (header `Engage-Items-Added`: how many were new)", body=ItemsIn,
           out=ThemeOut, errors=(403, 409), example={"items": ["survey-response:12:why"]})
def tag_items(theme_id: int):
    theme = _theme(theme_id, access.WRITE)
    data = body()
    added = themes.tag(db_session(), theme, _item_ids(theme.commission_id, data["items"]), current_staff())
    answer, status, headers = _theme_response(theme)
    return answer, status, {**headers, "Engage-Items-Added": str(added)}


@bp.delete("/themes/<int:theme_id>/items")
@staff_required
@described("Take inbox items out of the theme", body=ItemsIn, out=ThemeOut, errors=(403, 409),
           example={"items": ["survey-response:12:why"]})
def untag_items(theme_id: int):
    theme = _theme(theme_id, access.WRITE)
    data = body()
    themes.untag(db_session(), theme, _item_ids(theme.commission_id, data["items"]))
    return _theme_response(theme)


@bp.post("/themes/<int:theme_id>/quotes")
@staff_required
@described("Pick an item as one of the theme's quotes (an evidence entry; `Location` names it)", body=QuoteIn,
           out=ThemeOut, status=201, errors=(403, 409), example={"item": "survey-response:12:why", "minority": False})
def pick_quote(theme_id: int):
    theme = _theme(theme_id, access.WRITE)
    data = body()
    [item_id] = _item_ids(theme.commission_id, [data["item"]])
    entry = themes.pick_quote(db_session(), theme, item_id, current_staff(), minority=data["minority"])
    answer, status, _headers = _theme_response(theme, 201)
    return answer, status, {"Location": url_for("api.get_evidence_entry", commission_id=theme.commission_id,
                                                entry_id=entry.id)}


@bp.post("/themes/<int:theme_id>/response")
@staff_required
@described("Answer a theme: the decisions it shaped, or why it was not taken up", body=ResponseIn, out=ThemeOut,
           errors=(403, 409), example={"decisions": [7], "not_taken_up": None})
def respond_to_theme(theme_id: int):
    theme = _theme(theme_id, access.WRITE)
    data = body()
    decisions.respond_to_theme(db_session(), theme, current_staff(), decisions=data["decisions"],
                               not_taken_up=data["not_taken_up"])
    return _theme_response(theme)


# -- decisions ------------------------------------------------------------------------------


@bp.get("/commissions/<int:commission_id>/decisions")
@staff_required
@described("The commission's decisions, with the themes and residents behind them", out=DecisionsOut,
           paged="decisions")
def list_decisions(commission_id: int):
    commission = _commission(commission_id)
    rows = paginate(decisions.decisions_of(db_session(), commission.id))
    links = decisions.links(db_session(), [d.id for d in rows])
    return {"decisions": [shared.decision_json(db_session(), d, links[d.id]) for d in rows]}


@bp.post("/commissions/<int:commission_id>/decisions")
@staff_required
@described("Record a decision (linked to themes or items, or with the reason it is not attributable)",
           body=DecisionIn, out=DecisionOut, status=201, errors=(403, 409), example=DECISION_EXAMPLE)
def create_decision(commission_id: int):
    commission = _commission(commission_id, access.WRITE)
    data = body()
    links = {k: data.pop(k) for k in ("themes", "items", "not_attributable_reason")}
    decision = decisions.record_decision(db_session(), commission, current_staff(), decisions.DecisionInput(**data),
                                         **links)
    return _decision_response(decision), 201, {"Location": url_for("api.get_decision", decision_id=decision.id)}


def _decision_response(decision):
    links = decisions.links(db_session(), [decision.id])[decision.id]
    return shared.decision_json(db_session(), decision, links)


@bp.get("/decisions/<int:decision_id>")
@staff_required
@described("One decision with its history", out=DecisionOut, etag=True)
def get_decision(decision_id: int):
    return _decision_response(_decision(decision_id))


@bp.patch("/decisions/<int:decision_id>")
@staff_required
@described("Change a decision's status, date or links", body=DecisionPatch, out=DecisionOut, errors=(403, 409),
           example={"status": "in_place"})
def update_decision(decision_id: int):
    decision = _decision(decision_id, access.WRITE)
    data = body()
    decisions.change_decision(db_session(), decision, current_staff(), **data)
    return _decision_response(decision)


# -- the public page ------------------------------------------------------------------------


@bp.post("/commissions/<int:commission_id>/you-said-we-did/publish")
@staff_required
@described("Publish the \"you said, we did\" page as it stands now (a new version)", body=NoBody,
           out=PublicationOut, status=201, errors=(403, 409))
def publish_you_said_we_did(commission_id: int):
    commission = _commission(commission_id, access.WRITE)
    body()
    publication = you_said_we_did.publish(db_session(), commission, current_staff())
    return shared.publication_json(publication), 201, {
        "Location": url_for("api.get_you_said_we_did", commission_id=commission.id)}


@bp.get("/commissions/<int:commission_id>/you-said-we-did")
@described("The published \"you said, we did\" page as JSON (no sign-in)", out=PublicationOut, etag=True)
def get_you_said_we_did(commission_id: int):
    """Public: no sign-in. Until a commissioner publishes, there is nothing to show (404)."""
    publication = you_said_we_did.published(db_session(), commission_id)
    if publication is None:
        raise NotFound("Nothing has been published for this commission yet")
    return shared.publication_json(publication)


# -- a resident's influence -----------------------------------------------------------------


def _influence_response(commission_id: int, keys: list[str]):
    session = db_session()
    published = you_said_we_did.published(session, commission_id) is not None
    report = url_for("api.get_you_said_we_did", commission_id=commission_id) if published else None
    page = url_for("you_said_we_did.public_page", commission_id=commission_id) if published else None
    return shared.influence_json(influence.influence(session, keys), report, page)


@bp.get("/responses/<receipt>/influence")
@limit_client("receipt", per_minute=60)
@described("Where a survey response's words went (by its receipt, no sign-in)", out=InfluenceOut)
def response_influence(receipt: str):
    """Where the words of the response with this receipt went; an unknown receipt is 404."""
    response = responses.find(db_session(), receipt)
    survey = db_session().get(Survey, response.survey_id)
    return _influence_response(survey.commission_id, [input_index.respondent_key(response)])


@bp.get("/live/influence")
@limit_client("live_influence", per_minute=60)
@described("Where a live poll participant's words went (the phone's `Participant-Token` header)", out=InfluenceOut,
           errors=(401, 404), auth="participant")
def live_influence():
    """Where a live poll participant's words went, for the phone holding its token."""
    found = participant_tokens.read(request.headers.get(PARTICIPANT_HEADER))
    if found is None:
        raise ApiError(401, "invalid_participant_token",
                       f"Send the participant token this phone was given as '{PARTICIPANT_HEADER}: <token>'")
    session_id, participant = found
    live = db_session().get(LiveSession, session_id)
    if live is None:
        raise NotFound("That live poll no longer exists")
    return _influence_response(live.commission_id, [input_index.participant_key(session_id, participant)])
