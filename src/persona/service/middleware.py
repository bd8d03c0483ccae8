"""The cross-cutting layers every request passes through, installed by ``create_app``.

Outermost first: request id and access log (:mod:`~persona.service.logs`), metrics
(:mod:`~persona.service.metrics`), rate limit (:mod:`~persona.service.ratelimit`), body
size limit (:mod:`~persona.service.bodylimit`); so a ``429`` or ``413`` still gets a
request id and is counted. ``app.state.metrics`` and
``app.state.rate_limiter`` are made here; tests may replace the limiter. The OpenAPI
document learns the error shapes these layers and the handlers answer with
(:mod:`~persona.service.api.openapi`).
"""

from __future__ import annotations

from fastapi import FastAPI

from persona.service.api.openapi import install_openapi
from persona.service.bodylimit import BodyLimitMiddleware
from persona.service.db.engine import Database
from persona.service.logs import RequestContextMiddleware
from persona.service.metrics import MetricsMiddleware, ServiceMetrics
from persona.service.metrics import router as metrics_router
from persona.service.ratelimit import EXEMPT_PATHS, RateLimitMiddleware, make_rate_limiter
from persona.service.settings import Settings


def install_middleware(app: FastAPI, settings: Settings, database: Database) -> None:
    app.state.metrics = ServiceMetrics(database)
    app.state.rate_limiter = make_rate_limiter(settings)
    app.include_router(metrics_router)
    install_openapi(app, exempt=EXEMPT_PATHS)
    # add_middleware wraps what is there: the last added runs first.
    app.add_middleware(BodyLimitMiddleware)
    app.add_middleware(RateLimitMiddleware)
    app.add_middleware(MetricsMiddleware)
    app.add_middleware(RequestContextMiddleware)
