"""The one declaration each ``/api/v1`` route carries, ``@described(...)``, which is both its
OpenAPI description and the code that parses its request and serialises its answer.

Because the same schema objects parse the body (``body()``) and the query string (``args()``)
and serialise the answer (a view returns a dict; the declared schema dumps it, so a field the
schema does not declare never leaves the server), the document at ``/api/v1/openapi.json``
cannot drift from what the routes do. ``engage.common.openapi`` turns the declarations into the
document. Paging (``paged=``) and ETags (``etag=True``) are declared here too, so every list is
paged the same way and every cheap read answers ``If-None-Match`` the same way.
"""
from __future__ import annotations

from functools import wraps
from typing import Any, Sequence
from urllib.parse import urlencode

from flask import g, jsonify, make_response, request
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate
from sqlalchemy import Select, func, select
from werkzeug.wrappers import Response

from commissioning_steps.errors import Invalid

from ..common.openapi import Contract
from ..common.validation import flatten
from .helpers import ApiError, load_json

#: Lists answer this many items unless ``per_page`` asks for another number up to ``MAX_PER_PAGE``.
PER_PAGE = 50
MAX_PER_PAGE = 200


class PageArgs(Schema):
    """``?page=&per_page=`` on every list; a number out of range is a 422 naming the field."""

    class Meta:
        unknown = EXCLUDE

    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10**9),
                          metadata={"description": "Which page, from 1"})
    per_page = fields.Integer(load_default=PER_PAGE, validate=validate.Range(min=1, max=MAX_PER_PAGE),
                              metadata={"description": f"Items a page (default {PER_PAGE}, at most {MAX_PER_PAGE})"})


class PageFields(Schema):
    """What every paged answer carries beside its list."""

    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    total = fields.Integer(required=True, metadata={"description": "Items in the whole list"})
    next = fields.String(required=True, allow_none=True, metadata={"description": "The next page's URL, or null"})
    prev = fields.String(required=True, allow_none=True, metadata={"description": "The previous page's URL, or null"})


_COMPOSED: dict[tuple, type[Schema]] = {}


def _compose(*classes: type[Schema], name: str) -> type[Schema]:
    """One schema class made of several (a list's own fields plus the paging ones), made once."""
    key = (name, classes)
    if key not in _COMPOSED:
        _COMPOSED[key] = type(name, classes, {"Meta": type("Meta", (), {"unknown": EXCLUDE})})
    return _COMPOSED[key]


def _instance(schema):
    return schema() if isinstance(schema, type) else schema


def described(summary: str, *, body=None, query=None, out=None, status: int = 200,
              responses: dict[int, Any] | None = None, errors: Sequence[int] = (), paged: str | None = None,
              etag: bool = False, example: dict | None = None, tag: str | None = None, auth: str | None = None):
    """Declare an API route.

    ``body``: the marshmallow schema ``body()`` loads the JSON body with; ``query``: the schema
    ``args()`` loads the query string with; ``out``: the schema the answer (a dict the view
    returns, with ``status``) is dumped through; ``responses``: other answers, status to schema,
    ``None`` (no body) or a media type such as ``"text/csv"``; ``errors``: the error statuses
    the route may answer beyond those implied (401 with a token, 404 with an id in the path,
    400/413/415/422 with a body, 422 with a query, 429 when rate-limited); ``paged``: the key
    of the list ``paginate()`` pages; ``etag``: answer with an ETag and honour If-None-Match.
    """
    query_schema = query
    if paged:
        query_schema = _compose(*(c for c in (PageArgs, query if isinstance(query, type) else None) if c),
                                name=f"{(query.__name__ if isinstance(query, type) else '')}PageArgs")
        if query is not None and not isinstance(query, type):
            raise TypeError("pass a paged route's query schema as a class")
    out_schema = out
    if paged and out is not None:
        out_schema = _compose(out if isinstance(out, type) else type(out), PageFields,
                              name=f"{(out if isinstance(out, type) else type(out)).__name__}Page")
    all_responses = {status: out_schema}
    for code, value in (responses or {}).items():
        if code == status:  # more forms of the main answer: the first is the one a plain dict is dumped with
            all_responses[code] = [out_schema, *(value if isinstance(value, list) else [value])]
        else:
            all_responses[code] = value

    def decorator(view):
        contract = Contract(
            summary=summary, description=(view.__doc__ or "").strip(), body=_instance(body) if body else None,
            query=_instance(query_schema) if query_schema else None,
            responses={code: _forms(s) for code, s in all_responses.items()},
            errors=tuple(errors), paged=paged, etag=etag, example=example, tag=tag or view.__module__.rsplit(".", 1)[-1], auth=auth,
        )

        @wraps(view)
        def wrapper(*args, **kwargs):
            g.api_contract = contract
            g.api_args = _load_query(contract.query) if contract.query is not None else {}
            return _answer(contract, view(*args, **kwargs))

        wrapper.api_contract = contract
        return wrapper
    return decorator


def _forms(value):
    if isinstance(value, list):
        return [_forms(v) for v in value]
    return _instance(value) if isinstance(value, (type, Schema)) else value


def _load_query(schema: Schema) -> dict[str, Any]:
    raw = request.args.to_dict()
    try:
        return schema.load(raw)
    except ValidationError as exc:
        raise Invalid(flatten(exc.messages)) from exc


def body() -> dict[str, Any]:
    """The JSON body, loaded with the schema this route declared (``@described(body=...)``)."""
    schema = g.api_contract.body
    if schema is None:
        raise RuntimeError(f"{request.endpoint} declares no body")
    return load_json(schema)


def args() -> dict[str, Any]:
    """The query string, loaded with the schema this route declared."""
    return g.api_args


def paginate(rows, total: int | None = None):
    """This page of ``rows`` (a list, or a ``Select`` counted and cut in SQL), remembering the
    total so the answer can carry ``page``, ``total``, ``next``, ``prev`` and a ``Link`` header.
    Pass ``total`` when ``rows`` is already the page (a service that pages itself)."""
    page, per_page = g.api_args["page"], g.api_args["per_page"]
    if total is not None:
        items = list(rows)
    elif isinstance(rows, Select):
        from ..extensions import db_session

        session = db_session()
        total = session.scalar(select(func.count()).select_from(rows.order_by(None).subquery()))
        items = list(session.scalars(rows.limit(per_page).offset((page - 1) * per_page)))
    else:
        rows = list(rows)
        total = len(rows)
        items = rows[(page - 1) * per_page: page * per_page]
    g.api_page = (page, per_page, total)
    return items


class Alternative:
    """An answer in one of a status's other declared forms (``responses={200: [A, B, "text/csv"]}``)."""

    def __init__(self, schema: type[Schema], body: dict):
        self.schema, self.body = schema, body


def _page_url(page: int) -> str:
    query = {**request.args.to_dict(), "page": str(page)}
    return f"{request.path}?{urlencode(query)}"


def _answer(contract: Contract, result):
    if isinstance(result, Response):
        if result.is_json and result.status_code < 300:
            # Serialised by hand, it would skip the declared schema: the drift this module prevents.
            raise RuntimeError(f"{request.endpoint} returned JSON itself; return the dict instead")
        return result
    status, headers = None, {}
    if isinstance(result, tuple):
        result, status, *rest = result
        headers = rest[0] if rest else {}
    status = status or min(code for code, s in contract.responses.items() if code < 300)
    if result is None or result == "":
        response = make_response("", status)
    else:
        links = []
        if contract.paged and not isinstance(result, Alternative):
            if "api_page" not in g:
                raise RuntimeError(f"{request.endpoint} is declared paged but did not call paginate()")
            page, per_page, total = g.pop("api_page")
            last = max(1, -(-total // per_page))
            result = {**result, "page": page, "per_page": per_page, "total": total,
                      "next": _page_url(page + 1) if page < last else None,
                      "prev": _page_url(min(page - 1, last)) if page > 1 else None}
            links = [f'<{result[rel]}>; rel="{rel}"' for rel in ("next", "prev") if result[rel]]
        schema = contract.responses.get(status)
        if isinstance(result, Alternative):
            choices = schema if isinstance(schema, list) else [schema]
            schema = next((c for c in choices if isinstance(c, result.schema)), None)
            if schema is None:
                raise RuntimeError(f"{request.endpoint} answered {result.schema.__name__}, which it does not declare")
            result = result.body
        elif isinstance(schema, list):
            schema = schema[0]
        if isinstance(schema, Schema):
            response = jsonify(schema.dump(result))
        elif isinstance(schema, dict):  # a plain JSON Schema (the OpenAPI document itself)
            response = jsonify(result)
        else:
            raise RuntimeError(f"{request.endpoint} answered {status}, which it does not declare")
        response.status_code = status
        if links:
            response.headers["Link"] = ", ".join(links)
        if contract.etag and status == 200:
            response.add_etag()
            response.make_conditional(request)
    for name, value in headers.items():
        response.headers[name] = value
    return response


__all__ = ["Alternative", "ApiError", "MAX_PER_PAGE", "PER_PAGE", "args", "body", "described", "paginate"]
