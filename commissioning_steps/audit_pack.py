"""The evaluation's audit pack: one ZIP holding the report PDF, the JSON report, the evidence log
export (up to the report's version), the signed checkpoint of the log at that version, and a
manifest with the SHA-256 of every file and the report's head hash.

Pure functions over bytes, so the server builds a pack and ``flask --app engage verify-evidence
audit-pack.zip`` checks it offline with the very same code: every file matches the manifest,
the evidence export verifies on its own, its head and count are the report's, the JSON report
says the same head, and the export extends the checkpoint (a signature made with a key that is
never in the database). A failure names the file that fails.

The manifest is written canonically (sorted keys, no white space) and carries the SHA-256 of the
rest of itself, so any change to it, even one byte, is named as a change to the manifest, not
mistaken for a change to the file it describes.
"""
from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass, field
from typing import Any, Mapping

from . import checkpoint_signing, evidence_chain

FORMAT = "engage-audit-pack/1"
MANIFEST = "manifest.json"
REPORT_PDF = "evaluation-report.pdf"
REPORT_JSON = "evaluation-report.json"
EVIDENCE = "evidence-export.json"
CHECKPOINT = "checkpoint.json"
#: A fixed time for every member, so the same files always make the same ZIP.
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()


def manifest_for(files: Mapping[str, bytes], *, commission_id: int, version: int | None, head: str,
                 entry_count: int) -> bytes:
    body = {"format": FORMAT, "commission_id": commission_id, "report_version": version, "report_head": head,
            "report_entry_count": entry_count,
            "files": [{"name": name, "sha256": sha256(data), "bytes": len(data)} for name, data in files.items()]}
    return _canonical({**body, "manifest_sha256": sha256(_canonical(body))})


def build(files: Mapping[str, bytes], *, commission_id: int, version: int | None, head: str, entry_count: int) -> bytes:
    """The ZIP: the manifest first, then the files in the order given."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as pack:
        members = {MANIFEST: manifest_for(files, commission_id=commission_id, version=version, head=head,
                                          entry_count=entry_count), **files}
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            pack.writestr(info, data)
    return out.getvalue()


@dataclass
class PackVerification:
    ok: bool
    reason: str | None = None
    #: the file that fails (the manifest, a file it lists, or one it does not list)
    failed_file: str | None = None
    head: str | None = None
    entry_count: int | None = None
    version: int | None = None
    files: list[str] = field(default_factory=list)
    evidence: dict[str, Any] | None = None
    checkpoint: dict[str, Any] | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "reason": self.reason, "failed_file": self.failed_file, "head": self.head,
                "entry_count": self.entry_count, "report_version": self.version, "files": self.files,
                "evidence": self.evidence, "checkpoint": self.checkpoint}


def _json(data: bytes) -> Any:
    return json.loads(data.decode("utf-8"))


def verify(data: bytes, public_key=None) -> PackVerification:
    """Check a pack offline; ``public_key`` (the published checkpoint key) is optional: without it
    the key the checkpoint carries is used, and its key id must be compared with the published one."""
    try:
        pack = zipfile.ZipFile(io.BytesIO(data))
        members = {info.filename: pack.read(info) for info in pack.infolist()}
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
        return PackVerification(False, f"not a readable ZIP file: {exc}")
    except Exception as exc:  # noqa: BLE001 - a damaged member (zlib, CRC) fails the pack, naming no file
        return PackVerification(False, f"the ZIP is damaged: {exc}")

    def fail(reason: str, name: str, **extra) -> PackVerification:
        return PackVerification(False, f"{name}: {reason}", name, files=sorted(members), **extra)

    raw = members.get(MANIFEST)
    if raw is None:
        return PackVerification(False, f"the pack has no {MANIFEST}", MANIFEST, files=sorted(members))
    try:
        manifest = _json(raw)
        body = {k: v for k, v in manifest.items() if k != "manifest_sha256"}
        if _canonical(manifest) != raw or manifest.get("manifest_sha256") != sha256(_canonical(body)):
            return fail("was changed: it does not match its own SHA-256", MANIFEST)
        if manifest.get("format") != FORMAT:
            return fail(f"is not an {FORMAT} manifest", MANIFEST)
        listed = {f["name"]: f for f in manifest["files"]}
        head, count, version = manifest["report_head"], manifest["report_entry_count"], manifest["report_version"]
    except (ValueError, UnicodeDecodeError, KeyError, TypeError, AttributeError) as exc:
        return fail(f"is not a readable manifest ({exc})", MANIFEST)
    extra = sorted(set(members) - set(listed) - {MANIFEST})
    if extra:
        return fail("is in the pack but not in the manifest", extra[0])
    for name, entry in listed.items():
        if name not in members:
            return fail("is listed in the manifest but missing from the pack", name)
        if sha256(members[name]) != entry.get("sha256") or len(members[name]) != entry.get("bytes"):
            return fail("does not match the SHA-256 the manifest gives for it: it was changed", name)
    context = {"head": head, "entry_count": count, "version": version}
    if EVIDENCE not in members:
        return fail("is missing: the pack must hold the evidence export", EVIDENCE, **context)
    try:
        export = _json(members[EVIDENCE])
    except (ValueError, UnicodeDecodeError) as exc:
        return fail(f"is not JSON ({exc})", EVIDENCE, **context)
    chain = evidence_chain.verify_export(export) if isinstance(export, dict) else \
        evidence_chain.Verification(False, 0, evidence_chain.GENESIS, None, "not an export")
    if not chain.ok:
        where = f" at entry id {chain.first_bad_entry}" if chain.first_bad_entry else ""
        return fail(f"does not verify{where}: {chain.reason}", EVIDENCE, evidence=chain.as_dict(), **context)
    if chain.head != head or chain.entries != count:
        return fail(f"ends at head {chain.head} with {chain.entries} entries, but the report is at head {head} "
                    f"with {count}", EVIDENCE, evidence=chain.as_dict(), **context)
    if REPORT_JSON in members:
        try:
            report = _json(members[REPORT_JSON])
        except (ValueError, UnicodeDecodeError) as exc:
            return fail(f"is not JSON ({exc})", REPORT_JSON, **context)
        if not isinstance(report, dict) or report.get("head") != head or report.get("entry_count") != count:
            return fail("does not give the head hash and entry count the manifest and the evidence export give",
                        REPORT_JSON, evidence=chain.as_dict(), **context)
    checked = None
    if CHECKPOINT in members:
        try:
            checkpoint = _json(members[CHECKPOINT])
        except (ValueError, UnicodeDecodeError) as exc:
            return fail(f"is not JSON ({exc})", CHECKPOINT, **context)
        against = checkpoint_signing.verify_export_against(export, checkpoint, public_key) \
            if isinstance(checkpoint, dict) else checkpoint_signing.CheckpointVerification(False, "not a checkpoint")
        checked = against.as_dict()
        if not against.ok:
            return fail(f"the evidence export does not extend it: {against.reason}", CHECKPOINT,
                        evidence=chain.as_dict(), checkpoint=checked, **context)
    return PackVerification(True, None, None, head, count, version, sorted(members), chain.as_dict(), checked)


__all__ = ["CHECKPOINT", "EVIDENCE", "FORMAT", "MANIFEST", "PackVerification", "REPORT_JSON", "REPORT_PDF", "build",
           "manifest_for", "sha256", "verify"]
