"""Structured logs: one JSON object per line, and the request context that goes in them.

``PERSONA_LOG_FORMAT=json`` makes :func:`configure_logging` write each record as one line
of JSON with ``time`` (UTC, ISO 8601), ``level``, ``logger``, ``message`` and, when known,
``request_id``, ``user_id`` and ``job_id`` (plus ``exc_info`` for errors and any
``extra={...}`` fields). The ids come from context variables, so every log call made while
a request or a job runs carries them without being passed around:

* :class:`RequestContextMiddleware` gives every HTTP request an id (the client's
  ``X-Request-ID`` when it is sane, else a new one), returns it in the ``X-Request-ID``
  response header and writes one access-log line per request;
* the rate limiter records the caller's user id (:func:`set_user_id`);
* a worker wraps each job in ``with job_context(job.id): ...``.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from persona.service.settings import Settings

REQUEST_ID_HEADER = "X-Request-ID"
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
_HANDLER_NAME = "persona-service"
access_log = logging.getLogger("persona.service.access")

request_id_var: ContextVar[str | None] = ContextVar("persona_request_id", default=None)
user_id_var: ContextVar[str | None] = ContextVar("persona_user_id", default=None)
job_id_var: ContextVar[str | None] = ContextVar("persona_job_id", default=None)
_CONTEXT = (("request_id", request_id_var), ("user_id", user_id_var), ("job_id", job_id_var))

_STANDARD_ATTRS = frozenset(
    logging.LogRecord("", 0, "", 0, "", None, None).__dict__.keys()
    | {"message", "asctime", "taskName"}
)


class JsonFormatter(logging.Formatter):
    """A record → one line of JSON (never a newline inside: tracebacks are escaped)."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name, var in _CONTEXT:
            value = getattr(record, name, None) or var.get()
            if value is not None:
                entry[name] = value
        for key, value in record.__dict__.items():
            if key not in _STANDARD_ATTRS and key not in entry and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exc_info"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


class ContextTextFormatter(logging.Formatter):
    """The plain format, with the request, user and job ids appended when known."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        ids = [f"{name}={var.get()}" for name, var in _CONTEXT if var.get() is not None]
        return f"{text} [{' '.join(ids)}]" if ids else text


def make_formatter(log_format: str) -> logging.Formatter:
    return JsonFormatter() if log_format == "json" else ContextTextFormatter()


def configure_logging(settings: Settings, *, level: int = logging.INFO) -> logging.Handler:
    """Send the ``persona`` loggers to standard error in ``settings.log_format``. Called
    once by ``persona serve`` / ``persona worker``; calling again replaces the handler."""
    logger = logging.getLogger("persona")
    for old in [h for h in logger.handlers if h.get_name() == _HANDLER_NAME]:
        logger.removeHandler(old)
    handler = logging.StreamHandler(sys.stderr)
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(make_formatter(settings.log_format))
    logger.addHandler(handler)
    logger.setLevel(level)
    logger.propagate = False  # the CLI's root handler would print every line again
    return handler


def set_user_id(user_id: str | None) -> None:
    """Record who is calling, for the rest of this request's log lines."""
    user_id_var.set(user_id)


@contextmanager
def job_context(job_id: str) -> Iterator[None]:
    """Log lines inside the block carry ``job_id``."""
    token = job_id_var.set(job_id)
    try:
        yield
    finally:
        job_id_var.reset(token)


def _incoming_request_id(scope: Scope) -> str | None:
    wanted = REQUEST_ID_HEADER.lower().encode()
    for name, value in scope.get("headers", ()):
        if name == wanted:
            text = value.decode("latin-1").strip()
            return text if _SAFE_REQUEST_ID.match(text) else None
    return None


class RequestContextMiddleware:
    """Gives each HTTP request an id (``X-Request-ID`` in and out) and writes one access
    line when the response starts: method, path, status, milliseconds."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _incoming_request_id(scope) or secrets.token_hex(8)
        tokens = (request_id_var.set(request_id), user_id_var.set(None))
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)[REQUEST_ID_HEADER] = request_id
                elapsed_ms = (time.perf_counter() - started) * 1000
                access_log.info(
                    "%s %s %d %.1fms",
                    scope["method"],
                    scope["path"],
                    message["status"],
                    elapsed_ms,
                    extra={"status": message["status"], "duration_ms": round(elapsed_ms, 1)},
                )
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            user_id_var.reset(tokens[1])
            request_id_var.reset(tokens[0])
