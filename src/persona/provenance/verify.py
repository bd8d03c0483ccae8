"""Checking a video's provenance: every source of it, each judged on its own.

    verify_video(video) → Verification: a Finding per source, the manifest, an exit code
        sidecar    VIDEO.provenance.json: signature, signer, whole-file SHA-256
        metadata   the signed tag in the file: signature, signer, audio/video SHA-256
        c2pa       the C2PA manifest: c2pa's own verdict against the trusted roots
        watermark  the invisible mark's payload against the manifest's video id

A finding's ``status`` is one of ``verified`` (intact and signed by a trusted key),
``absent``, ``skipped`` (the check cannot run here), ``found`` (a watermark without a
manifest to compare with), or a problem: ``invalid`` (a signature that does not
match), ``modified`` (the file changed since it was signed), ``unknown-signer`` (intact,
but signed by a key this installation does not trust) or ``mismatch`` (two sources
disagree about the video).

Exit codes: 0 when at least one source verifies and none shows a problem; 1 for any
problem (a watermark with no signed provenance left counts: the provenance was
stripped); 2 when there is nothing to check (no provenance at all, or not a video).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import av
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from persona.errors import InputError
from persona.provenance.c2pa_manifest import c2pa_available, read_c2pa, supports
from persona.provenance.keys import trust_anchors, trusted_keys
from persona.provenance.manifest import content_sha256, file_sha256, watermark_payload
from persona.provenance.metadata import read_tag
from persona.provenance.signing import SignatureCheck, check_envelope
from persona.provenance.write import sidecar_path

PROBLEMS = ("invalid", "modified", "unknown-signer", "mismatch")


@dataclass(frozen=True)
class Finding:
    source: str
    status: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"source": self.source, "status": self.status, "message": self.message}


@dataclass(frozen=True)
class Verification:
    path: Path
    findings: tuple[Finding, ...]
    manifest: dict[str, Any] | None = None
    error: str | None = None  # why nothing could be checked

    @property
    def exit_code(self) -> int:
        if self.error is not None:
            return 2
        if any(f.status in PROBLEMS for f in self.findings):
            return 1
        if any(f.status == "verified" for f in self.findings):
            return 0
        return 1 if any(f.status == "found" for f in self.findings) else 2

    @property
    def verdict(self) -> str:
        return {0: "verified", 1: "NOT verified"}.get(self.exit_code, "nothing to verify")

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "verdict": self.verdict,
            "exit_code": self.exit_code,
            "error": self.error,
            "findings": [f.as_dict() for f in self.findings],
            "manifest": self.manifest,
        }

    def text(self) -> str:
        lines = [f"{self.path}: {self.verdict}"]
        if self.error is not None:
            lines.append(f"  {self.error}")
        lines += [f"  {f.source:<10}{f.message}" for f in self.findings]
        if self.manifest is not None:
            lines.append(f"  {'record':<10}{describe(self.manifest)}")
        return "\n".join(lines)


@dataclass
class _Context:
    path: Path
    trusted: dict[str, Ed25519PublicKey]
    extra: tuple[Path, ...]
    manifests: dict[str, dict[str, Any]] = field(default_factory=dict)
    content: str | None = None

    def content_hash(self) -> str:
        if self.content is None:
            self.content = content_sha256(self.path)
        return self.content


def verify_video(video: str | Path, trust: Iterable[Path] = ()) -> Verification:
    """Every provenance ``video`` carries, checked; ``trust`` adds public keys or
    certificates (PEM files) to the installation's trusted signers."""
    path = Path(video)
    problem = _not_a_video(path)
    if problem is not None:
        return Verification(path, (), error=problem)
    extra = tuple(trust)
    ctx = _Context(path, trusted_keys(extra), extra)
    findings = [_sidecar(ctx), _metadata(ctx), _c2pa(ctx)]
    manifest = next(iter(ctx.manifests.values()), None)
    findings.append(_watermark(path, manifest))
    findings += _agreement(ctx.manifests)
    return Verification(path, tuple(findings), manifest)


def _not_a_video(path: Path) -> str | None:
    if not path.exists():
        return f"no such file: {path}"
    if not path.is_file():
        return f"not a file: {path}"
    try:
        with av.open(str(path)) as container:
            if not container.streams.video:
                return f"not a video: {path.name} has no video stream"
    except (av.FFmpegError, UnicodeDecodeError, ValueError):
        return f"not a video: {path.name} cannot be read as one"
    return None


def _signer(check: SignatureCheck) -> str:
    if check.trusted:
        return f"signed by Persona Studio key {check.key_id}"
    return f"signed by an unknown key {check.key_id} (not a key this installation trusts)"


def _judge(source: str, check: SignatureCheck, unchanged: bool, what: str) -> Finding:
    if not check.valid:
        return Finding(source, "invalid", f"signature invalid: {check.problem}")
    if not unchanged:
        return Finding(source, "modified", f"{_signer(check)}; {what} modified since signing")
    status = "verified" if check.trusted else "unknown-signer"
    return Finding(source, status, f"{_signer(check)}; {what} unchanged")


def _sidecar(ctx: _Context) -> Finding:
    side = sidecar_path(ctx.path)
    if not side.is_file():
        return Finding("sidecar", "absent", f"no sidecar {side.name}")
    try:
        envelope = json.loads(side.read_text(encoding="utf-8"))
        manifest, check = check_envelope(envelope, ctx.trusted)
    except (OSError, ValueError, InputError) as exc:
        return Finding("sidecar", "invalid", f"{side.name} is unreadable: {exc}")
    if check.valid:
        ctx.manifests["sidecar"] = manifest
    same = manifest.get("file_sha256") == file_sha256(ctx.path)
    finding = _judge("sidecar", check, same, "file")
    if finding.status == "modified" and manifest.get("content_sha256") == ctx.content_hash():
        message = (
            f"{finding.message} (its audio and video data are the same: the container changed)"
        )
        return Finding("sidecar", "modified", message)
    return finding


def _metadata(ctx: _Context) -> Finding:
    text = read_tag(ctx.path)
    if text is None:
        return Finding("metadata", "absent", "no provenance tag in the file's metadata")
    try:
        manifest, check = check_envelope(json.loads(text), ctx.trusted)
    except (ValueError, InputError) as exc:
        return Finding("metadata", "invalid", f"the provenance tag is unreadable: {exc}")
    if check.valid:
        ctx.manifests["metadata"] = manifest
    same = manifest.get("content_sha256") == ctx.content_hash()
    return _judge("metadata", check, same, "audio and video")


def _c2pa(ctx: _Context) -> Finding:
    if not supports(ctx.path):
        return Finding("c2pa", "skipped", "C2PA manifests are only read from MP4 files")
    if not c2pa_available():
        return Finding("c2pa", "skipped", "C2PA not checked: c2pa-python is not installed")
    reading = read_c2pa(ctx.path, trust_anchors(ctx.extra))
    if reading is None:
        return Finding("c2pa", "absent", "no C2PA manifest")
    if reading.record is not None and reading.intact:
        ctx.manifests["c2pa"] = reading.record
    who = f" ({reading.signer})" if reading.signer else ""
    if reading.state == "Trusted" and not reading.failures:
        return Finding("c2pa", "verified", f"C2PA manifest trusted{who}; content unchanged")
    if reading.intact:
        return Finding(
            "c2pa", "unknown-signer", f"C2PA manifest intact but its certificate is untrusted{who}"
        )
    failures = ", ".join(reading.failures) or reading.state
    status = "modified" if any("Hash.mismatch" in f for f in reading.failures) else "invalid"
    return Finding("c2pa", status, f"C2PA manifest {reading.state.lower()}: {failures}")


def _watermark(path: Path, manifest: dict[str, Any] | None) -> Finding:
    try:
        from persona.watermark import detect_video
    except ImportError:
        return Finding("watermark", "skipped", "watermark not checked: persona.watermark missing")
    reading = detect_video(path)
    if not reading.found or reading.payload is None:
        return Finding("watermark", "absent", "no invisible watermark found")
    payload = f"{reading.payload:016x}"
    if manifest is None:
        return Finding("watermark", "found", f"watermark found (payload {payload}), no manifest")
    video_id = str(manifest.get("video_id", ""))
    expected = manifest.get("watermark") or watermark_payload(video_id)
    if payload == expected:
        return Finding("watermark", "verified", f"found: video id {video_id}, matches manifest")
    return Finding(
        "watermark", "mismatch", f"found payload {payload}, but video {video_id} has {expected}"
    )


def _agreement(manifests: dict[str, dict[str, Any]]) -> list[Finding]:
    ids = {source: str(m.get("video_id")) for source, m in manifests.items()}
    if len(set(ids.values())) <= 1:
        return []
    said = ", ".join(f"{source}: {vid}" for source, vid in ids.items())
    return [Finding("agreement", "mismatch", f"the sources name different videos ({said})")]


def describe(manifest: dict[str, Any]) -> str:
    """The manifest in one line: who made the video, when, from what."""
    generator = manifest.get("generator") or {}
    parts = [
        f"made by {generator.get('name', '?')} {generator.get('version', '?')} "
        f"at {manifest.get('created_at', '?')}",
        "AI-generated" if manifest.get("ai_generated") else "not marked AI-generated",
        f"video id {manifest.get('video_id', '?')}",
    ]
    avatars = [_use(a, "kind") for a in manifest.get("avatars") or []]
    voices = [_use(v) for v in manifest.get("voices") or []]
    if avatars:
        parts.append("avatars " + ", ".join(avatars))
    if voices:
        parts.append("voices " + ", ".join(voices))
    return "; ".join(parts)


def _use(entry: Any, kind: str | None = None) -> str:
    if not isinstance(entry, dict):
        return str(entry)
    notes = [str(entry[kind])] if kind and entry.get(kind) else []
    if entry.get("consent_id"):
        notes.append(f"consent {entry['consent_id']}")
    return f"{entry.get('id', '?')}" + (f" ({', '.join(notes)})" if notes else "")
