"""Request and response shapes of the consent, audit and data-rights routes
(``/consents``, ``/me``, ``/admin/audit``, ``/admin/users/{id}``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from persona.consent import MAX_FIELD


class ConsentCreate(BaseModel):
    """A person's consent to have their likeness used; the uploader is you."""

    kind: Literal["voice", "avatar"]
    subject: str = Field(min_length=1, max_length=MAX_FIELD, description="who is heard or seen")
    statement: str = Field(
        min_length=1, max_length=MAX_FIELD, description="their consent, in their own words"
    )
    purpose: str = Field(
        min_length=1, max_length=MAX_FIELD, description="what the likeness may be used for"
    )


class ConsentPublic(BaseModel):
    id: str
    kind: str
    subject: str
    uploader: str
    statement: str
    purpose: str
    created_at: str
    revoked_at: str | None
    revoked: bool
    avatars: list[str] = Field(default_factory=list)
    """Your avatars made under this consent (disabled for new videos once revoked)."""
    voices: list[str] = Field(default_factory=list)
    """Your matched voices made under this consent (disabled once revoked)."""


class ConsentList(BaseModel):
    consents: list[ConsentPublic]


class DeleteAccount(BaseModel):
    """``DELETE /me``: type your email to confirm."""

    confirm: str = Field(max_length=320, examples=["you@example.com"])


class DeletionPublic(BaseModel):
    """What was deleted."""

    user_id: str
    jobs: int
    jobs_cancelled: int
    files: int
    bytes: int
    avatars: int
    voices: int
    consents_revoked: int
    api_keys: int


class AuditEventPublic(BaseModel):
    id: int
    time: datetime
    actor_id: str | None
    action: str
    resource_kind: str | None
    resource_id: str | None
    request_id: str | None
    client_ip: str | None
    details: dict[str, Any]


class AuditList(BaseModel):
    items: list[AuditEventPublic]
    total: int
    limit: int
    offset: int
