"""Sending back files people uploaded (collectors' photos, a survey's document) so a browser can
only ever treat them as what the upload check found them to be.

The content type is the one ``surveys.uploads`` derived from the bytes, never what was uploaded
with them; ``X-Content-Type-Options: nosniff`` stops the browser second-guessing it; the
disposition and file name are set by Werkzeug (quoted, with an RFC 5987 form for non-ASCII); a
``sandbox`` CSP means that even a PDF viewer's scripts run in an opaque origin; and nothing is
cached by shared caches.
"""
from __future__ import annotations

from flask import Response


def file_response(data: bytes, content_type: str, filename: str, *, inline: bool = False) -> Response:
    response = Response(data, mimetype=content_type)
    response.headers.set("Content-Disposition", "inline" if inline else "attachment", filename=filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; frame-ancestors 'none'; sandbox"
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    return response
