"""What a video's provenance record says, and the hashes it is built from.

    ProvenanceInputs (what the caller knows: ids, consents, the script)
        ─build_manifest(+ video id, content hash, watermark payload)→ manifest (a dict)

The record names the software that made the video, when (UTC), the video's id, every
avatar and voice used (with the consent records that allow a photo or video avatar or a
matched voice), the SHA-256 of the script (never the script itself), the SHA-256 of the
audio and video data (``content_sha256``: the packets of every stream, so it survives a
remux that only changes metadata), that the video is AI-generated, and the payload of
the invisible watermark. The sidecar adds ``file_sha256``, the hash of the whole file.

Callers fill :class:`ProvenanceInputs` with what they know; :func:`avatar_use` and
:func:`voice_use` look a saved avatar's kind and consent, or a matched voice's consent,
up in the stores.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import av

import persona
from persona.consent import now_iso
from persona.errors import InputError
from persona.types import VideoSpec

FORMAT = "persona-provenance/1"
GENERATOR = "Persona Studio"
_CHUNK = 1 << 20
_FILE_KINDS = {".json": "creator", ".jpg": "photo", ".jpeg": "photo", ".png": "photo",
               ".webp": "photo", ".bmp": "photo", ".tif": "photo", ".tiff": "photo"}  # fmt: skip


@dataclass(frozen=True)
class AvatarUse:
    """An avatar in the video: ``id`` (``av_…@N``, ``template:NAME``, a file's name),
    ``kind`` (photo, video, creator) and the consent that covers the face shown."""

    id: str
    kind: str
    consent_id: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "kind": self.kind, "consent_id": self.consent_id}


@dataclass(frozen=True)
class VoiceUse:
    """A voice heard in the video; a matched voice carries its consent id."""

    id: str
    consent_id: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "consent_id": self.consent_id}


@dataclass(frozen=True)
class ProvenanceInputs:
    """What a render's caller knows about the video it asks for.

    ``video_id`` None: a new id is made when the provenance is written. ``script`` is
    only hashed. ``consent_ids`` adds consents the avatars and voices do not name.
    """

    video_id: str | None = None
    avatars: tuple[AvatarUse, ...] = ()
    voices: tuple[VoiceUse, ...] = ()
    script: str | None = None
    consent_ids: tuple[str, ...] = ()
    ai_generated: bool = True
    extra: dict[str, Any] = field(default_factory=dict)

    def completed(
        self,
        *,
        avatars: Iterable[str] = (),
        voices: Iterable[str] = (),
        script: str | None = None,
    ) -> ProvenanceInputs:
        """These inputs with the avatars, voices and script a render knows filled in
        where the caller left them empty."""
        return replace(
            self,
            avatars=self.avatars or tuple(avatar_use(a) for a in avatars),
            voices=self.voices or tuple(voice_use(v) for v in voices),
            script=self.script if self.script is not None else script,
        )

    def write(
        self, video: Path, spec: VideoSpec | None = None, warn: Callable[[str], None] | None = None
    ) -> Path:
        """Sign the provenance of the finished ``video`` (see
        :func:`persona.provenance.write.write_provenance`); returns the sidecar."""
        from persona.provenance.write import write_provenance

        return write_provenance(video, self, spec=spec, warn=warn).sidecar

    def all_consent_ids(self) -> list[str]:
        found = [a.consent_id for a in self.avatars] + [v.consent_id for v in self.voices]
        return sorted({c for c in [*found, *self.consent_ids] if c})


def new_video_id() -> str:
    """A new video id: ``vid_`` and 16 hex digits."""
    return f"vid_{secrets.token_hex(8)}"


def avatar_use(ref: str | Path) -> AvatarUse:
    """What a video records of the avatar ``ref`` (as a render takes it): a saved
    avatar's version, kind and consent; a template's name; a file's name only (a server
    path says nothing to a viewer)."""
    from persona.avatar.store import AvatarStore, parse_ref

    text = str(ref).strip()
    parsed = parse_ref(text)
    if parsed is not None:
        record = AvatarStore().get(parsed[0])
        version = record.version(parsed[1]).version
        consent = record.consent_id if record.kind in ("photo", "video") else None
        return AvatarUse(f"{record.id}@{version}", record.kind, consent)
    if text.startswith("template:"):
        return AvatarUse(text, "creator")
    name = Path(text).name
    return AvatarUse(name, _FILE_KINDS.get(Path(name).suffix.lower(), "other"))


def voice_use(voice_id: str) -> VoiceUse:
    """A voice by id; a matched voice's consent id is looked up."""
    from persona.voice.store import find_saved

    saved = find_saved(voice_id.strip().lower())
    return VoiceUse(voice_id, saved.consent_id if saved is not None else None)


def script_sha256(text: str | None) -> str | None:
    return hashlib.sha256(text.encode("utf-8")).hexdigest() if text is not None else None


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def content_sha256(path: Path) -> str:
    """SHA-256 over every stream's packet data, stream by stream: the picture and sound
    as encoded, whatever the container's metadata or box layout. :class:`InputError`
    when ``path`` is not a media file."""
    try:
        container = av.open(str(path))
    except (av.FFmpegError, UnicodeDecodeError, ValueError) as exc:
        raise InputError(f"{path} is not a video: {exc}") from exc
    with container:
        streams = list(container.streams)
        names = {s.index: f"{s.index}:{s.type}:" for s in streams}  # streams die with the file
        digests = {s.index: hashlib.sha256() for s in streams}
        try:
            for packet in container.demux(*streams):
                if packet.size:
                    digests[packet.stream.index].update(bytes(packet))
        except av.FFmpegError as exc:
            raise InputError(f"{path} cannot be read to the end: {exc}") from exc
    whole = hashlib.sha256()
    for index, name in names.items():
        whole.update(name.encode() + digests[index].digest())
    return whole.hexdigest()


def watermark_payload(video_id: str) -> str | None:
    """The invisible watermark's payload for ``video_id`` as 16 hex digits, or None
    when :mod:`persona.watermark` is not installed."""
    try:
        from persona.watermark import payload_for
    except ImportError:
        return None
    return f"{payload_for(video_id):016x}"


def build_manifest(
    inputs: ProvenanceInputs, video_id: str, content_hash: str, *, created_at: str | None = None
) -> dict[str, Any]:
    """The provenance record of a video (without ``file_sha256``: see the sidecar)."""
    return {
        "format": FORMAT,
        "generator": {"name": GENERATOR, "version": persona.__version__},
        "created_at": created_at or now_iso(),
        "video_id": video_id,
        "ai_generated": inputs.ai_generated,
        "avatars": [a.as_dict() for a in inputs.avatars],
        "voices": [v.as_dict() for v in inputs.voices],
        "consent_ids": inputs.all_consent_ids(),
        "script_sha256": script_sha256(inputs.script),
        "content_sha256": content_hash,
        "watermark": watermark_payload(video_id),
        **inputs.extra,
    }


def canonical(data: dict[str, Any]) -> bytes:
    """The bytes a signature covers: JSON with sorted keys and no spaces, UTF-8."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
