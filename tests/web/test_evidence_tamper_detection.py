"""The log is append-only in the database, and going around the database is detected.

Also covers the offline check: ``flask --app engage verify-evidence EXPORT.json``.
"""
from __future__ import annotations

import json

import pytest
from sqlalchemy import exc as sa_exc
from sqlalchemy import text

from commissioning_steps import evidence_chain


@pytest.fixture
def logged(client, world, team):
    """A commission with three evidence entries; returns (headers, commission id, entries)."""
    headers = world.token("alice@example.org")
    cid = team["mine"].id
    entries = []
    for i in range(3):
        response = client.post(f"/api/v1/commissions/{cid}/evidence", headers=headers,
                               json={"step": "initiate", "kind": "note", "summary": f"Entry number {i + 1}"})
        assert response.status_code == 201
        entries.append(response.json)
    return headers, cid, entries


def _engine(app):
    return app.extensions["engage.db"].engine


def _summary(app, entry_id):
    with _engine(app).connect() as conn:
        return conn.execute(text("SELECT summary FROM evidence_entries WHERE id = :id"), {"id": entry_id}).scalar()


def _raw(app, sql, **params):
    with _engine(app).begin() as conn:
        conn.execute(text(sql), params)


def _verify(client, headers, cid):
    response = client.get(f"/api/v1/commissions/{cid}/evidence/verify", headers=headers)
    assert response.status_code == 200
    return response.json


def test_update_is_refused_by_the_database(app, logged):
    _headers, _cid, entries = logged
    with pytest.raises(sa_exc.DatabaseError) as info:
        _raw(app, "UPDATE evidence_entries SET summary = 'x'")
    assert "append-only" in str(info.value)
    assert [_summary(app, e["id"]) for e in entries] == ["Entry number 1", "Entry number 2", "Entry number 3"]


def test_delete_is_refused_by_the_database(app, logged):
    _headers, _cid, entries = logged
    with pytest.raises(sa_exc.DatabaseError):
        _raw(app, "DELETE FROM evidence_entries")
    with pytest.raises(sa_exc.DatabaseError):
        _raw(app, "DELETE FROM evidence_entries WHERE id = :id", id=entries[-1]["id"])
    with _engine(app).connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM evidence_entries")).scalar() == 3


def test_orm_changes_are_refused_too(app, session, logged):
    from commissioning_steps.evidence import EvidenceEntry

    _headers, _cid, entries = logged
    row = session.get(EvidenceEntry, entries[0]["id"])
    row.summary = "changed through the ORM"
    with pytest.raises(sa_exc.DatabaseError):
        session.commit()
    session.rollback()
    assert _summary(app, entries[0]["id"]) == "Entry number 1"


def test_changed_middle_entry_is_named(app, client, world, logged):
    headers, cid, entries = logged
    _raw(app, "DROP TRIGGER evidence_entries_no_update")
    _raw(app, "UPDATE evidence_entries SET summary = 'Nobody came' WHERE id = :id", id=entries[1]["id"])
    result = _verify(client, headers, cid)
    assert result["ok"] is False
    assert result["first_bad_entry"] == entries[1]["id"]
    assert result["entries"] == 2

    world.sign_in(client, "alice@example.org")
    page = client.get(f"/commissions/{cid}/evidence")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "failed verification" in body
    assert f'href="#entry-{entries[1]["id"]}"' in body
    assert "Verified</strong>" not in body


def test_changed_entry_with_recomputed_hash_is_caught_at_the_next(app, client, logged):
    headers, cid, entries = logged
    _raw(app, "DROP TRIGGER evidence_entries_no_update")
    doc = client.get(f"/api/v1/commissions/{cid}/evidence?format=export", headers=headers).json
    middle = dict(doc["entries"][1], summary="Nobody came")
    new_hash = evidence_chain.entry_hash(middle)
    _raw(app, "UPDATE evidence_entries SET summary = 'Nobody came', hash = :h WHERE id = :id",
         h=new_hash, id=entries[1]["id"])
    result = _verify(client, headers, cid)
    assert result["ok"] is False
    assert result["first_bad_entry"] == entries[2]["id"]


def test_rewriting_the_whole_tail_is_caught_by_the_head(app, client, logged):
    """Recomputing every later hash too still disagrees with the commission's recorded head."""
    headers, cid, entries = logged
    _raw(app, "DROP TRIGGER evidence_entries_no_update")
    doc = client.get(f"/api/v1/commissions/{cid}/evidence?format=export", headers=headers).json
    prev = doc["entries"][0]["hash"]
    for original in doc["entries"][1:]:
        forged = dict(original, prev_hash=prev)
        if original["id"] == entries[1]["id"]:
            forged["summary"] = "Nobody came"
        forged["hash"] = evidence_chain.entry_hash(forged)
        _raw(app, "UPDATE evidence_entries SET summary = :s, prev_hash = :p, hash = :h WHERE id = :id",
             s=forged["summary"], p=forged["prev_hash"], h=forged["hash"], id=original["id"])
        prev = forged["hash"]
    result = _verify(client, headers, cid)
    assert result["ok"] is False
    assert result["first_bad_entry"] is None


def test_deleted_last_entry_is_caught(app, client, logged):
    headers, cid, entries = logged
    _raw(app, "DROP TRIGGER evidence_entries_no_delete")
    _raw(app, "DELETE FROM evidence_entries WHERE id = :id", id=entries[-1]["id"])
    result = _verify(client, headers, cid)
    assert result["ok"] is False
    assert result["entries"] == 2
    assert result["head"] == entries[1]["hash"]


# --- offline verification -------------------------------------------------------------------

def _export_to(tmp_path, client, headers, cid, name="export.json"):
    response = client.get(f"/api/v1/commissions/{cid}/evidence?format=export", headers=headers)
    assert response.status_code == 200
    path = tmp_path / name
    path.write_text(json.dumps(response.json), encoding="utf-8")
    return path, response.json


def test_cli_verifies_an_untouched_export(app, client, tmp_path, logged):
    headers, cid, entries = logged
    path, _doc = _export_to(tmp_path, client, headers, cid)
    result = app.test_cli_runner().invoke(args=["verify-evidence", str(path)])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["ok"] is True
    assert report["entries"] == 3
    assert report["head"] == entries[-1]["hash"]


def test_cli_names_an_edited_entry(app, client, tmp_path, logged):
    headers, cid, entries = logged
    path, doc = _export_to(tmp_path, client, headers, cid)
    doc["entries"][1]["summary"] = "Edited after export"
    path.write_text(json.dumps(doc), encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["verify-evidence", str(path)])
    assert result.exit_code == 1, result.output
    report = json.loads(result.output)
    assert report["ok"] is False
    assert report["first_bad_entry"] == entries[1]["id"]


def test_cli_catches_a_dropped_last_entry(app, client, tmp_path, logged):
    headers, cid, _entries = logged
    path, doc = _export_to(tmp_path, client, headers, cid)
    doc["entries"].pop()
    path.write_text(json.dumps(doc), encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["verify-evidence", str(path)])
    assert result.exit_code == 1
    assert json.loads(result.output)["ok"] is False


def test_cli_verifies_the_page_download(app, client, world, tmp_path, logged):
    _headers, cid, _entries = logged
    world.sign_in(client, "alice@example.org")
    response = client.get(f"/commissions/{cid}/evidence.json")
    path = tmp_path / "download.json"
    path.write_bytes(response.data)
    result = app.test_cli_runner().invoke(args=["verify-evidence", str(path)])
    assert result.exit_code == 0, result.output


def test_cli_refuses_a_file_that_is_not_json(app, tmp_path):
    path = tmp_path / "nonsense.json"
    path.write_text("this is not json", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["verify-evidence", str(path)])
    assert result.exit_code != 0
    assert "not a JSON export" in result.output
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"format": "something-else", "entries": []}), encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["verify-evidence", str(other)])
    assert result.exit_code == 1
    assert json.loads(result.output)["ok"] is False
