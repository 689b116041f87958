"""Signing in and out."""
from __future__ import annotations

import json

from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, g, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from commissioning_steps import accounts, staff

from .. import auth
from ..auth import TOO_MANY, WRONG, authenticate, start_session
from ..common.downloads import download
from ..extensions import db_session
from commissioning_steps.errors import Invalid, NotFound

from .forms import SignInForm, TokenForm, apply_domain_errors

bp = Blueprint("account", __name__)


def _safe_next(target: str | None) -> str:
    # Only ever redirect within the site after sign-in.
    if (target and urlsplit(target).netloc == "" and target.startswith("/") and not target.startswith("//")
            and "\\" not in target):
        return target
    return url_for("commissions.dashboard")


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    if current_user.is_authenticated:
        return redirect(url_for("commissions.dashboard"))
    form = SignInForm()
    status = 200
    result = None
    if form.validate_on_submit():
        result = authenticate(form.email.data, form.password.data)
        if result.user:
            login_user(result.user)
            start_session()
            return redirect(_safe_next(request.args.get("next")))
        status = 429 if result.limited else 200
        form.email.errors = [TOO_MANY] if result.limited else [WRONG]
        form._errors = None
    headers = {"Retry-After": str(result.retry_after)} if result and result.limited else {}
    return render_template("account/sign_in.html", form=form), status, headers


@bp.post("/sign-out")
@login_required
def sign_out():
    """Signs the account out on every device, and closes its presenter screens' rights too."""
    staff.end_sessions(db_session(), current_user._get_current_object())
    logout_user()
    flash("You have signed out on every device, and your API tokens no longer work", "success")
    return redirect(url_for("public.home"))


@bp.route("/account/tokens", methods=["GET", "POST"])
@login_required
def tokens():
    """The signed-in account's API tokens: list, create (shown once), revoke."""
    session = db_session()
    user = current_user._get_current_object()
    form = TokenForm()
    created = None
    if form.validate_on_submit():
        try:
            row, token = staff.create_named_token(session, user, form.name.data, form.expires_in_days.data)
            created = {"name": row.name, "token": token, "expires_at": row.expires_at}
            form = TokenForm(formdata=None)
        except Invalid as exc:
            apply_domain_errors(form, exc.fields)
            form._errors = None
    # A new token is shown on this response only, never put in the (readable) session cookie.
    return render_template("account/tokens.html", form=form, created=created,
                           tokens=staff.tokens_of(session, user)), 422 if form.errors else 200


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    """CSRF is checked by ``CSRFProtect`` before the view, as on every form post."""
    try:
        staff.revoke_token(db_session(), current_user._get_current_object(), token_id)
    except NotFound:
        abort(404)
    flash("The token has been revoked: it no longer works", "success")
    return redirect(url_for(".tokens"))


def _session_json():
    if not current_user.is_authenticated:
        return jsonify(signed_in=False, seconds_left=0, absolute_seconds_left=0)
    times = auth.session_times()
    return jsonify(signed_in=True, seconds_left=times.left, absolute_seconds_left=max(0, times.absolute_left))


@bp.get("/account/session")
def session_status():
    """How long this sign-in has left, without counting as activity (for the timeout warning)."""
    g.engage_no_touch = True
    return _session_json()


@bp.post("/account/session")
def keep_alive():
    """"Stay signed in" on the timeout warning: counts as activity (CSRF-checked like any post)."""
    if current_user.is_authenticated:
        auth.flask_session[auth.LAST_SEEN] = auth.session_times().now
    return _session_json()


@bp.post("/account/timed-out")
def timed_out():
    """Where the timeout warning sends a page whose time ran out: signs this browser out only
    (the account's other sign-ins go on), and says why on the sign-in page."""
    if current_user.is_authenticated:
        times = auth.session_times()
        auth.end_this_session()
        flash(auth.timeout_message(staff.ABSOLUTE if times.absolute_left <= times.idle_left else staff.IDLE),
              "info")
    return redirect(url_for(".sign_in"))


@bp.get("/account/export.json")
@login_required
def export_own_data():
    """Everything Engage holds about the signed-in account, as a file (UK GDPR right of access)."""
    data = accounts.export_own_data(db_session(), current_user._get_current_object())
    return download(json.dumps(data, ensure_ascii=False, indent=2), "application/json", "my-engage-data.json")
