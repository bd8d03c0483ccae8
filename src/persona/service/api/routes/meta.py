"""``GET /``: what this service is (a browser gets the web studio, :mod:`persona.service.studio`);
``GET /health``: whether it can work right now (database reachable with the expected
schema, storage writable); 503 when not."""

from __future__ import annotations

import platform
from typing import Annotated

from fastapi import APIRouter, Header, Response

from persona import __version__
from persona.service.api.deps import DatabaseDep, StorageDep
from persona.service.api.schemas import Check, Health, ServiceInfo
from persona.service.db.engine import Database
from persona.service.storage.base import Storage
from persona.service.studio import index_response, wants_html

router = APIRouter(tags=["meta"])
SERVICE_NAME = "Persona Studio"


@router.get(
    "/",
    response_model=ServiceInfo,
    responses={200: {"content": {"text/html": {}}, "description": "JSON, or the web studio"}},
)
def root(accept: Annotated[str | None, Header()] = None) -> ServiceInfo | Response:
    """What this service is; a browser (``Accept: text/html``) gets the web studio."""
    if wants_html(accept):
        return index_response()
    links = {"docs": "/docs", "openapi": "/openapi.json", "health": "/health"}
    return ServiceInfo(name=SERVICE_NAME, version=__version__, links=links)


@router.get("/health", response_model=Health, responses={503: {"model": Health}})
def health(response: Response, database: DatabaseDep, storage: StorageDep) -> Health:
    db_check, schema = _check_database(database)
    storage_check = _check_storage(storage)
    ok = db_check.ok and storage_check.ok
    if not ok:
        response.status_code = 503
    return Health(
        status="ok" if ok else "unavailable",
        database=db_check,
        storage=storage_check,
        versions=_versions(schema, database.dialect),
    )


def _check_database(database: Database) -> tuple[Check, str]:
    from persona.service.db.migrate import current_revision, head_revision

    try:
        database.ping()
        current, head = current_revision(database), head_revision()
    except Exception as exc:
        return Check(ok=False, detail=f"{type(exc).__name__}: {exc}".splitlines()[0]), "?"
    if current != head:
        detail = f"schema at {current or 'nothing'}, expected {head}: run `persona db upgrade`"
        return Check(ok=False, detail=detail), str(current)
    return Check(ok=True, detail=f"{database.dialect} reachable"), str(current)


def _check_storage(storage: Storage) -> Check:
    try:
        storage.check()
    except Exception as exc:
        return Check(ok=False, detail=f"{type(exc).__name__}: {exc}".splitlines()[0])
    return Check(ok=True, detail=f"{storage.name} writable")


def _versions(schema: str, dialect: str) -> dict[str, str]:
    import fastapi
    import sqlalchemy

    return {
        "persona": __version__,
        "schema": schema,
        "database": dialect,
        "python": platform.python_version(),
        "fastapi": fastapi.__version__,
        "sqlalchemy": sqlalchemy.__version__,
    }
