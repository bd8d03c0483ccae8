"""Your data, and the audit log:

    GET    /api/v1/me/export              a ZIP of everything kept about you (manifest with
                                          SHA-256 of every entry; see persona.service.datarights)
    DELETE /api/v1/me                     delete your account and all of it:
                                          body {"confirm": "<your email>"}
    GET    /api/v1/me/audit               the audit events you acted in or that concern you
    GET    /api/v1/admin/audit            every event (admins): ?user_id=&action=&since=&until=
    DELETE /api/v1/admin/users/{user_id}  delete a user and all of theirs (admins)

``action`` filters by one action (``consent.revoke``) or a family ending in a dot
(``consent.``); ``since`` (inclusive) and ``until`` (exclusive) are ISO-8601 times.
Pages hold ``limit`` events (at most 200) from ``offset``, newest first.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from persona.errors import InputError
from persona.service import audit
from persona.service import datarights as rights
from persona.service.api.deps import AdminUser, CurrentUser, SessionDep, StorageDep
from persona.service.api.schemas_datarights import (
    AuditEventPublic,
    AuditList,
    DeleteAccount,
    DeletionPublic,
)
from persona.service.db.models import User
from persona.service.errors import NotFoundError
from persona.service.storage.base import Storage

router = APIRouter(prefix="/api/v1", tags=["data rights"])
MAX_PAGE = 200
CHUNK_BYTES = 1 << 20
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE)]
Offset = Annotated[int, Query(ge=0)]


def export_file(session: Session, storage: Storage, user: User) -> Path:
    """The export ZIP of ``user`` in a temporary file (the caller removes it)."""
    handle, name = tempfile.mkstemp(prefix="persona-export-", suffix=".zip")
    try:
        with os.fdopen(handle, "wb") as out:
            rights.write_export(session, storage, user, out)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(name)
        raise
    return Path(name)


def _stream_and_remove(path: Path) -> Iterator[bytes]:
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(CHUNK_BYTES):
                yield chunk
    finally:
        with contextlib.suppress(OSError):
            path.unlink()


@router.get(
    "/me/export",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/zip": {}}}},
)
def export_me(user: CurrentUser, session: SessionDep, storage: StorageDep) -> StreamingResponse:
    """Everything kept about you, as one ZIP (its manifest lists every entry's SHA-256)."""
    audit.record(session, user, "user.export", ("user", user.id))
    path = export_file(session, storage, user)
    session.commit()
    session.close()
    filename = f"persona-export-{user.id}.zip"
    return StreamingResponse(
        _stream_and_remove(path),
        media_type="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Content-Length": str(path.stat().st_size),
        },
    )


@router.delete("/me", response_model=DeletionPublic)
def delete_me(
    body: DeleteAccount, user: CurrentUser, session: SessionDep, storage: StorageDep
) -> DeletionPublic:
    """Delete your account, files, jobs, avatars, voices and keys; your consent records
    are revoked and their text blanked. ``confirm`` must be your email."""
    if body.confirm.strip().lower() != user.email.lower():
        raise InputError('to delete your account, send {"confirm": "<your email>"}')
    report = rights.delete_user(session, storage, user, user.id)
    session.commit()
    return DeletionPublic(**report.as_dict())


@router.delete("/admin/users/{user_id}", response_model=DeletionPublic)
def delete_user(
    user_id: str, admin: AdminUser, session: SessionDep, storage: StorageDep
) -> DeletionPublic:
    """Delete a user and everything of theirs (as ``DELETE /me`` does)."""
    target = session.get(User, user_id)
    if target is None:
        raise NotFoundError(f"no user {user_id!r}")
    report = rights.delete_user(session, storage, target, admin.id)
    session.commit()
    return DeletionPublic(**report.as_dict())


def _page(
    session: Session,
    limit: int,
    offset: int,
    *,
    user_id: str | None,
    action: str | None,
    since: datetime | None,
    until: datetime | None,
) -> AuditList:
    since, until = _aware(since), _aware(until)
    query = audit.events_query(user_id=user_id, action=action, since=since, until=until)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.limit(limit).offset(offset))
    items = [AuditEventPublic.model_validate(audit.event_dict(e)) for e in rows]
    return AuditList(items=items, total=total, limit=limit, offset=offset)


def _aware(moment: datetime | None) -> datetime | None:
    """A time without a zone is read as UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


@router.get("/me/audit", response_model=AuditList)
def my_audit(
    user: CurrentUser,
    session: SessionDep,
    action: Annotated[str | None, Query(max_length=64)] = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> AuditList:
    """Events you acted in, and those about your account, newest first."""
    return _page(session, limit, offset, user_id=user.id, action=action, since=since, until=until)


@router.get("/admin/audit", response_model=AuditList)
def admin_audit(
    _admin: AdminUser,
    session: SessionDep,
    user_id: Annotated[str | None, Query(max_length=32)] = None,
    action: Annotated[str | None, Query(max_length=64)] = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> AuditList:
    """Every event (of ``user_id`` only, acting or acted on, when given), newest first."""
    return _page(session, limit, offset, user_id=user_id, action=action, since=since, until=until)
