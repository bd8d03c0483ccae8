"""Dependencies shared by every router, as ``Annotated`` aliases:

SettingsDep   the app's Settings
SessionDep    a database session for the request (closed after it)
StorageDep    the app's Storage backend
CurrentUser   the authenticated user: ``Authorization: Bearer <API key or token>``
              or ``X-Api-Key: <API key>``; 401 without valid credentials
AdminUser     the same, and an admin (403 otherwise)
QueryUser     CurrentUser, or ``?access_token=<API key or token>`` for what a browser
              loads without headers (EventSource, <img>, <audio>, <video>)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Query, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from persona.service.auth import authenticate, require_admin
from persona.service.db.engine import Database
from persona.service.db.models import User
from persona.service.errors import AuthError
from persona.service.settings import Settings
from persona.service.storage.base import Storage

bearer_scheme = HTTPBearer(
    auto_error=False, description="An API key (ps_…) or an access token from /v1/auth/token"
)
api_key_scheme = APIKeyHeader(name="X-Api-Key", auto_error=False, description="An API key")


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_database(request: Request) -> Database:
    database: Database = request.app.state.database
    return database


def get_session(database: Annotated[Database, Depends(get_database)]) -> Iterator[Session]:
    with database.session() as session:
        yield session


def get_storage(request: Request) -> Storage:
    storage: Storage = request.app.state.storage
    return storage


SettingsDep = Annotated[Settings, Depends(get_settings)]
DatabaseDep = Annotated[Database, Depends(get_database)]
SessionDep = Annotated[Session, Depends(get_session)]
StorageDep = Annotated[Storage, Depends(get_storage)]


def get_current_user(
    session: SessionDep,
    settings: SettingsDep,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
    api_key: Annotated[str | None, Depends(api_key_scheme)],
) -> User:
    credential = bearer.credentials if bearer is not None else api_key
    if not credential:
        raise AuthError(
            "missing credentials: send 'Authorization: Bearer <API key or access token>' "
            "or 'X-Api-Key: <API key>'"
        )
    user = authenticate(session, credential, settings)
    session.commit()  # the key's last_used_at
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]


def get_current_admin(user: CurrentUser) -> User:
    return require_admin(user)


AdminUser = Annotated[User, Depends(get_current_admin)]


def get_query_user(
    session: SessionDep,
    settings: SettingsDep,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
    api_key: Annotated[str | None, Depends(api_key_scheme)],
    access_token: Annotated[
        str | None, Query(description="the credential, for clients that cannot send headers")
    ] = None,
) -> User:
    if bearer is None and not api_key and access_token:
        api_key = access_token
    return get_current_user(session, settings, bearer, api_key)


QueryUser = Annotated[User, Depends(get_query_user)]
