"""Provenance: every video says, verifiably, that Persona Studio made it and from what.

    render ─encode→ video ─write_provenance→ video (signed metadata tag + C2PA manifest)
                                            + VIDEO.provenance.json (signed sidecar)
    persona verify VIDEO ─verify_video→ one finding per source, exit 0 / 1 / 2

* :mod:`.manifest`: the record (:class:`ProvenanceInputs` → a dict) and its hashes;
* :mod:`.keys`: the installation's Ed25519 key, its certificates, the trusted keys;
* :mod:`.signing`: signed envelopes (canonical JSON + Ed25519);
* :mod:`.metadata`: the envelope as a container tag, written by a stream copy;
* :mod:`.c2pa_manifest`: the C2PA manifest (c2pa-python, offline, no timestamp);
* :mod:`.write` / :mod:`.verify`: writing all of them, checking all of them;
* :mod:`.commands`: ``persona verify``.

The record holds hashes and ids, never the script or a person's name: consent ids
point at the records that say who agreed to what.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from persona.provenance.manifest import (
        AvatarUse,
        ProvenanceInputs,
        VoiceUse,
        avatar_use,
        new_video_id,
        voice_use,
    )
    from persona.provenance.verify import Verification, verify_video
    from persona.provenance.write import ProvenanceResult, sidecar_path, write_provenance

_EXPORTS = {
    "AvatarUse": "manifest",
    "ProvenanceInputs": "manifest",
    "VoiceUse": "manifest",
    "avatar_use": "manifest",
    "new_video_id": "manifest",
    "voice_use": "manifest",
    "Verification": "verify",
    "verify_video": "verify",
    "ProvenanceResult": "write",
    "sidecar_path": "write",
    "write_provenance": "write",
}
"""Loaded on first use: the ``persona`` command imports this package for its parser."""


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'persona.provenance' has no attribute {name!r}")
    return getattr(importlib.import_module(f"persona.provenance.{module}"), name)


__all__ = [
    "AvatarUse",
    "ProvenanceInputs",
    "ProvenanceResult",
    "Verification",
    "VoiceUse",
    "avatar_use",
    "new_video_id",
    "sidecar_path",
    "verify_video",
    "voice_use",
    "write_provenance",
]
