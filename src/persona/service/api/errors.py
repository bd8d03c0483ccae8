"""Service errors → HTTP responses. The only place that knows status codes.

Every :class:`~persona.errors.PersonaError` becomes ``{"detail": message, "code": code}``
with the status of the first matching class below (most specific first); the framework's
own HTTP errors (unknown route, wrong method) get the same shape. Request validation
errors keep FastAPI's list of problems (see :mod:`persona.service.api.openapi`).
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from persona.errors import EngineError, InputError, PersonaError
from persona.moderation import ModerationError
from persona.service.errors import (
    AuthError,
    ConflictError,
    DatabaseError,
    IllegalTransitionError,
    NotFoundError,
    PermissionDeniedError,
    QuotaExceededError,
    StorageError,
    StorageKeyError,
    TooLargeError,
    UnsupportedMediaError,
)

STATUS: tuple[tuple[type[PersonaError], int, str], ...] = (
    (AuthError, 401, "unauthorized"),
    (PermissionDeniedError, 403, "forbidden"),
    (NotFoundError, 404, "not_found"),
    (IllegalTransitionError, 409, "illegal_transition"),
    (ConflictError, 409, "conflict"),
    (QuotaExceededError, 413, "quota_exceeded"),
    (TooLargeError, 413, "too_large"),
    (UnsupportedMediaError, 415, "unsupported_media_type"),
    (StorageKeyError, 400, "bad_key"),
    (ModerationError, 422, "content_blocked"),
    (InputError, 422, "invalid_input"),
    (DatabaseError, 503, "database_unavailable"),
    (StorageError, 503, "storage_unavailable"),
    (EngineError, 500, "engine_error"),
    (PersonaError, 500, "error"),
)


def status_for(exc: PersonaError) -> tuple[int, str]:
    """The HTTP status and the machine-readable code for ``exc``."""
    for kind, status, code in STATUS:
        if isinstance(exc, kind):
            return status, code
    return 500, "error"


async def _persona_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, PersonaError)
    status, code = status_for(exc)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse({"detail": str(exc), "code": code}, status_code=status, headers=headers)


HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    415: "unsupported_media_type",
}
"""Codes of the errors the framework raises itself (an unknown route, a wrong method,
a body it cannot parse), so that they too have the one shape."""


async def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    body = {"detail": exc.detail, "code": HTTP_CODES.get(exc.status_code, "error")}
    return JSONResponse(body, status_code=exc.status_code, headers=exc.headers)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(PersonaError, _persona_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
