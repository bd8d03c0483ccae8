"""The FastAPI application factory: ``create_app(settings)``.

The app holds its settings, database and storage in ``app.state``; routes reach them
through :mod:`persona.service.api.deps`. It does not migrate the database: ``persona db
upgrade`` (or ``persona serve``, which runs it first) does.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from persona import __version__
from persona.service import studio
from persona.service.api.errors import install_error_handlers
from persona.service.api.routes import (
    api_router,
    assets,
    avatars,
    consents,
    datarights,
    heygen,
    jobs,
    meta,
    openai_compat,
    reviews,
    tts,
    voices,
    webhook_secret,
)
from persona.service.audit import AuditContextMiddleware
from persona.service.db.engine import Database
from persona.service.middleware import install_middleware
from persona.service.settings import Settings, get_settings
from persona.service.storage import make_storage
from persona.service.storage.base import Storage

API_PREFIX = "/v1"


def create_app(
    settings: Settings | None = None,
    *,
    database: Database | None = None,
    storage: Storage | None = None,
) -> FastAPI:
    """The API for ``settings`` (default: from the environment). A ``database`` or
    ``storage`` given here is used as is and left open; one made here is closed when
    the app shuts down."""
    settings = settings or get_settings()
    owned = database is None
    db = database or Database.from_settings(settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        if owned:
            db.dispose()

    app = FastAPI(
        title="Persona Studio",
        version=__version__,
        description="Self-hosted AI avatar video studio: REST API and job queue.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.database = db
    app.state.storage = storage or make_storage(settings)
    install_error_handlers(app)
    install_middleware(app, settings, db)
    app.add_middleware(AuditContextMiddleware)  # the client address of audit events
    app.include_router(meta.router)
    app.include_router(api_router, prefix=API_PREFIX)
    app.include_router(api_router, prefix=f"/api{API_PREFIX}")  # beside the studio's routes
    app.include_router(jobs.router)
    app.include_router(assets.router)
    app.include_router(webhook_secret.router)
    for router in studio.api_routers():
        app.include_router(router)
    for router in (avatars.router, voices.router, tts.router):
        app.include_router(router)
    for router in (consents.router, datarights.router):
        app.include_router(router)
    for router in (heygen.router, heygen.v1_router, openai_compat.router):
        app.include_router(router)
    app.include_router(reviews.router)
    app.include_router(studio.router)  # last: its /{name} takes only what nothing else did
    return app
