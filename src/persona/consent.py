"""Consent records: nothing is made from a person's voice or face without one.

A :class:`ConsentRecord` says who is heard or seen (``subject``), who uploaded the
material (``uploader``), what the subject agreed to in their own words (``statement``)
and for what (``purpose``), and when. It serves every kind of likeness: ``kind`` is
``"voice"`` for a matched voice, ``"avatar"`` for a photo or video avatar.

Records live as JSON files under ``data_dir() / "consent" / <id>.json`` and are written
atomically. They are never deleted: revoking one stamps ``revoked_at``, which keeps the
history of what was allowed and when, and disables everything made under it for new
work (a matched voice then refuses to load, see :mod:`persona.voice.store`).

    new_consent(...) → ConsentRecord ─save_consent→ consent/<id>.json
    consent_from_options(kind, consent_id | subject, statement, ...) → the one a command names
    get_consent(id) / list_consents(kind) / revoke_consent(id) / require_consent(id, kind)
"""

from __future__ import annotations

import getpass
import json
import os
import re
import secrets
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from persona.errors import ConsentError
from persona.paths import data_dir, write_json_atomic

KINDS: tuple[str, ...] = ("voice", "avatar")
"""What a consent can cover: a voice (matching) or a face (photo and video avatars)."""
FOLDER = "consent"
_ID = re.compile(r"^cs_[0-9a-f]{12}$")
MAX_FIELD = 2000
"""Longest subject, uploader, statement or purpose accepted, in characters."""


def now_iso() -> str:
    """The current UTC time as ISO-8601 with a ``Z``, to the second."""
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


@dataclass(frozen=True)
class ConsentRecord:
    """One person's consent to have their likeness of ``kind`` used for ``purpose``.

    Times are UTC ISO-8601 strings (``2025-01-31T12:00:00Z``); ``revoked_at`` is None
    while the consent holds.
    """

    id: str
    kind: str
    subject: str
    uploader: str
    statement: str
    purpose: str
    created_at: str
    revoked_at: str | None = None

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ConsentRecord:
        """The record stored as ``data``; raises :class:`ConsentError` when it is not one."""
        try:
            record = cls(**{name: data[name] for name in _FIELDS if name in data})
        except TypeError as exc:
            raise ConsentError(f"not a consent record: {exc}") from exc
        for name in _FIELDS[:-1]:
            if not isinstance(getattr(record, name), str):
                raise ConsentError(f"not a consent record: {name} is not text")
        return record


_FIELDS = ("id", "kind", "subject", "uploader", "statement", "purpose", "created_at", "revoked_at")


def folder() -> Path:
    return data_dir() / FOLDER


USER_ENV = "PERSONA_USER"
"""Who is using Persona Studio on this machine, when not the operating-system user's name."""


def default_uploader() -> str:
    """Who is at the command line: ``$PERSONA_USER`` when set (a full name, say), else the
    operating-system user ("unknown" if it has none). Consent records made here name them
    as the uploader, and they are the requester when a render asks to drop the label."""
    named = " ".join(os.environ.get(USER_ENV, "").split())
    if named:
        return named
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name in the environment or the password file
        return "unknown"


def new_consent(
    kind: str, subject: str, statement: str, purpose: str, uploader: str | None = None
) -> ConsentRecord:
    """A new, unsaved consent record, its fields checked (:class:`ConsentError` names the
    first one that is missing or unusable). ``uploader`` defaults to the OS user."""
    if kind not in KINDS:
        raise ConsentError(f"consent kind must be one of {', '.join(KINDS)}, not {kind!r}")
    fields = {
        "subject": (subject, "who is speaking or shown (--subject)"),
        "statement": (statement, "the subject's own consent statement (--statement)"),
        "purpose": (purpose, "what the likeness may be used for (--purpose)"),
        "uploader": (default_uploader() if uploader is None else uploader, "who uploads it"),
    }
    clean: dict[str, str] = {}
    for name, (value, meaning) in fields.items():
        text = " ".join(str(value).split())
        if not text:
            raise ConsentError(f"consent needs a {name}: {meaning}")
        if len(text) > MAX_FIELD:
            raise ConsentError(f"consent {name} is too long ({len(text)} > {MAX_FIELD} chars)")
        clean[name] = text
    return ConsentRecord(id=f"cs_{secrets.token_hex(6)}", kind=kind, created_at=now_iso(), **clean)


DEFAULT_PURPOSES = {
    "avatar": "videos made with Persona Studio",
    "voice": "speech made with Persona Studio",
}
"""The purpose a command-line consent gets when none is given."""


def consent_from_options(
    kind: str,
    *,
    consent_id: str | None = None,
    subject: str | None = None,
    statement: str | None = None,
    purpose: str | None = None,
    uploader: str | None = None,
) -> ConsentRecord:
    """The consent a command's options name: the stored record ``consent_id`` (checked
    to cover ``kind`` and to hold), or a new, unsaved record from ``subject`` and
    ``statement`` (``purpose`` defaults to :data:`DEFAULT_PURPOSES`). Neither, or both,
    is a :class:`ConsentError` that says what to give."""
    inline = [v for v in (subject, statement, purpose, uploader) if v is not None]
    if consent_id is not None:
        if inline:
            raise ConsentError(
                "give either --consent ID or --subject/--statement/--purpose/--uploader"
            )
        return require_consent(consent_id, kind)
    if not inline:
        raise ConsentError(
            f"{'an' if kind[:1] in 'aeiou' else 'a'} {kind} made from a real person needs "
            "their consent: give --consent ID "
            "(`persona consent create` makes one) or --subject NAME --statement TEXT"
        )
    if kind not in KINDS:
        raise ConsentError(f"consent kind must be one of {', '.join(KINDS)}, not {kind!r}")
    return new_consent(
        kind, subject or "", statement or "", purpose or DEFAULT_PURPOSES[kind], uploader
    )


def save_consent(record: ConsentRecord) -> Path:
    """Store ``record`` (replacing an earlier state of it) and return its file."""
    path = _path(record.id)
    write_json_atomic(path, record.to_dict())
    return path


def create_consent(
    kind: str, subject: str, statement: str, purpose: str, uploader: str | None = None
) -> ConsentRecord:
    """:func:`new_consent`, saved."""
    record = new_consent(kind, subject, statement, purpose, uploader)
    save_consent(record)
    return record


def get_consent(consent_id: str) -> ConsentRecord:
    """The stored record ``consent_id``; :class:`ConsentError` when there is none."""
    path = _path(consent_id)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConsentError(
            f"no consent record {consent_id!r}: `persona consent list` shows them"
        ) from None
    except (OSError, ValueError) as exc:
        raise ConsentError(f"consent record {consent_id!r} is unreadable: {exc}") from exc
    if not isinstance(data, dict):
        raise ConsentError(f"consent record {consent_id!r} is unreadable: not a JSON object")
    return ConsentRecord.from_dict(data)


def list_consents(kind: str | None = None) -> tuple[ConsentRecord, ...]:
    """Every stored record (of ``kind`` only, when given), oldest first."""
    if not folder().is_dir():
        return ()
    records = [get_consent(p.stem) for p in folder().glob("cs_*.json") if _ID.match(p.stem)]
    chosen = [r for r in records if kind is None or r.kind == kind]
    return tuple(sorted(chosen, key=lambda r: (r.created_at, r.id)))


def revoke_consent(consent_id: str) -> ConsentRecord:
    """Mark ``consent_id`` revoked now and return the new state. Revoking twice keeps
    the first time."""
    record = get_consent(consent_id)
    if record.revoked:
        return record
    revoked = replace(record, revoked_at=now_iso())
    save_consent(revoked)
    return revoked


def require_consent(consent_id: str, kind: str) -> ConsentRecord:
    """The record ``consent_id`` if it covers ``kind`` and is not revoked; otherwise a
    :class:`ConsentError` that says why."""
    record = get_consent(consent_id)
    check_usable(record, kind)
    return record


def check_usable(record: ConsentRecord, kind: str) -> None:
    """Raise :class:`ConsentError` unless ``record`` covers ``kind`` and still holds."""
    if record.kind != kind:
        raise ConsentError(f"consent {record.id} covers {record.kind!r} use, not {kind!r}")
    if record.revoked:
        raise ConsentError(
            f"consent {record.id} ({record.subject}) was revoked on {record.revoked_at}: "
            f"it can no longer be used"
        )


def _path(consent_id: str) -> Path:
    if not _ID.match(consent_id.strip()):
        raise ConsentError(f"{consent_id!r} is not a consent id (they look like cs_0123456789ab)")
    return folder() / f"{consent_id.strip()}.json"
