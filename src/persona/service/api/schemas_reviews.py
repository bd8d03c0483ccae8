"""Schemas of the moderation review queue (``/api/v1/admin/reviews``)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from persona.service.api.schemas import JobPublic


class FindingPublic(BaseModel):
    field: str
    """The job parameter the finding is in: script, text, transcript or dialogue."""
    category: Literal["profanity", "hate", "threat"]
    term: str
    severity: Literal["low", "medium", "high"]
    start: int
    end: int
    """``params[field][start:end]`` is what matched."""
    text: str


class ReviewPublic(BaseModel):
    job: JobPublic
    user_id: str
    policy: str
    findings: list[FindingPublic]
    decision: Literal["approve", "reject"] | None = None
    note: str | None = None
    reviewer_id: str | None = None
    reviewed_at: datetime | None = None


class FlagPublic(BaseModel):
    """An avatar or voice whose name matches a public figure."""

    kind: Literal["avatar", "voice"]
    resource_id: str
    user_id: str
    name: str
    figure: str
    created_at: datetime
    decision: Literal["approve", "reject"] | None = None
    """None until an admin decides; only an approved one may be used in new jobs."""
    note: str | None = None
    reviewer_id: str | None = None
    reviewed_at: datetime | None = None


class ReviewQueue(BaseModel):
    jobs: list[ReviewPublic]
    """Held jobs, oldest first."""
    resources: list[FlagPublic]
    """Flagged avatars and voices not yet reviewed."""


class ReviewDecision(BaseModel):
    decision: Literal["approve", "reject"]
    note: str | None = Field(default=None, max_length=2000)
    """Why; a rejected job's error (default: "rejected in moderation review")."""
