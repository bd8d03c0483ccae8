"""Prometheus metrics at ``GET /metrics``, from a registry of the app's own.

    persona_http_requests_total{method, route, status}          counter
    persona_http_request_duration_seconds{method, route}        histogram
    persona_job_transitions_total{type, state}                  counter (every state reached)
    persona_job_duration_seconds{type, state}                   histogram (final states only)
    persona_queue_depth{priority}                               gauge, read at scrape time
    persona_jobs_running                                        gauge, read at scrape time

``route`` is the route's template (``/v1/jobs/{job_id}``), never the raw path, so ids do
not multiply the series; a request no route matched is counted as ``<unmatched>``.
``persona_queue_depth`` counts ``queued`` jobs per priority straight from the jobs table
when Prometheus scrapes: it is the signal an autoscaler adds workers on. A worker reports
its jobs with :func:`observe_job` after every state change it makes.
"""

from __future__ import annotations

import logging
import time
import weakref
from collections.abc import Iterator
from datetime import datetime

from fastapi import APIRouter, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import generate_latest
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from persona.service.db.base import utcnow
from persona.service.db.engine import Database
from persona.service.db.models import Job
from persona.service.jobs.states import RUNNING, TERMINAL, JobState, Priority

UNMATCHED = "<unmatched>"
JOB_BUCKETS_S = (1, 5, 10, 30, 60, 120, 300, 600, 900, 1800, 3600)
log = logging.getLogger(__name__)


class QueueCollector(Collector):
    """Reads the queue from the database at each scrape (one GROUP BY query)."""

    def __init__(self, database: Database) -> None:
        self._database = database

    def collect(self) -> Iterator[Metric]:
        depth = GaugeMetricFamily(
            "persona_queue_depth", "Jobs waiting in the queue, by priority", labels=["priority"]
        )
        running = GaugeMetricFamily("persona_jobs_running", "Jobs held by a worker right now")
        try:
            counts, busy = self._read()
        except Exception as exc:  # a scrape must not fail: report the database as down
            log.warning("queue metrics unavailable: %s", exc)
            up = GaugeMetricFamily("persona_queue_metrics_up", "Whether the queue was readable")
            up.add_metric([], 0)
            yield up
            return
        for level in Priority:
            depth.add_metric([level.label], counts.get(int(level), 0))
        running.add_metric([], busy)
        yield depth
        yield running

    def _read(self) -> tuple[dict[int, int], int]:
        with self._database.session() as session:
            rows = session.execute(
                select(Job.priority, func.count())
                .where(Job.state == JobState.QUEUED)
                .group_by(Job.priority)
            )
            counts = {int(priority): int(count) for priority, count in rows}
            busy = session.scalar(select(func.count()).where(Job.state.in_(RUNNING))) or 0
        return counts, int(busy)


class ServiceMetrics:
    """Every metric of one app, registered in its own :class:`CollectorRegistry` (two
    apps in one process, as in tests, never clash)."""

    def __init__(self, database: Database | None = None) -> None:
        self.registry = CollectorRegistry()
        self.http_requests = Counter(
            "persona_http_requests",
            "HTTP requests by method, route template and status",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.http_latency = Histogram(
            "persona_http_request_duration_seconds",
            "HTTP request latency by method and route template",
            ["method", "route"],
            registry=self.registry,
        )
        self.job_transitions = Counter(
            "persona_job_transitions",
            "Job state changes by job type and the state reached",
            ["type", "state"],
            registry=self.registry,
        )
        self.job_duration = Histogram(
            "persona_job_duration_seconds",
            "Time from a job's start (or creation) to its final state",
            ["type", "state"],
            buckets=JOB_BUCKETS_S,
            registry=self.registry,
        )
        if database is not None:
            self.registry.register(QueueCollector(database))

    def observe_request(self, method: str, route: str, status: int, seconds: float) -> None:
        self.http_requests.labels(method, route, str(status)).inc()
        self.http_latency.labels(method, route).observe(seconds)

    def observe_job(self, job: Job, *, now: datetime | None = None) -> None:
        """Count the state ``job`` is in now; for a final state, also its duration."""
        job_type, state = str(job.type), str(job.state)
        self.job_transitions.labels(job_type, state).inc()
        if job.state in TERMINAL:
            self.job_duration.labels(job_type, state).observe(job_duration_s(job, now=now))

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


def job_duration_s(job: Job, *, now: datetime | None = None) -> float:
    """Seconds from the job's start (its creation, if it never started) to its end (or
    ``now``)."""
    start = job.started_at or job.created_at
    end = job.finished_at or now or utcnow()
    return max(0.0, (end - start).total_seconds())


_WATCHERS: weakref.WeakSet[ServiceMetrics] = weakref.WeakSet()


def watch_jobs(metrics: ServiceMetrics) -> None:
    """Let ``metrics`` (an app's ``app.state.metrics``) count the jobs this process's
    workers end: ``persona serve`` does this for its embedded workers."""
    _WATCHERS.add(metrics)


def job_ended(job: Job, *, now: datetime | None = None) -> None:
    """What a worker calls when a job leaves its hands (completed, failed, cancelled, or
    back in the queue for a retry): every watching app's metrics count it."""
    for metrics in list(_WATCHERS):
        metrics.observe_job(job, now=now)


def route_template(scope: Scope) -> str:
    """The matched route's full template. FastAPI keeps routes of included routers as
    they were declared (``/users/me``) and records the prefixed one in its own scope
    entry, so that is read first."""
    effective = scope.get("fastapi", {}).get("effective_route_context")
    for source in (effective, scope.get("route")):
        path = getattr(source, "path_format", None) or getattr(source, "path", None)
        if path:
            return str(path)
    return UNMATCHED


class MetricsMiddleware:
    """Times every HTTP request and counts it by method, route template and status."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        metrics: ServiceMetrics = scope["app"].state.metrics
        started = time.perf_counter()
        status = 500

        async def record_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, record_status)
        finally:
            elapsed = time.perf_counter() - started
            metrics.observe_request(scope["method"], route_template(scope), status, elapsed)


router = APIRouter(tags=["meta"])


@router.get("/metrics", include_in_schema=False)
def metrics_endpoint(request: Request) -> Response:
    """The Prometheus text exposition of this app's metrics."""
    metrics: ServiceMetrics = request.app.state.metrics
    return Response(metrics.exposition(), media_type=CONTENT_TYPE_LATEST)
