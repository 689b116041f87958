"""Help for each kind of user, the privacy page (what Engage keeps about residents) and the
accessibility statement (what is and is not tested)."""
from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("help_pages", __name__)


@bp.get("/help")
def index():
    return render_template("help/index.html")


@bp.get("/help/commissioners")
def commissioners():
    return render_template("help/commissioners.html")


@bp.get("/help/residents")
def residents():
    return render_template("help/residents.html")


@bp.get("/help/evaluators")
def evaluators():
    return render_template("help/evaluators.html")


@bp.get("/privacy")
def privacy():
    return render_template("help/privacy.html")


@bp.get("/accessibility")
def accessibility():
    return render_template("help/accessibility.html")
