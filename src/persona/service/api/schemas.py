"""The API's Pydantic models: the only place request and response shapes are defined.
Resources follow the Create / Update / Public family; ``Public`` models read ORM rows
(``from_attributes``)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

MAX_TEXT = 100_000
"""The longest script, transcript or dialogue a request may carry (characters)."""
MAX_URL = 2048


def json_at_most(limit: int) -> AfterValidator:
    """A validator refusing a JSON object whose compact encoding exceeds ``limit`` bytes
    (free-form objects are kept in the database, outside any storage quota)."""

    def check(value: dict[str, Any]) -> dict[str, Any]:
        size = len(json.dumps(value, separators=(",", ":"), default=str).encode())
        if size > limit:
            raise ValueError(f"at most {limit} bytes of JSON, not {size}")
        return value

    return AfterValidator(check)


JobParams = Annotated[dict[str, Any], json_at_most(4 * MAX_TEXT)]


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


class AiLabelRequest(BaseModel):
    """The visible AI-generated label: a corner and an opacity; ``enabled: false``
    only for a saved photo or video avatar of yourself with your consent on file."""

    model_config = ConfigDict(extra="forbid")

    position: Literal["top-left", "top-right", "bottom-left", "bottom-right"] = "bottom-right"
    opacity: float = Field(default=0.8, ge=0.1, le=1.0)
    enabled: bool = True


class GenerateRequest(BaseModel):
    """A talking-avatar video: ``script`` (text to speak) or ``audio`` (an uploaded
    recording's asset id), spoken by ``avatar``. ``options``: size, fps, preset, format,
    background, captions, music, music_volume, speed, pitch, volume, emotion, seed, shot."""

    model_config = ConfigDict(extra="forbid")

    script: str | None = Field(default=None, max_length=MAX_TEXT)
    audio: str | None = None
    transcript: str | None = Field(default=None, max_length=MAX_TEXT)
    avatar: str = "template:maya"
    voice: str | None = None
    lang: str | None = None
    options: JobParams = Field(default_factory=dict)
    priority: Literal["critical", "high", "medium", "low"] = "medium"
    callback_url: str | None = Field(default=None, max_length=MAX_URL)
    project_id: str | None = Field(default=None, max_length=32, description="a project of yours")
    preview_seconds: float | None = Field(
        default=None,
        gt=0,
        le=30,
        description="a quick preview: only the first sentences covering about this many "
        "seconds, at most 360 px, priority high",
    )
    ai_label: AiLabelRequest | None = None


class JobCreate(BaseModel):
    """Any job type with its parameters (see docs/service.md)."""

    model_config = ConfigDict(extra="forbid")

    type: str
    params: JobParams = Field(default_factory=dict)
    priority: Literal["critical", "high", "medium", "low"] = "medium"
    callback_url: str | None = Field(default=None, max_length=MAX_URL)


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
    title: str = Field(
        description="the project's name, else the first words of the script or dialogue "
        "(at most 60 characters), else the job type"
    )
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
    thumbnail_url: str | None


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
