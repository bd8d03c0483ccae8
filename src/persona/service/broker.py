"""Celery over Redis as the delivery channel for jobs (``PERSONA_BROKER_URL=redis://…``).

The database stays the truth about every job; the broker only says "job X is waiting".
The API publishes a job's id to the queue of its priority (``persona.critical``,
``persona.high``, ``persona.medium``, ``persona.low``); a ``persona worker`` consumes
them with the ``persona.run_job`` task, which claims that very job (``claim_job``: a
duplicate or stale message finds it no longer queued and does nothing) and runs it as
the embedded worker would (:func:`persona.service.worker.execute`).

Messages can be lost (a publish while Redis was down) and jobs can come back to the
queue without a message (a worker died and its lease ran out), so every worker process
also *sweeps* once per lease: it requeues expired jobs and publishes again every job
that has waited in the queue for longer than a lease.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from persona.service.db.base import utcnow
from persona.service.db.engine import Database
from persona.service.db.models import Job
from persona.service.jobs import repository as jobs
from persona.service.jobs.states import JobState, Priority
from persona.service.settings import Settings
from persona.service.storage.base import Storage
from persona.service.worker import WorkerConfig, deliver_webhooks, execute, worker_name

if TYPE_CHECKING:
    from celery import Celery

log = logging.getLogger("persona.service.broker")
TASK_NAME = "persona.run_job"
DEFAULT_PREFIX = "persona"
Publish = Callable[[Sequence[tuple[str, int]]], None]


def queue_name(prefix: str, priority: int) -> str:
    """``persona.high`` for a high-priority job."""
    return f"{prefix}.{Priority(priority).label}"


def queue_names(prefix: str) -> list[str]:
    """Every queue, most urgent first."""
    return [queue_name(prefix, int(p)) for p in sorted(Priority)]


def celery_app(broker_url: str, prefix: str = DEFAULT_PREFIX) -> Celery:
    """A Celery app for ``broker_url``: acknowledged after the job ran (a worker that
    dies leaves its message to be delivered again), one message at a time per thread."""
    from celery import Celery

    app = Celery("persona", broker=broker_url, set_as_current=False)
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_ignore_result=True,
        task_default_queue=queue_name(prefix, int(Priority.MEDIUM)),
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,
        broker_transport_options={"visibility_timeout": 3600},
    )
    return app


def publisher(broker_url: str, prefix: str = DEFAULT_PREFIX) -> Publish:
    """``publish([(job_id, priority), ...])`` for the API: a failed publish is logged,
    not raised (the job is queued in the database and a sweep sends it again)."""
    app = celery_app(broker_url, prefix)

    def publish(items: Sequence[tuple[str, int]]) -> None:
        for job_id, priority in items:
            try:
                app.send_task(TASK_NAME, args=[job_id], queue=queue_name(prefix, priority))
            except Exception:
                log.exception("could not publish %s; a sweep will send it again", job_id)

    return publish


def sweep(database: Database, publish: Publish, lease_s: int) -> list[str]:
    """Requeue expired jobs and publish again those waiting longer than a lease;
    returns the ids published."""
    stale_before = utcnow() - timedelta(seconds=lease_s)
    with database.transaction() as session:
        jobs.requeue_expired(session)
        rows = session.execute(
            select(Job.id, Job.priority).where(
                Job.state == JobState.QUEUED, Job.queued_at < stale_before
            )
        ).all()
    publish([(row[0], row[1]) for row in rows])
    return [row[0] for row in rows]


def _consumer(database: Database, storage: Storage, config: WorkerConfig) -> Callable[[str], None]:
    def run_job(job_id: str) -> None:
        worker_id = worker_name(threading.current_thread().name)
        with database.transaction() as session:
            job = jobs.claim_job(session, job_id, worker_id, lease_s=config.lease_s)
        if job is None:
            log.info("%s is not queued any more; message dropped", job_id)
            return
        execute(database, storage, job, worker_id, config)

    return run_job


def run_celery_worker(
    settings: Settings,
    database: Database,
    storage: Storage,
    config: WorkerConfig,
    *,
    threads: int = 1,
    prefix: str = DEFAULT_PREFIX,
    stop: threading.Event | None = None,
) -> None:
    """Consume the priority queues with ``threads`` threads until stopped (a signal,
    or ``stop`` set by the caller), sweeping once per lease."""
    assert settings.broker_url is not None
    app = celery_app(settings.broker_url, prefix)
    app.task(name=TASK_NAME, acks_late=True)(_consumer(database, storage, config))
    publish = publisher(settings.broker_url, prefix)
    stop = stop or threading.Event()
    threading.Thread(
        target=_sweeping, args=(database, publish, config.lease_s, stop), daemon=True
    ).start()
    threading.Thread(target=deliver_webhooks, args=(database, settings, stop), daemon=True).start()
    worker: Any = app.Worker(
        queues=queue_names(prefix), concurrency=threads, pool="threads",
        without_heartbeat=True, without_gossip=True, without_mingle=True, loglevel="INFO",
    )  # fmt: skip
    threading.Thread(target=_stop_when, args=(stop, worker), daemon=True).start()
    try:
        worker.start()
    finally:
        stop.set()


def _sweeping(database: Database, publish: Publish, lease_s: int, stop: threading.Event) -> None:
    while True:
        try:
            sweep(database, publish, lease_s)
        except Exception:
            log.exception("sweep failed; trying again in %d s", lease_s)
        if stop.wait(lease_s):
            return


def _stop_when(stop: threading.Event, worker: Any) -> None:
    stop.wait()
    worker.stop(in_sighandler=False)
