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
from persona.service.api.errors import install_error_handlers
from persona.service.api.routes import (
    api_router,
    assets,
    avatars,
    heygen,
    jobs,
    meta,
    openai_compat,
    tts,
    voices,
)
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
    app.include_router(meta.router)
    app.include_router(api_router, prefix=API_PREFIX)
    app.include_router(jobs.router)
    app.include_router(assets.router)
    for router in (avatars.router, voices.router, tts.router):
        app.include_router(router)
    for router in (heygen.router, heygen.v1_router, openai_compat.router):
        app.include_router(router)
    return app
