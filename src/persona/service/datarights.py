"""A user's data rights: a copy of everything kept about them, and erasure.

**Export** (:func:`write_export`) writes one ZIP::

    manifest.json        every other entry: path, size, SHA-256 (written last)
    account.json         the user and their API keys (metadata only: never a secret)
    jobs.json            every job: type, state, parameters, result, times
    files.json           every stored file: id, kind, type, size, SHA-256, its path below
    files/...            the stored files themselves (uploads, videos, audio, captions)
    avatars/<id>/...     each avatar's record and model files
    voices/<id>.json     each matched voice
    consents/<id>.json   each consent record the user made
    audit.json           the audit events they acted in or that concern their account
    tables/<name>.json   rows of any other table that belongs to them (projects, ...)

**Delete** (:func:`delete_user`) cancels and deletes their jobs, removes every stored
object (through the :class:`~persona.service.storage.base.Storage` interface, so local
and S3 alike), their avatars with their model files, their voices, API keys, ownership
rows and finally the user row (tables that belong to users follow by ``ON DELETE
CASCADE``). Their consent records are revoked and their free text blanked
(:func:`persona.service.consents.erase_consent`): the bare record (id, kind, given,
revoked) stays as history that the likeness may no longer be used. Audit events stay;
a ``user.delete`` event is added. Database rows go first in the caller's transaction,
files after them; a failure while removing files rolls the rows back, and running it
again finishes the job (removing what is already gone is not an error).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import mimetypes
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Table, delete, select
from sqlalchemy.orm import Session

from persona.errors import ConsentError, InputError
from persona.service import audit
from persona.service.db.base import Base, utcnow
from persona.service.db.models import (
    ApiKey,
    Asset,
    Job,
    OwnedResource,
    ResourceKind,
    User,
)
from persona.service.jobs.states import TERMINAL
from persona.service.ownership import owned_ids
from persona.service.storage.base import Storage
from persona.service.storage.usage import usage_bytes

FORMAT = "persona-export"
VERSION = 1
HANDLED_TABLES = frozenset(
    {"users", "api_keys", "jobs", "assets", "owned_resources", "audit_events"}
)
"""Tables the export writes in their own files; others with a ``user_id`` go to tables/."""


@dataclass(frozen=True)
class ManifestEntry:
    path: str
    size: int
    sha256: str


class ExportWriter:
    """A ZIP being written, remembering each entry's size and SHA-256 for the manifest."""

    def __init__(self, out: IO[bytes]) -> None:
        self.zip = zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=6)
        self.entries: list[ManifestEntry] = []

    def add_json(self, path: str, data: Any) -> None:
        text = json.dumps(data, indent=2, ensure_ascii=False, default=_json_default) + "\n"
        self.add_chunks(path, [text.encode("utf-8")])

    def add_chunks(self, path: str, chunks: Iterable[bytes], *, compress: bool = True) -> None:
        info = zipfile.ZipInfo(path, date_time=utcnow().timetuple()[:6])
        info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
        digest, size = hashlib.sha256(), 0
        with self.zip.open(info, "w", force_zip64=True) as entry:
            for chunk in chunks:
                entry.write(chunk)
                digest.update(chunk)
                size += len(chunk)
        self.entries.append(ManifestEntry(path, size, digest.hexdigest()))

    def close(self, header: dict[str, Any]) -> None:
        """Write ``manifest.json`` (``header`` and every entry) and finish the ZIP."""
        files = [asdict(e) for e in sorted(self.entries, key=lambda e: e.path)]
        self.add_json("manifest.json", {**header, "files": files})
        self.zip.close()


def _json_default(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def _row(obj: Any, table: Table) -> dict[str, Any]:
    return {column.name: getattr(obj, column.key, None) for column in table.columns}


def _file_chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            yield chunk


# ---------------------------------------------------------------------------- export


def write_export(session: Session, storage: Storage, user: User, out: IO[bytes]) -> int:
    """Write the ZIP of everything kept about ``user`` to ``out`` (see the module doc);
    returns the number of entries besides the manifest."""
    writer = ExportWriter(out)
    _export_account(session, user, writer)
    writer.add_json("jobs.json", [_job_dict(j) for j in _jobs(session, user.id)])
    missing = _export_files(session, storage, user, writer)
    _export_avatars(session, user, writer)
    _export_voices(session, user, writer)
    _export_consents(session, user, writer)
    events = session.scalars(audit.events_query(user_id=user.id))
    writer.add_json("audit.json", [audit.event_dict(e) for e in events])
    _export_tables(session, user, writer)
    count = len(writer.entries)
    header = {
        "format": FORMAT,
        "version": VERSION,
        "user_id": user.id,
        "email": user.email,
        "created_at": utcnow().isoformat(),
        "missing": missing,
    }
    writer.close(header)
    return count


def export_to_path(
    session: Session, storage: Storage, user: User, path: str | Path, *, actor: User | str | None
) -> int:
    """:func:`write_export` to the file ``path`` (whole or not at all), audited as
    ``user.export`` by ``actor``; returns the number of entries besides the manifest."""
    target = Path(path)
    if target.suffix.lower() != ".zip":
        raise InputError(f"the export is a ZIP file: name it something.zip, not {target.name}")
    audit.record(session, actor, "user.export", ("user", user.id))
    partial = target.with_name(f".{target.name}.partial")
    try:
        with partial.open("wb") as out:
            count = write_export(session, storage, user, out)
        partial.replace(target)
    except OSError as exc:
        raise InputError(f"cannot write {target}: {exc.strerror or exc}") from exc
    finally:
        with contextlib.suppress(OSError):
            partial.unlink()
    return count


def _export_account(session: Session, user: User, writer: ExportWriter) -> None:
    keys = session.scalars(
        select(ApiKey).where(ApiKey.user_id == user.id).order_by(ApiKey.created_at)
    )
    account = {
        "user": {
            "id": user.id,
            "email": user.email,
            "display_name": user.display_name,
            "role": str(user.role),
            "quota_bytes": user.quota_bytes,
            "usage_bytes": usage_bytes(session, user.id),
            "created_at": user.created_at,
        },
        "api_keys": [
            {
                "id": key.id,
                "prefix": key.prefix,
                "name": key.name,
                "created_at": key.created_at,
                "last_used_at": key.last_used_at,
                "revoked_at": key.revoked_at,
            }
            for key in keys
        ],
    }
    writer.add_json("account.json", account)


def _jobs(session: Session, user_id: str) -> list[Job]:
    query = select(Job).where(Job.user_id == user_id).order_by(Job.created_at, Job.id)
    return list(session.scalars(query))


def _job_dict(job: Job) -> dict[str, Any]:
    data = _row(job, Job.__table__)  # type: ignore[arg-type]
    data.pop("worker_id", None)
    return data


def file_path(user: User, asset: Asset) -> str:
    """Where a stored file goes in the export: its key below the user's own prefix, with
    the extension of its content type when the key has none (uploads: ``asset_….png``)."""
    path = "files/" + asset.storage_key.removeprefix(f"users/{user.id}/")
    if "." in path.rsplit("/", 1)[-1]:
        return path
    return path + (mimetypes.guess_extension(asset.content_type) or "")


def _export_files(
    session: Session, storage: Storage, user: User, writer: ExportWriter
) -> list[str]:
    """Every stored file of the user, and files.json; returns the ids of missing ones."""
    assets = list(
        session.scalars(
            select(Asset).where(Asset.user_id == user.id).order_by(Asset.created_at, Asset.id)
        )
    )
    listing, missing = [], []
    for asset in assets:
        path = file_path(user, asset)
        if not storage.exists(asset.storage_key):
            missing.append(asset.id)
            path = ""
        else:
            compress = asset.content_type.startswith(("text/", "application/json"))
            writer.add_chunks(path, storage.open(asset.storage_key), compress=compress)
        data = _row(asset, Asset.__table__)  # type: ignore[arg-type]
        data.pop("storage_key")
        listing.append({**data, "path": path or None})
    writer.add_json("files.json", listing)
    return missing


def _export_avatars(session: Session, user: User, writer: ExportWriter) -> None:
    from persona.avatar.store import AvatarStore

    store = AvatarStore()
    for avatar_id in owned_ids(session, user, ResourceKind.AVATAR):
        folder = store.root / avatar_id
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            relative = path.relative_to(folder)
            if path.is_file() and not any(p.startswith(".") for p in relative.parts):
                writer.add_chunks(
                    f"avatars/{avatar_id}/{relative.as_posix()}",
                    _file_chunks(path),
                    compress=path.suffix == ".json",
                )


def _export_voices(session: Session, user: User, writer: ExportWriter) -> None:
    from persona.voice.store import find_saved

    for voice_id in owned_ids(session, user, ResourceKind.VOICE):
        with contextlib.suppress(InputError):
            saved = find_saved(voice_id)
            if saved is not None:
                writer.add_json(f"voices/{voice_id}.json", saved.to_dict())


def _export_consents(session: Session, user: User, writer: ExportWriter) -> None:
    from persona.consent import get_consent

    for consent_id in owned_ids(session, user, ResourceKind.CONSENT):
        with contextlib.suppress(ConsentError):
            writer.add_json(f"consents/{consent_id}.json", get_consent(consent_id).to_dict())


def _user_tables() -> list[Table]:
    """Tables other than the handled ones whose rows belong to a user (``user_id``)."""
    return [
        table
        for name, table in sorted(Base.metadata.tables.items())
        if name not in HANDLED_TABLES and "user_id" in table.columns
    ]


def _export_tables(session: Session, user: User, writer: ExportWriter) -> None:
    for table in _user_tables():
        rows = session.execute(select(table).where(table.c.user_id == user.id))
        writer.add_json(f"tables/{table.name}.json", [dict(r._mapping) for r in rows])


# ---------------------------------------------------------------------------- delete


@dataclass(frozen=True)
class DeletionReport:
    """What :func:`delete_user` removed, counted."""

    user_id: str
    jobs: int
    jobs_cancelled: int
    files: int
    bytes: int
    avatars: int
    voices: int
    consents_revoked: int
    api_keys: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def delete_user(
    session: Session, storage: Storage, user: User, actor: User | str | None
) -> DeletionReport:
    """Erase ``user`` and everything of theirs (see the module doc); ``actor`` is who
    asked (the user, an admin, or ``None`` for the CLI). The caller commits."""
    jobs = _jobs(session, user.id)
    running = [job for job in jobs if job.state not in TERMINAL]
    assets = list(session.scalars(select(Asset).where(Asset.user_id == user.id)))
    owned = {kind: owned_ids(session, user, kind) for kind in ResourceKind}
    keys = session.scalars(select(ApiKey.id).where(ApiKey.user_id == user.id)).all()
    report = DeletionReport(
        user_id=user.id,
        jobs=len(jobs),
        jobs_cancelled=len(running),
        files=len(assets),
        bytes=sum(a.size_bytes for a in assets),
        avatars=len(owned[ResourceKind.AVATAR]),
        voices=len(owned[ResourceKind.VOICE]),
        consents_revoked=len(owned[ResourceKind.CONSENT]),
        api_keys=len(keys),
    )
    training = [j.params.get("avatar_id") for j in jobs if j.type == "avatar_training"]
    reserved = [a for a in training if isinstance(a, str)]  # saved once training ends
    _delete_rows(session, user)
    avatars = {**owned, ResourceKind.AVATAR: sorted({*owned[ResourceKind.AVATAR], *reserved})}
    _delete_files(storage, [a.storage_key for a in assets], avatars)
    audit.record(session, actor, "user.delete", ("user", user.id), **report.as_dict())
    return report


def _delete_rows(session: Session, user: User) -> None:
    """Every row of the user, then the user (a running job's worker finds its job gone
    at its next heartbeat and stops)."""
    for model in (Asset, Job, OwnedResource, ApiKey):
        session.execute(
            delete(model)
            .where(model.user_id == user.id)
            .execution_options(synchronize_session=False)
        )
    session.delete(user)
    session.flush()


def _delete_files(storage: Storage, keys: list[str], owned: dict[ResourceKind, list[str]]) -> None:
    from persona.avatar.store import AvatarNotFoundError, AvatarStore
    from persona.consent import get_consent
    from persona.service.consents import erase_consent
    from persona.voice.store import delete_saved

    for key in keys:
        storage.delete(key)
    store = AvatarStore()
    for avatar_id in owned[ResourceKind.AVATAR]:
        with contextlib.suppress(AvatarNotFoundError):
            store.delete(avatar_id)
    for voice_id in owned[ResourceKind.VOICE]:
        with contextlib.suppress(InputError):  # already gone
            delete_saved(voice_id)
    for consent_id in owned[ResourceKind.CONSENT]:
        with contextlib.suppress(ConsentError):
            erase_consent(get_consent(consent_id))
