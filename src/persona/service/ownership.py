"""Who owns what lives outside the database: saved avatars (``av_…``, kept by
:class:`persona.avatar.store.AvatarStore`) and saved voices. Every such resource made
through the service is recorded here; another user's resource is reported as not found
(admins see and manage everything, but make videos and speech only with their own)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from persona.service.db.base import utcnow
from persona.service.db.models import OwnedResource, ResourceKind, User
from persona.service.errors import ConflictError, NotFoundError


def record_owner(session: Session, user: User, kind: ResourceKind, resource_id: str) -> None:
    """Record that ``user`` owns ``resource_id``; :class:`ConflictError` if someone does."""
    session.add(
        OwnedResource(kind=kind, resource_id=resource_id, user_id=user.id, created_at=utcnow())
    )
    try:
        session.flush()
    except IntegrityError as exc:
        raise ConflictError(f"{kind} {resource_id} already has an owner") from exc


def owned_ids(session: Session, user: User, kind: ResourceKind) -> list[str]:
    """The ids of ``user``'s resources of this kind, oldest first."""
    query = select(OwnedResource.resource_id).where(
        OwnedResource.user_id == user.id, OwnedResource.kind == kind
    )
    return list(session.scalars(query.order_by(OwnedResource.created_at)))


def require_owner(
    session: Session, user: User, kind: ResourceKind, resource_id: str, *, to_use: bool = False
) -> None:
    """Pass when ``user`` owns the resource (or is an admin); else :class:`NotFoundError`,
    so that other users' ids are not revealed. ``to_use``: the resource is about to be
    rendered or spoken with (a person's face or voice), which only its owner may do,
    admins included."""
    record = session.get(OwnedResource, (kind, resource_id))
    if record is None or (record.user_id != user.id and (to_use or not user.is_admin)):
        raise NotFoundError(f"no {kind} {resource_id!r}")


def forget_owner(session: Session, kind: ResourceKind, resource_id: str) -> None:
    """Drop the record after the resource itself was deleted."""
    record = session.get(OwnedResource, (kind, resource_id))
    if record is not None:
        session.delete(record)
        session.flush()
