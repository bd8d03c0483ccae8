"""The service's processes as an operator runs them: ``persona serve`` with its embedded
worker (SQLite, no broker), and ``persona worker`` fed by Celery over a real Redis."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from persona.service.broker import publisher
from persona.service.db.engine import Database
from persona.service.settings import Settings
from persona.service.storage.local import LocalStorage
from tests.unit.service.jobclient import TINY_VIDEO, headers, make_keys, service, wait_for
from tests.unit.service.servicedb import TEST_SECRET

PERSONA = str(Path(sys.executable).with_name("persona"))
BODY = {"script": "Hello from the service.", "voice": "espeak-en", "options": TINY_VIDEO}


def _env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PERSONA_")}
    env.update(PERSONA_DATA_DIR=str(data_dir), PERSONA_SECRET_KEY=TEST_SECRET, **extra)
    return env


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen([PERSONA, *args], env=env, stdout=out, stderr=subprocess.STDOUT)


@pytest.mark.slow
def test_persona_serve_renders_with_its_embedded_worker(
    tmp_path: Path, processes: list[subprocess.Popen[bytes]]
) -> None:
    env = _env(tmp_path / "data")
    made = subprocess.run(
        [PERSONA, "users", "create", "ann@example.com"], env=env, capture_output=True, check=True
    )
    assert b"created" in made.stdout
    key = subprocess.run(
        [PERSONA, "keys", "create"], env=env, capture_output=True, check=True, text=True
    ).stdout.strip()
    port = _free_port()
    log = tmp_path / "serve.log"
    processes.append(_start(["serve", "--port", str(port), "--workers", "2"], env, log))
    base = f"http://127.0.0.1:{port}"

    def up() -> bool:
        try:
            return httpx.get(f"{base}/health", timeout=2).status_code == 200
        except httpx.TransportError:
            return False

    wait_for(up, "the server to answer")
    with httpx.Client(base_url=base, headers=headers(key), timeout=10) as client:
        job_id = client.post("/api/v1/generate", json=BODY).json()["job_id"]
        done = wait_for(
            lambda: (
                (s := client.get(f"/api/v1/status/{job_id}").json())["state"]
                in ("completed", "failed")
                and s
            ),
            "the job to finish",
        )
        assert done["state"] == "completed", (done["error"], log.read_text())
        part = client.get(done["video_url"], headers={"Range": "bytes=4-11"})
        assert part.status_code == 206 and part.content == b"ftypisom"
    processes[0].send_signal(signal.SIGTERM)
    assert processes[0].wait(timeout=60) == 0


@pytest.mark.slow
def test_celery_worker_runs_the_jobs_the_api_publishes(
    settings: Settings,
    database: Database,
    storage: LocalStorage,
    redis_url: str,
    queue_prefix: str,
    tmp_path: Path,
    processes: list[subprocess.Popen[bytes]],
) -> None:
    keys = make_keys(database)
    env = _env(settings.data_dir, PERSONA_BROKER_URL=redis_url, PERSONA_JOB_LEASE_S="5")
    log = tmp_path / "celery.log"
    args = ["worker", "--threads", "2", "--queue-prefix", queue_prefix]
    processes.append(_start(args, env, log))
    with service(settings, database, storage, workers=0) as (client, _pool):
        client.app.state.dispatch = publisher(redis_url, queue_prefix)  # type: ignore[attr-defined]
        ids = [
            client.post(
                "/api/v1/generate", json={**BODY, "priority": p}, headers=headers(keys["ann"])
            ).json()["job_id"]
            for p in ("low", "critical")
        ]
        for job_id in ids:
            done = wait_for(
                lambda job_id=job_id: (
                    (
                        s := client.get(
                            f"/api/v1/status/{job_id}", headers=headers(keys["ann"])
                        ).json()
                    )["state"]
                    in ("completed", "failed")
                    and s
                ),
                "the Celery worker to finish the job",
            )
            assert done["state"] == "completed", (done["error"], log.read_text())
            assert done["attempts"] == 1
    processes[0].send_signal(signal.SIGTERM)
    processes[0].wait(timeout=60)
    assert "persona.run_job" in log.read_text()


@pytest.mark.slow
def test_a_retry_published_with_an_eta_runs_after_its_not_before(
    settings: Settings,
    database: Database,
    redis_url: str,
    queue_prefix: str,
    tmp_path: Path,
    processes: list[subprocess.Popen[bytes]],
) -> None:
    from datetime import timedelta

    from sqlalchemy import update

    from persona.service.broker import scheduled_publisher
    from persona.service.db.base import utcnow
    from persona.service.db.models import Job
    from persona.service.jobs import repository as jobs
    from tests.unit.service.servicedb import add_user

    env = _env(settings.data_dir, PERSONA_BROKER_URL=redis_url, PERSONA_JOB_LEASE_S="30")
    log = tmp_path / "celery.log"
    processes.append(_start(["worker", "--queue-prefix", queue_prefix], env, log))
    with database.transaction() as session:
        user = add_user(session)
        job = jobs.create_job(
            session, user_id=user.id, job_type="voice_synthesis",
            params={"text": "Back after the backoff.", "voice": "espeak-en"},
        )  # fmt: skip
        jobs.enqueue(session, job.id)
        not_before = utcnow() + timedelta(seconds=12)  # as a failed attempt leaves it
        session.execute(update(Job).where(Job.id == job.id).values(not_before=not_before))
    scheduled_publisher(redis_url, queue_prefix)(job.id, job.priority, not_before)

    def ended() -> Job | None:
        with database.session() as session:
            found = jobs.get_job(session, job.id)
            return found if found.state in ("completed", "failed") else None

    done = wait_for(ended, "the Celery worker to run the job at its eta")
    assert done.state == "completed", (done.error, log.read_text())
    assert done.attempts == 1 and done.started_at is not None
    assert done.started_at >= not_before
    assert "message dropped" not in log.read_text()  # held by the broker until its eta
