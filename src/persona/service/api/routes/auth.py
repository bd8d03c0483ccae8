"""``POST /v1/auth/token``: email and password (an OAuth2 password form) → access token."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.security import OAuth2PasswordRequestForm

from persona.service import audit
from persona.service.api.deps import SessionDep, SettingsDep
from persona.service.api.schemas import Token
from persona.service.auth import authenticate_password, issue_token

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post("/token", response_model=Token)
def login(
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    session: SessionDep,
    settings: SettingsDep,
) -> Token:
    """Sign in with ``username`` (the email) and ``password``; use the token as
    ``Authorization: Bearer <token>``."""
    user = authenticate_password(session, form.username, form.password)
    token = issue_token(user, settings)
    audit.record(session, user, "login", ("user", user.id))
    session.commit()
    return Token(access_token=token, expires_in=settings.access_token_expire_s)
