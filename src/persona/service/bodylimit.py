"""A ceiling on every request body: ``PERSONA_UPLOAD_MAX_BYTES`` plus room for the
other form fields (:data:`FORM_ROOM_BYTES`).

The upload routes stream files to storage with their own, often lower, limits, but the
multipart parser spools a whole upload to a temporary file before a route runs; without
this layer a client could fill the disk with one endless request. So a body whose
``Content-Length`` is over the ceiling is refused before any of it is read, and a body
sent without a length (chunked) stops being read as soon as it crosses the ceiling.
Either way the answer is ``413`` with ``{"detail", "code": "too_large"}``.
"""

from __future__ import annotations

import json

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from persona.service.settings import Settings
from persona.service.storage.usage import format_bytes

FORM_ROOM_BYTES = 1 << 20
"""What a multipart body may carry besides its file: boundaries, names, consent text."""


class _TooLarge(Exception):
    """The body crossed the ceiling while being read."""


def body_ceiling(settings: Settings) -> int:
    return settings.upload_max_bytes + FORM_ROOM_BYTES


class BodyLimitMiddleware:
    """Refuse request bodies over :func:`body_ceiling` (see the module doc)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        settings: Settings = scope["app"].state.settings
        ceiling = body_ceiling(settings)
        declared = Headers(scope=scope).get("content-length", "").strip()
        if declared.isdigit() and int(declared) > ceiling:
            await _refuse(send, ceiling)
            return
        received, crossed, started = 0, False, False

        async def counted() -> Message:
            nonlocal received, crossed
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > ceiling:
                    crossed = True
                    raise _TooLarge
            return message

        async def guarded(message: Message) -> None:
            nonlocal started
            if crossed:  # whatever the app answers to a cut-off body, the answer is 413
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, guarded)
        except Exception:
            if not crossed:
                raise
        if crossed and not started:
            await _refuse(send, ceiling)


async def _refuse(send: Send, ceiling: int) -> None:
    detail = f"the request body is larger than the limit of {format_bytes(ceiling)}"
    body = json.dumps({"detail": detail, "code": "too_large"}).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),
    ]
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": body})
