"""The evidence log over the API: appending, validation, corrections, listing, CSV, verify."""
from __future__ import annotations

import csv
import io

import pytest

from commissioning_steps import journey
from engage.common.downloads import EVIDENCE_COLUMNS as CSV_COLUMNS

GENESIS = "0" * 64


@pytest.fixture
def ctx(world, team):
    return world.token("alice@example.org"), team["mine"].id


def _post(client, headers, cid, **body):
    return client.post(f"/api/v1/commissions/{cid}/evidence", json=body, headers=headers)


def _fields(response, status=422):
    assert response.status_code == status, response.get_data(as_text=True)
    return response.json["error"]["fields"]


def test_append_links_each_entry_to_the_one_before(client, ctx, team):
    headers, cid = ctx
    first = _post(client, headers, cid, step="initiate", kind="note", summary="Residents offered to run a stall")
    assert first.status_code == 201, first.json
    e1 = first.json
    assert e1["seq"] == 1
    assert e1["prev_hash"] == GENESIS
    assert len(e1["hash"]) == 64 and e1["hash"] != GENESIS
    assert e1["step"] == "initiate"
    assert e1["practice_question"] == journey.get_step("initiate").practice_question
    assert e1["journey_version"] == journey.JOURNEY_VERSION
    assert e1["author"] == f"staff#{team['alice'].id}"
    assert e1["source"] == "manual"
    assert e1["payload"] == {}

    e2 = _post(client, headers, cid, step="initiate", kind="workshop", summary="Library workshop",
               payload={"attendance": 12}).json
    e3 = _post(client, headers, cid, step="initiate", kind="document", summary="Minutes",
               payload={"url": "https://example.org/minutes.pdf"}).json
    assert (e2["seq"], e3["seq"]) == (2, 3)
    assert e2["prev_hash"] == e1["hash"]
    assert e3["prev_hash"] == e2["hash"]
    assert len({e1["hash"], e2["hash"], e3["hash"]}) == 3

    commission = client.get(f"/api/v1/commissions/{cid}", headers=headers).json
    assert commission["evidence"] == {"count": 3, "head": e3["hash"]}
    assert {s["key"]: s["evidence_count"] for s in commission["steps"]}["initiate"] == 3


def test_logs_are_separate_per_commission(client, world, ctx, team):
    headers, cid = ctx
    _post(client, headers, cid, step="initiate", kind="note", summary="On mine")
    bob = world.token("bob@example.org")
    theirs = _post(client, bob, team["theirs"].id, step="initiate", kind="note", summary="On theirs")
    assert theirs.json["seq"] == 1
    assert theirs.json["prev_hash"] == GENESIS


def test_evidence_only_against_active_or_complete_steps(client, ctx):
    headers, cid = ctx
    assert "step" in _fields(_post(client, headers, cid, step="investigate", kind="note", summary="Too early"))
    assert "step" in _fields(_post(client, headers, cid, step="nowhere", kind="note", summary="Unknown step"))
    client.post(f"/api/v1/commissions/{cid}/steps/initiate/complete",
                json={"override_reason": "The board asked us to move on"}, headers=headers)
    assert _post(client, headers, cid, step="initiate", kind="note", summary="Late but welcome").status_code == 201
    assert _post(client, headers, cid, step="investigate", kind="note", summary="Now active").status_code == 201
    assert "step" in _fields(_post(client, headers, cid, step="collaborate", kind="note", summary="Still early"))


@pytest.mark.parametrize("kind, payload, field", [
    ("workshop", {}, "payload.attendance"),
    ("workshop", {"attendance": "12"}, "payload.attendance"),
    ("workshop", {"attendance": 12.5}, "payload.attendance"),
    ("workshop", {"attendance": True}, "payload.attendance"),
    ("workshop", {"attendance": -1}, "payload.attendance"),
    ("meeting", {}, "payload.attendance"),
    ("document", {}, "payload.url"),
    ("document", {"url": "ftp://example.org/file"}, "payload.url"),
    ("document", {"url": "javascript:alert(1)"}, "payload.url"),
    ("document", {"url": "example.org/file"}, "payload.url"),
])
def test_payload_requirements(client, ctx, kind, payload, field):
    headers, cid = ctx
    assert field in _fields(_post(client, headers, cid, step="initiate", kind=kind, summary="Something", payload=payload))
    assert client.get(f"/api/v1/commissions/{cid}/evidence", headers=headers).json["count"] == 0


@pytest.mark.parametrize("kind, payload", [
    ("workshop", {"attendance": 0}),
    ("meeting", {"attendance": 40}),
    ("document", {"url": "http://example.org/report"}),
    ("document", {"url": "https://example.org/report.pdf"}),
    ("resident_quote", {}),
    ("resident_data", {"photographs": 64}),
    ("decision", {}),
])
def test_valid_payloads(client, ctx, kind, payload):
    headers, cid = ctx
    response = _post(client, headers, cid, step="initiate", kind=kind, summary="Something real", payload=payload)
    assert response.status_code == 201, response.json
    assert response.json["payload"] == payload


@pytest.mark.parametrize("kind", ["survey_result", "poll_result", "gateway_override", "assessment", "made_up"])
def test_kinds_not_recorded_by_hand(client, ctx, kind):
    headers, cid = ctx
    assert "kind" in _fields(_post(client, headers, cid, step="initiate", kind=kind, summary="Sneaky"))
    assert client.get(f"/api/v1/commissions/{cid}/evidence", headers=headers).json["count"] == 0


def test_unknown_and_missing_fields(client, ctx):
    headers, cid = ctx
    assert "colour" in _fields(_post(client, headers, cid, step="initiate", kind="note", summary="x", colour="red"))
    fields = _fields(_post(client, headers, cid, step="initiate"))
    assert "kind" in fields and "summary" in fields
    assert "summary" in _fields(_post(client, headers, cid, step="initiate", kind="note", summary="   "))
    assert "supersedes" in _fields(_post(client, headers, cid, step="initiate", kind="note", summary="x",
                                         supersedes="1"))
    assert "payload" in _fields(_post(client, headers, cid, step="initiate", kind="note", summary="x",
                                      payload=[1, 2]))


@pytest.mark.parametrize("summary, payload, field", [
    ("Contact jane.doe@example.org for the notes", {}, "summary"),
    ("Ring Pat on 07700 900123 about it", {}, "summary"),
    ("Ring Pat on +44 7700 900123 about it", {}, "summary"),
    ("Ring the office on 020 7946 0018", {}, "summary"),
    ("Clean summary", {"contact": "jane@example.org"}, "payload"),
    ("Clean summary", {"people": [{"phone": "07700900123"}]}, "payload"),
])
def test_personal_details_refused(client, ctx, summary, payload, field):
    headers, cid = ctx
    fields = _fields(_post(client, headers, cid, step="initiate", kind="note", summary=summary, payload=payload))
    assert field in fields
    assert client.get(f"/api/v1/commissions/{cid}/evidence", headers=headers).json["count"] == 0


def test_numbers_that_are_not_phone_numbers_are_fine(client, ctx):
    headers, cid = ctx
    response = _post(client, headers, cid, step="initiate", kind="resident_data",
                     summary="Counted 1200 visitors in 2024 across 31 places", payload={"visitors": 1200})
    assert response.status_code == 201, response.json


def test_corrections(client, ctx, world, team):
    headers, cid = ctx
    original = _post(client, headers, cid, step="initiate", kind="note", summary="Twelve came").json
    correction = _post(client, headers, cid, step="initiate", kind="note", summary="Fourteen came",
                       supersedes=original["id"])
    assert correction.status_code == 201, correction.json
    assert correction.json["supersedes"] == original["id"]

    second = _post(client, headers, cid, step="initiate", kind="note", summary="Fifteen came",
                   supersedes=original["id"])
    assert second.status_code == 409
    assert "supersedes" in second.json["error"]["fields"]

    # The correction itself can be corrected.
    third = _post(client, headers, cid, step="initiate", kind="note", summary="Fifteen came",
                  supersedes=correction.json["id"])
    assert third.status_code == 201

    listing = client.get(f"/api/v1/commissions/{cid}/evidence", headers=headers).json
    by_id = {e["id"]: e for e in listing["entries"]}
    assert by_id[original["id"]]["superseded_by"] == correction.json["id"]
    assert by_id[correction.json["id"]]["superseded_by"] == third.json["id"]
    assert by_id[third.json["id"]]["superseded_by"] is None
    assert by_id[original["id"]]["summary"] == "Twelve came"  # never changed
    assert listing["count"] == 3


def test_correction_must_be_same_step_and_same_commission(client, ctx, world, team):
    headers, cid = ctx
    original = _post(client, headers, cid, step="initiate", kind="note", summary="On initiate").json
    client.post(f"/api/v1/commissions/{cid}/steps/initiate/complete", json={}, headers=headers)
    assert "supersedes" in _fields(_post(client, headers, cid, step="investigate", kind="note",
                                         summary="Elsewhere", supersedes=original["id"]))
    bob = world.token("bob@example.org")
    assert "supersedes" in _fields(_post(client, bob, team["theirs"].id, step="initiate", kind="note",
                                         summary="Other log", supersedes=original["id"]))
    assert "supersedes" in _fields(_post(client, headers, cid, step="initiate", kind="note",
                                         summary="Nothing there", supersedes=99999))


def test_list_filter_by_step(client, ctx):
    headers, cid = ctx
    _post(client, headers, cid, step="initiate", kind="note", summary="One")
    client.post(f"/api/v1/commissions/{cid}/steps/initiate/complete", json={}, headers=headers)
    _post(client, headers, cid, step="investigate", kind="note", summary="Two")
    listing = client.get(f"/api/v1/commissions/{cid}/evidence?step=investigate", headers=headers).json
    assert [e["summary"] for e in listing["entries"]] == ["Two"]
    everything = client.get(f"/api/v1/commissions/{cid}/evidence", headers=headers).json
    assert [e["seq"] for e in everything["entries"]] == [1, 2]
    assert everything["head"] == everything["entries"][-1]["hash"]


def test_csv_export(client, ctx):
    headers, cid = ctx
    _post(client, headers, cid, step="initiate", kind="note", summary="=HYPERLINK(\"http://evil.example\")")
    _post(client, headers, cid, step="initiate", kind="note", summary="+SUM(A1:A2)")
    _post(client, headers, cid, step="initiate", kind="note", summary="@cmd")
    _post(client, headers, cid, step="initiate", kind="note", summary="Plain, with \"quotes\"\nand a new line")
    response = client.get(f"/api/v1/commissions/{cid}/evidence?format=csv", headers=headers)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == list(CSV_COLUMNS)
    assert len(rows) == 5
    summaries = [r[CSV_COLUMNS.index("summary")] for r in rows[1:]]
    assert summaries == ["'=HYPERLINK(\"http://evil.example\")", "'+SUM(A1:A2)", "'@cmd",
                         "Plain, with \"quotes\"\nand a new line"]
    assert [r[CSV_COLUMNS.index("seq")] for r in rows[1:]] == ["1", "2", "3", "4"]
    assert rows[1][CSV_COLUMNS.index("prev_hash")] == GENESIS

    by_accept = client.get(f"/api/v1/commissions/{cid}/evidence", headers={**headers, "Accept": "text/csv"})
    assert by_accept.mimetype == "text/csv"
    assert by_accept.get_data(as_text=True) == response.get_data(as_text=True)


def test_verify(client, ctx):
    headers, cid = ctx
    empty = client.get(f"/api/v1/commissions/{cid}/evidence/verify", headers=headers)
    assert empty.status_code == 200
    assert empty.json["ok"] is True and empty.json["entries"] == 0 and empty.json["head"] == GENESIS
    last = None
    for i in range(3):
        last = _post(client, headers, cid, step="initiate", kind="note", summary=f"Entry {i}").json
    result = client.get(f"/api/v1/commissions/{cid}/evidence/verify", headers=headers).json
    assert result["ok"] is True
    assert result["entries"] == 3
    assert result["head"] == last["hash"]
    assert result["first_bad_entry"] is None


def test_export_document(client, ctx):
    headers, cid = ctx
    _post(client, headers, cid, step="initiate", kind="note", summary="Export me")
    doc = client.get(f"/api/v1/commissions/{cid}/evidence?format=export", headers=headers).json
    assert doc["format"] == "engage-evidence-log/1"
    assert doc["count"] == 1
    assert doc["commission"]["id"] == cid
    assert doc["head"] == doc["entries"][0]["hash"]


def test_evidence_page_flow(client, world, ctx):
    headers, cid = ctx
    world.sign_in(client, "alice@example.org")
    response = client.post(f"/commissions/{cid}/steps/initiate/evidence",
                           data={"kind": "workshop", "summary": "Market stall chat", "attendance": "9"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    entries = client.get(f"/api/v1/commissions/{cid}/evidence", headers=headers).json["entries"]
    assert [(e["kind"], e["summary"], e["payload"]) for e in entries] == [("workshop", "Market stall chat",
                                                                          {"attendance": 9})]
    # Personal details are refused on the page too, with the text kept.
    response = client.post(f"/commissions/{cid}/steps/initiate/evidence",
                           data={"kind": "note", "summary": "Email sam@example.org for more"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "There is a problem" in page
    assert "Remove the email address" in page
    assert "sam@example.org for more" in page
    # A workshop without attendance names the attendance field.
    response = client.post(f"/commissions/{cid}/steps/initiate/evidence",
                           data={"kind": "workshop", "summary": "No count"})
    assert response.status_code == 422
    assert 'href="#attendance"' in response.get_data(as_text=True)
    # Evidence against a step that has not started is refused.
    response = client.post(f"/commissions/{cid}/steps/investigate/evidence",
                           data={"kind": "note", "summary": "Too early"})
    assert response.status_code == 422
    assert len(client.get(f"/api/v1/commissions/{cid}/evidence", headers=headers).json["entries"]) == 1


def test_page_downloads(client, world, ctx):
    headers, cid = ctx
    _post(client, headers, cid, step="initiate", kind="note", summary="-1 for the old plan")
    world.sign_in(client, "alice@example.org")
    response = client.get(f"/commissions/{cid}/evidence.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[1][CSV_COLUMNS.index("summary")] == "'-1 for the old plan"
    response = client.get(f"/commissions/{cid}/evidence.json")
    assert response.status_code == 200
    assert response.get_json()["entries"][0]["summary"] == "-1 for the old plan"
    page = client.get(f"/commissions/{cid}/evidence")
    assert page.status_code == 200
    assert "Verified" in page.get_data(as_text=True)


def test_payload_must_be_plain_json_and_small(client, ctx):
    headers, cid = ctx
    nan = client.post(f"/api/v1/commissions/{cid}/evidence", headers=headers, content_type="application/json",
                      data='{"step": "initiate", "kind": "note", "summary": "x", "payload": {"n": NaN}}')
    assert "payload" in _fields(nan)
    big = _post(client, headers, cid, step="initiate", kind="note", summary="x",
                payload={f"k{i}": "y" * 100 for i in range(400)})
    assert "payload" in _fields(big)


def test_summaries_are_escaped_on_the_pages(client, world, ctx):
    headers, cid = ctx
    _post(client, headers, cid, step="initiate", kind="note", summary="<script>alert(1)</script> & <b>bold</b>")
    world.sign_in(client, "alice@example.org")
    for url in (f"/commissions/{cid}/evidence", f"/commissions/{cid}/steps/initiate", f"/commissions/{cid}"):
        page = client.get(url).get_data(as_text=True)
        assert "<script>alert(1)" not in page
        assert "<b>bold</b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in client.get(f"/commissions/{cid}/evidence").get_data(as_text=True)


@pytest.mark.parametrize("protected", ["gateway_override", "assessment"])
def test_entries_recorded_by_engage_or_evaluators_cannot_be_superseded_by_hand(client, world, ctx, protected):
    """A commissioner must not be able to mark a gateway override or an evaluator's assessment as
    superseded: the step page offers no "Correct" link for them, and the API must refuse too."""
    headers, cid = ctx
    client.post(f"/api/v1/commissions/{cid}/steps/initiate/complete",
                json={"override_reason": "The board asked us to move on"}, headers=headers)
    if protected == "assessment":
        eve = world.token("eve@example.org")
        target = client.post(f"/api/v1/commissions/{cid}/steps/initiate/assessments", headers=eve,
                             json={"rating": "not answered", "commentary": "No residents' evidence at all"}).json
    else:
        target = client.get(f"/api/v1/commissions/{cid}/evidence", headers=headers).json["entries"][0]
    assert target["kind"] == protected
    response = _post(client, headers, cid, step="initiate", kind="note", summary="Never mind that",
                     supersedes=target["id"])
    assert response.status_code in (409, 422), response.json
    assert "supersedes" in response.json["error"]["fields"]
    listing = client.get(f"/api/v1/commissions/{cid}/evidence", headers=headers).json["entries"]
    assert {e["id"]: e["superseded_by"] for e in listing}[target["id"]] is None


def test_oversized_summary_is_refused_without_scanning_it(client, ctx, monkeypatch):
    """A summary far over the limit is refused on its length alone: the contact-details scan
    never runs on it (that scan is the costly part of checking a large request)."""
    from commissioning_steps import evidence as evidence_module

    scanned = []
    real = evidence_module.personal_details_problem
    monkeypatch.setattr(evidence_module, "personal_details_problem",
                        lambda value: scanned.append(value) or real(value))
    headers, cid = ctx
    response = _post(client, headers, cid, step="initiate", kind="note", summary="y" * 30000)
    assert "summary" in _fields(response)
    assert "2000 characters" in response.json["error"]["fields"]["summary"]
    assert not any(isinstance(v, str) and len(v) > 2000 for v in scanned)
