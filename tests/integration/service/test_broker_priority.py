"""Celery over a real Redis serves the most urgent queue first.

A ``persona worker`` process with one thread is kept busy by a job; meanwhile low jobs
are published, then a critical one. When the busy job ends, the critical job must be the
next one claimed. With kombu's default round-robin polling the queue the busy job came
from (``critical``) moves to the back of the poll order, so a low job would go first.

The worker runs the real Celery consumer; only the task of the job type is replaced by a
slow, quiet one (it sleeps while reporting progress), so the test spends no CPU on media.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import select

from persona.service.broker import scheduled_publisher
from persona.service.db.engine import Database
from persona.service.db.models import Job
from persona.service.jobs import repository as jobs
from persona.service.settings import Settings
from tests.unit.service.jobclient import wait_for
from tests.unit.service.servicedb import TEST_SECRET, add_user

WORKER = textwrap.dedent(
    """
    import sys, time
    from persona.service import tasks
    from persona.service.jobs.states import JobState, JobType
    from persona.service.tasks.context import TaskOutput

    def slow(context):
        for step in range(int(float(context.params.get("seconds", 0)) * 10)):
            context.progress.report(JobState.RENDERING, step / 100)
            time.sleep(0.1)
        return TaskOutput(files=())

    tasks.TASKS[JobType.MUSIC_GENERATION] = slow
    from persona.cli import main
    sys.exit(main(["worker", "--threads", "1", "--queue-prefix", sys.argv[1]]))
    """
)


@pytest.fixture
def worker(
    settings: Settings,
    redis_url: str,
    queue_prefix: str,
    tmp_path: Path,
    processes: list[subprocess.Popen[bytes]],
) -> Path:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PERSONA_")}
    env.update(
        PERSONA_DATA_DIR=str(settings.data_dir),
        PERSONA_SECRET_KEY=TEST_SECRET,
        PERSONA_BROKER_URL=redis_url,
        PERSONA_JOB_LEASE_S="30",
    )
    log = tmp_path / "celery.log"
    with log.open("wb") as out:
        command = [sys.executable, "-c", WORKER, queue_prefix]
        processes.append(subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT))
    return log


def _queue(database: Database, user_id: str, priority: str, seconds: float) -> Job:
    with database.transaction() as session:
        job = jobs.create_job(
            session, user_id=user_id, job_type="music_generation",
            params={"seconds": seconds, "n": secrets.token_hex(3)}, priority=priority,
        )  # fmt: skip
        return jobs.enqueue(session, job.id)


@pytest.mark.slow
def test_a_critical_job_goes_before_low_jobs_that_waited_longer(
    database: Database, redis_url: str, queue_prefix: str, worker: Path
) -> None:
    publish = scheduled_publisher(redis_url, queue_prefix)
    with database.transaction() as session:
        user_id = add_user(session).id
    busy = _queue(database, user_id, "critical", seconds=4)
    publish(busy.id, busy.priority, None)

    def running() -> bool:
        with database.session() as session:
            return jobs.get_job(session, busy.id).state not in ("queued", "submitted")

    wait_for(running, "the worker to take the first job")
    low = [_queue(database, user_id, "low", seconds=0) for _ in range(3)]
    for job in low:
        publish(job.id, job.priority, None)
    urgent = _queue(database, user_id, "critical", seconds=0)
    publish(urgent.id, urgent.priority, None)

    def all_done() -> list[Job] | None:
        with database.session() as session:
            rows = list(session.scalars(select(Job).where(Job.user_id == user_id)))
        return rows if all(j.state == "completed" for j in rows) else None

    done = wait_for(all_done, "the worker to run every job")
    order = [j.id for j in sorted(done, key=lambda j: (j.started_at, j.id))]
    assert order[0] == busy.id
    assert order[1] == urgent.id, (order, [j.id for j in low], worker.read_text()[-3000:])
