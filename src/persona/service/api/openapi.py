"""The OpenAPI document says what the API really answers.

FastAPI documents ``422`` as its own validation error (``detail``: a list of problems),
but the service's handlers also answer ``422`` with the one error shape
``{"detail": "...", "code": "invalid_input"}``; and the rate limiter may answer ``429``
anywhere. :func:`install_openapi` adds an ``Error`` schema, lets every ``422`` be either
shape, and documents ``429`` (with ``Retry-After``) on every operation.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

ERROR_SCHEMA: dict[str, Any] = {
    "title": "Error",
    "type": "object",
    "properties": {
        "detail": {"type": "string", "title": "Detail"},
        "code": {"type": "string", "title": "Code"},
    },
    "required": ["detail", "code"],
}
_ERROR_REF = {"$ref": "#/components/schemas/Error"}
_RATE_LIMITED = {
    "description": "Too many requests: wait Retry-After seconds",
    "headers": {"Retry-After": {"schema": {"type": "integer"}, "description": "seconds"}},
    "content": {"application/json": {"schema": _ERROR_REF}},
}
_METHODS = ("get", "put", "post", "delete", "patch", "head", "options")


def document_errors(schema: dict[str, Any], exempt: frozenset[str] = frozenset()) -> None:
    """Patch a generated OpenAPI document in place (see the module doc)."""
    schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    for path, item in schema.get("paths", {}).items():
        for method in _METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            responses = operation.setdefault("responses", {})
            invalid = responses.get("422", {}).get("content", {}).get("application/json")
            if invalid is not None and invalid.get("schema") != _ERROR_REF:
                invalid["schema"] = {"anyOf": [invalid["schema"], _ERROR_REF]}
            if path not in exempt:
                responses.setdefault("429", _RATE_LIMITED)


def install_openapi(app: FastAPI, exempt: frozenset[str] = frozenset()) -> None:
    """Make ``app.openapi()`` return the patched document (built once, on first use)."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = generate()
            document_errors(schema, exempt)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
