"""The checkpoint signing and verifying code, pure (no Flask, no database)."""
from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives import serialization

from commissioning_steps import checkpoint_signing as cs
from commissioning_steps import evidence_chain


def _export(n=3, commission_id=7):
    entries, prev = [], evidence_chain.GENESIS
    for seq in range(1, n + 1):
        e = {"id": 100 + seq, "commission_id": commission_id, "seq": seq, "step": "initiate", "practice_question": "Q",
             "journey_version": "1", "kind": "note", "summary": f"entry {seq}", "payload": {}, "author": "system",
             "source": "manual", "recorded_at": "2026-01-01T00:00:00.000000Z", "supersedes": None, "prev_hash": prev}
        e["hash"] = prev = evidence_chain.entry_hash(e)
        entries.append(e)
    return {"format": evidence_chain.FORMAT, "commission": {"id": commission_id, "title": "T"},
            "count": n, "head": prev, "entries": entries}


def test_keys_load_from_pem_and_from_base64_of_the_raw_bytes():
    pem = cs.generate_private_key_pem()
    key = cs.load_private_key(pem)
    raw = key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                            serialization.NoEncryption())
    again = cs.load_private_key(base64.b64encode(raw).decode())
    assert cs.key_id(again.public_key()) == cs.key_id(key.public_key())
    for bad in ("", "not base64!", base64.b64encode(b"short").decode()):
        with pytest.raises(cs.KeyProblem):
            cs.load_private_key(bad)


def test_sign_then_verify_and_detect_a_changed_entry():
    signer = cs.Signer(cs.load_private_key(cs.generate_private_key_pem()))
    doc = _export()
    cp = signer.checkpoint(commission_id=7, entry_hashes=[e["hash"] for e in doc["entries"]],
                           issued_at="2026-01-02T00:00:00.000000Z")
    published = signer.public_document()["public_key"]
    assert cs.verify_export_against(doc, cp, published).ok
    changed = _export()
    changed["entries"][0]["summary"] = "changed"  # a plain edit: the chain names it
    result = cs.verify_export_against(changed, cp, published)
    assert not result.ok and result.first_bad_entry == 101
    assert not cs.verify_extends(_export(commission_id=8), cp, published).ok
