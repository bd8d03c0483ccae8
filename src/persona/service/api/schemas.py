"""The API's Pydantic models: the only place request and response shapes are defined.
Resources follow the Create / Update / Public family; ``Public`` models read ORM rows
(``from_attributes``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class UserPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    email: str
    display_name: str
    role: Literal["user", "admin"]
    quota_bytes: int
    created_at: datetime


class Token(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int


class ServiceInfo(BaseModel):
    name: str
    version: str
    links: dict[str, str]


class Check(BaseModel):
    ok: bool
    detail: str


class Health(BaseModel):
    status: Literal["ok", "unavailable"]
    database: Check
    storage: Check
    versions: dict[str, str]


# ---------------------------------------------------------------------------- jobs


class GenerateRequest(BaseModel):
    """A talking-avatar video: ``script`` (text to speak) or ``audio`` (an uploaded
    recording's asset id), spoken by ``avatar``. ``options``: size, fps, preset, format,
    background, captions, music, music_volume, speed, pitch, volume, emotion, seed, shot."""

    model_config = ConfigDict(extra="forbid")

    script: str | None = None
    audio: str | None = None
    transcript: str | None = None
    avatar: str = "template:maya"
    voice: str | None = None
    lang: str | None = None
    options: dict[str, Any] = Field(default_factory=dict)
    priority: Literal["critical", "high", "medium", "low"] = "medium"
    callback_url: str | None = None


class JobCreate(BaseModel):
    """Any job type with its parameters (see docs/service.md)."""

    model_config = ConfigDict(extra="forbid")

    type: str
    params: dict[str, Any] = Field(default_factory=dict)
    priority: Literal["critical", "high", "medium", "low"] = "medium"
    callback_url: str | None = None


class BatchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    requests: list[GenerateRequest] = Field(min_length=1, max_length=20)


class JobAccepted(BaseModel):
    job_id: str
    state: str
    status_url: str


class BatchAccepted(BaseModel):
    jobs: list[JobAccepted]


class JobPublic(BaseModel):
    id: str
    type: str
    state: str
    progress: int
    priority: Literal["critical", "high", "medium", "low"]
    attempts: int
    max_attempts: int
    time_limit_s: int
    error: str | None
    result: dict[str, Any] | None
    created_at: datetime
    updated_at: datetime
    queued_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None
    status_url: str
    video_url: str | None


class JobList(BaseModel):
    items: list[JobPublic]
    total: int
    limit: int
    offset: int


class AssetPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    kind: str
    size_bytes: int
    content_type: str
    sha256: str
    created_at: datetime
