"""Celery over Redis as the delivery channel for jobs (``PERSONA_BROKER_URL=redis://…``).

The database stays the truth about every job; the broker only says "job X is waiting".
The API publishes a job's id to the queue of its priority (``persona.critical``,
``persona.high``, ``persona.medium``, ``persona.low``); a ``persona worker`` consumes
them with the ``persona.run_job`` task, which claims that very job (``claim_job``: a
duplicate or stale message finds it no longer queued and does nothing) and runs it as
the embedded worker would (:func:`persona.service.worker.execute`).

A failed attempt that will be retried is back in the queue with a ``not_before`` time
(its backoff); the worker that failed it publishes it again with that ``eta``. Celery's
Redis transport has no delayed delivery: the worker that fetches the message keeps it
until then, without taking a thread.

Messages can be lost (a publish while Redis was down) and jobs can come back to the
queue without a message (a worker died and its lease ran out), so every worker process
also *sweeps* once per lease: it requeues expired jobs (a job out of attempts fails, and
its webhook is scheduled) and publishes those, and every job that has waited in the queue
for longer than a lease and is due (its ``not_before``, if any, has passed).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import or_, select

from persona.service.db.base import utcnow
from persona.service.db.engine import Database
from persona.service.db.models import Job
from persona.service.jobs import repository as jobs
from persona.service.jobs.states import JobState, Priority
from persona.service.settings import Settings
from persona.service.storage.base import Storage
from persona.service.worker import WorkerConfig, deliver_webhooks, ended, execute, worker_name

if TYPE_CHECKING:
    from celery import Celery

log = logging.getLogger("persona.service.broker")
TASK_NAME = "persona.run_job"
DEFAULT_PREFIX = "persona"
Publish = Callable[[Sequence[tuple[str, int]]], None]
PublishAt = Callable[[str, int, datetime | None], None]


def queue_name(prefix: str, priority: int) -> str:
    """``persona.high`` for a high-priority job."""
    return f"{prefix}.{Priority(priority).label}"


def queue_names(prefix: str) -> list[str]:
    """Every queue, most urgent first."""
    return [queue_name(prefix, int(p)) for p in sorted(Priority)]


def celery_app(broker_url: str, prefix: str = DEFAULT_PREFIX) -> Celery:
    """A Celery app for ``broker_url``: acknowledged after the job ran (a worker that
    dies leaves its message to be delivered again), one message at a time per thread.

    Kombu's Redis transport polls a worker's queues round robin by default: after a
    message from ``persona.critical`` it would look at ``persona.low`` first, so a waiting
    low job could go before a critical one. ``queue_order_strategy: "priority"`` makes
    every poll (one ``BRPOP`` over all the queues) take from the queues in the order the
    worker consumes them, most urgent first (:func:`queue_names`). What remains: a worker
    fetches one message per thread (``worker_prefetch_multiplier=1``, acknowledged after
    the job), so a message a free thread fetched before the critical one was published
    still runs first; a critical job waits for a thread to finish, never behind a queue
    of less urgent ones. Messages with an ``eta`` (retries) are held by the worker that
    fetched them until then."""
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
        broker_transport_options={"visibility_timeout": 3600, "queue_order_strategy": "priority"},
    )
    return app


def publisher(broker_url: str, prefix: str = DEFAULT_PREFIX) -> Publish:
    """``publish([(job_id, priority), ...])`` for the API: a failed publish is logged,
    not raised (the job is queued in the database and a sweep sends it again)."""
    publish_at = scheduled_publisher(broker_url, prefix)

    def publish(items: Sequence[tuple[str, int]]) -> None:
        for job_id, priority in items:
            publish_at(job_id, priority, None)

    return publish


def scheduled_publisher(broker_url: str, prefix: str = DEFAULT_PREFIX) -> PublishAt:
    """``publish_at(job_id, priority, eta)``: a message the broker hands out at ``eta``
    (at once when ``None``); failures are logged, as by :func:`publisher`."""
    app = celery_app(broker_url, prefix)

    def publish_at(job_id: str, priority: int, eta: datetime | None) -> None:
        try:
            app.send_task(TASK_NAME, args=[job_id], queue=queue_name(prefix, priority), eta=eta)
        except Exception:
            log.exception("could not publish %s; a sweep will send it again", job_id)

    return publish_at


def sweep(database: Database, publish: Publish, lease_s: int) -> list[str]:
    """Requeue expired jobs (failing, with their webhook, those out of attempts) and
    publish those just requeued and those waiting longer than a lease; returns the ids
    published."""
    now = utcnow()
    stale_before = now - timedelta(seconds=lease_s)
    with database.transaction() as session:
        report = jobs.requeue_expired(session, now=now)
        for failed_id in report.failed:
            ended(session, jobs.get_job(session, failed_id))
        waiting = or_(Job.queued_at < stale_before, Job.id.in_(report.requeued))
        rows = session.execute(
            select(Job.id, Job.priority).where(Job.state == JobState.QUEUED, waiting, jobs.due(now))
        ).all()
    publish([(row[0], row[1]) for row in rows])
    return [row[0] for row in rows]


def _consumer(
    database: Database, storage: Storage, config: WorkerConfig, publish_at: PublishAt
) -> Callable[[str], None]:
    def again(job: Job) -> None:  # a retry: the broker holds it until its backoff ends
        publish_at(job.id, job.priority, job.not_before)

    def run_job(job_id: str) -> None:
        worker_id = worker_name(threading.current_thread().name)
        with database.transaction() as session:
            job = jobs.claim_job(session, job_id, worker_id, lease_s=config.lease_s)
        if job is None:
            log.info("%s is not queued, or not due yet; message dropped", job_id)
            return
        execute(database, storage, job, worker_id, config, on_retry=again)

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
    publish_at = scheduled_publisher(settings.broker_url, prefix)
    app.task(name=TASK_NAME, acks_late=True)(_consumer(database, storage, config, publish_at))
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
