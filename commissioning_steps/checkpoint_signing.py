"""Signed checkpoints of the evidence log, as pure functions over plain dicts (no database).

The hash chain alone cannot catch someone with write access to the database: they can edit an
entry, recompute every later hash and move the commission's recorded head. A checkpoint anchors
the log outside the database, in the manner of Certificate Transparency's signed tree heads: the
commission, how many entries the log held, the head hash at that count, a digest of every entry
hash up to it, the time and the signing key's id, signed with Ed25519 by a key that is never in
the database. Anyone holding a checkpoint (downloaded, printed in an audit pack, or embedded in an
export) can later prove that a log *extends* it: the same entries, unchanged, at the same
positions. ``flask --app engage verify-evidence EXPORT.json --checkpoint CHECKPOINT.json`` and
the server's ``/evidence/verify`` run this same code.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass
from typing import Any, Mapping

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from . import evidence_chain

FORMAT = "engage-evidence-checkpoint/1"
ALGORITHM = "Ed25519"
#: What the signature covers. ``entry_hashes`` is bound through ``entries_digest``.
SIGNED_FIELDS = ("format", "commission_id", "count", "head", "entries_digest", "issued_at", "key_id")


class KeyProblem(ValueError):
    """A checkpoint key that cannot be read."""


# --- keys ------------------------------------------------------------------------------------

def generate_private_key_pem() -> str:
    return Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()


def load_private_key(text: str) -> Ed25519PrivateKey:
    """A PEM (PKCS#8) Ed25519 private key, or the base64 of its 32 raw bytes."""
    text = (text or "").strip()
    try:
        if text.startswith("-----BEGIN"):
            key = serialization.load_pem_private_key(text.encode(), password=None)
        else:
            key = Ed25519PrivateKey.from_private_bytes(base64.b64decode(text, validate=True))
    except (ValueError, TypeError, binascii.Error) as exc:
        raise KeyProblem(f"not an Ed25519 private key (PEM, or base64 of 32 bytes): {exc}") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyProblem("the checkpoint key must be an Ed25519 key")
    return key


def load_public_key(text: str) -> Ed25519PublicKey:
    """A PEM Ed25519 public key, or the base64 of its 32 raw bytes (as published)."""
    text = (text or "").strip()
    try:
        if text.startswith("-----BEGIN"):
            key = serialization.load_pem_public_key(text.encode())
        else:
            key = Ed25519PublicKey.from_public_bytes(base64.b64decode(text, validate=True))
    except (ValueError, TypeError, binascii.Error) as exc:
        raise KeyProblem(f"not an Ed25519 public key (PEM, or base64 of 32 bytes): {exc}") from None
    if not isinstance(key, Ed25519PublicKey):
        raise KeyProblem("the checkpoint key must be an Ed25519 key")
    return key


def _raw(public: Ed25519PublicKey) -> bytes:
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(public: Ed25519PublicKey) -> str:
    """The first 16 bytes of the SHA-256 of the raw public key, in hex."""
    return hashlib.sha256(_raw(public)).hexdigest()[:32]


def public_key_document(public: Ed25519PublicKey) -> dict[str, str]:
    return {
        "algorithm": ALGORITHM, "key_id": key_id(public),
        "public_key": base64.b64encode(_raw(public)).decode(),
        "public_key_pem": public.public_bytes(serialization.Encoding.PEM,
                                              serialization.PublicFormat.SubjectPublicKeyInfo).decode(),
    }


# --- signing ---------------------------------------------------------------------------------

def entries_digest(hashes: list[str]) -> str:
    return hashlib.sha256("\n".join(hashes).encode("ascii")).hexdigest()


def signed_message(checkpoint: Mapping[str, Any]) -> bytes:
    body = {k: checkpoint[k] for k in SIGNED_FIELDS}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


class Signer:
    """Holds the private key (from the environment or the instance folder, never the database)."""

    def __init__(self, private_key: Ed25519PrivateKey) -> None:
        self._key = private_key
        self.public_key = private_key.public_key()
        self.key_id = key_id(self.public_key)

    def public_document(self) -> dict[str, str]:
        return public_key_document(self.public_key)

    def checkpoint(self, *, commission_id: int, entry_hashes: list[str], issued_at: str) -> dict[str, Any]:
        """A signed checkpoint of a log whose entries have ``entry_hashes``, in order."""
        doc: dict[str, Any] = {
            "format": FORMAT, "commission_id": commission_id, "count": len(entry_hashes),
            "head": entry_hashes[-1] if entry_hashes else evidence_chain.GENESIS,
            "entries_digest": entries_digest(entry_hashes), "issued_at": issued_at, "key_id": self.key_id,
        }
        doc["algorithm"] = ALGORITHM
        doc["signature"] = base64.b64encode(self._key.sign(signed_message(doc))).decode()
        doc["public_key"] = public_key_document(self.public_key)["public_key"]
        doc["entry_hashes"] = list(entry_hashes)
        return doc


# --- verifying -------------------------------------------------------------------------------

@dataclass(frozen=True)
class CheckpointVerification:
    ok: bool
    reason: str | None = None
    #: the id of the first entry of the export that differs from the checkpoint, when one does
    first_bad_entry: int | None = None
    #: its position in the log (1-based): also set when the entry is missing altogether
    first_bad_position: int | None = None
    checkpoint_count: int | None = None
    key_id: str | None = None

    def as_dict(self) -> dict:
        return {"ok": self.ok, "reason": self.reason, "first_bad_entry": self.first_bad_entry,
                "first_bad_position": self.first_bad_position, "checkpoint_count": self.checkpoint_count,
                "key_id": self.key_id}


def verify_signature(checkpoint: Mapping[str, Any], public_key: Ed25519PublicKey | str | None = None) -> str | None:
    """None when ``checkpoint`` is well formed and signed by ``public_key`` (or, given none, by the
    key it carries: that proves it is intact, and its ``key_id`` must then be compared with the
    published one); otherwise why not."""
    try:
        if checkpoint.get("format") != FORMAT:
            return f"not an {FORMAT} checkpoint"
        if checkpoint.get("algorithm", ALGORITHM) != ALGORITHM:
            return f"checkpoint is not signed with {ALGORITHM}"
        key = public_key if public_key is not None else checkpoint.get("public_key")
        if key is None:
            return "no public key to check the signature with: pass the published key"
        key = load_public_key(key) if isinstance(key, str) else key
        if key_id(key) != checkpoint["key_id"]:
            return "checkpoint was signed with a different key (key ids differ)"
        key.verify(base64.b64decode(checkpoint["signature"], validate=True), signed_message(checkpoint))
        hashes = checkpoint.get("entry_hashes")
        if hashes is not None:
            if (not isinstance(hashes, list) or len(hashes) != checkpoint["count"]
                    or entries_digest(hashes) != checkpoint["entries_digest"]
                    or (hashes[-1] if hashes else evidence_chain.GENESIS) != checkpoint["head"]):
                return "checkpoint's list of entry hashes does not match what was signed"
    except InvalidSignature:
        return "signature is not valid"
    except (KeyError, TypeError, ValueError, binascii.Error, AttributeError) as exc:
        return f"checkpoint is malformed: {exc}"
    return None


def verify_extends(export: Mapping[str, Any], checkpoint: Mapping[str, Any],
                   public_key: Ed25519PublicKey | str | None = None) -> CheckpointVerification:
    """Does this exported log extend the signed checkpoint?

    The signature must be good; the export must be of the same commission and hold at least the
    checkpoint's number of entries; and those entries must be the very ones it signed, position
    by position (named at the first that differs), up to its head.
    """
    count = checkpoint.get("count") if isinstance(checkpoint, Mapping) else None
    kid = checkpoint.get("key_id") if isinstance(checkpoint, Mapping) else None

    def fail(reason, entry=None, position=None):
        return CheckpointVerification(False, reason, entry, position, count, kid)

    problem = verify_signature(checkpoint, public_key) if isinstance(checkpoint, Mapping) else "not a checkpoint"
    if problem:
        return fail(problem)
    commission = export.get("commission") if isinstance(export.get("commission"), Mapping) else {}
    if commission.get("id") != checkpoint["commission_id"]:
        return fail("export and checkpoint are of different commissions")
    entries = export.get("entries")
    if not isinstance(entries, list):
        return fail("export holds no entries")
    hashes = checkpoint.get("entry_hashes")
    for position in range(1, count + 1):
        if position > len(entries):
            return fail(f"entry at position {position} is missing: the checkpoint signed {count} entries "
                        f"and the export holds {len(entries)}", None, position)
        entry = entries[position - 1]
        entry_id = entry.get("id") if isinstance(entry, Mapping) else None
        if not isinstance(entry, Mapping) or entry.get("seq") != position:
            return fail(f"entry at position {position} is out of place", entry_id, position)
        if hashes is not None and entry.get("hash") != hashes[position - 1]:
            return fail(f"entry {entry_id} (position {position}) differs from the one the checkpoint signed",
                        entry_id, position)
        if position == count and entry.get("hash") != checkpoint["head"]:
            return fail(f"entry {entry_id} (position {position}) is not the checkpoint's head: it or an entry "
                        "before it was changed", entry_id, position)
    return CheckpointVerification(True, None, None, None, count, kid)


def verify_export_against(export: Mapping[str, Any], checkpoint: Mapping[str, Any],
                          public_key: Ed25519PublicKey | str | None = None) -> CheckpointVerification:
    """The export's own chain first (an edit without recomputed hashes is named there), then the
    checkpoint."""
    chain = evidence_chain.verify_export(export)
    if not chain.ok:
        return CheckpointVerification(False, f"the export's own chain fails: {chain.reason}",
                                      chain.first_bad_entry, None, checkpoint.get("count"),
                                      checkpoint.get("key_id"))
    return verify_extends(export, checkpoint, public_key)
