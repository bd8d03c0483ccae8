"""The audit log: one row in ``audit_events`` for every action worth accounting for.

    record(session, actor, "avatar.create", ("avatar", "av_…"), name="Eileen")

``actor`` is the user who acted (or their id), ``None`` for the system and the admin
CLI. The request id (``X-Request-ID``, from :mod:`persona.service.logs`) and the client's
address (set by :class:`AuditContextMiddleware`) are added by themselves. The event joins
the caller's transaction: it is written when, and only if, the action commits.

Actions are ``<resource>.<verb>``: ``job.create``, ``avatar.create``, ``avatar.delete``,
``voice.clone``, ``consent.create``, ``consent.revoke``, ``key.create``, ``key.revoke``,
``user.export``, ``user.delete``, ``login``, ``admin.user.update``.

Events outlive accounts: ``actor_id`` is plain text without a foreign key, so deleting a
user keeps the history of what they did (and that they were deleted). A user's own
events are those they acted in and those about their account (``resource`` ``("user",
id)``): :func:`events_query`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from contextvars import ContextVar
from datetime import datetime
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session
from starlette.types import ASGIApp, Receive, Scope, Send

from persona.service.db.base import utcnow
from persona.service.db.models import AuditEvent, User
from persona.service.logs import request_id_var

ACTIONS = frozenset(
    {
        "job.create",
        "avatar.create",
        "avatar.delete",
        "voice.clone",
        "consent.create",
        "consent.revoke",
        "key.create",
        "key.revoke",
        "user.export",
        "user.delete",
        "login",
        "admin.user.update",
    }
)
"""The actions the service records; others may be added (``<resource>.<verb>``)."""
MAX_DETAILS_CHARS = 4000
client_ip_var: ContextVar[str | None] = ContextVar("persona_client_ip", default=None)

Resource = tuple[str, str] | None
"""``(kind, id)`` of what was acted on, e.g. ``("job", "job_…")``; ``None`` for none."""


def record(
    session: Session,
    actor: User | str | None,
    action: str,
    resource: Resource = None,
    **details: Any,
) -> AuditEvent:
    """Add an event to ``session`` (flushed, not committed: it commits with the action)."""
    actor_id = actor.id if isinstance(actor, User) else actor
    kind, resource_id = resource if resource is not None else (None, None)
    event = AuditEvent(
        time=utcnow(),
        actor_id=actor_id,
        action=action,
        resource_kind=kind,
        resource_id=resource_id,
        request_id=request_id_var.get(),
        client_ip=client_ip_var.get(),
        details=_plain(details),
    )
    session.add(event)
    session.flush()
    return event


def _plain(details: Mapping[str, Any]) -> dict[str, Any]:
    """``details`` as JSON-safe values (anything else as text), cut when too long."""
    data: dict[str, Any] = json.loads(json.dumps(dict(details), default=str))
    if len(json.dumps(data)) > MAX_DETAILS_CHARS:
        return {"truncated": json.dumps(data)[:MAX_DETAILS_CHARS]}
    return data


def events_query(
    *,
    user_id: str | None = None,
    action: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> Select[AuditEvent]:
    """Events newest first, narrowed by who (acting, or the account acted on), what
    (an action, or a prefix ending in ``.`` such as ``consent.``) and when
    (``since`` inclusive, ``until`` exclusive)."""
    query = select(AuditEvent)
    if user_id is not None:
        about_user = (AuditEvent.resource_kind == "user") & (AuditEvent.resource_id == user_id)
        query = query.where(or_(AuditEvent.actor_id == user_id, about_user))
    if action:
        if action.endswith("."):
            query = query.where(AuditEvent.action.startswith(action, autoescape=True))
        else:
            query = query.where(AuditEvent.action == action)
    if since is not None:
        query = query.where(AuditEvent.time >= since)
    if until is not None:
        query = query.where(AuditEvent.time < until)
    return query.order_by(AuditEvent.time.desc(), AuditEvent.id.desc())


def event_dict(event: AuditEvent) -> dict[str, Any]:
    """An event as plain JSON data (exports and the API)."""
    return {
        "id": event.id,
        "time": event.time.isoformat(),
        "actor_id": event.actor_id,
        "action": event.action,
        "resource_kind": event.resource_kind,
        "resource_id": event.resource_id,
        "request_id": event.request_id,
        "client_ip": event.client_ip,
        "details": event.details,
    }


class AuditContextMiddleware:
    """Remembers the client's address for the events a request records."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        token = client_ip_var.set(str(client[0]) if client else None)
        try:
            await self.app(scope, receive, send)
        finally:
            client_ip_var.reset(token)
