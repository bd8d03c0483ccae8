"""Error shapes of other vendors' APIs, for the compatibility routers.

A compatibility router declares ``route_class=shaped_errors(render)``: every
:class:`~persona.errors.PersonaError` and every request validation error raised while
its routes run (credentials included) is answered by ``render(status, code, message,
param)`` instead of the service's own ``{"detail", "code"}`` shape. The status is the
one :mod:`persona.service.api.errors` gives, except that invalid input is a ``400``,
as these APIs answer it (content refused by moderation stays ``422``).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from starlette.responses import JSONResponse

from persona.errors import PersonaError
from persona.service.api.errors import status_for

Render = Callable[[int, str, str, str | None], JSONResponse]
"""(HTTP status, our error code, message, the offending parameter or None) → response."""
Handler = Callable[[Request], Coroutine[Any, Any, Response]]


def shaped_errors(render: Render) -> type[APIRoute]:
    """An :class:`APIRoute` class whose errors are drawn by ``render``."""

    class ShapedRoute(APIRoute):
        def get_route_handler(self) -> Handler:
            handler = super().get_route_handler()

            async def shaped(request: Request) -> Response:
                try:
                    return await handler(request)
                except PersonaError as exc:
                    status, code = status_for(exc)
                    invalid = code == "invalid_input"  # refused content stays 422
                    response = render(400 if invalid else status, code, str(exc), None)
                except RequestValidationError as exc:
                    param, message = validation_message(exc)
                    response = render(400, "invalid_input", message, param)
                if response.status_code == 401:
                    response.headers["WWW-Authenticate"] = "Bearer"
                return response

            return shaped

    return ShapedRoute


def validation_message(exc: RequestValidationError) -> tuple[str | None, str]:
    """(the first offending field, a one-line message) of a validation error."""
    errors = exc.errors()
    if not errors:
        return None, "invalid request"
    first = errors[0]
    where = [str(part) for part in first.get("loc", ()) if part not in ("body", "query")]
    param = ".".join(where) or None
    message = str(first.get("msg", "invalid value"))
    return param, f"{param}: {message}" if param else message
