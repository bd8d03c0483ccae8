"""Helpers for the job tests: an app with a real embedded worker, users with keys, and
waiting for a job to reach a state (a deadline only stops a hung test; nothing is timed)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from fastapi.testclient import TestClient
from tests.unit.service.servicedb import add_user

from persona.service.app import create_app
from persona.service.auth import create_api_key
from persona.service.db.engine import Database
from persona.service.runner import attach_workers
from persona.service.settings import Settings
from persona.service.storage.base import Storage
from persona.service.worker import WorkerConfig, WorkerPool

FAST = WorkerConfig(lease_s=3, poll_s=0.05, retry_base_s=0.05, retry_max_s=0.2)
TINY_VIDEO = {"size": "256x256", "preset": "ultrafast", "fps": 25}
DEADLINE_S = 180.0


def headers(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def make_keys(database: Database) -> dict[str, str]:
    """API keys of two users, ann and bob."""
    with database.transaction() as session:
        ann = add_user(session, "ann@example.com")
        bob = add_user(session, "bob@example.com")
        return {
            "ann": create_api_key(session, ann).secret,
            "bob": create_api_key(session, bob).secret,
        }


@contextmanager
def service(
    settings: Settings,
    database: Database,
    storage: Storage,
    *,
    workers: int = 1,
    config: WorkerConfig = FAST,
) -> Iterator[tuple[TestClient, WorkerPool | None]]:
    """The API with ``workers`` embedded worker threads (0: none), as ``persona serve``
    wires them."""
    app = create_app(settings, database=database, storage=storage)
    pool = WorkerPool(database, storage, config, workers).start() if workers else None
    if pool is not None:
        attach_workers(app, pool)
    try:
        with TestClient(app) as client:
            yield client, pool
    finally:
        if pool is not None:
            pool.stop(timeout=30)


def wait_for(check: Callable[[], Any], what: str, deadline_s: float = DEADLINE_S) -> Any:
    """Poll ``check`` until it returns something truthy; fail after the deadline."""
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        value = check()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"gave up waiting for {what}")


def wait_state(
    client: TestClient, key: str, job_id: str, states: set[str], deadline_s: float = DEADLINE_S
) -> dict[str, Any]:
    def check() -> dict[str, Any] | None:
        body: dict[str, Any] = client.get(f"/api/v1/status/{job_id}", headers=headers(key)).json()
        return body if body["state"] in states else None

    result: dict[str, Any] = wait_for(check, f"{job_id} to become {states}", deadline_s)
    return result
