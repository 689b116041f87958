""""You said, we did" pages.

Staff (commissioners write, evaluators of the commission read, everyone else 404): the input
inbox with its filters and bulk tagging, themes, decisions and publishing. Public (no sign-in):
the published "We asked, you said, we did" page, and the page a phone opens after a live poll
to see what happened to its own words (its script reads the participant token the phone keeps
and asks ``GET /api/v1/live/influence``).

Every form is a plain POST with a CSRF token, so all of it works without JavaScript. Each POST
calls one service and redirects; bad input re-renders the page with the GOV.UK error summary.
"""
from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import urlencode

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from commissioning_steps import access, decisions, inputs, journey, themes
from commissioning_steps.commissions import ACTIVE, COMPLETE, Commission
from commissioning_steps.errors import Conflict, Invalid
from surveys import you_said_we_did
from surveys.live import sessions
from surveys.live.errors import UnknownSession
from surveys.live.join_codes import normalise_code

from ..common import you_said_we_did as shared
from ..extensions import db_session
from .commission_rows import in_commission

bp = Blueprint("you_said_we_did", __name__)
STAFF = "/commissions/<int:commission_id>"
PUBLIC_ENDPOINTS = ("you_said_we_did.public_page", "you_said_we_did.live_influence_page")
FILTER_KEYS = ("step", "activity", "question", "group", "area", "theme", "q")
DATE_FILTERS = ("since", "until")


@bp.before_request
def _staff_pages_need_sign_in():
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    return login_required(lambda: None)()


# -- loading, with who may do what -----------------------------------------------------------


def _commission(commission_id: int, action: str = access.READ) -> Commission:
    return access.require(db_session(), current_user, commission_id, action)


def _can_write(commission: Commission) -> bool:
    return access.allowed(db_session(), current_user, commission.id, access.WRITE)


def _theme(commission: Commission, theme_id: int) -> themes.Theme:
    return in_commission(commission, themes.get_theme, theme_id)


def _decision(commission: Commission, decision_id: int) -> decisions.Decision:
    return in_commission(commission, decisions.get_decision, decision_id)


def _int(value) -> int | None:
    value = (value or "").strip() if isinstance(value, str) else value
    return int(value) if isinstance(value, str) and value.isdigit() and len(value) <= 18 else None


def _ints(values) -> list[int]:
    return [i for i in (_int(v) for v in values) if i is not None]


# -- dates, in the GOV.UK date input pattern --------------------------------------------------


def date_parts(form, name: str) -> dict[str, str]:
    return {part: (form.get(f"{name}-{part}") or "").strip() for part in ("day", "month", "year")}


def read_date(form, name: str, errors: dict[str, str], label: str, required: bool = False) -> date | None:
    parts = date_parts(form, name)
    if not any(parts.values()):
        if required:
            errors[name] = f"Enter {label}"
        return None
    missing = [p for p, v in parts.items() if not v]
    if missing:
        errors[name] = f"{label[0].upper()}{label[1:]} must include a {' and '.join(missing)}"
        return None
    try:
        year = int(parts["year"])
        if year < 1000 or year > 9999:
            raise ValueError
        return date(year, int(parts["month"]), int(parts["day"]))
    except ValueError:
        errors[name] = f"{label[0].upper()}{label[1:]} must be a real date"
        return None


def date_items(values: dict[str, str], name: str, error: bool) -> list[dict]:
    widths = {"day": 2, "month": 2, "year": 4}
    return [{"name": part, "id": f"{name}-{part}", "value": values.get(part, ""),
             "classes": f"govuk-input--width-{widths[part]}" + (" govuk-input--error" if error else ""),
             "label": part.capitalize(), "inputmode": "numeric"} for part in ("day", "month", "year")]


def _iso_or_refused(value: date | None, name: str, errors: dict[str, str]) -> str | None:
    """The date for the service; a date the page already refused goes on as one the service
    refuses too, so nothing is saved and every error is shown at once (the page's wording wins)."""
    if name in errors:
        return "not a date"
    return value.isoformat() if value else None


def _parts_of(value: date | None) -> dict[str, str]:
    if value is None:
        return {"day": "", "month": "", "year": ""}
    return {"day": str(value.day), "month": str(value.month), "year": str(value.year)}


# -- the input inbox -------------------------------------------------------------------------


def _filters_from(source) -> tuple[inputs.Filters, dict[str, str], dict[str, str]]:
    """The inbox filters from a query string or a posted form: ``(filters, raw values, errors)``."""
    errors: dict[str, str] = {}
    raw = {k: (source.get(k) or "").strip() for k in FILTER_KEYS}
    given = {k: v for k, v in raw.items() if v}
    since = read_date(source, "since", errors, "the date from")
    until = read_date(source, "until", errors, "the date to")
    if since and until and until < since:
        errors["until"] = "The date to must be the same as or after the date from"
    if since and not errors.get("since"):
        given["since"] = since.isoformat()
    if until and not errors.get("until"):
        given["until"] = (until + timedelta(days=1)).isoformat()  # "to 7 November" includes that day
    try:
        filters = inputs.parse_filters(given)
    except Invalid as exc:
        errors.update(exc.fields)
        filters = inputs.Filters()
    if errors:
        filters = inputs.Filters()
    for name in DATE_FILTERS:
        for part, value in date_parts(source, name).items():
            raw[f"{name}-{part}"] = value
    return filters, raw, errors


def _query(raw: dict[str, str], **extra) -> str:
    values = {k: v for k, v in {**raw, **extra}.items() if v not in (None, "")}
    return urlencode(values)


def _inbox_page(commission: Commission, source, errors: dict[str, str] | None = None,
                chosen: list[int] | None = None, status: int = 200):
    session = db_session()
    filters, raw, filter_errors = _filters_from(source)
    errors = {**filter_errors, **(errors or {})}
    page_no = _int(source.get("page")) or 1
    page = inputs.search(session, commission.id, filters, page_no, inputs.PER_PAGE)
    by_item = themes.themes_by_item(session, [i.id for i in page.items])
    current_themes = themes.themes_of(session, commission.id)
    facets = inputs.facets(session, commission.id)
    return render_template(
        "staff/you_said_we_did/inbox.html", commission=commission, page=page, by_item=by_item,
        facets=facets, steps=journey.STEPS, themes=current_themes, raw=raw, errors=errors,
        chosen=set(chosen or []), can_write=_can_write(commission), query=_query, date_items=date_items,
        form=request.form if request.method == "POST" else {},
        filtered=any(v for k, v in raw.items()),
    ), 422 if errors and status == 200 else status


@bp.get(STAFF + "/inputs")
def inbox(commission_id: int):
    return _inbox_page(_commission(commission_id), request.args)


@bp.post(STAFF + "/inputs/tag")
def tag_inputs(commission_id: int):
    session = db_session()
    commission = _commission(commission_id, access.WRITE)
    form = request.form
    filters, raw, filter_errors = _filters_from(form)
    chosen = _ints(form.getlist("items"))
    errors: dict[str, str] = {}
    theme_id = _int(form.get("tag_theme"))
    theme = session.get(themes.Theme, theme_id) if theme_id else None
    if theme is None or theme.commission_id != commission.id or theme.merged:
        errors["tag_theme"] = "Choose the theme to tag the items with"
    everything = form.get("scope") == "all"
    if everything:
        if filter_errors:
            errors.update(filter_errors)
        ids = inputs.ids_matching(session, commission.id, filters) if not filter_errors else []
        if not ids and not filter_errors:
            errors["items"] = "No items match the filters"
    else:
        ids = chosen
        if not ids:
            errors["items"] = "Choose at least one item to tag"
    if not errors:
        try:
            added = themes.tag(session, theme, ids, current_user)
        except (Invalid, Conflict) as exc:
            errors.update(exc.fields or {"tag_theme": exc.message})
        else:
            already = len(ids) - added
            flash(f"{added} {'item' if added == 1 else 'items'} tagged with “{theme.name}”"
                  + (f" ({already} already had it)" if already else ""), "success")
            return redirect(url_for(".inbox", commission_id=commission.id) + "?" + _query(raw, page=form.get("page")))
    return _inbox_page(commission, form, errors, chosen, status=422)


# -- themes ----------------------------------------------------------------------------------


def _themes_page(commission: Commission, errors=None, status=200):
    session = db_session()
    summaries = themes.summaries(session, commission.id)
    return render_template("staff/you_said_we_did/themes.html", commission=commission, summaries=summaries,
                           can_write=_can_write(commission), errors=errors or {},
                           form=request.form if request.method == "POST" else {}), status


@bp.get(STAFF + "/themes")
def theme_list(commission_id: int):
    return _themes_page(_commission(commission_id))


@bp.post(STAFF + "/themes")
def create_theme(commission_id: int):
    commission = _commission(commission_id, access.WRITE)
    form = request.form
    try:
        theme = themes.create_theme(db_session(), commission, current_user, name=form.get("name", ""),
                                    description=form.get("description", ""), minority=form.get("minority") == "yes")
    except (Invalid, Conflict) as exc:
        return _themes_page(commission, exc.fields or {"name": exc.message}, 422)
    flash(f"Theme “{theme.name}” created", "success")
    return redirect(url_for(".theme_page", commission_id=commission.id, theme_id=theme.id))


@bp.post(STAFF + "/inputs/themes")
def create_theme_from_inbox(commission_id: int):
    """A new theme from the inbox, keeping the filters, so the list can be tagged with it next."""
    commission = _commission(commission_id, access.WRITE)
    form = request.form
    _, raw, _ = _filters_from(form)
    try:
        theme = themes.create_theme(db_session(), commission, current_user, name=form.get("new_theme", ""))
    except (Invalid, Conflict) as exc:
        fields = exc.fields or {"name": exc.message}
        return _inbox_page(commission, form, {"new_theme": fields.get("name", exc.message)}, status=422)
    flash(f"Theme “{theme.name}” created: choose it below to tag items with it", "success")
    return redirect(url_for(".inbox", commission_id=commission.id) + "?" + _query(raw, page=form.get("page")))


def _theme_page(commission: Commission, theme: themes.Theme, errors=None, status=200, chosen=()):
    session = db_session()
    if theme.merged:
        into = session.get(themes.Theme, theme.merged_into_id)
        return render_template("staff/you_said_we_did/theme_merged.html", commission=commission, theme=theme,
                               into=into), status
    [summary] = themes.summaries(session, commission.id, [theme.id]) or [themes.ThemeSummary(theme)]
    members = inputs.search(session, commission.id, inputs.Filters(theme=theme.id), 1, inputs.MAX_PER_PAGE)
    quoted = {item.id for item, _ in summary.quotes}
    all_decisions = decisions.decisions_of(session, commission.id)
    shaped = [d for d in all_decisions if d.id in set(summary.decision_ids)]
    others = [t for t in themes.themes_of(session, commission.id) if t.id != theme.id]
    by_group = [{"label": g, "count": n, "percent": 100.0 * n / summary.residents if summary.residents else 0}
                for g, n in summary.by_group]
    by_activity = [{"label": a, "count": n, "percent": 100.0 * n / summary.items if summary.items else 0}
                   for a, n in summary.by_activity]
    return render_template(
        "staff/you_said_we_did/theme.html", commission=commission, theme=theme, summary=summary,
        members=members, quoted=quoted, decisions=all_decisions, shaped=shaped, others=others,
        by_group=by_group, by_activity=by_activity, can_write=_can_write(commission), errors=errors or {},
        form=request.form if request.method == "POST" else {}, chosen=set(chosen)), status


@bp.get(STAFF + "/themes/<int:theme_id>")
def theme_page(commission_id: int, theme_id: int):
    commission = _commission(commission_id)
    return _theme_page(commission, _theme(commission, theme_id))


def _theme_write(commission_id: int, theme_id: int):
    commission = _commission(commission_id, access.WRITE)
    return commission, _theme(commission, theme_id)


def _back_to(commission, theme, anchor: str = ""):
    return redirect(url_for(".theme_page", commission_id=commission.id, theme_id=theme.id) + anchor)


@bp.post(STAFF + "/themes/<int:theme_id>/edit")
def edit_theme(commission_id: int, theme_id: int):
    commission, theme = _theme_write(commission_id, theme_id)
    form = request.form
    try:
        themes.update_theme(db_session(), theme, name=form.get("name", ""), description=form.get("description", ""),
                            minority=form.get("minority") == "yes")
    except (Invalid, Conflict) as exc:
        return _theme_page(commission, theme, exc.fields or {"name": exc.message}, 422)
    flash("Theme saved", "success")
    return _back_to(commission, theme)


@bp.post(STAFF + "/themes/<int:theme_id>/items")
def theme_items(commission_id: int, theme_id: int):
    """The theme's item list: split the chosen items off, untag them, or pick one as a quote."""
    commission, theme = _theme_write(commission_id, theme_id)
    session = db_session()
    form = request.form
    chosen = _ints(form.getlist("items"))
    quote = _int(form.get("quote") or form.get("minority_quote"))
    action = form.get("action")
    try:
        if quote is not None:
            themes.pick_quote(session, theme, quote, current_user, minority=bool(form.get("minority_quote")))
            flash("Quote picked: it is now in the evidence log as a resident quote", "success")
            return _back_to(commission, theme, "#quotes")
        if not chosen:
            raise Invalid({"items": "Choose at least one item"})
        if action == "split":
            new = themes.split(session, theme, chosen, current_user, name=form.get("new_name", ""))
            flash(f"{len(chosen)} {'item' if len(chosen) == 1 else 'items'} moved to the new theme “{new.name}”",
                  "success")
            return redirect(url_for(".theme_page", commission_id=commission.id, theme_id=new.id))
        if action == "untag":
            removed = themes.untag(session, theme, chosen)
            flash(f"{removed} {'item' if removed == 1 else 'items'} no longer tagged with “{theme.name}”", "success")
            return _back_to(commission, theme)
        raise Invalid({"items": "Choose what to do with the chosen items"})
    except (Invalid, Conflict) as exc:
        fields = dict(exc.fields or {"items": exc.message})
        if "name" in fields:
            fields["new_name"] = fields.pop("name")
        if "item" in fields:
            fields[f"quote-{quote}"] = fields.pop("item")
        return _theme_page(commission, theme, fields, 422, chosen)


@bp.post(STAFF + "/themes/<int:theme_id>/quotes/remove")
def unpick_quote(commission_id: int, theme_id: int):
    commission, theme = _theme_write(commission_id, theme_id)
    try:
        themes.unpick_quote(db_session(), theme, _int(request.form.get("item")))
    except Invalid as exc:
        return _theme_page(commission, theme, {"quotes": exc.fields.get("item", exc.message)}, 422)
    flash("The quote no longer represents this theme. Its evidence entry stays in the log.", "success")
    return _back_to(commission, theme, "#quotes")


@bp.post(STAFF + "/themes/<int:theme_id>/merge")
def merge_theme(commission_id: int, theme_id: int):
    commission, theme = _theme_write(commission_id, theme_id)
    into_id = _int(request.form.get("into"))
    if into_id is None:
        return _theme_page(commission, theme, {"into": "Choose the theme to merge this one into"}, 422)
    into = _theme(commission, into_id)
    try:
        themes.merge(db_session(), theme, into, current_user)
    except (Invalid, Conflict) as exc:
        return _theme_page(commission, theme, exc.fields or {"into": exc.message}, 422)
    flash(f"“{theme.name}” merged into “{into.name}”", "success")
    return redirect(url_for(".theme_page", commission_id=commission.id, theme_id=into.id))


@bp.post(STAFF + "/themes/<int:theme_id>/delete")
def delete_theme(commission_id: int, theme_id: int):
    commission, theme = _theme_write(commission_id, theme_id)
    name = theme.name
    try:
        themes.delete_theme(db_session(), theme)
    except Conflict as exc:
        return _theme_page(commission, theme, {"delete": exc.message}, 409)
    flash(f"Theme “{name}” deleted", "success")
    return redirect(url_for(".theme_list", commission_id=commission.id))


@bp.post(STAFF + "/themes/<int:theme_id>/response")
def respond_to_theme(commission_id: int, theme_id: int):
    commission, theme = _theme_write(commission_id, theme_id)
    form = request.form
    answer = form.get("answer")
    try:
        if answer == "decisions":
            chosen = _ints(form.getlist("decisions"))
            decisions.respond_to_theme(db_session(), theme, current_user, decisions=chosen)
        elif answer == "not_taken_up":
            decisions.respond_to_theme(db_session(), theme, current_user, not_taken_up=form.get("not_taken_up", ""))
        else:
            raise Invalid({"decisions": "Choose the decisions this theme shaped, or say why it was not taken up"})
    except (Invalid, Conflict) as exc:
        fields = exc.fields or {"not_taken_up" if answer == "not_taken_up" else "decisions": exc.message}
        return _theme_page(commission, theme, fields, 422)
    flash("Theme answered", "success")
    return _back_to(commission, theme, "#answer")


# -- decisions -------------------------------------------------------------------------------


def _step_choices(commission: Commission) -> list[journey.Step]:
    return [s for s in journey.STEPS if commission.step_status(s.key) in (ACTIVE, COMPLETE)]


def _refs(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").replace(",", "\n").splitlines() if line.strip()]


@bp.get(STAFF + "/decisions")
def decision_list(commission_id: int):
    commission = _commission(commission_id)
    session = db_session()
    rows = decisions.decisions_of(session, commission.id)
    links = decisions.links(session, [d.id for d in rows])
    names = {t.id: t.name for t in themes.themes_of(session, commission.id, include_merged=True)}
    return render_template("staff/you_said_we_did/decisions.html", commission=commission, rows=rows, links=links,
                           names=names, can_write=_can_write(commission))


def _decision_form(commission: Commission, errors=None, values=None, status=200):
    session = db_session()
    values = values or {}
    return render_template(
        "staff/you_said_we_did/decision_form.html", commission=commission, errors=errors or {}, values=values,
        kinds=decisions.KINDS, statuses=decisions.STATUSES, steps=_step_choices(commission),
        themes=themes.themes_of(session, commission.id), date_items=date_items,
        chosen_themes=set(_ints(values.get("themes", []))),
    ), status


@bp.get(STAFF + "/decisions/new")
def new_decision(commission_id: int):
    commission = _commission(commission_id, access.WRITE)
    preset = _int(request.args.get("theme"))
    return _decision_form(commission, values={"themes": [str(preset)] if preset else [], "status": "proposed",
                                              "decided_on": _parts_of(None), "takes_effect_on": _parts_of(None)})


@bp.post(STAFF + "/decisions/new")
def create_decision(commission_id: int):
    commission = _commission(commission_id, access.WRITE)
    form = request.form
    errors: dict[str, str] = {}
    decided_on = read_date(form, "decided_on", errors, "the date it was decided", required=True)
    takes_effect_on = read_date(form, "takes_effect_on", errors, "the date it takes effect")
    values = {**form.to_dict(), "themes": form.getlist("themes"), "decided_on": date_parts(form, "decided_on"),
              "takes_effect_on": date_parts(form, "takes_effect_on")}
    data = decisions.DecisionInput(
        title=form.get("title", ""), description=form.get("description", ""), kind=form.get("kind"),
        step=form.get("step"), decided_by=form.get("decided_by", ""),
        decided_on=_iso_or_refused(decided_on, "decided_on", errors),
        takes_effect_on=_iso_or_refused(takes_effect_on, "takes_effect_on", errors), status=form.get("status") or None)
    reason = (form.get("not_attributable_reason") or "").strip() or None
    items = _refs(form.get("items"))
    try:
        decision = decisions.record_decision(db_session(), commission, current_user, data,
                                             themes=_ints(form.getlist("themes")), items=items or None,
                                             not_attributable_reason=reason)
    except (Invalid, Conflict) as exc:
        domain = {k: v for k, v in (exc.fields or {"title": exc.message}).items() if k not in errors}
        return _decision_form(commission, {**errors, **domain}, values, 422)
    flash(f"{decision.kind_label} recorded. It is in the evidence log for {decision.step_name}.", "success")
    return redirect(url_for(".decision_page", commission_id=commission.id, decision_id=decision.id))


def _decision_page(commission: Commission, decision: decisions.Decision, errors=None, values=None, status=200):
    session = db_session()
    link = decisions.links(session, [decision.id])[decision.id]
    linked_themes = [session.get(themes.Theme, t) for t in link["themes"]]
    linked_items = inputs.by_refs(session, commission.id, link["items"])
    if values is None:
        values = {"status": decision.status, "takes_effect_on": _parts_of(decision.takes_effect_on),
                  "themes": [str(t) for t in link["themes"]], "items": "\n".join(link["items"]),
                  "not_attributable_reason": decision.not_attributable_reason or ""}
    return render_template(
        "staff/you_said_we_did/decision.html", commission=commission, decision=decision, link=link,
        linked_themes=linked_themes, linked_items=linked_items, figures=decisions.figures(session, decision),
        statuses=decisions.STATUSES, themes=themes.themes_of(session, commission.id), errors=errors or {},
        values=values, chosen_themes=set(_ints(values.get("themes", []))), date_items=date_items,
        can_write=_can_write(commission), meant_benefits=_meant_benefits(session, decision)), status


def _meant_benefits(session, decision: decisions.Decision) -> list:
    from commissioning_steps import benefits

    ids = benefits.benefits_for_decisions(session, [decision.id]).get(decision.id, [])
    return [benefits.get_benefit(session, i) for i in ids]


@bp.get(STAFF + "/decisions/<int:decision_id>")
def decision_page(commission_id: int, decision_id: int):
    commission = _commission(commission_id)
    return _decision_page(commission, _decision(commission, decision_id))


@bp.post(STAFF + "/decisions/<int:decision_id>")
def change_decision(commission_id: int, decision_id: int):
    commission = _commission(commission_id, access.WRITE)
    decision = _decision(commission, decision_id)
    form = request.form
    errors: dict[str, str] = {}
    takes_effect_on = read_date(form, "takes_effect_on", errors, "the date it takes effect")
    values = {**form.to_dict(), "themes": form.getlist("themes"), "takes_effect_on": date_parts(form, "takes_effect_on")}
    try:
        decisions.change_decision(
            db_session(), decision, current_user, status=form.get("status") or None,
            takes_effect_on=_iso_or_refused(takes_effect_on, "takes_effect_on", errors),
            themes=_ints(form.getlist("themes")), items=_refs(form.get("items")),
            not_attributable_reason=(form.get("not_attributable_reason") or "").strip() or None)
    except (Invalid, Conflict) as exc:
        domain = {k: v for k, v in (exc.fields or {"status": exc.message}).items() if k not in errors}
        return _decision_page(commission, decision, {**errors, **domain}, values, 422)
    flash("Decision saved", "success")
    return redirect(url_for(".decision_page", commission_id=commission.id, decision_id=decision.id))


# -- publishing ------------------------------------------------------------------------------


@bp.get(STAFF + "/you-said-we-did/publish")
def publish_page(commission_id: int):
    commission = _commission(commission_id)
    session = db_session()
    content = you_said_we_did.report(session, commission)
    return render_template("staff/you_said_we_did/publish.html", commission=commission, content=content,
                           latest=you_said_we_did.published(session, commission.id),
                           can_write=_can_write(commission))


@bp.post(STAFF + "/you-said-we-did/publish")
def publish(commission_id: int):
    commission = _commission(commission_id, access.WRITE)
    publication = you_said_we_did.publish(db_session(), commission, current_user)
    flash(f"“You said, we did” published (version {publication.version}). The public page shows it now.", "success")
    return redirect(url_for(".publish_page", commission_id=commission.id))


# -- public ----------------------------------------------------------------------------------


@bp.get("/commissions/<int:commission_id>/you-said-we-did")
def public_page(commission_id: int):
    publication = you_said_we_did.published(db_session(), commission_id)
    if publication is None:
        abort(404)
    return render_template("public/you_said_we_did.html", content=shared.publication_json(publication),
                           publication=publication)


@bp.get("/join/<code>/what-happened")
def live_influence_page(code: str):
    canonical = normalise_code(code)
    if canonical is None:
        abort(404)
    if canonical != code:
        return redirect(url_for(".live_influence_page", code=canonical))
    try:
        live = sessions.find_by_code(db_session(), canonical)
    except UnknownSession:
        abort(404)
    published = you_said_we_did.published(db_session(), live.commission_id)
    return render_template("live/influence.html", live=live, published=published)


