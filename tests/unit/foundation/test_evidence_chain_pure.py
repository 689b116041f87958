"""The hash chain as pure functions over hand-made dict entries (no database)."""
from __future__ import annotations

import copy

from commissioning_steps import evidence_chain as chain


def make_chain(n: int, commission_id: int = 1) -> list[dict]:
    entries = []
    prev = chain.GENESIS
    for seq in range(1, n + 1):
        entry = {
            "id": 100 + seq, "commission_id": commission_id, "seq": seq, "step": "initiate",
            "practice_question": "How can local people help?", "journey_version": "ssa-2015.1",
            "kind": "note", "summary": f"Entry number {seq}", "payload": {"n": seq},
            "author": "staff#1", "source": "manual", "recorded_at": f"2025-01-0{seq}T10:00:00.000000Z",
            "supersedes": None, "prev_hash": prev,
        }
        entry["hash"] = chain.entry_hash(entry)
        prev = entry["hash"]
        entries.append(entry)
    return entries


def test_intact_chain_verifies():
    entries = make_chain(4)
    result = chain.verify(entries, expected_head=entries[-1]["hash"], expected_count=4)
    assert result.ok
    assert result.entries == 4
    assert result.head == entries[-1]["hash"]
    assert result.first_bad_entry is None
    assert result.as_dict() == {"ok": True, "entries": 4, "head": entries[-1]["hash"],
                                "first_bad_entry": None, "reason": None}


def test_empty_chain_is_genesis():
    result = chain.verify([])
    assert result.ok and result.entries == 0 and result.head == "0" * 64
    assert chain.GENESIS == "0" * 64


def test_hash_is_sha256_hex_and_depends_on_every_hashed_field():
    entry = make_chain(1)[0]
    assert len(entry["hash"]) == 64 and int(entry["hash"], 16) >= 0
    for field in chain.HASHED_FIELDS:
        changed = copy.deepcopy(entry)
        changed[field] = "something else" if changed[field] != "something else" else "x"
        assert chain.entry_hash(changed) != entry["hash"], field


def test_hash_ignores_key_order_and_non_hashed_fields():
    entry = make_chain(1)[0]
    reordered = dict(reversed(list(entry.items())))
    reordered["id"] = 999
    reordered["kind_label"] = "Note"
    assert chain.entry_hash(reordered) == entry["hash"]


def test_changed_summary_names_that_entry():
    entries = make_chain(3)
    entries[1]["summary"] = "tampered"
    result = chain.verify(entries)
    assert not result.ok
    assert result.first_bad_entry == entries[1]["id"]
    assert "hash" in result.reason


def test_recomputed_hash_is_caught_at_the_next_entry():
    entries = make_chain(3)
    entries[1]["summary"] = "tampered"
    entries[1]["hash"] = chain.entry_hash(entries[1])
    result = chain.verify(entries)
    assert not result.ok
    assert result.first_bad_entry == entries[2]["id"]
    assert "link" in result.reason


def test_reordered_entries_fail():
    entries = make_chain(3)
    entries[0], entries[1] = entries[1], entries[0]
    result = chain.verify(entries)
    assert not result.ok
    assert result.first_bad_entry == entries[0]["id"]  # the one now in first place
    assert "sequence" in result.reason


def test_gap_in_sequence_fails():
    entries = make_chain(4)
    del entries[2]
    result = chain.verify(entries)
    assert not result.ok
    assert result.first_bad_entry == 104
    assert result.entries == 3


def test_bad_prev_hash_fails_even_when_hash_is_recomputed():
    entries = make_chain(2)
    entries[0]["prev_hash"] = "f" * 64
    entries[0]["hash"] = chain.entry_hash(entries[0])
    result = chain.verify(entries)
    assert not result.ok
    assert result.first_bad_entry == entries[0]["id"]
    assert "link" in result.reason


def test_removed_last_entry_caught_by_count_and_head():
    entries = make_chain(3)
    head, count = entries[-1]["hash"], 3
    result = chain.verify(entries[:-1], expected_head=head, expected_count=count)
    assert not result.ok
    assert result.first_bad_entry is None
    assert "3" in result.reason
    # With the right count but a different head, the head is what fails.
    result = chain.verify(entries[:-1], expected_head=head, expected_count=2)
    assert not result.ok
    assert "latest" in result.reason


def test_malformed_entry_is_reported_not_raised():
    entries = make_chain(2)
    del entries[1]["payload"]
    result = chain.verify(entries)
    assert not result.ok
    assert result.first_bad_entry == entries[1]["id"]
    assert chain.verify(["not a dict"]).ok is False


def test_verify_export_checks_format_count_and_head():
    entries = make_chain(2)
    doc = {"format": chain.FORMAT, "count": 2, "head": entries[-1]["hash"], "entries": entries}
    assert chain.verify_export(doc).ok
    assert not chain.verify_export({**doc, "format": "something/else"}).ok
    assert not chain.verify_export({**doc, "count": 3}).ok
    assert not chain.verify_export({**doc, "head": "a" * 64}).ok
