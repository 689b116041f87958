"""Signed checkpoints anchor the evidence log outside the database (issue 12, point 13).

With direct access to the database (triggers dropped) someone edits an entry and recomputes every
later hash and the stored head: the chain's own ``verify`` then passes, but the export no longer
extends a checkpoint signed before, and the check names the entry. Deleting the last entry and
moving the head back is caught the same way, and so is a bad signature.
"""
from __future__ import annotations

import base64
import json

import pytest
from sqlalchemy import text

from commissioning_steps import checkpoint_signing, evidence, evidence_chain
from commissioning_steps.commissions import Commission
from engage import jobs


@pytest.fixture
def logged(client, world, team):
    headers = world.token("alice@example.org")
    cid = team["mine"].id
    entries = []
    for i in range(4):
        response = client.post(f"/api/v1/commissions/{cid}/evidence", headers=headers,
                               json={"step": "initiate", "kind": "note", "summary": f"Entry number {i + 1}"})
        assert response.status_code == 201
        entries.append(response.json)
    return headers, cid, entries


def _raw(app, sql, **params):
    with app.extensions["engage.db"].engine.begin() as conn:
        conn.execute(text(sql), params)


def _export(client, headers, cid):
    response = client.get(f"/api/v1/commissions/{cid}/evidence?format=export", headers=headers)
    assert response.status_code == 200
    return response.json


def _checkpoint(client, headers, cid):
    response = client.post(f"/api/v1/commissions/{cid}/checkpoints", headers=headers)
    assert response.status_code == 201, response.json
    return response.json


def _rewrite_entry(app, doc, entry_id, summary):
    """What an attacker with the database does: edit, recompute every later hash and the head."""
    _raw(app, "DROP TRIGGER evidence_entries_no_update")
    prev = None
    for original in doc["entries"]:
        if prev is None and original["id"] != entry_id:
            continue
        forged = dict(original, prev_hash=prev or original["prev_hash"])
        if original["id"] == entry_id:
            forged["summary"] = summary
        forged["hash"] = evidence_chain.entry_hash(forged)
        _raw(app, "UPDATE evidence_entries SET summary = :s, prev_hash = :p, hash = :h WHERE id = :id",
             s=forged["summary"], p=forged["prev_hash"], h=forged["hash"], id=original["id"])
        prev = forged["hash"]
    _raw(app, "UPDATE commissions SET evidence_head = :h WHERE id = :id", h=prev, id=doc["commission"]["id"])


def _cli(app, tmp_path, export, checkpoint=None, key=None):
    path = tmp_path / "export.json"
    path.write_text(json.dumps(export), encoding="utf-8")
    args = ["verify-evidence", str(path)]
    if checkpoint is not None:
        cp = tmp_path / "checkpoint.json"
        cp.write_text(json.dumps(checkpoint), encoding="utf-8")
        args += ["--checkpoint", str(cp)]
    if key is not None:
        args += ["--key", key]
    result = app.test_cli_runner().invoke(args=args)
    return result, json.loads(result.stdout)


def test_a_checkpoint_is_signed_json_verifiable_with_the_published_key(app, client, tmp_path, logged):
    headers, cid, entries = logged
    cp = _checkpoint(client, headers, cid)
    assert cp["format"] == "engage-evidence-checkpoint/1"
    assert (cp["commission_id"], cp["count"], cp["head"]) == (cid, 4, entries[-1]["hash"])
    assert cp["issued_at"].endswith("Z") and cp["algorithm"] == "Ed25519"
    published = client.get("/api/v1/checkpoint-key")
    assert published.status_code == 200  # public: no token needed
    key = published.json
    assert key["key_id"] == cp["key_id"] and key["algorithm"] == "Ed25519"
    assert checkpoint_signing.verify_signature(cp, key["public_key"]) is None
    assert checkpoint_signing.verify_signature(cp, key["public_key_pem"]) is None
    listed = client.get(f"/api/v1/commissions/{cid}/checkpoints", headers=headers).json["checkpoints"]
    assert [c["id"] for c in listed] == [cp["id"]]
    # the export carries the latest checkpoint, and extends it
    doc = _export(client, headers, cid)
    assert doc["checkpoint"]["id"] == cp["id"]
    result, report = _cli(app, tmp_path, doc, cp, key["public_key"])
    assert result.exit_code == 0, result.output
    assert report["ok"] is True and report["checkpoint"]["ok"] is True


def test_evaluators_may_issue_checkpoints_and_outsiders_may_not(client, world, team, logged):
    _headers, cid, _entries = logged
    assert client.post(f"/api/v1/commissions/{cid}/checkpoints", headers=world.token("eve@example.org")).status_code == 201
    assert client.post(f"/api/v1/commissions/{cid}/checkpoints", headers=world.token("bob@example.org")).status_code == 404
    assert client.get(f"/api/v1/commissions/{cid}/checkpoints", headers=world.token("bob@example.org")).status_code == 404
    assert client.post(f"/api/v1/commissions/{cid}/checkpoints").status_code == 401


def test_a_rewrite_passes_verify_but_not_the_checkpoint(app, client, store, tmp_path, logged):
    headers, cid, entries = logged
    cp = _checkpoint(client, headers, cid)
    _rewrite_entry(app, _export(client, headers, cid), entries[1]["id"], "Nobody came")

    with store.session() as s:  # the chain and the head agree: verify alone is fooled
        assert evidence.verify(s, s.get(Commission, cid)).ok is True
    rewritten = _export(client, headers, cid)
    assert evidence_chain.verify_export(rewritten).ok is True

    result, report = _cli(app, tmp_path, rewritten, cp, client.get("/api/v1/checkpoint-key").json["public_key"])
    assert result.exit_code == 1
    assert report["checkpoint"]["ok"] is False
    assert report["checkpoint"]["first_bad_entry"] == entries[1]["id"]
    assert report["checkpoint"]["first_bad_position"] == 2
    assert f"entry {entries[1]['id']}" in report["checkpoint"]["reason"]

    # the server's own verify checks the latest checkpoint with the same code
    served = client.get(f"/api/v1/commissions/{cid}/evidence/verify", headers=headers).json
    assert served["ok"] is False
    assert served["checkpoint"]["first_bad_entry"] == entries[1]["id"]

    # and the export's embedded checkpoint catches it without --checkpoint
    result, report = _cli(app, tmp_path, rewritten)
    assert result.exit_code == 1 and report["checkpoint"]["first_bad_entry"] == entries[1]["id"]


def test_without_the_entry_list_the_head_position_is_named(app, client, tmp_path, logged):
    headers, cid, entries = logged
    cp = _checkpoint(client, headers, cid)
    del cp["entry_hashes"]  # still signed: entry_hashes is bound through entries_digest
    _rewrite_entry(app, _export(client, headers, cid), entries[1]["id"], "Nobody came")
    result, report = _cli(app, tmp_path, _export(client, headers, cid), cp)
    assert result.exit_code == 1
    assert report["checkpoint"]["first_bad_position"] == 4
    assert report["checkpoint"]["first_bad_entry"] == entries[3]["id"]


def test_deleting_the_last_entry_and_moving_the_head_back_is_caught(app, client, tmp_path, logged):
    headers, cid, entries = logged
    cp = _checkpoint(client, headers, cid)
    _raw(app, "DROP TRIGGER evidence_entries_no_delete")
    _raw(app, "DELETE FROM evidence_entries WHERE id = :id", id=entries[-1]["id"])
    _raw(app, "UPDATE commissions SET evidence_count = 3, evidence_head = :h WHERE id = :id",
         h=entries[2]["hash"], id=cid)
    _raw(app, "DELETE FROM evidence_checkpoints")  # the attacker removes the stored copies too
    shortened = _export(client, headers, cid)
    assert evidence_chain.verify_export(shortened).ok is True
    result, report = _cli(app, tmp_path, shortened, cp)
    assert result.exit_code == 1
    assert report["checkpoint"]["ok"] is False
    assert report["checkpoint"]["first_bad_position"] == 4
    assert "missing" in report["checkpoint"]["reason"]


def test_a_bad_signature_or_another_key_is_caught(app, client, tmp_path, logged):
    headers, cid, _entries = logged
    cp = _checkpoint(client, headers, cid)
    doc = _export(client, headers, cid)
    published = client.get("/api/v1/checkpoint-key").json["public_key"]

    forged = dict(cp, issued_at="2020-01-01T00:00:00.000000Z")  # any signed field changed
    result, report = _cli(app, tmp_path, doc, forged, published)
    assert result.exit_code == 1 and report["checkpoint"]["reason"] == "signature is not valid"

    sig = bytearray(base64.b64decode(cp["signature"]))
    sig[0] ^= 1
    result, report = _cli(app, tmp_path, doc, dict(cp, signature=base64.b64encode(bytes(sig)).decode()), published)
    assert result.exit_code == 1 and report["checkpoint"]["reason"] == "signature is not valid"

    # a checkpoint made with someone else's key, carrying that key, fails against the published one
    other = checkpoint_signing.Signer(checkpoint_signing.load_private_key(checkpoint_signing.generate_private_key_pem()))
    impostor = other.checkpoint(commission_id=cid, entry_hashes=[e["hash"] for e in doc["entries"]],
                                issued_at=cp["issued_at"])
    result, report = _cli(app, tmp_path, doc, impostor, published)
    assert result.exit_code == 1 and "different key" in report["checkpoint"]["reason"]

    # a tampered entry list is caught even though the signed fields are intact
    result, report = _cli(app, tmp_path, doc, dict(cp, entry_hashes=["0" * 64] * cp["count"]), published)
    assert result.exit_code == 1 and "entry hashes" in report["checkpoint"]["reason"]


def test_the_log_extends_an_older_checkpoint(app, client, tmp_path, logged):
    headers, cid, _entries = logged
    cp = _checkpoint(client, headers, cid)
    client.post(f"/api/v1/commissions/{cid}/evidence", headers=headers,
                json={"step": "initiate", "kind": "note", "summary": "A later entry"})
    result, report = _cli(app, tmp_path, _export(client, headers, cid), cp)
    assert result.exit_code == 0, result.output
    assert report["ok"] is True and report["entries"] == 5


def test_the_scheduled_job_signs_logs_whose_head_moved(app, client, world, team, logged, monkeypatch):
    headers, cid, _entries = logged
    monkeypatch.setattr(jobs, "_app", app)
    assert jobs.issue_evidence_checkpoints() == 1  # only the commission with entries
    assert jobs.issue_evidence_checkpoints() == 0  # idempotent: nothing moved
    client.post(f"/api/v1/commissions/{cid}/evidence", headers=headers,
                json={"step": "initiate", "kind": "note", "summary": "Moves the head"})
    assert jobs.issue_evidence_checkpoints() == 1
    listed = client.get(f"/api/v1/commissions/{cid}/checkpoints", headers=headers).json["checkpoints"]
    assert [(c["count"], c["reason"]) for c in listed] == [(5, "scheduled"), (4, "scheduled")]
