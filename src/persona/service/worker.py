"""The job worker: claim a job, run its task under a lease, record how it ended.

    loop: requeue_expired → claim_next (priority, then age) → execute → sleep when idle

:func:`execute` runs one claimed job. A heartbeat thread renews the lease every
``lease_s / 3`` seconds and writes the progress; when a heartbeat finds the job gone
(cancelled, or taken back after the lease ran out) or the job's time limit passes, the
task is stopped cooperatively: its next progress report raises
:class:`~persona.service.tasks.JobAborted`. A task that does not report again within a
lease after its time limit is failed by the heartbeat thread itself.

Cancels are noticed sooner than a heartbeat: a progress report more than
:data:`CANCEL_CHECK_S` after the last check reads the job's state and worker (one
indexed row), so a cancelled render stops within about a second of its next report;
its partial outputs are removed.

A failed attempt goes back to the queue at once, with ``not_before`` = now + a backoff
(:meth:`WorkerConfig.backoff_s`: ``retry_base_s`` doubling per attempt, at most
``retry_max_s``, shortened by a random 0–50 % so that jobs failing together do not come
back together); no worker claims it before then, and this worker goes on with other
jobs. When the job's attempts are used it fails with the error. Bad input (an
:class:`~persona.errors.InputError`) fails at once: it would fail again.

The same loop runs as threads inside ``persona serve`` (:class:`WorkerPool`) and in
``persona worker`` processes; with a broker, a Celery task claims the delivered job with
``claim_job`` and calls :func:`execute` (see :mod:`persona.service.broker`).
"""

from __future__ import annotations

import logging
import os
import random
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from persona.errors import InputError
from persona.service.db.engine import Database
from persona.service.db.models import Job
from persona.service.errors import JobLostError
from persona.service.jobs import repository as jobs
from persona.service.jobs.states import RUNNING, JobState
from persona.service.settings import Settings
from persona.service.storage.base import Storage
from persona.service.tasks import JobAborted, discard_outputs, run_task

log = logging.getLogger("persona.service.worker")
CANCEL_CHECK_S = 1.0
"""At most this often a progress report reads whether the job is still held."""
OnRetry = Callable[[Job], None]
"""Told about a job that went back to the queue for another attempt (its ``not_before``
says when): the broker publishes it again for then."""


@dataclass(frozen=True)
class WorkerConfig:
    lease_s: int = 60
    poll_s: float = 1.0
    retry_base_s: float = 5.0
    retry_max_s: float = 120.0

    @property
    def heartbeat_s(self) -> float:
        return self.lease_s / 3

    def retry_delay_s(self, attempt: int) -> float:
        """The nominal wait before attempt ``attempt + 1``: ``retry_base_s`` doubling
        per attempt, at most ``retry_max_s``."""
        return float(min(self.retry_max_s, self.retry_base_s * 2 ** max(0, attempt - 1)))

    def backoff_s(self, attempt: int, rng: random.Random | None = None) -> float:
        """The wait actually used: the nominal one shortened by a random 0–50 %."""
        jitter = (rng or random).uniform(0.0, 0.5)
        return self.retry_delay_s(attempt) * (1.0 - jitter)


def worker_name(suffix: str = "") -> str:
    """``host:pid[:suffix]``: who holds a job, as the jobs table shows it."""
    base = f"{socket.gethostname()}:{os.getpid()}"
    return f"{base}:{suffix}" if suffix else base


class _Tracker:
    """The job's progress as the task reports it (the :class:`JobProgress` a task gets),
    the heartbeat thread that renews the lease, and why the job must stop, if it must."""

    def __init__(self, database: Database, job: Job, worker_id: str, config: WorkerConfig):
        self.database, self.job_id, self.worker_id = database, job.id, worker_id
        self.config, self.time_limit_s = config, job.time_limit_s
        self.state, self.percent = JobState.PROCESSING, 0
        self.abort_reason: str | None = None
        self.aborted = threading.Event()
        self._stop = threading.Event()
        self._started = self._checked = time.monotonic()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._beat, name=f"heartbeat-{job.id}", daemon=True)

    def __enter__(self) -> _Tracker:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def report(self, state: JobState, fraction: float) -> None:
        self._check_held()
        if self.aborted.is_set():
            raise JobAborted(f"job {self.job_id} stopped: {self.abort_reason}")
        percent = max(0, min(99, int(fraction * 100)))
        with self._lock:
            forward = RUNNING.index(state) > RUNNING.index(self.state)
            self.percent = max(self.percent, percent)
            if forward:
                self.state = state
        if forward:
            self.write(
                lambda s: jobs.advance(s, self.job_id, self.worker_id, state, progress=percent)
            )

    def _check_held(self) -> None:
        """Once per :data:`CANCEL_CHECK_S`: abort when the job was cancelled or taken
        back (a failed read is left to the next check or the heartbeat)."""
        now = time.monotonic()
        if self.aborted.is_set() or now - self._checked < CANCEL_CHECK_S:
            return
        self._checked = now
        try:
            with self.database.session() as session:
                held = jobs.still_held(session, self.job_id, self.worker_id)
        except Exception:
            log.warning("could not check whether %s is still held", self.job_id, exc_info=True)
            return
        if not held:
            self.abort("it was cancelled or taken back")

    def abort(self, reason: str) -> None:
        if not self.aborted.is_set():
            self.abort_reason = reason
            self.aborted.set()

    @property
    def timed_out(self) -> bool:
        return time.monotonic() - self._started > self.time_limit_s

    def write(self, change: Any) -> None:
        """Apply ``change(session)`` to the job; :class:`JobAborted` when it is gone."""
        try:
            with self.database.transaction() as session:
                change(session)
        except JobLostError:
            self.abort("it was cancelled or taken back")
            raise JobAborted(f"job {self.job_id} stopped: {self.abort_reason}") from None

    def _beat(self) -> None:
        while not self._stop.wait(self.config.heartbeat_s):
            if self.timed_out and not self.aborted.is_set():
                self.abort(f"it ran past its time limit of {self.time_limit_s} s")
            if self.timed_out and time.monotonic() - self._started > (
                self.time_limit_s + self.config.lease_s
            ):
                self._fail_stuck()
                return
            try:
                with self.database.transaction() as session:
                    jobs.heartbeat(
                        session, self.job_id, self.worker_id,
                        lease_s=self.config.lease_s, progress=self.percent,
                    )  # fmt: skip
            except JobLostError:
                self.abort("it was cancelled or taken back")
                return
            except Exception:  # a busy database: the next beat tries again
                log.exception("heartbeat of %s failed", self.job_id)

    def _fail_stuck(self) -> None:
        """The task did not stop when asked: fail the attempt for it."""
        try:
            with self.database.transaction() as session:
                reason = self.abort_reason or "stopped"
                ended(session, jobs.fail(session, self.job_id, self.worker_id, reason))
        except Exception:
            log.exception("could not fail stuck job %s", self.job_id)


def ended(session: Session, job: Job) -> Job:
    """Schedule the webhook of a job that just ended (in the transaction that ended it;
    nothing for a job still going or without a webhook URL)."""
    from persona.service.metrics import job_ended
    from persona.service.webhooks import notify

    notify(session, job)
    job_ended(job)
    return job


def deliver_webhooks(
    database: Database, settings: Settings, stop: threading.Event, every_s: float = 2.0
) -> None:
    """Send due webhook deliveries every ``every_s`` seconds until ``stop`` is set."""
    import httpx

    from persona.service.webhooks import deliver_due

    with httpx.Client(timeout=10.0, follow_redirects=False) as client:
        while not stop.wait(every_s):
            try:
                with database.session() as session:
                    deliver_due(session, client, settings)
            except Exception:
                log.exception("webhook delivery failed; trying again")


def execute(
    database: Database,
    storage: Storage,
    job: Job,
    worker_id: str,
    config: WorkerConfig,
    on_retry: OnRetry | None = None,
) -> None:
    """Run one claimed job to its end: completed, back in the queue (``on_retry`` is
    told), failed, or left alone because it was cancelled or taken back meanwhile."""
    from persona.service.logs import job_context

    with job_context(job.id), _Tracker(database, job, worker_id, config) as tracker:
        log.info("%s runs %s (%s, attempt %d)", worker_id, job.id, job.type, job.attempts)
        try:
            result = run_task(
                job.type, job_id=job.id, user_id=job.user_id, params=dict(job.params or {}),
                storage=storage, database=database, progress=tracker,
            )  # fmt: skip
            tracker.report(JobState.UPLOADING, 1.0)  # raises when stopped meanwhile
            tracker.write(lambda s: ended(s, jobs.complete(s, job.id, worker_id, result)))
            log.info("%s completed", job.id)
        except JobAborted:
            _after_abort(database, storage, tracker, job, on_retry)
        except Exception as exc:
            _after_error(tracker, job, exc, on_retry)


def _after_abort(
    database: Database, storage: Storage, tracker: _Tracker, job: Job, on_retry: OnRetry | None
) -> None:
    reason = tracker.abort_reason or "stopped"
    log.info("%s stopped: %s", job.id, reason)
    if tracker.timed_out:
        message = f"the job ran past its time limit of {job.time_limit_s} s"
        _retried(_fail(tracker, job, message), on_retry)
        return
    with database.session() as session:
        state = jobs.get_job(session, job.id).state
    if state == JobState.CANCELLED:
        discard_outputs(database, storage, job)


def _after_error(tracker: _Tracker, job: Job, exc: Exception, on_retry: OnRetry | None) -> None:
    message = str(exc).strip() or type(exc).__name__
    retryable = not isinstance(exc, InputError)
    if retryable:
        log.exception("%s failed on attempt %d", job.id, job.attempts)
    _retried(_fail(tracker, job, message, retryable=retryable), on_retry)


def _retried(after: Job | None, on_retry: OnRetry | None) -> None:
    if after is not None and after.state == JobState.QUEUED:
        log.info("%s goes back to the queue until %s", after.id, after.not_before)
        if on_retry is not None:
            on_retry(after)


def _fail(tracker: _Tracker, job: Job, message: str, *, retryable: bool = True) -> Job | None:
    """Record the failed attempt (queued again after a backoff, or failed); ``None``
    when the job was cancelled or already failed by the heartbeat thread."""
    delay = tracker.config.backoff_s(job.attempts)
    try:
        with tracker.database.transaction() as session:
            return ended(
                session,
                jobs.fail(
                    session, job.id, tracker.worker_id, message,
                    retryable=retryable, retry_after_s=delay,
                ),
            )  # fmt: skip
    except JobLostError:
        return None


class Worker:
    """One polling loop: requeue expired jobs, claim the next, execute it."""

    def __init__(
        self,
        database: Database,
        storage: Storage,
        config: WorkerConfig,
        name: str | None = None,
        wake: threading.Event | None = None,
    ) -> None:
        self.database, self.storage, self.config = database, storage, config
        self.worker_id = name or worker_name()
        self.wake = wake or threading.Event()

    def run_once(self) -> bool:
        """Do one job if one is queued; whether one was done."""
        with self.database.transaction() as session:
            report = jobs.requeue_expired(session)
            for failed_id in report.failed:
                ended(session, jobs.get_job(session, failed_id))
            job = jobs.claim_next(session, self.worker_id, lease_s=self.config.lease_s)
        if report.requeued or report.failed:
            log.info("requeued %s, failed %s (leases ran out)", report.requeued, report.failed)
        if job is None:
            return False
        execute(self.database, self.storage, job, self.worker_id, self.config)
        return True

    def run(self, stop: threading.Event) -> None:
        """Loop until ``stop`` is set; sleeps ``poll_s`` (or until woken) when idle."""
        while not stop.is_set():
            try:
                busy = self.run_once()
            except Exception:
                log.exception("worker %s: the loop failed; retrying", self.worker_id)
                busy = False
            if not busy:
                self.wake.wait(self.config.poll_s)
                self.wake.clear()


class WorkerPool:
    """``count`` worker threads in this process (the worker of ``persona serve``);
    :meth:`notify` wakes them when a job was queued."""

    def __init__(
        self,
        database: Database,
        storage: Storage,
        config: WorkerConfig,
        count: int = 1,
        settings: Settings | None = None,
    ) -> None:
        """With ``settings``, a thread also sends the jobs' webhooks."""
        if count < 1:
            raise InputError(f"at least one worker thread, not {count}")
        self._stop = threading.Event()
        self._wake = threading.Event()
        self.workers = [
            Worker(database, storage, config, worker_name(f"t{k}"), self._wake)
            for k in range(count)
        ]
        self._threads: list[threading.Thread] = []
        self._database, self._settings = database, settings

    def start(self) -> WorkerPool:
        if self._settings is not None:
            sender = threading.Thread(
                target=deliver_webhooks, args=(self._database, self._settings, self._stop),
                name="persona-webhooks", daemon=True,
            )  # fmt: skip
            sender.start()
            self._threads.append(sender)
        for worker in self.workers:
            thread = threading.Thread(
                target=worker.run, args=(self._stop,), name=f"persona-{worker.worker_id}",
                daemon=True,
            )  # fmt: skip
            thread.start()
            self._threads.append(thread)
        return self

    def notify(self) -> None:
        self._wake.set()

    def stop(self, timeout: float | None = None) -> None:
        """Stop claiming; wait up to ``timeout`` s for running jobs (a job still running
        then is redelivered once its lease runs out)."""
        self._stop.set()
        self._wake.set()
        for thread in self._threads:
            thread.join(timeout)
