"""Signed envelopes: a manifest and an Ed25519 signature over its canonical JSON.

    {"manifest": {...},
     "signature": {"alg": "Ed25519", "key_id": "…", "public_key": "<base64>",
                   "value": "<base64>"}}

The public key travels with the signature, so anyone can check that the manifest is
intact; whether the key is one to believe is a separate question, answered by the
verifier's list of trusted keys (:func:`persona.provenance.keys.trusted_keys`).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from persona.errors import InputError
from persona.provenance.keys import (
    SigningKey,
    key_id_of,
    public_key_b64,
    public_key_from_b64,
    verify_signature,
)
from persona.provenance.manifest import canonical

ALG = "Ed25519"


def sign_manifest(manifest: dict[str, Any], key: SigningKey) -> dict[str, Any]:
    signature = key.sign(canonical(manifest))
    return {
        "manifest": manifest,
        "signature": {
            "alg": ALG,
            "key_id": key.key_id,
            "public_key": public_key_b64(key.public),
            "value": base64.b64encode(signature).decode("ascii"),
        },
    }


@dataclass(frozen=True)
class SignatureCheck:
    """``valid``: the signature matches the manifest and the key it names; ``trusted``:
    that key is one of the verifier's trusted keys."""

    valid: bool
    trusted: bool
    key_id: str
    problem: str | None = None


def check_envelope(
    envelope: Any, trusted: Mapping[str, Ed25519PublicKey]
) -> tuple[dict[str, Any], SignatureCheck]:
    """The manifest of ``envelope`` and what its signature proves. A value that is not
    an envelope at all raises :class:`InputError`."""
    if not isinstance(envelope, Mapping):
        raise InputError("not a provenance record: expected a JSON object")
    manifest, signature = envelope.get("manifest"), envelope.get("signature")
    if not isinstance(manifest, dict) or not isinstance(signature, Mapping):
        raise InputError("not a provenance record: 'manifest' or 'signature' missing")
    claimed = str(signature.get("key_id", ""))
    if signature.get("alg") != ALG:
        return manifest, SignatureCheck(
            False, False, claimed, f"unknown algorithm {signature.get('alg')!r}"
        )
    try:
        public = public_key_from_b64(str(signature.get("public_key", "")))
        value = base64.b64decode(str(signature.get("value", "")), validate=True)
    except (InputError, binascii.Error, ValueError) as exc:
        return manifest, SignatureCheck(False, False, claimed, f"unreadable signature: {exc}")
    key_id = key_id_of(public)
    if claimed != key_id:
        return manifest, SignatureCheck(False, False, claimed, "key id does not match its key")
    if not verify_signature(public, value, canonical(manifest)):
        return manifest, SignatureCheck(False, False, key_id, "signature does not match")
    known = trusted.get(key_id)
    same = known is not None and public_key_b64(known) == public_key_b64(public)
    return manifest, SignatureCheck(True, same, key_id)
