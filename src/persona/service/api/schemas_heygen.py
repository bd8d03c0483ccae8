"""The subset of HeyGen's API v2 request shapes that ``/v2/video/generate`` accepts
(:mod:`persona.service.api.routes.heygen`). Unknown fields are ignored, as HeyGen does."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from persona.service.api.schemas import AiLabelRequest


class Character(BaseModel):
    type: Literal["avatar", "talking_photo"] = "avatar"
    avatar_id: str | None = None
    talking_photo_id: str | None = None
    avatar_style: str | None = None


class VoiceInput(BaseModel):
    type: Literal["text", "audio", "silence"] = "text"
    voice_id: str | None = None
    input_text: str | None = Field(default=None, max_length=100_000)
    speed: float = Field(default=1.0, ge=0.5, le=1.5)
    pitch: float = Field(default=0.0, ge=-50, le=50)
    """HeyGen's pitch, -50..50; read as semitones / 4 (±12.5 st at the ends)."""
    audio_asset_id: str | None = None
    audio_url: str | None = None


class Background(BaseModel):
    type: Literal["color", "image", "video"] = "color"
    value: str | None = None
    url: str | None = None
    image_asset_id: str | None = None


class VideoInput(BaseModel):
    character: Character
    voice: VoiceInput
    background: Background | None = None


class Dimension(BaseModel):
    width: int = Field(default=1280, ge=64, le=3840)
    height: int = Field(default=720, ge=64, le=3840)


class VideoGenerate(BaseModel):
    video_inputs: list[VideoInput] = Field(min_length=1, max_length=50)
    dimension: Dimension = Field(default_factory=Dimension)
    caption: bool = False
    title: str | None = Field(default=None, max_length=200)
    callback_id: str | None = Field(default=None, max_length=200)
    callback_url: str | None = Field(default=None, max_length=2048)
    ai_label: AiLabelRequest | None = None
    """A Persona Studio extension (HeyGen has no such field): the visible AI-generated
    label's corner and opacity, as ``POST /api/v1/generate`` takes it. Without it the
    default label is drawn."""
