"""The OpenAPI 3.1 document of ``/api/v1``, built from the routes' own declarations.

Each API view carries a ``Contract`` (``engage.api.contract.described``): the marshmallow schemas
that parse its body and query and serialise its answer. This module walks the app's URL map and
turns each ``/api/v1`` rule and its contract into an operation with apispec's marshmallow plugin,
so the document is whatever the code does. It lives in ``common`` because the API serves the
document and the pages render the reference from it (``/api/docs``), and neither imports the other.
"""
from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Flask
from marshmallow import Schema

API_PREFIX = "/api/v1"
ERROR_STATUSES = {
    304: "Not modified: the ETag sent in If-None-Match still matches",
    400: "The body is not a JSON object (malformed JSON, or an array)",
    401: "No valid token: send `Authorization: Bearer <token>`",
    403: "Signed in, but not allowed to do this to this commission",
    404: "Not found, or not visible to this account (the two answer alike)",
    405: "That method is not allowed on this URL",
    409: "The change conflicts with the current state (the message says why)",
    413: "The body is larger than 256 KiB",
    415: "The body is not sent as `application/json`",
    422: "A field (body or query string) is missing or wrong; `fields` names each",
    429: "Too many requests from this client; `Retry-After` says when to try again",
    503: "Not stored just now; send the same request again (with the same Idempotency-Key: counted once)",
}
ERROR_EXAMPLE = {"error": {"code": "invalid", "message": "Some fields are not valid",
                           "fields": {"title": "Missing data for required field."}}}


@dataclass(frozen=True)
class Contract:
    """What one route takes and answers; see ``engage.api.contract.described``."""

    summary: str
    description: str
    body: Schema | None
    query: Schema | None
    responses: dict[int, Any]
    errors: tuple[int, ...] = ()
    paged: str | None = None
    etag: bool = False
    example: dict | None = None
    tag: str = "api"
    auth: str | None = None


@dataclass
class Operation:
    """One method on one path, as the reference page lists it."""

    method: str
    path: str
    endpoint: str
    contract: Contract
    auth: str | None
    rate_limited: bool
    path_params: list[tuple[str, str]] = field(default_factory=list)


_CONVERTER_SCHEMAS = {
    "DatabaseId": {"type": "integer", "minimum": 0, "maximum": 10**18 - 1},
    "IntegerConverter": {"type": "integer", "minimum": 0},
    "UnicodeConverter": {"type": "string", "minLength": 1, "pattern": "^[^/]+$"},
}


def _openapi_path(rule: str) -> str:
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


def operations(app: Flask) -> list[Operation]:
    """Every ``/api/v1`` method and rule with its contract (``None`` contract: undescribed)."""
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(API_PREFIX):
            continue
        view = app.view_functions[rule.endpoint]
        contract = getattr(view, "api_contract", None)
        params = [(name, type(conv).__name__) for name, conv in rule._converters.items()]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append(Operation(method=method, path=_openapi_path(rule.rule), endpoint=rule.endpoint,
                                   contract=contract,
                                   auth=getattr(view, "api_auth", None) or getattr(contract, "auth", None),
                                   rate_limited=getattr(view, "api_rate_limited", False), path_params=params))
    return sorted(found, key=lambda o: (o.path, o.method))


def _schema_name(schema) -> str:
    cls = schema if isinstance(schema, type) else type(schema)
    name = cls.__name__
    if not isinstance(schema, type) and schema.partial is True:
        name += "Partial"
    return name


def _error_responses() -> dict[str, dict]:
    out = {}
    for status, text in ERROR_STATUSES.items():
        if status == 304:
            continue
        response = {"description": text,
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"},
                                                     "example": ERROR_EXAMPLE if status == 422 else {
                                                         "error": {"code": _code(status), "message": text,
                                                                   "fields": {}}}}}}
        if status == 401:
            response["headers"] = {"WWW-Authenticate": {"schema": {"type": "string"},
                                                        "description": "`Bearer realm=\"engage\"`"}}
        if status == 429:
            response["headers"] = {"Retry-After": {"schema": {"type": "string"},
                                                   "description": "Seconds to wait"}}
        out[f"E{status}"] = response
    return out


def _code(status: int) -> str:
    return {400: "malformed_json", 401: "unauthorised", 403: "forbidden", 404: "not_found",
            405: "method_not_allowed", 409: "conflict", 413: "request_entity_too_large",
            415: "unsupported_media_type", 429: "rate_limited",
            503: "unavailable"}.get(status, "invalid")


def _error_statuses(op: Operation) -> list[int]:
    contract = op.contract
    statuses = set(contract.errors)
    if op.auth == "bearer":
        statuses.add(401)
    if op.path_params:
        statuses.add(404)
    if contract.body is not None:
        statuses.update((400, 413, 415, 422))
    if contract.query is not None:
        statuses.add(422)
    if op.rate_limited:
        statuses.add(429)
    return sorted(statuses)


def _content(spec: APISpec, value) -> dict | None:
    """A response's content: a schema, a media type (``"text/csv"``), a plain JSON Schema, or a
    list of those when one status has several forms (``?format=``)."""
    if value is None:
        return None
    choices = value if isinstance(value, list) else [value]
    content: dict[str, dict] = {}
    json_schemas = []
    for choice in choices:
        if isinstance(choice, str):
            content[choice] = {"schema": {"type": "string"}}
        elif isinstance(choice, Schema):
            json_schemas.append(choice)
        else:
            json_schemas.append(copy.deepcopy(choice))
    if len(json_schemas) == 1:
        content = {"application/json": {"schema": json_schemas[0]}, **content}
    elif json_schemas:
        content = {"application/json": {"schema": {"anyOf": json_schemas}}, **content}
    return content


def _operation(spec: APISpec, op: Operation) -> dict:
    contract = op.contract
    parameters: list[dict] = []
    for name, converter in op.path_params:
        parameters.append({"in": "path", "name": name, "required": True,
                           "schema": dict(_CONVERTER_SCHEMAS.get(converter, {"type": "string"}))})
    if contract.query is not None:
        parameters.append({"in": "query", "schema": contract.query})
    responses: dict[str, dict] = {}
    for status, value in sorted(contract.responses.items()):
        answer: dict[str, Any] = {"description": _describe_status(status)}
        content = _content(spec, value)
        if content:
            answer["content"] = content
        headers = {}
        if contract.paged and status == 200:
            headers["Link"] = {"schema": {"type": "string"}, "description": 'The `rel="next"` and `rel="prev"` pages'}
        if contract.etag and status == 200:
            headers["ETag"] = {"schema": {"type": "string"}, "description": "Send it back in If-None-Match"}
        if headers:
            answer["headers"] = headers
        responses[str(status)] = answer
    if contract.etag:
        responses["304"] = {"description": ERROR_STATUSES[304]}
        parameters.append({"in": "header", "name": "If-None-Match", "required": False, "schema": {"type": "string"},
                           "description": "An ETag from an earlier answer: 304 if nothing changed"})
    for status in _error_statuses(op):
        responses[str(status)] = {"$ref": f"#/components/responses/E{status}"}
    operation: dict[str, Any] = {
        "operationId": op.endpoint.removeprefix("api.") + ("" if op.method in ("GET", "POST") else f"_{op.method.lower()}"),
        "summary": contract.summary, "tags": [contract.tag], "parameters": parameters, "responses": responses,
        "security": [{"bearer": []}] if op.auth == "bearer" else [],
    }
    if op.auth in ("participant", "collector"):
        operation["security"] = [{op.auth: []}]
    if contract.description:
        operation["description"] = contract.description
    if contract.body is not None:
        media: dict[str, Any] = {"schema": contract.body}
        if contract.example is not None:
            media["example"] = contract.example
        operation["requestBody"] = {"required": False, "content": {"application/json": media}}
    return operation


def _describe_status(status: int) -> str:
    return {200: "OK", 201: "Created", 202: "Accepted: it happens within seconds", 204: "Done; no body"}.get(
        status, str(status))


def build_document(app: Flask) -> dict:
    """The whole OpenAPI 3.1 document (made once per app: the routes do not change while it runs)."""
    cached = app.extensions.get("engage.openapi")
    if cached is not None:
        return cached
    spec = APISpec(
        title="Engage API", version="1", openapi_version="3.1.0",
        plugins=[MarshmallowPlugin(schema_name_resolver=_schema_name)],
        info={"description": ("Collaborative commissioning with local people: commissions, the evidence log, "
                              "surveys, live polls, \"you said, we did\", the evaluation, benefits and webhooks. "
                              "Staff calls take `Authorization: Bearer <token>` (`POST /api/v1/auth/token`, "
                              "or a named token from `/account/tokens`). Every error answers "
                              "`{\"error\": {\"code\", \"message\", \"fields\"}}`. Lists take `?page=&per_page=` "
                              "and answer `next`/`prev` and a `Link` header."),
              "license": {"name": "MIT", "identifier": "MIT"}},
        servers=[{"url": "/"}],
    )
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer",
                                               "description": "A staff API token"})
    spec.components.security_scheme("participant", {"type": "apiKey", "in": "header", "name": "Participant-Token",
                                                    "description": "The token a live poll gave this phone"})
    spec.components.security_scheme("collector", {"type": "apiKey", "in": "header", "name": "Collector-Token",
                                                  "description": "A community researcher's collector code"})
    spec.components.schema("Error", {
        "type": "object", "required": ["error"], "additionalProperties": False,
        "properties": {"error": {"type": "object", "required": ["code", "message", "fields"],
                                 "additionalProperties": False,
                                 "properties": {"code": {"type": "string"}, "message": {"type": "string"},
                                                "fields": {"type": "object",
                                                           "additionalProperties": {"type": "string"}}}}},
        "example": ERROR_EXAMPLE,
    })
    for name, response in _error_responses().items():
        spec.components.response(name, response)
    paths: dict[str, dict] = {}
    for op in operations(app):
        if op.contract is None:
            continue  # tests/web/test_openapi_document.py names it: every route must be described
        paths.setdefault(op.path, {})[op.method.lower()] = _operation(spec, op)
    for path, methods in paths.items():
        spec.path(path=path, operations=methods)
    document = spec.to_dict()
    app.extensions["engage.openapi"] = document
    return document
