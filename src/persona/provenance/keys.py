"""The signing key of this installation, its certificates, and the keys it trusts.

    data_dir() / "keys" /
        provenance-ed25519.pem   the Ed25519 private key (PKCS#8, mode 0600)
        provenance-chain.pem     signer certificate + local root (for C2PA)
        provenance-root.pem      the local root certificate (a C2PA trust anchor)
        trusted/*.pem            public keys or certificates of other signers to trust

One Ed25519 key signs everything: the JSON sidecar, the MP4 metadata tag and, through a
certificate for the same key, the C2PA manifest. It is made on first use, offline, with
``cryptography``: a root certificate authority that exists only here issues a
certificate for the signing key (C2PA refuses a lone self-signed end-entity certificate;
a chain of two works), and the root's private key is thrown away once it has signed.

``$PERSONA_PROVENANCE_KEY`` and ``$PERSONA_PROVENANCE_CERTS`` point at another key and
certificate chain (both PEM) instead: an organisation's own, say. The key must be
Ed25519 and the chain's first certificate must be for it.

A key is named by its *key id*: the first 16 hex digits of the SHA-256 of its raw
32-byte public key.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import fcntl
import hashlib
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from persona.errors import InputError, OutputPathError
from persona.paths import data_dir

KEY_FILE = "provenance-ed25519.pem"
CHAIN_FILE = "provenance-chain.pem"
ROOT_FILE = "provenance-root.pem"
TRUSTED_DIR = "trusted"
KEY_ENV = "PERSONA_PROVENANCE_KEY"
CERTS_ENV = "PERSONA_PROVENANCE_CERTS"
ORGANIZATION = "Persona Studio"
VALID_DAYS = 3650


def keys_dir() -> Path:
    return data_dir() / "keys"


def key_id_of(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def public_key_b64(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


def public_key_from_b64(text: str) -> Ed25519PublicKey:
    """The public key a signature names; :class:`InputError` when it is not one."""
    try:
        return Ed25519PublicKey.from_public_bytes(base64.b64decode(text, validate=True))
    except (ValueError, TypeError) as exc:
        raise InputError(f"not an Ed25519 public key: {exc}") from exc


@dataclass(frozen=True)
class SigningKey:
    """The key that signs, its certificate chain (PEM, signer first) and root(s)."""

    private: Ed25519PrivateKey
    chain_pem: str
    roots_pem: str

    @property
    def public(self) -> Ed25519PublicKey:
        return self.private.public_key()

    @property
    def key_id(self) -> str:
        return key_id_of(self.public)

    def sign(self, data: bytes) -> bytes:
        return self.private.sign(data)

    def private_pem(self) -> str:
        return _private_pem(self.private)


def _private_pem(key: Ed25519PrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")


def verify_signature(public: Ed25519PublicKey, signature: bytes, data: bytes) -> bool:
    try:
        public.verify(signature, data)
    except InvalidSignature:
        return False
    return True


def signing_key() -> SigningKey:
    """This installation's signing key: the configured one, else the one in
    :func:`keys_dir`, made there the first time."""
    configured = os.environ.get(KEY_ENV)
    if configured:
        return _configured(Path(configured).expanduser(), os.environ.get(CERTS_ENV))
    folder = keys_dir()
    if not (folder / KEY_FILE).is_file():
        with _locked(folder):
            if not (folder / KEY_FILE).is_file():
                _generate(folder)
    return _configured(folder / KEY_FILE, str(folder / CHAIN_FILE), folder / ROOT_FILE)


def existing_signing_key() -> SigningKey | None:
    """:func:`signing_key` when one is configured or already made, else None (checking
    a video makes no key)."""
    if os.environ.get(KEY_ENV) or (keys_dir() / KEY_FILE).is_file():
        return signing_key()
    return None


def trusted_keys(extra: Iterable[Path] = ()) -> dict[str, Ed25519PublicKey]:
    """Key id → public key of every signer trusted here: this installation's own key,
    each key or certificate in ``keys/trusted/``, and the files in ``extra``."""
    keys = {}
    own = existing_signing_key()
    if own is not None:
        keys[own.key_id] = own.public
    for path in [*_trusted_files(), *extra]:
        for public in _public_keys(path):
            keys[key_id_of(public)] = public
    return keys


def trust_anchors(extra: Iterable[Path] = ()) -> str:
    """PEM of the root certificates C2PA manifests are checked against."""
    own = existing_signing_key()
    pems = [own.roots_pem] if own is not None else []
    for path in [*_trusted_files(), *extra]:
        text = _read_text(path)
        if "BEGIN CERTIFICATE" in text:
            pems.append(text)
    return "\n".join(p.strip() for p in pems if p.strip()) + "\n"


def _trusted_files() -> list[Path]:
    folder = keys_dir() / TRUSTED_DIR
    return sorted(folder.glob("*.pem")) if folder.is_dir() else []


def _public_keys(path: Path) -> list[Ed25519PublicKey]:
    """The Ed25519 public keys in a PEM file: public keys or certificates."""
    data = _read_text(path).encode("ascii", "replace")
    try:
        if b"BEGIN CERTIFICATE" in data:
            candidates: list[object] = [
                c.public_key() for c in x509.load_pem_x509_certificates(data)
            ]
        else:
            candidates = [serialization.load_pem_public_key(data)]
    except ValueError as exc:
        raise InputError(f"{path} is not a PEM public key or certificate: {exc}") from exc
    found = [k for k in candidates if isinstance(k, Ed25519PublicKey)]
    if not found:
        raise InputError(f"{path} holds no Ed25519 public key")
    return found


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="ascii", errors="replace")
    except OSError as exc:
        raise InputError(f"cannot read key file {path}: {exc.strerror or exc}") from exc


def _configured(key_path: Path, chain: str | None, root_path: Path | None = None) -> SigningKey:
    try:
        private = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    except OSError as exc:
        raise InputError(f"cannot read signing key {key_path}: {exc.strerror or exc}") from exc
    except (ValueError, TypeError) as exc:
        raise InputError(f"{key_path} is not an unencrypted PEM private key: {exc}") from exc
    if not isinstance(private, Ed25519PrivateKey):
        raise InputError(f"{key_path} is not an Ed25519 key: provenance is signed with Ed25519")
    chain_pem = _read_text(Path(chain).expanduser()) if chain else ""
    roots = _read_text(root_path) if root_path is not None and root_path.is_file() else ""
    if chain_pem and not roots:
        roots = _last_certificate(chain_pem)
    return SigningKey(private, chain_pem, roots)


def _last_certificate(chain_pem: str) -> str:
    certs = x509.load_pem_x509_certificates(chain_pem.encode("ascii", "replace"))
    return certs[-1].public_bytes(serialization.Encoding.PEM).decode("ascii") if certs else ""


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """Only one process makes the key (two workers starting at once would each make one)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle = (folder / ".lock").open("a")
    except OSError as exc:
        raise OutputPathError(f"cannot create {folder}: {exc.strerror or exc}") from exc
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def _generate(folder: Path) -> None:
    """A new signing key, a local root that certifies it, both written to ``folder``."""
    key = Ed25519PrivateKey.generate()
    root_key = Ed25519PrivateKey.generate()
    root = _root_certificate(root_key)
    cert = _signer_certificate(key, root, root_key)
    pem = serialization.Encoding.PEM
    root_pem = root.public_bytes(pem).decode("ascii")
    _write(folder / ROOT_FILE, root_pem, 0o644)
    _write(folder / CHAIN_FILE, cert.public_bytes(pem).decode("ascii") + root_pem, 0o644)
    _write(folder / KEY_FILE, _private_pem(key), 0o600)  # last: it marks the set complete


def _name(common: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, ORGANIZATION),
        ]
    )


def _usage(*, sign: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=sign,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=not sign,
        crl_sign=not sign,
        encipher_only=False,
        decipher_only=False,
    )


def _builder(
    subject: x509.Name, issuer: x509.Name, public: Ed25519PublicKey
) -> x509.CertificateBuilder:
    now = dt.datetime.now(dt.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=VALID_DAYS))
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
    )


def _root_certificate(root_key: Ed25519PrivateKey) -> x509.Certificate:
    name = _name(f"{ORGANIZATION} local root {key_id_of(root_key.public_key())}")
    return (
        _builder(name, name, root_key.public_key())
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_usage(sign=False), critical=True)
        .sign(root_key, None)
    )


def _signer_certificate(
    key: Ed25519PrivateKey, root: x509.Certificate, root_key: Ed25519PrivateKey
) -> x509.Certificate:
    name = _name(f"{ORGANIZATION} signer {key_id_of(key.public_key())}")
    return (
        _builder(name, root.subject, key.public_key())
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_usage(sign=True), critical=True)
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()),
            critical=False,
        )
        .sign(root_key, None)
    )


def _write(path: Path, text: str, mode: int) -> None:
    temp = path.with_name(f".{path.name}.part")
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
        with os.fdopen(fd, "w", encoding="ascii") as out:
            out.write(text)
        os.replace(temp, path)
    except OSError as exc:
        raise OutputPathError(f"cannot write {path}: {exc.strerror or exc}") from exc
