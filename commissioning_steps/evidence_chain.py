"""The evidence log's hash chain, as pure functions over plain dicts.

Kept apart from the database so that anyone holding an export can verify it with this module
alone (``flask --app engage verify-evidence EXPORT.json`` does exactly that, with no database),
and so the server checks its own rows with the very same code.

Each entry's hash is SHA-256 over a canonical encoding of its fields, which include the previous
entry's hash: changing, removing or reordering any entry breaks every link after it.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

GENESIS = "0" * 64
FORMAT = "engage-evidence-log/1"

#: The fields a hash covers. Adding one changes every hash, so it would need a new FORMAT.
HASHED_FIELDS = (
    "commission_id", "seq", "step", "practice_question", "journey_version", "kind", "summary",
    "payload", "author", "source", "recorded_at", "supersedes", "prev_hash",
)


def canonical(entry: Mapping[str, Any]) -> bytes:
    """Sorted keys, no insignificant white space, UTF-8: one byte string per entry."""
    body = {k: entry[k] for k in HASHED_FIELDS}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


def entry_hash(entry: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical(entry)).hexdigest()


@dataclass(frozen=True)
class Verification:
    ok: bool
    entries: int
    head: str
    first_bad_entry: int | None = None
    reason: str | None = None

    def as_dict(self) -> dict:
        return {"ok": self.ok, "entries": self.entries, "head": self.head,
                "first_bad_entry": self.first_bad_entry, "reason": self.reason}


def verify(entries: Iterable[Mapping[str, Any]], expected_head: str | None = None,
           expected_count: int | None = None) -> Verification:
    """Walk the chain from the start; name the first entry that does not fit.

    ``expected_head``/``expected_count`` (the commission's own record of its latest entry) catch
    entries removed from the end, which the links alone cannot show.
    """
    prev = GENESIS
    count = 0
    for count, entry in enumerate(entries, start=1):
        try:
            if entry["seq"] != count:
                return Verification(False, count, prev, entry.get("id"), "sequence number out of order")
            if entry["prev_hash"] != prev:
                return Verification(False, count, prev, entry.get("id"), "does not link to the entry before it")
            if entry_hash(entry) != entry["hash"]:
                return Verification(False, count, prev, entry.get("id"), "content does not match its hash")
        except (KeyError, TypeError, ValueError):
            return Verification(False, count, prev, entry.get("id") if isinstance(entry, Mapping) else None,
                                "entry is malformed")
        prev = entry["hash"]
    if expected_count is not None and expected_count != count:
        return Verification(False, count, prev, None,
                            f"log should hold {expected_count} entries but holds {count}")
    if expected_head is not None and expected_head != prev:
        return Verification(False, count, prev, None, "latest entry is not the one on record")
    return Verification(True, count, prev)


def verify_export(document: Mapping[str, Any]) -> Verification:
    """Verify an exported log (the JSON from ``/evidence?format=json`` or the CLI)."""
    if document.get("format") != FORMAT:
        return Verification(False, 0, GENESIS, None, f"not an {FORMAT} export")
    return verify(document.get("entries", []), expected_head=document.get("head"),
                  expected_count=document.get("count"))
