"""The step page and the evidence log (issue 8 points 13, 14 and 18): the related SSA tools are
said once each and explained; attendance and the document address sit under the kinds that need
them and are read only for those; a correction starts from the entry it corrects; hashes are
behind a details control; times are UK time (``ENGAGE_TIMEZONE``); a survey result shows the
findings it holds."""
from __future__ import annotations

import html as html_module
import re
from datetime import datetime

import pytest
from sqlalchemy import select

from commissioning_steps.evidence import EvidenceEntry


def _html(response) -> str:
    return html_module.unescape(response.get_data(as_text=True))


@pytest.fixture
def signed_in(app, world, team):
    browser = app.test_client()
    assert world.sign_in(browser, "alice@example.org").status_code == 302
    return browser


@pytest.fixture
def step_url(team):
    return f"/commissions/{team['mine'].id}/steps/initiate"


def _entries(app, commission_id):
    s = app.extensions["engage.db"].session()
    try:
        rows = list(s.scalars(select(EvidenceEntry).where(EvidenceEntry.commission_id == commission_id)
                              .order_by(EvidenceEntry.seq)))
        for r in rows:
            s.expunge(r)
        return rows
    finally:
        s.close()


# -- point 13: tools ------------------------------------------------------------------------------------------


def test_the_related_tools_are_said_once_each_and_explained(signed_in, team):
    page = _html(signed_in.get(f"/commissions/{team['mine'].id}/steps/collaborate"))
    line = re.search(r'id="related-tools">(.*?)</p>', page).group(1)
    assert line == "Related SSA tools: T&V1.03, T&V3.08, CLA5.01"
    assert "What are these tools?" in page
    assert "T&V1.03</strong>: a tool in the SSA Trust & Shared Vision Toolbox" in page
    assert "CLA5.01</strong>: a tool in the SSA Collaborative Leadership Across Communities Toolbox" in page
    assert "published by Shared Service Architecture Ltd" in page
    consolidate = _html(signed_in.get(f"/commissions/{team['mine'].id}/steps/consolidate"))
    assert "CAL4.03</strong>: as printed in the source, which names no toolbox for this code" in consolidate


def test_the_public_journey_table_shows_a_repeated_code_once(client):
    page = _html(client.get("/journey"))
    assert "T&V1.03 T&V1.03" not in page and "T&V1.03 T&V3.08 CLA5.01" in page


# -- point 13: the evidence form -----------------------------------------------------------------------------------


def _conditional(page: str, kind: str) -> str:
    """The conditional block under the kind's radio."""
    match = re.search(rf'value="{kind}"[^>]*data-aria-controls="([^"]+)"', page)
    assert match, f"no conditional reveal under {kind}"
    block = re.search(rf'<div class="govuk-radios__conditional[^"]*" id="{match.group(1)}">(.*?)</div>\s*</div>\s*</div>',
                      page, re.S)
    return block.group(1)


def test_attendance_and_the_address_sit_under_the_kinds_that_need_them(signed_in, step_url):
    page = _html(signed_in.get(step_url))
    assert 'name="attendance"' in _conditional(page, "workshop")
    assert 'name="meeting_attendance"' in _conditional(page, "meeting")
    assert 'name="url"' in _conditional(page, "document")
    assert not re.search(r'value="note"[^>]*data-aria-controls', page)
    # without JavaScript every field shows: each hint names the kind that needs it
    for hint in ("Needed for a workshop record", "Needed for a meeting record", "Needed for a document link"):
        assert hint in page


def test_only_the_chosen_kinds_figure_is_read_and_checked(app, signed_in, step_url, team):
    r = signed_in.post(f"{step_url}/evidence", data={"kind": "meeting", "summary": "Tenants' meeting",
                                                     "attendance": "many", "meeting_attendance": "14", "url": "nope"})
    assert r.status_code == 302, _html(r)[:3000]
    r = signed_in.post(f"{step_url}/evidence", data={"kind": "note", "summary": "A note", "meeting_attendance": "x"})
    assert r.status_code == 302
    assert [(e.kind, e.payload) for e in _entries(app, team["mine"].id)] == [
        ("meeting", {"attendance": 14}), ("note", {})]
    r = signed_in.post(f"{step_url}/evidence", data={"kind": "meeting", "summary": "No count", "attendance": "3"})
    assert r.status_code == 422 and 'href="#meeting_attendance"' in _html(r)
    r = signed_in.post(f"{step_url}/evidence", data={"kind": "workshop", "summary": "Bad count", "attendance": "lots"})
    assert r.status_code == 422
    assert "Enter how many people attended, as a whole number" in _html(r) and "Not a valid integer" not in _html(r)


def test_a_correction_starts_from_the_entry_it_corrects(app, signed_in, step_url, team):
    signed_in.post(f"{step_url}/evidence", data={"kind": "workshop", "summary": "Co-design at the library",
                                                 "attendance": "23"})
    [entry] = _entries(app, team["mine"].id)
    page = _html(signed_in.get(step_url, query_string={"corrects": entry.id}))
    assert f"Correct entry {entry.seq}" in page
    assert re.search(r'value="workshop" checked', page)
    assert re.search(r'<textarea[^>]*name="summary"[^>]*>\s*Co-design at the library</textarea>', page)
    assert re.search(r'name="attendance" type="text" value="23"', page)
    r = signed_in.post(f"{step_url}/evidence", data={"kind": "workshop", "summary": "Co-design at the library",
                                                     "attendance": "25", "supersedes": str(entry.id)})
    assert r.status_code == 302
    assert _entries(app, team["mine"].id)[-1].supersedes == entry.id


def test_each_hash_is_behind_a_details_control(app, signed_in, step_url, team):
    signed_in.post(f"{step_url}/evidence", data={"kind": "note", "summary": "Hash me"})
    [entry] = _entries(app, team["mine"].id)
    page = _html(signed_in.get(step_url))
    details = re.search(r'<details class="govuk-details[^"]*">(.*?)</details>', page[page.index(f'id="entry-{entry.id}"'):],
                        re.S).group(1)
    assert "Entry 1's hash" in details and entry.hash in details
    assert page.count(entry.hash) == 1
    log = _html(signed_in.get(f"/commissions/{team['mine'].id}/evidence"))
    assert re.search(rf"<summary[^>]*>\s*<span[^>]*>\s*Entry 1's hash", log)


# -- point 14: UK time -------------------------------------------------------------------------------------------


def test_entries_are_shown_in_uk_time(app, signed_in, step_url, team):
    signed_in.post(f"{step_url}/evidence", data={"kind": "note", "summary": "When was this?"})
    [entry] = _entries(app, team["mine"].id)
    from engage.common.times import uk_datetime
    with app.app_context():
        shown = uk_datetime(entry.recorded_at)
    page = _html(signed_in.get(step_url))
    assert f"{shown} (UK time)" in page and " UTC" not in page


def test_times_follow_the_engage_timezone_setting(database_url):
    from engage import create_app
    from engage.common import times

    summer = datetime(2027, 7, 1, 8, 30)
    for zone, expected in (("Europe/London", "1 July 2027 at 9:30am"), ("America/New_York", "1 July 2027 at 4:30am")):
        app = create_app({"DATABASE_URL": database_url, "ENGAGE_TIMEZONE": zone})
        with app.app_context():
            assert times.uk_datetime(summer) == expected
            assert app.jinja_env.filters["uk_datetime"](summer) == expected
        app.extensions["engage.db"].engine.dispose()
    with pytest.raises(ValueError, match="not a time zone name"):
        create_app({"DATABASE_URL": database_url, "ENGAGE_TIMEZONE": "Mars/Olympus"})


def test_uk_clock_and_conversions():
    from datetime import date, time

    from engage.common import times

    london = times.zone_named("Europe/London")
    assert times.parse_clock("9") == time(9) and times.parse_clock("9.30pm") == time(21, 30)
    assert times.parse_clock("12am") == time(0) and times.parse_clock("midday") == time(12)
    assert times.parse_clock("25:00") is None and times.parse_clock("13pm") is None
    assert times.from_local(date(2027, 1, 10), time(9), london) == datetime(2027, 1, 10, 9)
    assert times.from_local(date(2027, 7, 10), time(9), london) == datetime(2027, 7, 10, 8)
    # the hour the clocks go back happens twice: the first (summer time) is meant
    assert times.from_local(date(2027, 10, 31), time(1, 30), london) == datetime(2027, 10, 31, 0, 30)
    with pytest.raises(times.NoSuchTime):
        times.from_local(date(2027, 3, 28), time(1, 30), london)
    assert times.clock(datetime(2027, 1, 1, 0, 0)) == "midnight" and times.clock(datetime(2027, 1, 1, 17, 5)) == "5:05pm"


# -- point 18: a survey result shows its findings -------------------------------------------------------------------


def test_a_survey_result_entry_shows_the_findings_it_holds(app, signed_in, client, world, team):
    headers = world.token("alice@example.org")
    r = client.post(f"/api/v1/commissions/{team['mine'].id}/surveys", headers=headers, json={
        "title": "Parks", "step": "initiate", "questions": [
            {"id": "park", "type": "single_choice", "text": "Which park?", "options": ["Rosehill", "Meadow"]},
            {"id": "score", "type": "rating", "text": "How good?", "min": 1, "max": 5},
            {"id": "words", "type": "free_text", "text": "Tell us more"},
            {"id": "who", "type": "about_you", "category": "respondent_group", "text": "Who?", "why": "To check",
             "options": ["Carers", "Residents"]}]})
    sid = r.json["id"]
    client.post(f"/api/v1/surveys/{sid}/open", headers=headers)
    for answers in ({"park": "Meadow", "score": 4, "words": "Mrs Jones cannot get out", "who": "Residents"},
                    {"park": "Meadow", "score": 2, "who": "Carers"},
                    {"park": "Rosehill", "score": 3, "who": "Residents"}):
        client.post(f"/api/v1/surveys/{sid}/responses", json={"answers": answers})
    client.post(f"/api/v1/surveys/{sid}/close", headers=headers)
    [entry] = _entries(app, team["mine"].id)
    assert "Which park?: 3 answered, most chosen: Meadow (2, 66.7%); Rosehill (1, 33.3%)." in entry.summary
    assert "How good?: 3 answered, mean 3" in entry.summary
    for url in (f"/commissions/{team['mine'].id}/steps/initiate", f"/commissions/{team['mine'].id}/evidence"):
        page = _html(signed_in.get(url))
        assert "Findings by question" in page
        assert re.search(r"Which park\?</dt>\s*<dd[^>]*>3 answered, most chosen: Meadow \(2, 66.7%\)", page)
        assert "Who answered, against the commission's target shares" in page
        assert "Mrs Jones" not in page
