"""The job queue, kept in the database: create, claim, heartbeat, finish, requeue.

Delivery is at least once. A worker *claims* the most urgent queued job (priority, then
age) and holds it under a lease that its heartbeats extend. A worker that dies stops
heartbeating; :func:`requeue_expired` then puts its job back in the queue, or fails it
when every attempt is used (``attempts`` counts claims). Every change is a conditional
``UPDATE … WHERE state = …`` (and, for a worker, ``AND worker_id = …``), so two
processes can never both move the same job; a worker whose job was cancelled or taken
away gets :class:`~persona.service.errors.JobLostError` and should stop.

A failed attempt that will be retried goes back to the queue with ``not_before`` set
(its backoff): claims skip it until then, so the worker that failed it is free to run
other jobs meanwhile.

Claiming is one statement on both backends: ``UPDATE jobs … WHERE id = (SELECT id …
ORDER BY priority, created_at LIMIT 1 FOR UPDATE SKIP LOCKED)`` on PostgreSQL, where
concurrent claimers skip each other's rows; on SQLite the ``FOR UPDATE`` falls away and
the single UPDATE is atomic because SQLite has one writer at a time.

Functions work inside the caller's session and never commit: the caller's transaction
decides (``with database.transaction() as session: claim_next(session, ...)``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import ColumnElement, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from persona.errors import InputError
from persona.service.db.base import utcnow
from persona.service.db.models import Job
from persona.service.errors import ConflictError, JobLostError, NotFoundError
from persona.service.jobs.states import (
    JOB_LIMITS,
    RUNNING,
    JobState,
    JobType,
    Priority,
    after_failure,
    parse_job_type,
    parse_priority,
    transition_values,
)

LOST_WORKER_ERROR = "the worker stopped responding (its lease expired) on the last attempt"


@dataclass(frozen=True)
class RequeueReport:
    requeued: tuple[str, ...]
    failed: tuple[str, ...]


def check_webhook_url(url: str | None, *, allow_http: bool) -> str | None:
    """``url`` when it is an absolute https (or, if allowed, http) URL with a host."""
    if url is None:
        return None
    parts = urlsplit(url)
    schemes = ("https", "http") if allow_http else ("https",)
    if parts.scheme not in schemes or not parts.hostname:
        raise InputError(f"webhook URL must be an absolute {' or '.join(schemes)} URL: {url!r}")
    return url


def create_job(
    session: Session,
    *,
    user_id: str,
    job_type: JobType | str,
    params: Mapping[str, Any] | None = None,
    priority: Priority | str | int = Priority.MEDIUM,
    idempotency_key: str | None = None,
    webhook_url: str | None = None,
    allow_http_webhooks: bool = False,
    now: datetime | None = None,
) -> Job:
    """A new ``submitted`` job with its type's time limit and attempts. With an
    ``idempotency_key`` the user already used for the same request, that job is returned;
    for a different request, :class:`ConflictError`."""
    kind, level = parse_job_type(job_type), parse_priority(priority)
    body = dict(params or {})
    if idempotency_key is not None:
        existing = session.scalar(
            select(Job).where(Job.user_id == user_id, Job.idempotency_key == idempotency_key)
        )
        if existing is not None:
            if existing.type == kind and existing.params == body:
                return existing
            raise ConflictError(
                f"idempotency key {idempotency_key!r} was already used for another request"
            )
    limits, now = JOB_LIMITS[kind], now or utcnow()
    job = Job(
        user_id=user_id,
        type=kind,
        state=JobState.SUBMITTED,
        priority=int(level),
        params=body,
        max_attempts=limits.max_attempts,
        time_limit_s=limits.time_limit_s,
        idempotency_key=idempotency_key,
        webhook_url=check_webhook_url(webhook_url, allow_http=allow_http_webhooks),
        created_at=now,
        updated_at=now,
    )
    session.add(job)
    try:
        session.flush()
    except IntegrityError as exc:
        if idempotency_key is None:
            raise
        raise ConflictError(
            f"a job with idempotency key {idempotency_key!r} was created meanwhile; retry"
        ) from exc
    return job


def get_job(session: Session, job_id: str, *, user_id: str | None = None) -> Job:
    """The job; another user's job is reported as not found."""
    job = session.get(Job, job_id, populate_existing=True)
    if job is None or (user_id is not None and job.user_id != user_id):
        raise NotFoundError(f"no job {job_id!r}")
    return job


def enqueue(session: Session, job_id: str, *, now: datetime | None = None) -> Job:
    """``submitted → queued``: the job may now be claimed."""
    return _move(session, job_id, JobState.QUEUED, now=now)


def hold(session: Session, job_id: str, *, now: datetime | None = None) -> Job:
    """``submitted → held``: the job waits for a reviewer; no worker claims it.
    :func:`enqueue` releases it, :func:`reject` fails it."""
    return _move(session, job_id, JobState.HELD, now=now)


def reject(session: Session, job_id: str, error: str, *, now: datetime | None = None) -> Job:
    """``held → failed`` with ``error``: a reviewer refused the job."""
    job = get_job(session, job_id)
    if job.state != JobState.HELD:
        raise ConflictError(f"job {job_id} is {job.state}, not held for review")
    return _move(session, job_id, JobState.FAILED, now=now, extra={"error": error})


def cancel(session: Session, job_id: str, *, now: datetime | None = None) -> Job:
    """Cancel a job that is not final; a running job's worker finds out at its next
    heartbeat (:class:`JobLostError`)."""
    return _move(session, job_id, JobState.CANCELLED, now=now)


def claim_next(
    session: Session,
    worker_id: str,
    *,
    lease_s: int,
    types: Iterable[JobType | str] | None = None,
    now: datetime | None = None,
) -> Job | None:
    """Claim the most urgent queued job (of ``types``, if given) for ``worker_id``:
    ``processing``, one more attempt, leased for ``lease_s`` seconds. ``None``: nothing
    to do."""
    now = now or utcnow()
    pick = select(Job.id).where(Job.state == JobState.QUEUED, due(now))
    if types is not None:
        pick = pick.where(Job.type.in_([parse_job_type(t) for t in types]))
    pick = pick.order_by(Job.priority, Job.created_at, Job.id).limit(1)
    values = transition_values(JobState.QUEUED, JobState.PROCESSING, now)
    values.update(worker_id=worker_id, lease_until=now + timedelta(seconds=lease_s), progress=0)
    claim = (
        update(Job)
        .where(Job.id == pick.with_for_update(skip_locked=True).scalar_subquery())
        .where(Job.state == JobState.QUEUED)
        .values(attempts=Job.attempts + 1, **values)
        .returning(Job.id)
        .execution_options(synchronize_session=False)
    )
    job_id = session.execute(claim).scalar_one_or_none()
    return None if job_id is None else get_job(session, job_id)


def claim_job(
    session: Session, job_id: str, worker_id: str, *, lease_s: int, now: datetime | None = None
) -> Job | None:
    """Claim this job (a broker delivered its id) as :func:`claim_next` claims the next
    one; ``None`` when it is not queued (cancelled, done, or already claimed by another
    worker after a duplicate delivery) or its ``not_before`` has not come yet."""
    now = now or utcnow()
    values = transition_values(JobState.QUEUED, JobState.PROCESSING, now)
    values.update(worker_id=worker_id, lease_until=now + timedelta(seconds=lease_s), progress=0)
    claim = (
        update(Job)
        .where(Job.id == job_id, Job.state == JobState.QUEUED, due(now))
        .values(attempts=Job.attempts + 1, **values)
        .returning(Job.id)
        .execution_options(synchronize_session=False)
    )
    claimed = session.execute(claim).scalar_one_or_none()
    return None if claimed is None else get_job(session, claimed)


def due(now: datetime) -> ColumnElement[bool]:
    """The condition of a queued job that may be claimed at ``now``."""
    return or_(Job.not_before.is_(None), Job.not_before <= now)


def still_held(session: Session, job_id: str, worker_id: str) -> bool:
    """Whether ``worker_id`` still holds the running job: one indexed read, cheap
    enough for a task to ask every second (a cancel is noticed that soon)."""
    row = session.execute(select(Job.state, Job.worker_id).where(Job.id == job_id)).first()
    return row is not None and row[1] == worker_id and row[0] in RUNNING


def heartbeat(
    session: Session,
    job_id: str,
    worker_id: str,
    *,
    lease_s: int,
    progress: int | None = None,
    now: datetime | None = None,
) -> datetime:
    """Extend the lease (and record ``progress``, 0–100); returns the new lease end.
    :class:`JobLostError` when the worker no longer holds the job."""
    now = now or utcnow()
    until = now + timedelta(seconds=lease_s)
    values: dict[str, object] = {"lease_until": until, "heartbeat_at": now, "updated_at": now}
    if progress is not None:
        values["progress"] = _progress(progress)
    result = session.execute(
        update(Job)
        .where(Job.id == job_id, Job.worker_id == worker_id, Job.state.in_(RUNNING))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise _lost(job_id, worker_id)
    return until


def advance(
    session: Session,
    job_id: str,
    worker_id: str,
    target: JobState | str,
    *,
    progress: int | None = None,
    now: datetime | None = None,
) -> Job:
    """Move a held job to a later stage (rendering, post_processing, uploading)."""
    extra = {} if progress is None else {"progress": _progress(progress)}
    return _move(session, job_id, target, now=now, worker_id=worker_id, extra=extra)


def complete(
    session: Session,
    job_id: str,
    worker_id: str,
    result: Mapping[str, Any],
    *,
    now: datetime | None = None,
) -> Job:
    extra = {"result": dict(result), "error": None, "worker_id": None}
    return _move(session, job_id, JobState.COMPLETED, now=now, worker_id=worker_id, extra=extra)


def fail(
    session: Session,
    job_id: str,
    worker_id: str,
    error: str,
    *,
    retryable: bool = True,
    retry_after_s: float = 0.0,
    now: datetime | None = None,
) -> Job:
    """Record a failed attempt: back to the queue while attempts remain and the error is
    ``retryable`` (not claimed again for ``retry_after_s`` seconds), else ``failed``."""
    job, now = get_job(session, job_id), now or utcnow()
    target = after_failure(job.attempts, job.max_attempts, retryable=retryable)
    extra: dict[str, object] = {"error": error, "worker_id": None}
    if target == JobState.QUEUED and retry_after_s > 0:
        extra["not_before"] = now + timedelta(seconds=retry_after_s)
    return _move(session, job_id, target, now=now, worker_id=worker_id, extra=extra)


def requeue_expired(session: Session, *, now: datetime | None = None) -> RequeueReport:
    """Jobs whose worker's lease ran out go back to the queue, or fail when that was their
    last attempt. Safe to run from many processes at once."""
    now = now or utcnow()
    expired = (Job.state.in_(RUNNING), Job.lease_until < now)
    cleared = {"worker_id": None, "lease_until": None, "heartbeat_at": None, "updated_at": now}
    failed = session.execute(
        update(Job)
        .where(*expired, Job.attempts >= Job.max_attempts)
        .values(state=JobState.FAILED, finished_at=now, error=LOST_WORKER_ERROR, **cleared)
        .returning(Job.id)
        .execution_options(synchronize_session=False)
    )
    failed_ids = tuple(failed.scalars())
    requeued = session.execute(
        update(Job)
        .where(*expired, Job.attempts < Job.max_attempts)
        .values(state=JobState.QUEUED, queued_at=now, not_before=None, **cleared)
        .returning(Job.id)
        .execution_options(synchronize_session=False)
    )
    return RequeueReport(requeued=tuple(requeued.scalars()), failed=failed_ids)


def _move(
    session: Session,
    job_id: str,
    target: JobState | str,
    *,
    now: datetime | None,
    worker_id: str | None = None,
    extra: Mapping[str, object] | None = None,
) -> Job:
    """Apply one transition with a conditional UPDATE (state, and worker when given)."""
    job = get_job(session, job_id)
    if worker_id is not None and (job.worker_id != worker_id or job.state not in RUNNING):
        raise _lost(job_id, worker_id)
    values = transition_values(job.state, target, now or utcnow())
    values.update(extra or {})
    statement = update(Job).where(Job.id == job_id, Job.state == job.state)
    if worker_id is not None:
        statement = statement.where(Job.worker_id == worker_id)
    result = session.execute(
        statement.values(**values).execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        if worker_id is not None:
            raise _lost(job_id, worker_id)
        raise ConflictError(f"job {job_id} changed state meanwhile; try again")
    return get_job(session, job_id)


def _lost(job_id: str, worker_id: str) -> JobLostError:
    return JobLostError(
        f"worker {worker_id!r} no longer holds job {job_id} "
        "(it was cancelled, or its lease expired and it went back to the queue)"
    )


def _progress(value: int) -> int:
    if not 0 <= value <= 100:
        raise InputError(f"progress is a percentage 0..100, not {value}")
    return int(value)
