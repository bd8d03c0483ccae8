"""Many workers claiming at once: every job is claimed exactly once per attempt
(FOR UPDATE SKIP LOCKED on PostgreSQL, one atomic UPDATE on SQLite), and redelivery
after lost leases hands each job out once more with its attempt counted."""

from __future__ import annotations

import multiprocessing
import threading
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from persona.service.db.engine import Database, make_engine
from persona.service.jobs import repository as jobs
from persona.service.jobs.states import JobState
from tests.unit.service.servicedb import add_user

LEASE = 60
T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
PRIORITIES = ("critical", "high", "medium", "low")


def _fill(database: Database, count: int) -> set[str]:
    with database.transaction() as session:
        user = add_user(session)
        ids = set()
        for n in range(count):
            job = jobs.create_job(
                session,
                user_id=user.id,
                job_type="voice_synthesis",
                priority=PRIORITIES[n % 4],
                now=T0 + timedelta(milliseconds=n),
            )
            ids.add(jobs.enqueue(session, job.id).id)
    return ids


def _drain(database: Database, worker: str, now: datetime) -> list[tuple[str, int]]:
    """Claim until the queue is empty; (job id, attempt) for each claim."""
    claimed = []
    while True:
        with database.transaction() as session:
            job = jobs.claim_next(session, worker, lease_s=LEASE, now=now)
            if job is None:
                return claimed
            claimed.append((job.id, job.attempts))


def _race(database: Database, workers: int, now: datetime) -> dict[str, list[tuple[str, int]]]:
    start = threading.Barrier(workers)
    results: dict[str, list[tuple[str, int]]] = {}
    errors: list[BaseException] = []

    def work(name: str) -> None:
        try:
            start.wait()
            results[name] = _drain(database, name, now)
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(f"w{n}",)) for n in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    return results


def _exactly_once(results: dict[str, list[tuple[str, int]]], ids: set[str], attempt: int) -> None:
    claims = [claim for claimed in results.values() for claim in claimed]
    counts = Counter(job_id for job_id, _ in claims)
    assert set(counts) == ids and set(counts.values()) == {1}
    assert {n for _, n in claims} == {attempt}


@pytest.mark.slow
@pytest.mark.postgres
def test_threads_claim_each_job_once_per_attempt_on_postgres(pg_database: Database) -> None:
    ids = _fill(pg_database, 80)
    _exactly_once(_race(pg_database, 6, T0), ids, attempt=1)
    # Every worker "dies": the leases run out, the jobs come back, and go out once more.
    later = T0 + timedelta(seconds=LEASE + 1)
    with pg_database.transaction() as session:
        report = jobs.requeue_expired(session, now=later)
    assert set(report.requeued) == ids and not report.failed
    _exactly_once(_race(pg_database, 6, later), ids, attempt=2)
    with pg_database.session() as session:
        states = {jobs.get_job(session, job_id).state for job_id in ids}
    assert states == {JobState.PROCESSING}


def test_threads_claim_each_job_once_on_sqlite(database: Database) -> None:
    ids = _fill(database, 30)
    _exactly_once(_race(database, 4, T0), ids, attempt=1)


@pytest.mark.postgres
def test_concurrent_requeuers_requeue_each_job_once(pg_database: Database) -> None:
    ids = _fill(pg_database, 40)
    _race(pg_database, 2, T0)
    later = T0 + timedelta(seconds=LEASE + 1)
    start, reports = threading.Barrier(3), []

    def sweep() -> None:
        start.wait()
        with pg_database.transaction() as session:
            reports.append(jobs.requeue_expired(session, now=later))

    threads = [threading.Thread(target=sweep) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    requeued = [job_id for report in reports for job_id in report.requeued]
    assert len(reports) == 3 and sorted(requeued) == sorted(ids)


def _process_worker(url: str, worker: str) -> list[tuple[str, int]]:
    database = Database(make_engine(url))
    try:
        return _drain(database, worker, T0)
    finally:
        database.dispose()


@pytest.mark.slow
@pytest.mark.postgres
def test_processes_claim_each_job_once_on_postgres(pg_database: Database) -> None:
    ids = _fill(pg_database, 60)
    url = pg_database.engine.url.render_as_string(hide_password=False)
    with multiprocessing.get_context("spawn").Pool(3) as pool:
        claimed = pool.starmap(_process_worker, [(url, f"p{n}") for n in range(3)])
    _exactly_once({f"p{n}": c for n, c in enumerate(claimed)}, ids, attempt=1)
