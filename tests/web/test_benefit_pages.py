"""Benefits management in the browser: the strategy, profiles (new and changed), the realisation
plan, measurements and reviews. Each form with good input, each bad input with its own message,
and who may do what (commissioners of the commission write, its evaluators read, others 404)."""
from __future__ import annotations

import html
from datetime import date, timedelta

import pytest

from commissioning_steps import benefits, commissions, journey
from commissioning_steps.db import transaction


def _status(response, code):
    assert response.status_code == code, (response.status_code, response.get_data(as_text=True)[:1500])
    return response


def _page(response, code=200) -> str:
    return html.unescape(_status(response, code).get_data(as_text=True))


def _date(prefix: str, on: date | None) -> dict[str, str]:
    if on is None:
        return {f"{prefix}-day": "", f"{prefix}-month": "", f"{prefix}-year": ""}
    return {f"{prefix}-day": str(on.day), f"{prefix}-month": str(on.month), f"{prefix}-year": str(on.year)}


GOOD_PROFILE = {
    "kind": "benefit", "title": "Carers' time back", "description": "Less time arranging transport",
    "stakeholders": "Carers\nDay centre staff", "attributes": "Quality", "outputs": "New transport contract",
    "outcome": "Reliable pick-ups", "objectives": "Carers stay in work", "measure": "Hours a week",
    "unit": "hours", "method": "Carers' diaries", "baseline_value": "6", **_date("baseline_date", date(2026, 1, 1)),
    "target_value": "2", **_date("target_date", date(2027, 6, 1)), "owner_role": "Head of day services",
    "owner_id": "",
}


@pytest.fixture
def cid(team):
    return team["mine"].id


@pytest.fixture
def commissioner(client, world, team):
    world.sign_in(client, "alice@example.org")
    return client


def _change(store, cid, **attrs) -> None:
    """Set up the commission directly (the partner list, how far along the journey it is)."""
    with store.session(write=True) as s, transaction(s):
        commission = s.get(commissions.Commission, cid)
        for name, value in attrs.items():
            setattr(commission, name, value)


def _make(client, cid, **changes) -> int:
    response = _status(client.post(f"/commissions/{cid}/benefits/new", data={**GOOD_PROFILE, **changes}), 302)
    return int(response.headers["Location"].rstrip("/").split("/")[-1])


@pytest.fixture
def consolidating(store, cid, team):
    """Start Consolidate, from when benefits are measured and reviewed."""
    _change(store, cid, current_step_index=journey.STEP_KEYS.index("consolidate"))
    return cid


# -- the strategy ----------------------------------------------------------------------------


def test_strategy_saved_with_each_partners_wants(commissioner, store, world, team, cid):
    _change(store, cid, partners=["Northfield Council", "NHS Northfield"])
    page = _page(commissioner.get(f"/commissions/{cid}/benefits/strategy"))
    assert 'name="csrf_token"' in page and "Benefits Northfield Council wants (optional)" in page
    response = commissioner.post(f"/commissions/{cid}/benefits/strategy", data={
        "approach": "Owners measure quarterly; the board reviews yearly", "partner-0": "Cash savings",
        "partner-1": ""})
    assert _status(response, 302).headers["Location"].endswith(f"/commissions/{cid}/benefits")
    with store.session() as s:
        saved = benefits.strategy_of(s, cid)
        assert saved.approach.startswith("Owners measure")
        assert saved.partner_benefits == [{"partner": "Northfield Council", "benefits": "Cash savings"}]
    page = _page(commissioner.get(f"/commissions/{cid}/benefits"))
    assert "Owners measure quarterly" in page and "Cash savings" in page
    # the form opens with what was saved
    page = _page(commissioner.get(f"/commissions/{cid}/benefits/strategy"))
    assert ">Cash savings</textarea>" in page


def test_strategy_errors(commissioner, store, cid):
    _change(store, cid, partners=["Northfield Council"])
    page = _page(commissioner.post(f"/commissions/{cid}/benefits/strategy", data={"approach": " "}), 422)
    assert "There is a problem" in page and "Enter the approach" in page and 'href="#approach"' in page
    assert "<title>Error:" in page
    page = _page(commissioner.post(f"/commissions/{cid}/benefits/strategy", data={
        "approach": "Fine", "partner-0": "Call jo@example.org"}), 422)
    assert "Remove contact details from the benefits the partner wants" in page and 'href="#partner-0"' in page
    assert ">Call jo@example.org</textarea>" in page  # what was typed stays
    with store.session() as s:
        assert benefits.strategy_of(s, cid) is None


# -- profiles --------------------------------------------------------------------------------


def test_a_commissioner_adds_a_benefit_with_every_field(commissioner, store, cid, team):
    page = _page(commissioner.get(f"/commissions/{cid}/benefits/new"))
    for label in ("Is it a benefit or a dis-benefit?", "Stakeholders who perceive it", "Attributes (optional)",
                  "Outputs it depends on", "Measurement method", "Baseline date (optional)", "Target value",
                  "Owner's role", 'name="baseline_date-day"', 'name="csrf_token"'):
        assert label in page
    bid = _make(commissioner, cid, owner_id=str(team["alice"].id))
    with store.session() as s:
        b = benefits.get_benefit(s, bid)
        assert (b.title, b.stakeholders, b.attributes, b.outputs, b.objectives) == (
            "Carers' time back", ["Carers", "Day centre staff"], ["Quality"], ["New transport contract"],
            ["Carers stay in work"])
        assert (b.baseline_value, b.baseline_date, b.target_value, b.target_date) == (
            6.0, date(2026, 1, 1), 2.0, date(2027, 6, 1))
        assert b.owner_id == team["alice"].id and b.owner_role == "Head of day services"
    page = _page(commissioner.get(f"/commissions/{cid}/benefits/{bid}"))
    assert "Benefit: Carers' time back" in page and "actual values against baseline and target" in page
    assert "<svg" in page and "Record a measurement" not in page  # Consolidate has not started
    assert "Measurements and reviews start once Consolidate has started" in page


@pytest.mark.parametrize("changes, field, message", [
    ({"kind": ""}, "kind", "Choose benefit or dis-benefit"),
    ({"title": ""}, "title", "Enter a title"),
    ({"description": ""}, "description", "Enter a description"),
    ({"stakeholders": ""}, "stakeholders", "Name at least one stakeholder group who perceives it"),
    ({"measure": ""}, "measure", "Enter what is measured"),
    ({"method": ""}, "method", "Enter the measurement method"),
    ({"owner_role": ""}, "owner_role", "Enter the owner's role"),
    ({"baseline_value": "six"}, "baseline_value", "Enter a number, like 120 or 4.5"),
    ({"target_value": "lots"}, "target_value", "Enter a number, like 120 or 4.5"),
    ({"baseline-day": "", **_date("baseline_date", None)}, "baseline_date-day",
     "Give the baseline value and its date together"),
    ({"baseline_date-day": "31", "baseline_date-month": "2"}, "baseline_date-day", "The baseline date must be a real date"),
    ({"target_date-year": ""}, "target_date-day", "The target date must include a year"),
    ({**_date("target_date", date(2025, 1, 1))}, "target_date-day", "The target date must be on or after the baseline date"),
    ({"owner_id": "999999"}, "owner_id", "The owner's account must be a commissioner on this commission's team"),
    ({"title": "x" * 201}, "title", "A title must be 200 characters or fewer"),
    ({"description": "Ring 07700 900123"}, "description", "Remove contact details from a description"),
])
def test_profile_errors(commissioner, store, cid, changes, field, message):
    page = _page(commissioner.post(f"/commissions/{cid}/benefits/new", data={**GOOD_PROFILE, **changes}), 422)
    assert "There is a problem" in page and message in page, message
    assert f'href="#{field}"' in page
    with store.session() as s:
        assert benefits.benefits_of(s, cid) == []


def test_every_error_at_once_and_typed_values_kept(commissioner, cid):
    page = _page(commissioner.post(f"/commissions/{cid}/benefits/new", data={
        **GOOD_PROFILE, "title": "", "baseline_value": "six", "target_date-month": "13"}), 422)
    assert "Enter a title" in page and "Enter a number, like 120 or 4.5" in page
    assert "The target date must be a real date" in page
    assert 'value="six"' in page and 'value="13"' in page


def test_changing_a_profile_links_decisions_and_dependencies(commissioner, store, cid, team):
    first = _make(commissioner, cid, title="Fewer missed days")
    second = _make(commissioner, cid)
    from commissioning_steps import decisions, staff

    with store.session(write=True) as s:
        decision = decisions.record_decision(
            s, s.get(commissions.Commission, cid), s.get(staff.StaffUser, team["alice"].id), decisions.DecisionInput(
                title="Door-to-door transport", description="d", kind="decision", step="initiate",
                decided_by="Board", decided_on="2026-11-01"), not_attributable_reason="A legal duty")
        decision_id = decision.id
    page = _page(commissioner.get(f"/commissions/{cid}/benefits/{second}/edit"))
    assert 'value="Carers\' time back"' in page  # the form opens with the profile
    assert "Door-to-door transport" in page and "Benefit: Fewer missed days" in page
    assert f'name="depends_on" type="checkbox" value="{second}"' not in page  # not on itself
    data = {**GOOD_PROFILE, "title": "Carers' time back, renamed", "depends_on": [str(first)],
            "decisions": [str(decision_id)]}
    _status(commissioner.post(f"/commissions/{cid}/benefits/{second}/edit", data=data), 302)
    with store.session() as s:
        assert benefits.get_benefit(s, second).title == "Carers' time back, renamed"
        assert benefits.links_of(s, [second])[second] == {"depends_on": [first], "decisions": [decision_id]}
    page = _page(commissioner.get(f"/commissions/{cid}/decisions/{decision_id}"))
    assert "Benefits it is meant to bring" in page and "Benefit: Carers' time back, renamed" in page
    page = _page(commissioner.get(f"/commissions/{cid}/benefits"))
    assert "Decision: Door-to-door transport leads to Reliable pick-ups" in page  # the map's list
    assert "Fewer missed days is needed for Carers' time back, renamed" in page
    # a cycle is refused with its own message
    page = _page(commissioner.post(f"/commissions/{cid}/benefits/{first}/edit",
                                   data={**GOOD_PROFILE, "title": "Fewer missed days", "depends_on": [str(second)]}), 422)
    assert "A benefit cannot depend, through others, on itself" in page and 'href="#depends_on"' in page
    page = _page(commissioner.post(f"/commissions/{cid}/benefits/{first}/edit",
                                   data={**GOOD_PROFILE, "decisions": ["123456"]}), 422)
    assert "Choose decisions of this commission" in page


# -- the realisation plan --------------------------------------------------------------------


def test_planning_and_removing_dates(commissioner, store, cid):
    bid = _make(commissioner, cid)
    soon = date.today() + timedelta(days=30)
    _status(commissioner.post(f"/commissions/{cid}/benefits/{bid}/plan", data={"kind": "review", **_date("plan_on", soon)}), 302)
    _status(commissioner.post(f"/commissions/{cid}/benefits/{bid}/plan",
                              data={"kind": "measurement", **_date("plan_on", soon)}), 302)
    with store.session() as s:
        b = benefits.get_benefit(s, bid)
        assert (b.review_dates, b.measurement_dates) == ([soon.isoformat()], [soon.isoformat()])
    page = _page(commissioner.get(f"/commissions/{cid}/benefits/{bid}"))
    assert "Planned measurements and reviews" in page and f" the review on {soon.day} {soon:%B %Y}</span>" in page
    _status(commissioner.post(f"/commissions/{cid}/benefits/{bid}/plan/remove",
                              data={"kind": "review", "on": soon.isoformat()}), 302)
    with store.session() as s:
        assert benefits.get_benefit(s, bid).review_dates == []
    _status(commissioner.post(f"/commissions/{cid}/benefits/{bid}/plan/remove",
                              data={"kind": "review", "on": soon.isoformat()}), 404)


@pytest.mark.parametrize("data, field, message", [
    ({"kind": ""}, "kind", "Choose whether to schedule a measurement or a review"),
    ({"kind": "review", **_date("plan_on", None)}, "plan_on-day", "Enter the date it is due"),
    ({"kind": "review", "plan_on-day": "40", "plan_on-month": "1", "plan_on-year": "2030"}, "plan_on-day",
     "The date it is due must be a real date"),
    ({"kind": "review", **_date("plan_on", date.today() - timedelta(days=1))}, "plan_on-day",
     "The date it is due must be today or in the future"),
])
def test_plan_errors(commissioner, store, cid, data, field, message):
    bid = _make(commissioner, cid)
    data = {**_date("plan_on", date.today() + timedelta(days=5)), **data}
    page = _page(commissioner.post(f"/commissions/{cid}/benefits/{bid}/plan", data=data), 422)
    assert message in page and f'href="#{field}"' in page
    with store.session() as s:
        assert benefits.get_benefit(s, bid).review_dates == []


def test_a_date_already_planned_is_refused(commissioner, cid):
    bid = _make(commissioner, cid)
    data = {"kind": "review", **_date("plan_on", date.today() + timedelta(days=5))}
    _status(commissioner.post(f"/commissions/{cid}/benefits/{bid}/plan", data=data), 302)
    page = _page(commissioner.post(f"/commissions/{cid}/benefits/{bid}/plan", data=data), 422)
    assert "A review is already planned on that date" in page


# -- measurements and reviews ----------------------------------------------------------------


def test_measurements_wait_for_consolidate(commissioner, store, cid):
    bid = _make(commissioner, cid)
    page = _page(commissioner.get(f"/commissions/{cid}/benefits/{bid}/measurements/new"))
    assert "Consolidate has not started yet" in page and 'name="value"' not in page
    page = _page(commissioner.post(f"/commissions/{cid}/benefits/{bid}/measurements/new", data={
        **_date("measured_on", date.today()), "value": "4", "source": "Diaries"}), 409)
    assert "Benefits are measured and reviewed from Consolidate on" in page
    page = _page(commissioner.post(f"/commissions/{cid}/benefits/{bid}/reviews/new", data={
        **_date("held_on", date.today()), "extent": "partly_realised", "findings": "Some"}), 409)
    assert "Benefits are measured and reviewed from Consolidate on" in page


def test_recording_a_measurement_and_a_review(commissioner, store, consolidating, team):
    cid = consolidating
    bid = _make(commissioner, cid)
    page = _page(commissioner.get(f"/commissions/{cid}/benefits/{bid}"))
    assert "Record a measurement" in page and "Record a review" in page
    page = _page(commissioner.get(f"/commissions/{cid}/benefits/{bid}/measurements/new"))
    assert 'name="measured_on-day"' in page and "evidence log under Consolidate" in page
    when = date.today() - timedelta(days=10)
    _status(commissioner.post(f"/commissions/{cid}/benefits/{bid}/measurements/new", data={
        **_date("measured_on", when), "value": "4.5", "source": "Carers' diaries, autumn", "note": ""}), 302)
    _status(commissioner.post(f"/commissions/{cid}/benefits/{bid}/reviews/new", data={
        **_date("held_on", date.today()), "extent": "partly_realised", "findings": "Halfway there",
        "new_target_value": "3", **_date("new_target_date", date(2028, 3, 31))}), 302)
    with store.session() as s:
        m = benefits.measurements_of(s, [bid])[bid]
        r = benefits.reviews_of(s, [bid])[bid]
        b = benefits.get_benefit(s, bid)
        assert [(x.measured_on, x.value, x.source) for x in m] == [(when, 4.5, "Carers' diaries, autumn")]
        assert [(x.extent, x.findings) for x in r] == [("partly_realised", "Halfway there")]
        assert (b.target_value, b.target_date) == (3.0, date(2028, 3, 31))
        assert m[0].evidence_entry_id and r[0].evidence_entry_id
    page = _page(commissioner.get(f"/commissions/{cid}/benefits/{bid}"))
    assert "Carers' diaries, autumn" in page and "Partly realised" in page and "Halfway there" in page
    assert "New target 3 hours by 31 March 2028" in page


@pytest.mark.parametrize("data, field, message", [
    ({**_date("measured_on", None)}, "measured_on-day", "Enter the date it was measured"),
    ({"measured_on-month": ""}, "measured_on-day", "The date it was measured must include a month"),
    ({"measured_on-year": "20x6"}, "measured_on-day", "The date it was measured must be a real date"),
    ({**_date("measured_on", date.today() + timedelta(days=2))}, "measured_on-day",
     "The date of a measurement must be today or in the past"),
    ({"value": ""}, "value", "Enter a number"),
    ({"value": "four"}, "value", "Enter a number, like 120 or 4.5"),
    ({"value": "inf"}, "value", "Enter a number, like 120 or 4.5"),
    ({"source": " "}, "source", "Enter where the figure comes from"),
    ({"source": "x" * 301}, "source", "Where the figure comes from must be 300 characters or fewer"),
])
def test_measurement_errors(commissioner, store, consolidating, data, field, message):
    cid = consolidating
    bid = _make(commissioner, cid)
    good = {**_date("measured_on", date.today()), "value": "4", "source": "Diaries"}
    page = _page(commissioner.post(f"/commissions/{cid}/benefits/{bid}/measurements/new", data={**good, **data}), 422)
    assert "There is a problem" in page and message in page and f'href="#{field}"' in page
    with store.session() as s:
        assert benefits.measurements_of(s, [bid])[bid] == []


@pytest.mark.parametrize("data, field, message", [
    ({**_date("held_on", None)}, "held_on-day", "Enter the date of the review"),
    ({**_date("held_on", date.today() + timedelta(days=3))}, "held_on-day", "The date of a review must be today or in the past"),
    ({"extent": ""}, "extent", "Choose how far the benefit is realised"),
    ({"extent": "mostly"}, "extent", "Choose how far the benefit is realised"),
    ({"findings": ""}, "findings", "Enter what the review found"),
    ({"new_target_value": "3"}, "new_target_date-day", "Give the new target value and its date together"),
    ({**_date("new_target_date", date(2028, 1, 1))}, "new_target_value",
     "Give the new target value and its date together"),
    ({"new_target_value": "three", **_date("new_target_date", date(2028, 1, 1))}, "new_target_value",
     "Enter a number, like 120 or 4.5"),
    ({"new_target_value": "3", "new_target_date-day": "1", "new_target_date-month": "1", "new_target_date-year": ""},
     "new_target_date-day", "The new target date must include a year"),
])
def test_review_errors(commissioner, store, consolidating, data, field, message):
    cid = consolidating
    bid = _make(commissioner, cid)
    good = {**_date("held_on", date.today()), "extent": "partly_realised", "findings": "Some"}
    page = _page(commissioner.post(f"/commissions/{cid}/benefits/{bid}/reviews/new", data={**good, **data}), 422)
    assert "There is a problem" in page and message in page and f'href="#{field}"' in page
    with store.session() as s:
        assert benefits.reviews_of(s, [bid])[bid] == []
        assert benefits.get_benefit(s, bid).target_value == 2.0


# -- who may do what -------------------------------------------------------------------------


def _urls(cid, bid):
    return {
        "get": [f"/commissions/{cid}/benefits/strategy", f"/commissions/{cid}/benefits/new",
                f"/commissions/{cid}/benefits/{bid}/edit", f"/commissions/{cid}/benefits/{bid}/measurements/new",
                f"/commissions/{cid}/benefits/{bid}/reviews/new"],
        "post": [f"/commissions/{cid}/benefits/strategy", f"/commissions/{cid}/benefits/new",
                 f"/commissions/{cid}/benefits/{bid}/edit", f"/commissions/{cid}/benefits/{bid}/plan",
                 f"/commissions/{cid}/benefits/{bid}/plan/remove",
                 f"/commissions/{cid}/benefits/{bid}/measurements/new",
                 f"/commissions/{cid}/benefits/{bid}/reviews/new"],
    }


def test_evaluators_read_but_cannot_write(app, commissioner, world, consolidating, store):
    cid = consolidating
    bid = _make(commissioner, cid)
    eve = app.test_client()
    world.sign_in(eve, "eve@example.org")
    page = _page(eve.get(f"/commissions/{cid}/benefits/{bid}"))
    assert "Carers' time back" in page and "Record a measurement" not in page and "Add to the plan" not in page
    assert "You can read this as the commission's evaluator" in page
    overview = _page(eve.get(f"/commissions/{cid}/benefits"))
    assert "Add a benefit or dis-benefit" not in overview and f"/commissions/{cid}/benefits/{bid}" in overview
    urls = _urls(cid, bid)
    for url in urls["get"]:
        _status(eve.get(url), 403)
    for url in urls["post"]:
        _status(eve.post(url, data={**GOOD_PROFILE, "approach": "x", "kind": "review", "value": "1", "source": "s",
                                    **_date("measured_on", date.today())}), 403)
    with store.session() as s:
        assert len(benefits.benefits_of(s, cid)) == 1 and benefits.strategy_of(s, cid) is None
        assert benefits.measurements_of(s, [bid])[bid] == []


def test_others_get_not_found_and_strangers_sign_in(app, commissioner, world, cid, team):
    bid = _make(commissioner, cid)
    bob = app.test_client()
    world.sign_in(bob, "bob@example.org")
    urls = _urls(cid, bid)
    for url in [*urls["get"], f"/commissions/{cid}/benefits/{bid}"]:
        _status(bob.get(url), 404)
    for url in urls["post"]:
        _status(bob.post(url, data=GOOD_PROFILE), 404)
    # a benefit of one commission is not found under another
    theirs = team["theirs"].id
    bob_page = bob.get(f"/commissions/{theirs}/benefits/{bid}")
    _status(bob_page, 404)
    anonymous = app.test_client()
    response = anonymous.get(f"/commissions/{cid}/benefits/{bid}")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    assert anonymous.post(f"/commissions/{cid}/benefits/new", data=GOOD_PROFILE).status_code == 302


def test_forms_carry_csrf_and_refuse_without_it(app, world, team, cid, store):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        client = app.test_client()
        page = client.get("/sign-in").get_data(as_text=True)
        import re

        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        from tests.conftest import PASSWORD

        client.post("/sign-in", data={"email": "alice@example.org", "password": PASSWORD, "csrf_token": token})
        form = client.get(f"/commissions/{cid}/benefits/new").get_data(as_text=True)
        assert 'name="csrf_token"' in form
        _status(client.post(f"/commissions/{cid}/benefits/new", data=GOOD_PROFILE), 400)
        with store.session() as s:
            assert benefits.benefits_of(s, cid) == []
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
