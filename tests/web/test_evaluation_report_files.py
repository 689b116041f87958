"""The evaluation report as HTML, tagged PDF, JSON and CSV, for staff of the commission and Bearer
tokens; the audit pack, checked offline by ``verify-evidence``, with one changed byte in any of
its files detected and the file named."""
from __future__ import annotations

import csv
import io
import json
import re
import zipfile

import pypdf
import pytest

from commissioning_steps import audit_pack, journey


def _status(response, code):
    assert response.status_code == code, (response.status_code, response.get_data(as_text=True)[:800])
    return response


def pdf_pages(data: bytes) -> list[str]:
    return [re.sub(r"\s+", " ", page.extract_text()) for page in pypdf.PdfReader(io.BytesIO(data)).pages]


@pytest.fixture
def done(client, world, team):
    alice = world.token("alice@example.org")
    cid = team["mine"].id
    for step in journey.STEPS:
        client.post(f"/api/v1/commissions/{cid}/evidence", headers=alice,
                    json={"step": step.key, "kind": "workshop", "summary": f"{step.name} workshop",
                          "payload": {"attendance": 10}})
        client.post(f"/api/v1/commissions/{cid}/steps/{step.key}/complete", json={}, headers=alice)
    return cid


@pytest.fixture
def signed(client, world, done):
    eve = world.token("eve@example.org")
    for step in journey.STEPS:
        client.post(f"/api/v1/commissions/{done}/steps/{step.key}/rating", headers=eve,
                    json={"rating": "partly_evidenced", "commentary": f"{step.name}: one workshop only"})
    return done, _status(client.post(f"/api/v1/commissions/{done}/evaluation/sign-off", headers=eve), 201).json


def test_the_report_for_staff_and_bearer_tokens_and_nobody_else(client, world, done):
    eve = world.token("eve@example.org")
    for name in ("/evaluation", "/evaluation.json", "/evaluation.csv"):
        _status(client.get(f"/commissions/{done}{name}", headers=eve), 200)
        _status(client.get(f"/commissions/{done}{name}", headers=world.token("bob@example.org")), 404)
    world.sign_in(client, "alice@example.org")
    page = _status(client.get(f"/commissions/{done}/evaluation"), 200).get_data(as_text=True)
    assert "Draft, not signed off" in page
    for step in journey.STEPS:
        assert step.practice_question.replace("'", "&#39;") in page


def test_json_and_csv_exports(client, world, signed):
    cid, sign_off = signed
    eve = world.token("eve@example.org")
    data = json.loads(_status(client.get(f"/commissions/{cid}/evaluation.json", headers=eve), 200).data)
    assert (data["version"], data["head"], data["entry_count"]) == (1, sign_off["head"], sign_off["entry_count"])
    assert [s["rating"] for s in data["steps"]] == ["partly_evidenced"] * 8
    response = _status(client.get(f"/commissions/{cid}/evaluation.csv", headers=eve), 200)
    assert response.mimetype == "text/csv" and "evaluation-v1.csv" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    ratings = [r for r in rows if r["item"] == "rating"]
    assert [r["practice_question"] for r in ratings] == [s.practice_question for s in journey.STEPS]
    assert {r["key"] for r in ratings} == {"partly_evidenced"}
    assert any(r["key"] == "head" and r["value"] == sign_off["head"] for r in rows)
    assert sum(1 for r in rows if r["item"] == "indicator") >= 8 * 3


def test_the_draft_pdf_is_tagged_numbered_and_draft_on_every_page(client, world, done):
    eve = world.token("eve@example.org")
    response = _status(client.get(f"/commissions/{done}/evaluation.pdf", headers=eve), 200)
    assert response.mimetype == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(response.data))
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in root, "a tagged PDF"
    pages = pdf_pages(response.data)
    assert len(pages) > 8
    for number, text in enumerate(pages, start=1):
        assert "Draft, not signed off" in text, number
        assert f"Page {number} of {len(pages)}" in text
    whole = " ".join(pages)
    for step in journey.STEPS:
        assert step.practice_question in whole


def test_the_signed_pdf_carries_the_ratings_and_the_head(client, world, signed):
    cid, sign_off = signed
    pages = pdf_pages(_status(client.get(f"/commissions/{cid}/evaluation.pdf",
                                         headers=world.token("alice@example.org")), 200).data)
    whole = " ".join(pages)
    assert "Draft, not signed off" not in whole
    assert all("Signed off: report version 1" in p for p in pages)
    assert sign_off["head"] in whole.replace(" ", "")
    assert whole.count("Partly evidenced") >= 8


def _pack(client, world, cid, query="") -> bytes:
    response = _status(client.get(f"/commissions/{cid}/evaluation/audit-pack.zip{query}",
                                  headers=world.token("eve@example.org")), 200)
    assert response.mimetype == "application/zip"
    return response.data


def _members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {i.filename: z.read(i) for i in z.infolist()}


def _rezip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    return out.getvalue()


def test_the_audit_pack_holds_the_report_log_checkpoint_and_manifest(client, world, signed):
    cid, sign_off = signed
    members = _members(_pack(client, world, cid))
    assert set(members) == {audit_pack.MANIFEST, audit_pack.REPORT_PDF, audit_pack.REPORT_JSON, audit_pack.EVIDENCE,
                            audit_pack.CHECKPOINT}
    manifest = json.loads(members[audit_pack.MANIFEST])
    assert manifest["report_head"] == sign_off["head"] and manifest["report_version"] == 1
    assert {f["name"]: f["sha256"] for f in manifest["files"]} == {
        name: audit_pack.sha256(data) for name, data in members.items() if name != audit_pack.MANIFEST}
    assert json.loads(members[audit_pack.CHECKPOINT])["id"] == sign_off["checkpoint_id"]
    assert audit_pack.verify(_rezip(members)).ok


def test_verify_evidence_checks_the_pack_offline(app, client, world, signed, tmp_path):
    cid, sign_off = signed
    path = tmp_path / "audit-pack.zip"
    path.write_bytes(_pack(client, world, cid))
    key = client.get("/api/v1/checkpoint-key").json["public_key"]
    result = app.test_cli_runner().invoke(args=["verify-evidence", str(path), "--key", key])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["ok"] and report["head"] == sign_off["head"] and report["checkpoint"]["ok"]


@pytest.mark.parametrize("name", [audit_pack.MANIFEST, audit_pack.REPORT_PDF, audit_pack.REPORT_JSON,
                                  audit_pack.EVIDENCE, audit_pack.CHECKPOINT])
def test_one_changed_byte_in_any_file_is_detected_and_named(app, client, world, signed, tmp_path, name):
    cid, _ = signed
    members = _members(_pack(client, world, cid))
    data = bytearray(members[name])
    at = len(data) // 2
    data[at] = (data[at] + 1) % 256
    members[name] = bytes(data)
    path = tmp_path / "tampered.zip"
    path.write_bytes(_rezip(members))
    result = app.test_cli_runner().invoke(args=["verify-evidence", str(path)])
    assert result.exit_code == 1
    assert json.loads(result.stdout)["failed_file"] == name
    assert f"The audit pack fails: {name}" in result.stderr
    assert audit_pack.verify(path.read_bytes()).failed_file == name


def test_a_consistent_but_rewritten_pack_is_caught_by_its_chain_and_head(client, world, signed):
    cid, sign_off = signed
    members = _members(_pack(client, world, cid))
    files = {k: v for k, v in members.items() if k != audit_pack.MANIFEST}
    export = json.loads(files[audit_pack.EVIDENCE])
    export["entries"][0]["summary"] = "Rewritten"
    forged = dict(files, **{audit_pack.EVIDENCE: json.dumps(export).encode()})
    result = audit_pack.verify(audit_pack.build(forged, commission_id=cid, version=1, head=sign_off["head"],
                                                entry_count=sign_off["entry_count"]))
    assert result.failed_file == audit_pack.EVIDENCE and "content does not match its hash" in result.reason
    other_head = audit_pack.build(files, commission_id=cid, version=1, head="a" * 64,
                                  entry_count=sign_off["entry_count"])
    assert audit_pack.verify(other_head).failed_file == audit_pack.EVIDENCE
    assert not audit_pack.verify(b"not a zip").ok


def test_earlier_versions_stay_downloadable_with_their_own_head(client, world, signed):
    cid, first = signed
    alice, eve = world.token("alice@example.org"), world.token("eve@example.org")
    client.post(f"/api/v1/commissions/{cid}/evidence", headers=alice,
                json={"step": "evaluate", "kind": "note", "summary": "Added after sign-off"})
    client.post(f"/api/v1/commissions/{cid}/steps/evaluate/rating", headers=eve, json={"rating": "fully_evidenced"})
    second = _status(client.post(f"/api/v1/commissions/{cid}/evaluation/sign-off", headers=eve), 201).json
    old = _pack(client, world, cid, "?version=1")
    result = audit_pack.verify(old)
    assert result.ok and (result.head, result.entry_count, result.version) == (first["head"], first["entry_count"], 1)
    assert json.loads(_members(old)[audit_pack.EVIDENCE])["count"] == first["entry_count"]
    new = audit_pack.verify(_pack(client, world, cid))
    assert new.ok and new.head == second["head"] and new.version == 2
    draft = audit_pack.verify(_pack(client, world, cid, "?version=draft"))
    assert draft.ok and draft.version is None
    _status(client.get(f"/commissions/{cid}/evaluation.pdf?version=9", headers=eve), 404)
