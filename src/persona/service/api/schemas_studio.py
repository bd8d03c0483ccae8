"""Shapes of the web studio's routes: projects, previews, the script estimate and the
admin pages (the Create / Update / Public family of :mod:`persona.service.api.schemas`).
The job shapes the studio reads (``JobPublic``, ``JobAccepted``) live there."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from persona.service.api.schemas import JobPublic, json_at_most

ProjectSettings = Annotated[dict[str, Any], json_at_most(64 * 1024)]

# ---------------------------------------------------------------------------- projects


class ProjectCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    script: str = Field(default="", max_length=100_000)
    settings: ProjectSettings = Field(default_factory=dict)


class ProjectUpdate(BaseModel):
    """``PUT``: the fields given replace the stored ones; the others stay."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=200)
    script: str | None = Field(default=None, max_length=100_000)
    settings: ProjectSettings | None = None


class ProjectPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    script: str
    settings: dict[str, Any]
    created_at: datetime
    updated_at: datetime


class ProjectList(BaseModel):
    items: list[ProjectPublic]
    total: int


# ---------------------------------------------------------------------------- avatars


class AvatarOption(BaseModel):
    """One customization field of an illustrated avatar, by its dotted spec path."""

    name: str = Field(examples=["hair.style"])
    kind: Literal["choice", "colour", "optional_colour", "number", "flag", "colours", "text"]
    values: list[str] = Field(
        default_factory=list,
        description="choice: the allowed values; colour kinds: the named colours "
        "(any #rrggbb is accepted too)",
    )
    default: Any = Field(description="the value when the spec leaves it out")
    minimum: float | None = None
    maximum: float | None = None
    description: str = ""


class AvatarTemplate(BaseModel):
    name: str = Field(examples=["maya"])
    id: str = Field(examples=["template:maya"])
    description: str
    spec: dict[str, Any] = Field(description="the template's full spec (JSON form)")
    preview_url: str


class AvatarTemplates(BaseModel):
    templates: list[AvatarTemplate]
    options: list[AvatarOption]
    rules: list[str] = Field(description="constraints between options, in words")


class AvatarPreviewRequest(BaseModel):
    """A template with changes: ``options`` are dotted paths (``{"hair.style": "afro"}``)
    or nested objects in the spec's JSON form (``{"hair": {"style": "afro"}}``)."""

    model_config = ConfigDict(extra="forbid")

    template: str = Field(default="maya", max_length=80, examples=["maya"])
    options: dict[str, Any] = Field(default_factory=dict)
    size: int = Field(default=384, ge=64, le=1024, description="pixels, square")


# ---------------------------------------------------------------------------- script


class ScriptEstimateRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    script: str = Field(min_length=1, max_length=100_000)
    voice: str | None = Field(default=None, max_length=64)
    speed: float = Field(default=1.0, ge=0.5, le=2.0)
    lang: str | None = Field(default=None, max_length=16)
    emotion: str = Field(default="neutral", max_length=32)


class SentimentHint(BaseModel):
    emotion: str = Field(description="the engine emotion the sentence's wording suggests")
    score: float = Field(ge=-1, le=1, description="VADER compound polarity, -1 to +1")


class SentenceEstimate(BaseModel):
    text: str
    start_s: float
    duration_s: float
    emotion: str = Field(description="the emotion the renderer will apply")
    pause_after_s: float = 0.0
    hint: SentimentHint | None = Field(
        default=None,
        description="what the wording sounds like (persona.script.sentiment); null for "
        "languages other than English",
    )


class ScriptEstimate(BaseModel):
    duration_s: float
    words: int
    sentences: list[SentenceEstimate]
    method: Literal["tts", "calibrated"] = Field(
        description="tts: the voice spoke every sentence; calibrated: the first sentences "
        "were spoken and the rest timed at the pace the voice showed on them"
    )
    voice: str
    lang: str


# ---------------------------------------------------------------------------- admin


class AdminUser(BaseModel):
    id: str
    email: str
    display_name: str
    role: Literal["user", "admin"]
    quota_bytes: int
    usage_bytes: int
    jobs: int
    disabled: bool
    disabled_at: datetime | None
    created_at: datetime


class AdminUserList(BaseModel):
    items: list[AdminUser]
    total: int


class AdminUserUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    quota_bytes: int | None = Field(default=None, ge=0, le=2**63 - 1)  # a BIGINT column
    role: Literal["user", "admin"] | None = None
    disabled: bool | None = None


class AdminJob(JobPublic):
    user_id: str
    user_email: str


class AdminJobList(BaseModel):
    items: list[AdminJob]
    total: int
    limit: int
    offset: int
