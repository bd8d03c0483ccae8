"""Per-user storage accounting: what a user stores counts against their quota.

Usage is the sum of the user's asset sizes. :func:`store_asset` streams an upload with a
limit of ``min(upload limit, quota left)``, so an upload that would overflow the quota
stops as soon as it does, then records the asset while holding the user's row lock
(PostgreSQL; SQLite has one writer at a time), so two uploads racing for the last bytes
cannot both win. If the record cannot be written the stored object is removed.
"""

from __future__ import annotations

import contextlib

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from persona.service.db.base import new_id, utcnow
from persona.service.db.models import Asset, User
from persona.service.errors import NotFoundError, QuotaExceededError, TooLargeError
from persona.service.storage.base import Source, Storage


def format_bytes(size: int) -> str:
    """``1536`` → ``"1.5 KiB"``."""
    value = float(size)
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{size} bytes" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


def usage_bytes(session: Session, user_id: str) -> int:
    total = session.scalar(
        select(func.coalesce(func.sum(Asset.size_bytes), 0)).where(Asset.user_id == user_id)
    )
    return int(total or 0)


def remaining_bytes(session: Session, user: User) -> int:
    return max(0, user.quota_bytes - usage_bytes(session, user.id))


def _quota_error(user: User, left: int) -> QuotaExceededError:
    return QuotaExceededError(
        f"storing this would exceed your storage quota of {format_bytes(user.quota_bytes)} "
        f"({format_bytes(left)} left): delete some files first"
    )


def store_asset(
    session: Session,
    storage: Storage,
    user: User,
    source: Source,
    *,
    kind: str,
    max_bytes: int,
    content_type: str = "application/octet-stream",
    job_id: str | None = None,
) -> Asset:
    """Store an upload or a result for ``user`` and record it. :class:`TooLargeError`
    over ``max_bytes`` (the upload limit), :class:`QuotaExceededError` over the quota."""
    left = remaining_bytes(session, user)
    asset_id = new_id("asset")
    key = f"users/{user.id}/{asset_id}"
    try:
        stored = storage.put(key, source, max_bytes=min(max_bytes, left), content_type=content_type)
    except TooLargeError:
        if left < max_bytes:
            raise _quota_error(user, left) from None
        raise TooLargeError(
            f"the upload is larger than the limit of {format_bytes(max_bytes)}"
        ) from None
    try:
        session.execute(select(User.id).where(User.id == user.id).with_for_update())
        left = remaining_bytes(session, user)
        if stored.size > left:
            raise _quota_error(user, left)
        asset = Asset(
            id=asset_id,
            user_id=user.id,
            job_id=job_id,
            kind=kind,
            storage_key=key,
            size_bytes=stored.size,
            content_type=content_type,
            sha256=stored.sha256,
            created_at=utcnow(),
        )
        session.add(asset)
        session.flush()
    except BaseException:
        with contextlib.suppress(Exception):
            storage.delete(key)
        raise
    return asset


def delete_asset(session: Session, storage: Storage, asset_id: str, *, user_id: str) -> None:
    """Forget the asset and remove its object; another user's asset is not found."""
    asset = session.get(Asset, asset_id)
    if asset is None or asset.user_id != user_id:
        raise NotFoundError(f"no file {asset_id!r}")
    session.delete(asset)
    session.flush()
    storage.delete(asset.storage_key)
