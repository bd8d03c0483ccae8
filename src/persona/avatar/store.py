"""Saved avatars, versioned: every edit makes a new version and old ones stay readable.

Layout under ``data_dir() / "avatars"``::

    <avatar id>/
        avatar.json        the record: id, name, kind, consent id, versions
        files/<sha256>.<ext>  uploaded media, named by content (versions share them)

An avatar's ``kind`` is ``photo`` (a portrait), ``creator`` (an illustrated avatar
described by a JSON spec) or ``video``. Each :class:`AvatarVersion` holds the ``source``
that rebuilds the avatar exactly: the spec itself, or the name of a stored file and the
options used with it. A render records ``id@version``, so a video keeps the version it
was made with even after later edits.

Writes are atomic: a new avatar is assembled in a hidden directory and renamed into
place, and the record is replaced with ``os.replace``; a failure leaves nothing behind.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from persona.consent import now_iso
from persona.errors import InputError
from persona.paths import data_dir, write_json_atomic

KINDS = ("photo", "creator", "video")
RECORD = "avatar.json"
SCHEMA = 1
_ID = re.compile(r"^av_[0-9a-f]{12}$")
_REF = re.compile(r"^(av_[0-9a-f]{12})(?:@(\d+))?$")


class AvatarNotFoundError(InputError):
    """No saved avatar (or version) with that id."""


@dataclass(frozen=True)
class AvatarVersion:
    """One state of an avatar. ``source`` rebuilds it; ``note`` says what changed."""

    version: int
    created_at: str
    source: Mapping[str, Any]
    note: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "created_at": self.created_at,
            "note": self.note,
            "source": dict(self.source),
        }

    @staticmethod
    def from_dict(data: Mapping[str, Any]) -> AvatarVersion:
        return AvatarVersion(
            version=int(data["version"]),
            created_at=str(data["created_at"]),
            source=dict(data["source"]),
            note=str(data.get("note", "")),
        )


@dataclass(frozen=True)
class AvatarRecord:
    id: str
    name: str
    kind: str
    created_at: str
    versions: tuple[AvatarVersion, ...]
    consent_id: str | None = None
    owner: str | None = None
    meta: Mapping[str, Any] = field(default_factory=dict)

    @property
    def latest(self) -> AvatarVersion:
        return self.versions[-1]

    def version(self, number: int | None = None) -> AvatarVersion:
        """Version ``number`` (the latest when ``None``)."""
        if number is None:
            return self.latest
        for v in self.versions:
            if v.version == number:
                return v
        raise AvatarNotFoundError(
            f"avatar {self.id} has no version {number} (versions 1..{self.latest.version})"
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "id": self.id,
            "name": self.name,
            "kind": self.kind,
            "created_at": self.created_at,
            "consent_id": self.consent_id,
            "owner": self.owner,
            "meta": dict(self.meta),
            "versions": [v.as_dict() for v in self.versions],
        }

    @staticmethod
    def from_dict(data: Mapping[str, Any]) -> AvatarRecord:
        return AvatarRecord(
            id=str(data["id"]),
            name=str(data["name"]),
            kind=str(data["kind"]),
            created_at=str(data["created_at"]),
            versions=tuple(AvatarVersion.from_dict(v) for v in data["versions"]),
            consent_id=data.get("consent_id"),
            owner=data.get("owner"),
            meta=dict(data.get("meta") or {}),
        )


def new_avatar_id() -> str:
    """A fresh avatar id (``av_`` + 12 hex digits), e.g. to reserve before training."""
    return "av_" + secrets.token_hex(6)


def parse_ref(ref: str) -> tuple[str, int | None] | None:
    """``"av_…"`` or ``"av_…@3"`` → (id, version); anything else → ``None``."""
    match = _REF.match(ref.strip())
    if match is None:
        return None
    return match.group(1), int(match.group(2)) if match.group(2) else None


class AvatarStore:
    """Saved avatars under ``root`` (default ``data_dir() / "avatars"``)."""

    def __init__(self, root: str | Path | None = None) -> None:
        self.root = Path(root) if root is not None else data_dir() / "avatars"

    # ------------------------------------------------------------------ reading

    def ids(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.iterdir() if _ID.match(p.name))

    def list(self) -> list[AvatarRecord]:
        records = [self.get(i) for i in self.ids()]
        return sorted(records, key=lambda r: (r.created_at, r.id))

    def get(self, avatar_id: str) -> AvatarRecord:
        if not _ID.match(avatar_id):
            raise AvatarNotFoundError(f"{avatar_id!r} is not an avatar id (they look like av_…)")
        path = self.root / avatar_id / RECORD
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise AvatarNotFoundError(f"no saved avatar {avatar_id}") from None
        except (OSError, ValueError) as exc:
            raise InputError(f"avatar {avatar_id} is damaged: {exc}") from exc
        return AvatarRecord.from_dict(data)

    def file(self, record: AvatarRecord, name: str) -> Path:
        """Path of a stored media file of ``record`` (named in a version's source)."""
        path = self.root / record.id / "files" / Path(name).name
        if not path.is_file():
            raise InputError(f"avatar {record.id} is missing its file {name}")
        return path

    # ------------------------------------------------------------------ writing

    def create(
        self,
        *,
        name: str,
        kind: str,
        source: Mapping[str, Any],
        files: Mapping[str, Path] | None = None,
        consent_id: str | None = None,
        owner: str | None = None,
        meta: Mapping[str, Any] | None = None,
        avatar_id: str | None = None,
    ) -> AvatarRecord:
        """Save a new avatar with version 1 (under ``avatar_id`` when one was reserved
        with :func:`new_avatar_id`; an id that is taken is refused).

        ``files`` maps a role ("photo", "video") to a file to copy in; each is stored
        under its content hash and ``source[role]`` is set to that stored name.
        """
        if kind not in KINDS:
            raise InputError(f"unknown avatar kind {kind!r}; expected one of {', '.join(KINDS)}")
        name = _clean_name(name)
        self.root.mkdir(parents=True, exist_ok=True)
        if avatar_id is None:
            avatar_id = new_avatar_id()
        elif not _ID.match(avatar_id):
            raise InputError(f"{avatar_id!r} is not an avatar id (they look like av_…)")
        if (self.root / avatar_id).exists():
            raise InputError(f"avatar id {avatar_id} is taken")
        staging = Path(tempfile.mkdtemp(prefix=f".{avatar_id}.", dir=self.root))
        try:
            source = dict(source)
            for role, path in (files or {}).items():
                source[role] = _store_file(staging / "files", path)
            created = now_iso()
            record = AvatarRecord(
                id=avatar_id,
                name=name,
                kind=kind,
                created_at=created,
                versions=(AvatarVersion(1, created, source, "created"),),
                consent_id=consent_id,
                owner=owner,
                meta=dict(meta or {}),
            )
            write_json_atomic(staging / RECORD, record.as_dict())
            os.rename(staging, self.root / avatar_id)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        return record

    def add_version(
        self,
        avatar_id: str,
        source: Mapping[str, Any],
        *,
        note: str = "edited",
        files: Mapping[str, Path] | None = None,
    ) -> AvatarRecord:
        """Append a version whose ``source`` replaces the latest one's (old versions stay)."""
        with self._locked(avatar_id):
            record = self.get(avatar_id)
            source = dict(source)
            for role, path in (files or {}).items():
                source[role] = _store_file(self.root / avatar_id / "files", path)
            version = AvatarVersion(record.latest.version + 1, now_iso(), source, note)
            record = replace(record, versions=(*record.versions, version))
            write_json_atomic(self.root / avatar_id / RECORD, record.as_dict())
        return record

    def rename(self, avatar_id: str, name: str) -> AvatarRecord:
        with self._locked(avatar_id):
            record = replace(self.get(avatar_id), name=_clean_name(name))
            write_json_atomic(self.root / avatar_id / RECORD, record.as_dict())
        return record

    def delete(self, avatar_id: str) -> None:
        """Remove the avatar and its files (videos made with it keep their own copy)."""
        self.get(avatar_id)  # a clear error for an unknown id
        target = self.root / avatar_id
        trash = self.root / f".deleted.{avatar_id}.{secrets.token_hex(3)}"
        os.rename(target, trash)  # atomic: the avatar is gone at once, then cleaned up
        shutil.rmtree(trash, ignore_errors=True)

    @contextmanager
    def _locked(self, avatar_id: str) -> Iterator[None]:
        import fcntl

        self.get(avatar_id)
        with open(self.root / avatar_id / ".lock", "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


def _clean_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise InputError("an avatar needs a name")
    if len(name) > 80:
        raise InputError(f"avatar name too long ({len(name)} characters, at most 80)")
    return name


def _store_file(directory: Path, path: Path) -> str:
    """Copy ``path`` into ``directory`` under its content hash; return the stored name."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    name = digest.hexdigest() + path.suffix.lower()
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / name
    if not target.exists():
        partial = directory / f".{name}.partial"
        shutil.copyfile(path, partial)
        os.replace(partial, target)
    return name
