"""The service's tables. Every resource belongs to a user; deleting a user deletes theirs.

users               email (unique), role, scrypt password hash, storage quota
api_keys            prefix shown to people + sha256 of the secret; revocable
jobs                one unit of work: type, state, priority, lease, attempts, result
assets              stored files: storage key, size, sha256 (quota usage sums these)
owned_resources     which user owns an avatar (av_…) or a saved voice
webhook_deliveries  each attempt to tell a job's webhook about an event
job_reviews         moderation findings on a job, and an admin's decision on a held job
flagged_resources   avatars and voices named after public figures
audit_events        who did what and when (kept after a user is deleted)
projects            the web studio's saved scripts and settings
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from persona.service.db.base import Base, UTCDateTime, new_id, str_enum, utcnow
from persona.service.jobs.states import JobState, JobType, Priority


class Role(StrEnum):
    USER = "user"
    ADMIN = "admin"


class ResourceKind(StrEnum):
    AVATAR = "avatar"
    VOICE = "voice"
    CONSENT = "consent"  # a consent record made through the API


def _owner() -> Mapped[str]:
    return mapped_column(String(32), ForeignKey("users.id", ondelete="CASCADE"), index=True)


class User(Base):
    __tablename__ = "users"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=lambda: new_id("usr"))
    email: Mapped[str] = mapped_column(String(320), unique=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[Role] = mapped_column(str_enum(Role, 16), default=Role.USER)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    """``scrypt$n$r$p$salt$hash`` (base64), or ``None`` for a user who signs in by key only."""
    quota_bytes: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    webhook_secret: Mapped[str | None] = mapped_column(String(128))
    """Signs the webhooks of this user's jobs; ``None``: the service's secret does."""
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """Set by an admin: a disabled user's credentials are refused (403)."""

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN


class ApiKey(Base):
    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=lambda: new_id("key"))
    user_id: Mapped[str] = _owner()
    prefix: Mapped[str] = mapped_column(String(16), index=True)
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Job(Base):
    __tablename__ = "jobs"
    __table_args__ = (
        UniqueConstraint("user_id", "idempotency_key"),
        Index("ix_jobs_queue", "state", "priority", "created_at"),
        Index("ix_jobs_lease", "state", "lease_until"),
        Index("ix_jobs_schedule", "state", "not_before"),
        CheckConstraint("progress BETWEEN 0 AND 100", name="progress_range"),
        CheckConstraint("priority BETWEEN 0 AND 3", name="priority_range"),
        CheckConstraint("attempts >= 0", name="attempts_positive"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=lambda: new_id("job"))
    user_id: Mapped[str] = _owner()
    type: Mapped[JobType] = mapped_column(str_enum(JobType, 32))
    state: Mapped[JobState] = mapped_column(str_enum(JobState, 20), default=JobState.SUBMITTED)
    priority: Mapped[int] = mapped_column(SmallInteger, default=int(Priority.MEDIUM))
    progress: Mapped[int] = mapped_column(Integer, default=0)
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer)
    time_limit_s: Mapped[int] = mapped_column(Integer)
    idempotency_key: Mapped[str | None] = mapped_column(String(255))
    webhook_url: Mapped[str | None] = mapped_column(Text)
    worker_id: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    queued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    not_before: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """A queued job is not claimed before this time (the backoff of a retry)."""

    @property
    def priority_level(self) -> Priority:
        return Priority(self.priority)


class Asset(Base):
    __tablename__ = "assets"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=lambda: new_id("asset"))
    user_id: Mapped[str] = _owner()
    job_id: Mapped[str | None] = mapped_column(
        String(32), ForeignKey("jobs.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[str] = mapped_column(String(32))
    storage_key: Mapped[str] = mapped_column(String(512), unique=True)
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    content_type: Mapped[str] = mapped_column(String(255), default="application/octet-stream")
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class OwnedResource(Base):
    """Ownership of things kept outside the database: avatars (``av_…``) and voices."""

    __tablename__ = "owned_resources"

    kind: Mapped[ResourceKind] = mapped_column(str_enum(ResourceKind, 16), primary_key=True)
    resource_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = _owner()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class WebhookDelivery(Base):
    __tablename__ = "webhook_deliveries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    job_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("jobs.id", ondelete="CASCADE"), index=True
    )
    event: Mapped[str] = mapped_column(String(64))
    attempt: Mapped[int] = mapped_column(Integer, default=1)
    status_code: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)


class Project(Base):
    """A studio project: a named script with its render settings (free JSON)."""

    __tablename__ = "projects"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=lambda: new_id("prj"))
    user_id: Mapped[str] = _owner()
    name: Mapped[str] = mapped_column(String(200))
    script: Mapped[str] = mapped_column(Text, default="")
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AuditEvent(Base):
    """Who did what, when, from where: kept after the actor's account is deleted, so
    ``actor_id`` is plain text (no foreign key); ``None`` for the system or the CLI."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_resource", "resource_kind", "resource_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    time: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[str | None] = mapped_column(String(32), index=True)
    action: Mapped[str] = mapped_column(String(64), index=True)
    resource_kind: Mapped[str | None] = mapped_column(String(32))
    resource_id: Mapped[str | None] = mapped_column(String(64))
    request_id: Mapped[str | None] = mapped_column(String(64))
    client_ip: Mapped[str | None] = mapped_column(String(64))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class JobReview(Base):
    """What moderation found in a job's text, and the decision of the admin who reviewed
    it while it was held (``approve`` or ``reject``, with a note)."""

    __tablename__ = "job_reviews"

    job_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True
    )
    policy: Mapped[str] = mapped_column(String(16))
    findings: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    decision: Mapped[str | None] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    reviewer_id: Mapped[str | None] = mapped_column(
        String(32), ForeignKey("users.id", ondelete="SET NULL")
    )
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class FlaggedResource(Base):
    """An avatar or a voice whose name matches a public figure, for an admin to review."""

    __tablename__ = "flagged_resources"

    kind: Mapped[ResourceKind] = mapped_column(str_enum(ResourceKind, 16), primary_key=True)
    resource_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = _owner()
    name: Mapped[str] = mapped_column(String(200))
    figure: Mapped[str] = mapped_column(String(200))
    decision: Mapped[str | None] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    reviewer_id: Mapped[str | None] = mapped_column(
        String(32), ForeignKey("users.id", ondelete="SET NULL")
    )
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
