"""Serving the installed front-end packages (GOV.UK Frontend, socket.io-client).

They are installed by ``npm ci`` into node_modules and served from there: nothing third-party
is copied into the repository. GOV.UK Frontend's stylesheet expects its fonts and images
under ``/assets``.
"""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Flask, abort, current_app, send_from_directory

bp = Blueprint("vendor", __name__)

_PACKAGES = {
    "govuk": Path("govuk-frontend/dist/govuk"),
    "socket.io": Path("socket.io-client/dist"),
}


def _root() -> Path:
    return Path(current_app.config["NODE_MODULES"])


@bp.get("/assets/<path:filename>")
def govuk_assets(filename: str):
    return send_from_directory(_root() / _PACKAGES["govuk"] / "assets", filename, max_age=86400)


@bp.get("/vendor/<package>/<path:filename>")
def package_file(package: str, filename: str):
    if package not in _PACKAGES:
        abort(404)
    return send_from_directory(_root() / _PACKAGES[package], filename, max_age=86400)


def init_app(app: Flask) -> None:
    css = Path(app.config["NODE_MODULES"]) / _PACKAGES["govuk"] / "govuk-frontend.min.css"
    if not css.exists() and not app.testing:
        app.logger.warning("GOV.UK Frontend is not installed at %s: run `npm ci`", css.parent)
    app.register_blueprint(bp)
