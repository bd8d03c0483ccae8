"""A C2PA manifest embedded in the MP4 (c2pa-python), signed and checked offline.

    embed_c2pa(video, manifest, key) ─Builder.sign (no timestamp authority)→ video + C2PA
    read_c2pa(video, anchors) ─Reader→ C2paReading (state, failures, our assertion)

The manifest has two assertions: ``c2pa.actions`` with one ``c2pa.created`` action whose
digital source type is IPTC's ``trainedAlgorithmicMedia`` (the standard way to say "made
by a generative model"), and ``org.personastudio.provenance`` holding the provenance
record itself. It is signed with the installation's Ed25519 key through its
certificate chain (signer certificate issued by a local root, :mod:`.keys`).

What works offline, as tested with c2pa-python 0.38 (c2pa-rs 0.91): signing with a
locally made chain and no timestamp authority succeeds without any network access
(a lone self-signed certificate is refused: "the certificate is invalid"). A reader
that is not told about the local root reports the manifest ``Valid`` with the failure
``signingCredential.untrusted``; given the root as a trust anchor it reports
``Trusted``. A changed byte in the media data makes it ``Invalid``
(``assertion.bmffHash.mismatch``). Without a timestamp the signing time is only the
signer's claim. OCSP and remote manifests are never fetched.

Only MP4-family files are signed this way; WebM is not a C2PA format in c2pa-python.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import persona
from persona.errors import EncodeError
from persona.media.output import create_temp_beside, discard, publish
from persona.provenance.keys import SigningKey
from persona.provenance.manifest import GENERATOR

ASSERTION = "org.personastudio.provenance"
AI_SOURCE = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"
MIME_TYPES = {".mp4": "video/mp4", ".m4v": "video/mp4", ".mov": "video/quicktime"}
OFFLINE = {"verify": {"ocsp_fetch": False, "remote_manifest_fetch": False}}


def c2pa_available() -> bool:
    try:
        import c2pa  # noqa: F401
    except ImportError:
        return False
    return True


def supports(path: Path) -> bool:
    return path.suffix.lower() in MIME_TYPES


def embed_c2pa(path: Path, manifest: dict[str, Any], key: SigningKey) -> None:
    """Sign ``manifest`` into ``path`` as a C2PA manifest (the file is replaced when
    done). Raises :class:`EncodeError` when c2pa refuses."""
    import c2pa

    definition = {
        "claim_generator_info": [{"name": GENERATOR, "version": persona.__version__}],
        "title": path.name,
        "format": MIME_TYPES[path.suffix.lower()],
        "assertions": [
            {
                "label": "c2pa.actions",
                "data": {
                    "actions": [
                        {
                            "action": "c2pa.created",
                            "digitalSourceType": AI_SOURCE,
                            "softwareAgent": {"name": GENERATOR, "version": persona.__version__},
                        }
                    ]
                },
            },
            {"label": ASSERTION, "data": manifest},
        ],
    }
    temp = create_temp_beside(path)
    try:
        info = c2pa.C2paSignerInfo(
            "ed25519", key.chain_pem.encode(), key.private_pem().encode(), None
        )
        context = c2pa.Context.from_dict(OFFLINE)
        with (
            c2pa.Signer.from_info(info) as signer,
            c2pa.Builder(json.dumps(definition), context=context) as builder,
            path.open("rb") as source,
            temp.open("w+b") as dest,
        ):
            builder.sign(signer, MIME_TYPES[path.suffix.lower()], source, dest)
    except c2pa.C2paError as exc:
        discard(temp)
        raise EncodeError(f"C2PA signing of {path.name} failed: {exc}") from exc
    except BaseException:
        discard(temp)
        raise
    publish(temp, path)


@dataclass(frozen=True)
class C2paReading:
    """What the C2PA reader found: ``state`` is Trusted, Valid or Invalid (Valid: intact
    but signed by a certificate no trust anchor vouches for)."""

    state: str
    failures: tuple[str, ...] = ()
    signer: str = ""
    record: dict[str, Any] | None = None
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def intact(self) -> bool:
        """No failure but an untrusted signer: the content matches what was signed."""
        return self.state in ("Trusted", "Valid") and all(
            f.startswith("signingCredential.") for f in self.failures
        )


def read_c2pa(path: Path, anchors_pem: str) -> C2paReading | None:
    """The C2PA manifest in ``path`` checked against ``anchors_pem`` (root
    certificates), or None when the file has none."""
    import c2pa

    settings: dict[str, Any] = {"verify": {**OFFLINE["verify"], "verify_trust": True}}
    if anchors_pem.strip():
        settings["trust"] = {"user_anchors": anchors_pem}
    mime = MIME_TYPES.get(path.suffix.lower(), "video/mp4")
    try:
        context = c2pa.Context.from_dict(settings)
        with path.open("rb") as stream, c2pa.Reader(mime, stream, context=context) as reader:
            state = reader.get_validation_state() or "Invalid"
            results = reader.get_validation_results() or {}
            active = reader.get_active_manifest() or {}
    except c2pa.C2paError as exc:
        if type(exc).__name__.endswith("ManifestNotFound") or "no JUMBF" in str(exc):
            return None
        return C2paReading("Invalid", (f"unreadable: {exc}",))
    failures = tuple(
        str(f.get("code", "")) for f in results.get("activeManifest", {}).get("failure", [])
    )
    record = next(
        (a.get("data") for a in active.get("assertions", []) if a.get("label") == ASSERTION),
        None,
    )
    info = active.get("signature_info") or {}
    signer = ", ".join(str(info[k]) for k in ("common_name", "issuer") if info.get(k))
    return C2paReading(state, failures, signer, record if isinstance(record, dict) else None, info)
