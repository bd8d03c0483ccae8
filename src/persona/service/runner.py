"""``persona serve`` and ``persona worker``: the processes of the service.

    persona serve [--host H] [--port P] [--workers N]
        db upgrade → create_app → N embedded worker threads (no broker) → uvicorn
    persona worker [--threads N]
        the same worker loop in a process of its own: polling the database, or, with
        PERSONA_BROKER_URL, consuming the broker's queues (Celery)

Both run the same tasks through the same states; only the wake-up differs. The
embedded worker is woken the moment the API queues a job; a polling worker looks every
``--poll`` seconds; a Celery worker is handed each job id by the broker.
"""

from __future__ import annotations

import contextlib
import logging
import signal
import threading
from collections.abc import Iterator, Sequence
from types import FrameType

from fastapi import FastAPI

from persona.service.db.engine import Database
from persona.service.settings import Settings
from persona.service.storage.base import Storage
from persona.service.worker import WorkerConfig, WorkerPool

log = logging.getLogger("persona.service")


def worker_config(
    settings: Settings, poll_s: float = 1.0, retry_base_s: float = 5.0
) -> WorkerConfig:
    return WorkerConfig(lease_s=settings.job_lease_s, poll_s=poll_s, retry_base_s=retry_base_s)


def attach_workers(app: FastAPI, pool: WorkerPool) -> None:
    """Wake ``pool`` whenever the app queues a job."""

    def dispatch(_items: Sequence[tuple[str, int]]) -> None:
        pool.notify()

    app.state.dispatch = dispatch


def serve(settings: Settings, host: str, port: int, workers: int, queue_prefix: str) -> None:
    import uvicorn

    from persona.service.app import create_app
    from persona.service.db.migrate import upgrade
    from persona.service.logs import configure_logging
    from persona.service.metrics import watch_jobs

    configure_logging(settings)
    database = Database.from_settings(settings)
    upgrade(database)
    app = create_app(settings, database=database)
    watch_jobs(app.state.metrics)
    pool: WorkerPool | None = None
    if settings.broker_url is None:  # embedded: the worker lives in this process
        pool = WorkerPool(
            database, app.state.storage, worker_config(settings), workers, settings
        ).start()
        attach_workers(app, pool)
    else:
        from persona.service.broker import publisher

        app.state.dispatch = publisher(settings.broker_url, queue_prefix)
    try:
        _uvicorn_server()(
            uvicorn.Config(app, host=host, port=port, log_level="info", access_log=False)
        ).run()
    finally:
        if pool is not None:
            pool.stop(timeout=settings.job_lease_s)
        database.dispose()


def _uvicorn_server() -> type:
    import uvicorn

    class Server(uvicorn.Server):
        """Uvicorn that, after a graceful stop on SIGTERM/SIGINT, returns instead of
        raising the signal again: the embedded workers then finish and exit 0."""

        @contextlib.contextmanager
        def capture_signals(self) -> Iterator[None]:
            with super().capture_signals():
                yield
                self._captured_signals.clear()

    return Server


def _stop_on_signals(stop: threading.Event) -> None:
    def handle(signum: int, _frame: FrameType | None) -> None:
        log.info("signal %d: stopping after the running jobs", signum)
        stop.set()

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, handle)


def run_worker(
    settings: Settings,
    storage: Storage,
    *,
    threads: int,
    poll_s: float,
    retry_base_s: float,
    queue_prefix: str,
) -> None:
    """The worker process: until SIGINT/SIGTERM, then finish the running jobs."""
    from persona.service.db.migrate import upgrade
    from persona.service.logs import configure_logging

    configure_logging(settings)
    database = Database.from_settings(settings)
    upgrade(database)
    config = worker_config(settings, poll_s, retry_base_s)
    stop = threading.Event()
    try:
        if settings.broker_url is not None:
            from persona.service.broker import run_celery_worker

            run_celery_worker(
                settings, database, storage, config, threads=threads, prefix=queue_prefix,
                stop=stop,
            )  # fmt: skip
            return
        _stop_on_signals(stop)
        pool = WorkerPool(database, storage, config, threads, settings).start()
        log.info(
            "worker polling %s every %.1f s with %d thread(s)", database.dialect, poll_s, threads
        )
        while not stop.wait(1.0):
            pass
        pool.stop()
    finally:
        database.dispose()
