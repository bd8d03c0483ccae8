"""The worker on SQLite with real threads: retries with backoff, failure after the last
attempt, bad input failing at once, the time limit, the stages a job goes through, and
how pipeline progress maps to job states."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import update
from tests.unit.service.jobclient import FAST, wait_for
from tests.unit.service.servicedb import add_user

from persona.errors import InputError
from persona.service.db.engine import Database
from persona.service.db.models import Job, WebhookDelivery
from persona.service.jobs import repository as jobs
from persona.service.jobs.states import JobState, JobType
from persona.service.storage.local import LocalStorage
from persona.service.tasks import TASKS, OutputFile, TaskContext, TaskOutput
from persona.service.tasks.context import pipeline_sink
from persona.service.worker import WorkerConfig, WorkerPool

MUSIC = JobType.MUSIC_GENERATION  # 2 attempts
VOICE = JobType.VOICE_SYNTHESIS  # 3 attempts


@pytest.fixture
def user_id(database: Database) -> str:
    with database.transaction() as session:
        return add_user(session).id


@pytest.fixture
def task_slot() -> Iterator[None]:
    yield
    TASKS.clear()


def submit(
    database: Database,
    user_id: str,
    job_type: JobType,
    time_limit_s: int = 0,
    webhook_url: str | None = None,
) -> str:
    with database.transaction() as session:
        job = jobs.create_job(
            session, user_id=user_id, job_type=job_type, params={"n": 1},
            webhook_url=webhook_url, allow_http_webhooks=True,
        )  # fmt: skip
        if time_limit_s:
            session.execute(update(Job).where(Job.id == job.id).values(time_limit_s=time_limit_s))
        jobs.enqueue(session, job.id)
        return job.id


def finished(database: Database, job_id: str) -> Job | None:
    with database.session() as session:
        job = jobs.get_job(session, job_id)
        return job if job.state in ("completed", "failed", "cancelled") else None


@pytest.fixture
def pool(database: Database, storage: LocalStorage) -> Iterator[WorkerPool]:
    running = WorkerPool(database, storage, FAST, 1).start()
    yield running
    running.stop(timeout=30)


def _write(ctx: TaskContext, text: str) -> TaskOutput:
    path = ctx.workdir / "out.txt"
    path.write_text(text)
    return TaskOutput((OutputFile("out.txt", path, "text/plain"),), {"text": text})


def test_a_failing_task_is_retried_then_completes(
    database: Database, storage: LocalStorage, user_id: str, task_slot: None, pool: WorkerPool
) -> None:
    calls: list[int] = []

    def flaky(ctx: TaskContext) -> TaskOutput:
        calls.append(1)
        if len(calls) < 3:
            raise RuntimeError(f"engine hiccup {len(calls)}")
        return _write(ctx, "third time")

    TASKS[VOICE] = flaky
    job_id = submit(database, user_id, VOICE)
    pool.notify()
    job = wait_for(lambda: finished(database, job_id), "the job to finish")
    assert job.state == "completed" and job.attempts == 3 and len(calls) == 3
    assert job.error is None and job.result["text"] == "third time"
    key = job.result["outputs"]["out.txt"]["key"]
    assert storage.exists(key) and key.endswith(f"jobs/{job_id}/out.txt")


def test_a_task_that_keeps_failing_fails_with_its_error(
    database: Database, user_id: str, task_slot: None, pool: WorkerPool
) -> None:
    def broken(_ctx: TaskContext) -> TaskOutput:
        raise RuntimeError("the synthesizer is on fire")

    TASKS[MUSIC] = broken
    job_id = submit(database, user_id, MUSIC)
    pool.notify()
    job = wait_for(lambda: finished(database, job_id), "the job to fail")
    assert job.state == "failed" and job.attempts == job.max_attempts == 2
    assert job.error == "the synthesizer is on fire"


def test_bad_input_fails_at_once_without_retry(
    database: Database, user_id: str, task_slot: None, pool: WorkerPool
) -> None:
    def picky(_ctx: TaskContext) -> TaskOutput:
        raise InputError("unknown music style 'polka'")

    TASKS[MUSIC] = picky
    job_id = submit(database, user_id, MUSIC)
    pool.notify()
    job = wait_for(lambda: finished(database, job_id), "the job to fail")
    assert job.state == "failed" and job.attempts == 1
    assert job.error == "unknown music style 'polka'"


@pytest.mark.slow
def test_time_limit_stops_the_task_and_fails_the_job(
    database: Database, user_id: str, task_slot: None, pool: WorkerPool
) -> None:
    started: list[float] = []

    def endless(ctx: TaskContext) -> TaskOutput:
        started.append(time.monotonic())
        while True:  # reports progress, as every task does, and never ends
            ctx.progress.report(JobState.RENDERING, 0.5)
            time.sleep(0.02)

    TASKS[MUSIC] = endless
    job_id = submit(database, user_id, MUSIC, time_limit_s=1)
    pool.notify()
    job = wait_for(lambda: finished(database, job_id), "the job to time out")
    assert job.state == "failed" and job.attempts == 2 and len(started) == 2
    assert job.error == "the job ran past its time limit of 1 s"


def test_stages_move_forward_and_progress_is_recorded(
    database: Database, user_id: str, task_slot: None, pool: WorkerPool
) -> None:
    seen: list[tuple[str, int]] = []

    def staged(ctx: TaskContext) -> TaskOutput:
        for state, fraction in [
            (JobState.PROCESSING, 0.1),
            (JobState.RENDERING, 0.5),
            (JobState.PROCESSING, 0.6),  # a late report of an earlier stage: no going back
            (JobState.POST_PROCESSING, 0.9),
        ]:
            ctx.progress.report(state, fraction)
            with database.session() as session:
                job = jobs.get_job(session, ctx.job_id)
                seen.append((str(job.state), job.progress))
        return _write(ctx, "staged")

    TASKS[VOICE] = staged
    job_id = submit(database, user_id, VOICE)
    pool.notify()
    job = wait_for(lambda: finished(database, job_id), "the job to finish")
    assert job.state == "completed" and job.progress == 100
    assert [s for s, _ in seen] == ["processing", "rendering", "rendering", "post_processing"]
    assert seen[1][1] == 50 and seen[3][1] == 90


def test_pipeline_progress_maps_to_job_states() -> None:
    reports: list[tuple[JobState, float]] = []

    class Recorder:
        def report(self, state: JobState, fraction: float) -> None:
            reports.append((state, fraction))

    sink = pipeline_sink(Recorder(), 0.0, 0.9)
    for stage, overall in [("speech", 0.1), ("avatar", 0.3), ("render", 0.5), ("mix", 1.0)]:
        sink(stage, 0.5, overall)
    assert [s for s, _ in reports] == [
        JobState.PROCESSING,
        JobState.PROCESSING,
        JobState.RENDERING,
        JobState.RENDERING,
    ]
    assert reports[-1][1] == pytest.approx(0.9) and reports[2][1] == pytest.approx(0.45)


def test_retry_backoff_doubles_up_to_its_cap() -> None:
    config = WorkerConfig(retry_base_s=2.0, retry_max_s=10.0)
    assert [config.retry_delay_s(n) for n in (1, 2, 3, 4)] == [2.0, 4.0, 8.0, 10.0]


def test_a_finished_job_schedules_its_webhook(
    database: Database, user_id: str, task_slot: None, pool: WorkerPool
) -> None:
    def broken(_ctx: TaskContext) -> TaskOutput:
        raise InputError("no such style")

    TASKS[MUSIC] = lambda ctx: _write(ctx, "fine")
    TASKS[VOICE] = broken
    done = submit(database, user_id, MUSIC, webhook_url="http://127.0.0.1:9/hook")
    failed = submit(database, user_id, VOICE, webhook_url="http://127.0.0.1:9/hook")
    quiet = submit(database, user_id, MUSIC)
    pool.notify()
    for job_id in (done, failed, quiet):
        wait_for(lambda job_id=job_id: finished(database, job_id), "the jobs to finish")
    with database.session() as session:
        rows = session.query(WebhookDelivery).order_by(WebhookDelivery.id).all()
        assert {(r.job_id, r.event) for r in rows if r.attempt == 1} == {
            (done, "job.success"),
            (failed, "job.fail"),
        }


def test_claim_job_takes_that_job_once(database: Database, user_id: str) -> None:
    first, second = submit(database, user_id, MUSIC), submit(database, user_id, MUSIC)
    with database.transaction() as session:
        claimed = jobs.claim_job(session, second, "w1", lease_s=30)
        assert claimed is not None and claimed.id == second and claimed.state == "processing"
        assert claimed.attempts == 1 and claimed.worker_id == "w1"
        assert jobs.claim_job(session, second, "w2", lease_s=30) is None  # a duplicate message
        jobs.cancel(session, first)
        assert jobs.claim_job(session, first, "w2", lease_s=30) is None  # cancelled meanwhile
        assert jobs.claim_job(session, "job_missing", "w2", lease_s=30) is None


def test_worker_command_refuses_no_threads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from persona.cli import main

    monkeypatch.setenv("PERSONA_DATA_DIR", str(tmp_path))
    assert main(["worker", "--threads", "0"]) == 2
