"""One router per resource. ``meta`` (``/``, ``/health``) sits at the root; the others
are collected in :data:`api_router` under the versioned prefix (``/v1``)."""

from __future__ import annotations

from fastapi import APIRouter

from persona.service.api.routes import auth, users

api_router = APIRouter()
api_router.include_router(auth.router)
api_router.include_router(users.router)
