"""``persona worker`` as a real process on PostgreSQL: a worker killed mid-render
(SIGKILL: no goodbye) loses its lease, the job is delivered again to another worker
and completes, with one output object."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from persona.service.db.engine import Database
from persona.service.db.models import Asset
from persona.service.jobs.repository import get_job
from persona.service.settings import Settings
from persona.service.storage.local import LocalStorage
from tests.unit.service.jobclient import TINY_VIDEO, headers, make_keys, service, wait_for
from tests.unit.service.servicedb import TEST_SECRET, sqlite_settings

LEASE_S = 5
LONG_SCRIPT = " ".join(["This sentence is here to make the video last a while."] * 40)
PERSONA = str(Path(sys.executable).with_name("persona"))


@pytest.fixture
def pg_settings(tmp_path: Path, pg_database: Database, _postgres_migrated: str) -> Settings:
    return sqlite_settings(tmp_path / "data", database_url=_postgres_migrated, job_lease_s=LEASE_S)


@pytest.fixture
def workers(pg_settings: Settings, tmp_path: Path) -> Iterator[list[subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)


def start_worker(settings: Settings, log: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "PERSONA_DATA_DIR": str(settings.data_dir),
        "PERSONA_DATABASE_URL": str(settings.database_url),
        "PERSONA_JOB_LEASE_S": str(LEASE_S),
        "PERSONA_SECRET_KEY": TEST_SECRET,
    }
    env.pop("PERSONA_BROKER_URL", None)
    with log.open("wb") as out:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(
            [PERSONA, "worker", "--poll", "0.2", "--retry-delay", "0.2"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def state_of(database: Database, job_id: str) -> str:
    with database.session() as session:
        return str(get_job(session, job_id).state)


@pytest.mark.slow
@pytest.mark.postgres
def test_a_killed_worker_job_is_delivered_again_and_completes(
    pg_settings: Settings,
    pg_database: Database,
    tmp_path: Path,
    workers: list[subprocess.Popen[bytes]],
) -> None:
    storage = LocalStorage(pg_settings.storage_root)
    keys = make_keys(pg_database)
    with service(pg_settings, pg_database, storage, workers=0) as (client, _pool):
        body = {
            "script": LONG_SCRIPT,
            "voice": "espeak-en",
            "options": {**TINY_VIDEO, "size": "512x512"},
        }
        job_id = client.post("/api/v1/generate", json=body, headers=headers(keys["ann"])).json()[
            "job_id"
        ]
    first = start_worker(pg_settings, tmp_path / "worker1.log")
    workers.append(first)
    wait_for(lambda: state_of(pg_database, job_id) == "rendering", "the first worker to render")
    first.send_signal(signal.SIGKILL)
    assert first.wait(timeout=30) == -signal.SIGKILL
    with pg_database.session() as session:
        held = get_job(session, job_id)
        assert held.state == "rendering" and held.attempts == 1 and held.worker_id

    second = start_worker(pg_settings, tmp_path / "worker2.log")
    workers.append(second)
    wait_for(
        lambda: state_of(pg_database, job_id) in ("completed", "failed"),
        "the job to be delivered again and finish",
    )
    with pg_database.session() as session:
        job = get_job(session, job_id)
        assert job.state == "completed", (job.error, (tmp_path / "worker2.log").read_text())
        assert job.attempts == 2 and job.worker_id is None
        results = [a for a in session.query(Asset).filter(Asset.job_id == job_id)]
    folder = pg_settings.storage_root / "users" / job.user_id / "jobs" / job_id
    names = {p.name for p in folder.iterdir()}
    assert {"video.mp4", "thumbnail.jpg"} <= names
    videos = [a for a in results if a.storage_key.endswith("/video.mp4")]
    assert len(results) == len(names) and len(videos) == 1  # each output stored once
    assert videos[0].size_bytes == (folder / "video.mp4").stat().st_size
    second.send_signal(signal.SIGTERM)
    assert second.wait(timeout=60) == 0
