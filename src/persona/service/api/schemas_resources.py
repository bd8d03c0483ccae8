"""Request and response shapes of the avatar, voice and speech routes (``/avatars``,
``/voices``, ``/tts``); the Create / Public family of :mod:`persona.service.api.schemas`."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from persona.service.speech import MAX_PITCH_ST, MAX_SPEED, MAX_TEXT_CHARS, MIN_SPEED


class AvatarTemplateCreate(BaseModel):
    """``POST /avatars/train`` as JSON: an illustrated avatar from a template."""

    template: str = Field(min_length=1, max_length=80, examples=["maya"])
    name: str | None = Field(default=None, max_length=80)
    options: dict[str, Any] = Field(
        default_factory=dict,
        max_length=64,
        description="Customizations over the template, by the spec's dotted paths "
        '(``{"hair.style": "afro"}``) or as nested spec objects; see '
        "GET /api/v1/avatars/templates for every option.",
    )


class AvatarPublic(BaseModel):
    id: str
    name: str
    kind: Literal["photo", "creator", "video"]
    version: int
    created_at: str
    updated_at: str
    consent_id: str | None = None
    consent_revoked: bool = False
    """True once the consent it was made under is revoked: no new videos with it."""


class AvatarVersionPublic(BaseModel):
    version: int
    created_at: str
    note: str


class AvatarDetail(AvatarPublic):
    versions: list[AvatarVersionPublic]
    report: dict[str, Any] | None = None
    """The photo quality report a photo avatar was made with."""
    video: dict[str, Any] | None = None
    """What training learned from a video avatar's clip."""


class AvatarCreated(BaseModel):
    avatar: AvatarPublic
    report: dict[str, Any] | None = None
    asset_id: str | None = None
    """The stored upload the avatar was made from (it counts against the quota)."""
    note: str = ""
    warnings: list[str] = []
    """E.g. a name that matches a public figure (the avatar is flagged for review)."""


class AvatarTrainingAccepted(BaseModel):
    """``POST /avatars/train`` with a video: training runs as an ``avatar_training`` job."""

    avatar_id: str = Field(examples=["av_3f2a0c1d9e8b"])
    """Reserved: the avatar has this id once the job completed (it is listed then)."""
    job_id: str
    state: str
    status_url: str
    warnings: list[str] = []
    """E.g. a name that matches a public figure (the avatar is flagged for review)."""


class WebhookSecretCreated(BaseModel):
    """A new per-user webhook signing secret, shown once."""

    webhook_secret: str = Field(examples=["whsec_…"])
    note: str


class TemplatePublic(BaseModel):
    id: str = Field(examples=["template:maya"])
    name: str
    description: str


class AvatarList(BaseModel):
    avatars: list[AvatarPublic]
    templates: list[TemplatePublic]


class VoicePublic(BaseModel):
    id: str
    name: str
    lang: str
    gender: str
    age_group: str
    engine: str
    description: str
    matched: bool = False
    """A voice matched to a person's sample (yours), not a catalog voice."""
    consent_id: str | None = None
    consent_revoked: bool = False
    usable: bool = True
    """False once the consent it was made under is revoked."""


class VoiceList(BaseModel):
    voices: list[VoicePublic]


class VoiceCloned(VoicePublic):
    figures: dict[str, float]
    sample: dict[str, Any]
    asset_id: str
    warnings: list[str] = []
    """E.g. a name that matches a public figure (the voice is flagged for review)."""


class TTSCreate(BaseModel):
    text: str = Field(max_length=MAX_TEXT_CHARS * 2, examples=["Hello from Persona Studio!"])
    voice: str = Field(default="joe", max_length=64)
    speed: float = Field(default=1.0, ge=MIN_SPEED, le=MAX_SPEED)
    pitch: float = Field(default=0.0, ge=-MAX_PITCH_ST, le=MAX_PITCH_ST)
    """Semitones."""
    format: Literal["wav", "mp3", "opus", "flac", "aac", "pcm"] = "wav"
