"""The API's Pydantic models: the only place request and response shapes are defined.
Resources follow the Create / Update / Public family; ``Public`` models read ORM rows
(``from_attributes``)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict


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
