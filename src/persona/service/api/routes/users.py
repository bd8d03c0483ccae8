"""``/v1/users``: the signed-in user."""

from __future__ import annotations

from fastapi import APIRouter

from persona.service.api.deps import CurrentUser
from persona.service.api.schemas import UserPublic
from persona.service.db.models import User

router = APIRouter(prefix="/users", tags=["users"])


@router.get("/me", response_model=UserPublic)
def read_me(user: CurrentUser) -> User:
    return user
