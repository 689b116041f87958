"""Security headers, including a nonce-based Content-Security-Policy.

No inline script or style is allowed. The one inline script is GOV.UK Frontend's template line
that marks ``js-enabled``; it carries the per-request nonce, the way the GOV.UK template is
designed to be used under a strict CSP.
"""
from __future__ import annotations

import secrets

from flask import Flask, g, request


def csp_nonce() -> str:
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def _policy(nonce: str | None) -> str:
    return "; ".join((
        "default-src 'self'",
        f"script-src 'self' 'nonce-{nonce}'" if nonce else "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ))


#: For a response no template asked a nonce for (JSON, files, redirects): it has no inline
#: script to allow, and making a nonce for it cost an API call more than its policy.
_NO_NONCE_POLICY = _policy(None)


def _headers(response):
    nonce = g.get("csp_nonce")
    # A response that set its own, stricter policy keeps it (uploaded files: engage/web/file_responses.py).
    response.headers.setdefault("Content-Security-Policy", _policy(nonce) if nonce else _NO_NONCE_POLICY)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()"
    if request.is_secure:
        response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    if request.endpoint and not request.endpoint.startswith(("static", "vendor")):
        # Pages may show personal or unpublished material: keep them out of shared caches.
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def init_app(app: Flask) -> None:
    app.after_request(_headers)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
