"""``GET /api/v1/openapi.json``: the OpenAPI 3.1 document, built from the routes' declarations."""
from __future__ import annotations

from flask import current_app

from ..common.openapi import build_document
from . import bp
from .contract import described


@bp.get("/openapi.json")
@described("This API's OpenAPI 3.1 document", out={"type": "object", "description": "An OpenAPI 3.1 document"},
           etag=True, tag="reference")
def openapi_document():
    """Made from the same declarations that parse each request and serialise each answer, so it
    cannot drift from the code. The browsable reference is the page ``/api/docs``."""
    return build_document(current_app)
