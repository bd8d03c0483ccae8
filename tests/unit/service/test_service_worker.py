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
from persona.service.db.models import Asset, Job, WebhookDelivery
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


def test_backoff_is_shortened_by_up_to_half_at_random() -> None:
    import random

    config = WorkerConfig(retry_base_s=4.0, retry_max_s=60.0)
    rng = random.Random(7)
    waits = [config.backoff_s(2, rng) for _ in range(200)]
    assert all(4.0 <= w <= 8.0 for w in waits)
    assert max(waits) - min(waits) > 2.0  # spread out, not one value


def test_a_job_is_not_claimed_before_its_not_before(database: Database, user_id: str) -> None:
    from datetime import timedelta

    from persona.service.db.base import utcnow

    job_id = submit(database, user_id, MUSIC)
    now = utcnow()
    with database.transaction() as session:
        jobs.claim_next(session, "w1", lease_s=30, now=now)
        failed = jobs.fail(session, job_id, "w1", "hiccup", retry_after_s=30, now=now)
        assert failed.state == "queued" and failed.not_before == now + timedelta(seconds=30)
        early = now + timedelta(seconds=29)
        assert jobs.claim_next(session, "w2", lease_s=30, now=early) is None
        assert jobs.claim_job(session, job_id, "w2", lease_s=30, now=early) is None
        due = jobs.claim_next(session, "w2", lease_s=30, now=now + timedelta(seconds=30))
        assert due is not None and due.id == job_id and due.attempts == 2
        # bad input is not retried, so it gets no not_before
        final = jobs.fail(session, job_id, "w2", "no such style", retryable=False, now=now)
        assert final.state == "failed"


def test_a_failed_job_waits_out_its_backoff_while_another_job_runs(
    database: Database, storage: LocalStorage, user_id: str, task_slot: None
) -> None:
    from persona.service.db.base import utcnow

    events: list[tuple[str, float]] = []
    backoff = {}

    def flaky(ctx: TaskContext) -> TaskOutput:
        events.append(("flaky", time.monotonic()))
        if len(events) == 1:
            raise RuntimeError("engine hiccup")
        with database.session() as session:
            backoff["not_before"] = jobs.get_job(session, ctx.job_id).not_before
        backoff["started"] = utcnow()
        return _write(ctx, "second time")

    def quick(ctx: TaskContext) -> TaskOutput:
        events.append(("quick", time.monotonic()))
        return _write(ctx, "quick")

    TASKS[VOICE], TASKS[MUSIC] = flaky, quick
    first = submit(database, user_id, VOICE)  # older: claimed first
    second = submit(database, user_id, MUSIC)
    config = WorkerConfig(lease_s=3, poll_s=0.05, retry_base_s=1.0, retry_max_s=1.0)
    pool = WorkerPool(database, storage, config, 1).start()  # one thread for both jobs
    try:
        done = wait_for(lambda: finished(database, first), "the retried job to finish")
    finally:
        pool.stop(timeout=30)
    assert done.state == "completed" and done.attempts == 2
    assert finished(database, second).state == "completed"
    assert [name for name, _ in events] == ["flaky", "quick", "flaky"]
    assert events[2][1] - events[0][1] >= 0.5  # at least half the nominal 1 s backoff
    assert backoff["not_before"] is not None and backoff["started"] >= backoff["not_before"]


def test_a_retry_through_the_broker_is_published_for_its_not_before(
    database: Database, storage: LocalStorage, user_id: str, task_slot: None
) -> None:
    from persona.service.broker import _consumer

    def broken(_ctx: TaskContext) -> TaskOutput:
        raise RuntimeError("engine hiccup")

    TASKS[MUSIC] = broken
    job_id = submit(database, user_id, MUSIC)
    published: list[tuple[str, int, object]] = []
    config = WorkerConfig(lease_s=30, retry_base_s=20.0, retry_max_s=20.0)
    run_job = _consumer(database, storage, config, lambda *message: published.append(message))
    run_job(job_id)
    with database.session() as session:
        job = jobs.get_job(session, job_id)
    assert job.state == "queued" and job.not_before is not None and job.attempts == 1
    assert published == [(job_id, job.priority, job.not_before)]
    run_job(job_id)  # a duplicate message before the backoff ended: dropped
    with database.session() as session:
        assert jobs.get_job(session, job_id).attempts == 1


def test_the_sweep_leaves_jobs_in_their_backoff_alone(database: Database, user_id: str) -> None:
    from datetime import timedelta

    from persona.service.broker import sweep
    from persona.service.db.base import utcnow

    waiting, due = submit(database, user_id, MUSIC), submit(database, user_id, MUSIC)
    long_ago = utcnow() - timedelta(minutes=10)
    with database.transaction() as session:
        session.execute(update(Job).values(queued_at=long_ago))
        session.execute(
            update(Job).where(Job.id == waiting).values(not_before=utcnow() + timedelta(minutes=1))
        )
    sent: list[tuple[str, int]] = []
    assert sweep(database, lambda items: sent.extend(items), lease_s=60) == [due]


def test_a_cancelled_job_stops_within_a_second_of_its_next_report(
    database: Database, storage: LocalStorage, user_id: str, task_slot: None
) -> None:
    from persona.service.tasks import store_outputs

    stopped: list[float] = []

    class Quiet:
        def report(self, state: JobState, fraction: float) -> None:
            pass

    def long_render(ctx: TaskContext) -> TaskOutput:
        ctx.progress.report(JobState.RENDERING, 0.1)  # the last change of state
        part = ctx.workdir / "part.txt"
        part.write_text("half a video")
        store_outputs(  # an output stored before the cancel: it must not stay
            ctx.storage, ctx.database, ctx.user_id, ctx.job_id,
            (OutputFile("part.txt", part, "text/plain"),), Quiet(),
        )  # fmt: skip
        try:
            while True:  # renders on, reporting every frame, until told to stop
                ctx.progress.report(JobState.RENDERING, 0.5)
                time.sleep(0.02)
        finally:
            stopped.append(time.monotonic())

    TASKS[MUSIC] = long_render
    job_id = submit(database, user_id, MUSIC)
    # a lease of 90 s: the heartbeat comes every 30 s, far too late to be what stops it
    config = WorkerConfig(lease_s=90, poll_s=0.05)
    pool = WorkerPool(database, storage, config, 1).start()
    try:
        key = f"users/{user_id}/jobs/{job_id}/part.txt"
        wait_for(lambda: storage.exists(key), "the partial output", deadline_s=30)
        with database.transaction() as session:
            jobs.cancel(session, job_id)
        cancelled_at = time.monotonic()
        wait_for(lambda: stopped, "the render to stop", deadline_s=10)
        wait_for(lambda: not storage.exists(key), "the partial output to go", deadline_s=10)
    finally:
        pool.stop(timeout=30)
    assert stopped[0] - cancelled_at < 10  # well within one heartbeat (30 s)
    with database.session() as session:
        job = jobs.get_job(session, job_id)
        assert job.state == "cancelled"
        assert session.query(Asset).filter(Asset.job_id == job_id).count() == 0
