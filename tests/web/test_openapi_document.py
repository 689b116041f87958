"""The OpenAPI document (issue 13): every /api/v1 route is in it, it validates against the
OpenAPI 3.1 schema, and the declarations it is made from are what the routes really do: lists
are paged, cheap reads answer If-None-Match, answers are dumped through their schemas, and every
error under /api/v1 has the JSON error shape."""
from __future__ import annotations

import re

import pytest
from flask import Blueprint, Flask
from marshmallow import fields
from openapi_spec_validator import validate

from engage.api.contract import described
from engage.api.response_schemas import LiveQuestionOut, Out
from engage.common.openapi import build_document


def _error(response, status):
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert response.is_json, response.get_data(as_text=True)[:300]
    error = response.get_json()["error"]
    assert set(error) == {"code", "message", "fields"}
    return error


def _rule_path(rule: str) -> str:
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


def test_every_api_route_is_in_the_document(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    wanted = {(method.lower(), _rule_path(rule.rule)) for rule in app.url_map.iter_rules()
              if rule.rule.startswith("/api/v1") for method in rule.methods - {"HEAD", "OPTIONS"}}
    described_ = {(method, path) for path, item in document["paths"].items() for method in item}
    missing = sorted(wanted - described_)
    assert not missing, f"add @described(...) to these routes (docs/architecture.md, 'The API contract'): {missing}"
    assert len(wanted) > 90


def test_an_undescribed_route_is_missing_from_the_document(app):
    # The every-route test above catches a new route without a description: prove it would.
    @app.get("/api/v1/an-undescribed-route")
    def undescribed():
        return {}

    app.extensions.pop("engage.openapi", None)  # documents are made once per app
    paths = build_document(app)["paths"]
    assert "/api/v1/an-undescribed-route" not in paths
    assert "/api/v1/commissions" in paths


def test_the_document_validates_against_openapi_3_1(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"] == "3.1.0"
    validate(document)  # raises on any violation of the OpenAPI 3.1 schema


def test_the_document_describes_security_errors_and_examples(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["components"]["securitySchemes"]["bearer"] == {
        "type": "http", "scheme": "bearer", "description": "A staff API token"}
    create = document["paths"]["/api/v1/commissions"]["post"]
    assert create["security"] == [{"bearer": []}]
    assert create["requestBody"]["content"]["application/json"]["example"]["title"] == "Day opportunities"
    assert {"201", "400", "401", "403", "413", "415", "422"} <= set(create["responses"])
    assert create["responses"]["422"] == {"$ref": "#/components/responses/E422"}
    error = document["components"]["responses"]["E422"]["content"]["application/json"]["schema"]
    assert error == {"$ref": "#/components/schemas/Error"}
    assert document["components"]["schemas"]["Error"]["required"] == ["error"]
    # public routes say so; the body schema refuses unknown fields as the route does
    assert document["paths"]["/api/v1/journey"]["get"]["security"] == []
    assert document["components"]["schemas"]["CommissionIn"]["additionalProperties"] is False
    listing = document["paths"]["/api/v1/commissions"]["get"]
    assert {p["name"] for p in listing["parameters"]} == {"page", "per_page"}
    assert "Link" in listing["responses"]["200"]["headers"]
    assert document["paths"]["/api/v1/commissions/{commission_id}"]["get"]["parameters"][0]["schema"]["type"] == "integer"


def test_the_document_itself_has_an_etag(client):
    first = client.get("/api/v1/openapi.json")
    assert first.headers["ETag"]
    again = client.get("/api/v1/openapi.json", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


# -- paging ---------------------------------------------------------------------------------


@pytest.fixture
def three_commissions(world, team):
    for title in ("Second", "Third"):
        world.commission(team["alice"], title)
    return world.token("alice@example.org")


def test_lists_are_paged_with_next_prev_and_link(client, three_commissions):
    headers = three_commissions
    order = [c["title"] for c in client.get("/api/v1/commissions", headers=headers).get_json()["commissions"]]
    assert sorted(order) == ["Day opportunities", "Second", "Third"]
    first = client.get("/api/v1/commissions?per_page=2", headers=headers)
    assert first.status_code == 200
    body = first.get_json()
    assert [c["title"] for c in body["commissions"]] == order[:2]
    assert (body["page"], body["per_page"], body["total"]) == (1, 2, 3)
    assert body["next"] == "/api/v1/commissions?per_page=2&page=2" and body["prev"] is None
    assert first.headers["Link"] == '</api/v1/commissions?per_page=2&page=2>; rel="next"'
    second = client.get(body["next"], headers=headers).get_json()
    assert [c["title"] for c in second["commissions"]] == order[2:]
    assert second["next"] is None and second["prev"] == "/api/v1/commissions?per_page=2&page=1"
    beyond = client.get("/api/v1/commissions?per_page=2&page=9", headers=headers).get_json()
    assert beyond["commissions"] == [] and beyond["prev"] == "/api/v1/commissions?per_page=2&page=2"
    everything = client.get("/api/v1/commissions", headers=headers).get_json()
    assert everything["per_page"] == 50 and len(everything["commissions"]) == 3


@pytest.mark.parametrize("query", ["per_page=0", "per_page=201", "per_page=x", "page=0", "page=-1",
                                   "page=99999999999"])
def test_paging_beyond_the_limits_is_a_json_422(client, three_commissions, query):
    error = _error(client.get(f"/api/v1/commissions?{query}", headers=three_commissions), 422)
    assert set(error["fields"]) <= {"page", "per_page"} and error["fields"]


#: Reads that carry a list of resources but are one document, not a list to page through.
NOT_LISTS = {"/api/v1/commissions/{commission_id}/benefits": "the benefits section, whole: the map needs every profile"}


def test_every_list_route_is_paged(client):
    """A route answering a list names it in ``paged=``: its answer in the document has ``next``."""
    document = client.get("/api/v1/openapi.json").get_json()
    schemas = document["components"]["schemas"]
    for path, item in document["paths"].items():
        get = item.get("get")
        if not get or "200" not in get["responses"]:
            continue
        content = get["responses"]["200"].get("content", {}).get("application/json")
        if not content or "$ref" not in content["schema"]:
            continue
        schema = schemas[content["schema"]["$ref"].rsplit("/", 1)[-1]]
        top_lists = [name for name, prop in schema.get("properties", {}).items()
                     if prop.get("type") == "array" and "$ref" in prop.get("items", {})]
        if top_lists and "id" not in schema["properties"] and path not in NOT_LISTS:  # an envelope, not a resource
            assert "next" in schema["properties"], f"{path} lists {top_lists} without paging"


# -- ETags ----------------------------------------------------------------------------------


def test_reads_answer_if_none_match_with_304(client, alice, team):
    headers = alice
    url = f"/api/v1/commissions/{team['mine'].id}"
    first = client.get(url, headers=headers)
    etag = first.headers["ETag"]
    assert etag and first.status_code == 200
    same = client.get(url, headers={**headers, "If-None-Match": etag})
    assert same.status_code == 304 and same.get_data() == b""
    assert client.patch(url, json={"summary": "Changed"}, headers=headers).status_code == 200
    changed = client.get(url, headers={**headers, "If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    journey = client.get("/api/v1/journey")
    assert client.get("/api/v1/journey", headers={"If-None-Match": journey.headers["ETag"]}).status_code == 304


# -- errors ---------------------------------------------------------------------------------


def test_404_405_413_415_under_the_api_are_json(client, alice, team):
    _error(client.get("/api/v1/nothing-here", headers=alice), 404)
    _error(client.put("/api/v1/commissions", headers=alice), 405)
    big = '{"title": "' + "x" * (300 * 1024) + '"}'
    _error(client.post("/api/v1/commissions", data=big, content_type="application/json", headers=alice), 413)
    error = _error(client.post("/api/v1/commissions", data="title=x", content_type="application/x-www-form-urlencoded",
                               headers=alice), 415)
    assert error["code"] == "unsupported_media_type"
    _error(client.post("/api/v1/commissions", data='{"title": "x"}', content_type="text/plain", headers=alice), 415)
    # still exactly one commission: none of those stored anything
    assert client.get("/api/v1/commissions", headers=alice).get_json()["total"] == 1
    # no body at all is still an empty object, whatever the content type
    assert client.post(f"/api/v1/commissions/{team['mine'].id}/checkpoints", headers=alice).status_code == 201


# -- the contract ---------------------------------------------------------------------------


class _ThingOut(Out):
    id = fields.Integer(required=True)
    name = fields.String()


def _contract_app():
    app = Flask("contract")
    app.testing = True  # let the view's error reach the test
    bp = Blueprint("api", __name__, url_prefix="/api/v1")

    @bp.get("/things/<int:thing_id>")
    @described("A thing", out=_ThingOut)
    def get_thing(thing_id: int):
        return {"id": thing_id, "name": "Kettle", "secret": "not declared, never sent"}

    @bp.get("/bad")
    @described("Answers a status it does not declare", out=_ThingOut)
    def bad():
        return {"id": 1}, 202

    app.register_blueprint(bp)
    return app


def test_answers_are_dumped_through_the_declared_schema():
    client = _contract_app().test_client()
    assert client.get("/api/v1/things/3").get_json() == {"id": 3, "name": "Kettle"}


def test_an_undeclared_status_is_refused_rather_than_sent():
    with pytest.raises(RuntimeError, match="does not declare"):
        _contract_app().test_client().get("/api/v1/bad")


def test_every_live_question_setting_is_declared():
    """A new question type's live settings must be declared, or the API would leave them out."""
    from surveys.question_types import TYPES

    declared = set(LiveQuestionOut().fields)
    for qtype in TYPES.values():
        missing = set(qtype.live_keys) - declared
        assert not missing, f"declare {missing} of {qtype.name} in LiveQuestionOut"


def test_token_route_is_public_and_rate_limit_documented(client):
    document = client.get("/api/v1/openapi.json").get_json()
    token = document["paths"]["/api/v1/auth/token"]["post"]
    assert token["security"] == [] and "429" in token["responses"]
    receipt = document["paths"]["/api/v1/responses/{receipt}"]["get"]
    assert "429" in receipt["responses"] and receipt["security"] == []
    assert document["paths"]["/api/v1/live/influence"]["get"]["security"] == [{"participant": []}]
