"""Writing a finished video's provenance: metadata tag, C2PA manifest, signed sidecar.

    video ─content_sha256→ manifest ─sign→ metadata tag (stream copy)
          ─C2PA (MP4, when c2pa-python is installed)→ video ─file_sha256→ sidecar

The steps run in this order because each later one changes the file: the metadata
and the C2PA box leave the packets alone (the manifest's ``content_sha256`` still
holds), and the sidecar, written last, records the SHA-256 of the final file.
The sidecar is ``VIDEO.provenance.json`` beside the video.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from persona.errors import EncodeError, InputError
from persona.paths import write_json_atomic
from persona.provenance.c2pa_manifest import c2pa_available, embed_c2pa, supports
from persona.provenance.keys import SigningKey, signing_key
from persona.provenance.manifest import (
    ProvenanceInputs,
    build_manifest,
    content_sha256,
    file_sha256,
    new_video_id,
)
from persona.provenance.metadata import TAG_KEY, write_tag
from persona.provenance.signing import sign_manifest
from persona.types import VideoSpec

SIDECAR_SUFFIX = ".provenance.json"


def sidecar_path(video: str | Path) -> Path:
    path = Path(video)
    return path.with_name(path.name + SIDECAR_SUFFIX)


@dataclass(frozen=True)
class ProvenanceResult:
    """What was written: the sidecar, the signed manifest in it, and whether a C2PA
    manifest went into the video (``notes`` say why not)."""

    video: Path
    sidecar: Path
    manifest: dict[str, Any]
    key_id: str
    c2pa: bool
    notes: tuple[str, ...] = ()

    @property
    def video_id(self) -> str:
        return str(self.manifest["video_id"])


def write_provenance(
    video: str | Path,
    inputs: ProvenanceInputs | None = None,
    *,
    spec: VideoSpec | None = None,
    c2pa: bool = True,
    warn: Callable[[str], None] | None = None,
) -> ProvenanceResult:
    """Sign the provenance of the finished ``video`` into it and beside it.

    ``spec`` is what the video was encoded with (its MP4 options are kept when the file
    is remuxed); ``c2pa`` False leaves the C2PA manifest out. A C2PA failure is
    reported through ``warn`` and in the result's notes: the sidecar and the metadata
    tag are written all the same.
    """
    path = Path(video)
    if not path.is_file():
        raise InputError(f"cannot sign {path}: file not found")
    inputs = inputs or ProvenanceInputs()
    key = signing_key()
    core = build_manifest(inputs, inputs.video_id or new_video_id(), content_sha256(path))
    write_tag(path, sign_manifest(core, key), summary_line(core), _container_options(spec))
    embedded, notes = _c2pa(path, core, key, c2pa)
    for note in notes:
        if warn is not None:
            warn(note)
    record = {**core, "file_sha256": file_sha256(path), "embedded": [TAG_KEY, *embedded]}
    sidecar = sidecar_path(path)
    write_json_atomic(sidecar, sign_manifest(record, key))
    _same_mode(sidecar, path)
    return ProvenanceResult(path, sidecar, record, key.key_id, bool(embedded), tuple(notes))


def summary_line(manifest: dict[str, Any]) -> str:
    """One line a person reads in a player's info panel."""
    generator = manifest["generator"]
    made = "AI-generated" if manifest.get("ai_generated") else "Made"
    return (
        f"{made} with {generator['name']} {generator['version']}, "
        f"video id {manifest['video_id']}, {manifest['created_at']}"
    )


def _same_mode(sidecar: Path, video: Path) -> None:
    """The sidecar readable by whoever may read the video (temporary files start 0600)."""
    with contextlib.suppress(OSError):
        os.chmod(sidecar, stat.S_IMODE(video.stat().st_mode))


def _container_options(spec: VideoSpec | None) -> dict[str, str] | None:
    if spec is None or spec.container != "mp4":
        return None
    from persona.media.formats import profile_for

    return dict(profile_for(spec).container_options)


def _c2pa(
    path: Path, manifest: dict[str, Any], key: SigningKey, wanted: bool
) -> tuple[list[str], list[str]]:
    """(["c2pa"], []) when a C2PA manifest was embedded, else ([], [why not])."""
    if not wanted or not supports(path):  # C2PA goes into MP4 files only
        return [], []
    if not c2pa_available():
        return [], ["no C2PA manifest: c2pa-python is not installed"]
    if not key.chain_pem:
        return [], ["no C2PA manifest: the signing key has no certificate chain"]
    try:
        embed_c2pa(path, manifest, key)
    except EncodeError as exc:
        return [], [str(exc)]
    return ["c2pa"], []
