"""``/api/docs``: the API reference, a GOV.UK page rendered on the server from the OpenAPI document.

Rendered here rather than by a JavaScript viewer: Swagger UI and Redoc both write inline styles
(``style`` attributes, injected ``<style>`` elements), which the Content-Security-Policy forbids,
and neither passes axe-core. Reading the same document the API serves keeps the page exactly as
current as the routes; it works without JavaScript, at 360 px and at 200% zoom.
"""
from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, current_app, render_template

from ..common.openapi import ERROR_STATUSES, build_document

bp = Blueprint("api_reference", __name__)

METHOD_ORDER = ("get", "post", "put", "patch", "delete")
TAG_TITLES = {
    "tokens": "Tokens, the journey and accounts", "commissions": "Commissions", "evidence": "The evidence log",
    "checkpoints": "Signed checkpoints", "surveys": "Surveys", "live": "Live polls",
    "you_said_we_did": "\u201cYou said, we did\u201d", "evaluation": "The evaluation", "benefits": "Benefits",
    "webhooks": "Webhooks", "reference": "This reference",
}


def _ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def type_of(schema: dict[str, Any] | None) -> dict[str, Any]:
    """A schema as words, with the component it names (linked on the page), if any."""
    schema = schema or {}
    if "$ref" in schema:
        return {"text": _ref_name(schema["$ref"]), "ref": _ref_name(schema["$ref"])}
    for key in ("anyOf", "oneOf"):
        if key in schema:
            parts = [type_of(s) for s in schema[key]]
            refs = [p["ref"] for p in parts if p.get("ref")]
            return {"text": " or ".join(p["text"] for p in parts), "ref": refs[0] if len(refs) == 1 else None}
    kind = schema.get("type")
    kinds = kind if isinstance(kind, list) else [kind] if kind else []
    words = []
    ref = None
    for k in kinds:
        if k == "array":
            inner = type_of(schema.get("items"))
            ref = inner.get("ref")
            words.append(f"list of {inner['text']}")
        elif k is not None:
            words.append({"integer": "whole number", "null": "null", "object": "object", "string": "text",
                          "number": "number", "boolean": "true or false"}.get(k, k))
    text = " or ".join(words) or "any JSON"
    if schema.get("format") == "date-time":
        text += " (date and time)"
    if "enum" in schema:
        text += ": one of " + ", ".join(str(v) for v in schema["enum"] if v is not None)
    return {"text": text, "ref": ref}


def _limits(schema: dict[str, Any]) -> str:
    out = []
    for key, words in (("minimum", "at least"), ("maximum", "at most"), ("minLength", "at least"),
                       ("maxLength", "at most"), ("minItems", "at least"), ("maxItems", "at most")):
        if key in schema:
            unit = " characters" if "Length" in key else " items" if "Items" in key else ""
            out.append(f"{words} {schema[key]:,}{unit}")
    if "default" in schema:
        out.append(f"default {json.dumps(schema['default'])}")
    return ", ".join(out)


def _properties(schema: dict[str, Any]) -> list[dict[str, Any]]:
    required = set(schema.get("required", []))
    return [{"name": name, "type": type_of(prop), "required": name in required,
             "description": prop.get("description", ""), "limits": _limits(prop)}
            for name, prop in schema.get("properties", {}).items()]


def _operation(path: str, method: str, op: dict[str, Any]) -> dict[str, Any]:
    parameters = [{"name": p["name"], "in": {"path": "path", "query": "query string", "header": "header"}[p["in"]],
                   "required": p.get("required", False), "type": type_of(p.get("schema")),
                   "description": p.get("description", ""), "limits": _limits(p.get("schema", {}))}
                  for p in op.get("parameters", [])]
    body = None
    if "requestBody" in op:
        media = op["requestBody"]["content"]["application/json"]
        body = {"type": type_of(media["schema"]),
                "example": json.dumps(media["example"], indent=2, ensure_ascii=False) if "example" in media else None}
    responses = []
    for status, answer in op["responses"].items():
        if "$ref" in answer:
            responses.append({"status": status, "description": ERROR_STATUSES[int(status)],
                              "type": {"text": "Error", "ref": "Error"}, "media": ["application/json"]})
            continue
        content = answer.get("content", {})
        json_schema = content.get("application/json", {}).get("schema")
        responses.append({"status": status, "description": answer["description"],
                          "type": type_of(json_schema) if json_schema else None, "media": list(content),
                          "headers": list(answer.get("headers", {}))})
    security = op.get("security", [])
    auth = ("Bearer token" if {"bearer": []} in security else
            "Participant-Token header" if {"participant": []} in security else "None: public")
    return {"id": op["operationId"].replace("_", "-"), "method": method.upper(), "path": path,
            "summary": op.get("summary", ""), "description": op.get("description", ""), "auth": auth,
            "parameters": parameters, "body": body, "responses": responses}


def reference(document: dict[str, Any]) -> dict[str, Any]:
    """The document arranged for the page: operations grouped by tag, then the schemas."""
    schemas = document["components"]["schemas"]
    groups: dict[str, list[dict[str, Any]]] = {}
    for path, item in document["paths"].items():
        for method in METHOD_ORDER:
            if method in item:
                op = item[method]
                groups.setdefault(op["tags"][0], []).append(_operation(path, method, op))
    ordered = [{"tag": tag, "title": TAG_TITLES.get(tag, tag.replace("_", " ").capitalize()), "id": f"tag-{tag}",
                "operations": ops} for tag, ops in groups.items()]
    order = list(TAG_TITLES)
    ordered.sort(key=lambda g: order.index(g["tag"]) if g["tag"] in order else len(order))
    return {"info": document["info"], "groups": ordered,
            "schemas": [{"name": name, "id": f"schema-{name}", "description": schema.get("description", ""),
                         "properties": _properties(schema)} for name, schema in sorted(schemas.items())]}


@bp.get("/api/docs")
def index():
    return render_template("public/api_reference.html", title="API reference",
                           ref=reference(build_document(current_app)))
