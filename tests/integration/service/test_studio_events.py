"""``GET /api/v1/events`` over a real HTTP server (uvicorn on a loopback port) read by
httpx as a browser's EventSource reads it: a job rendered by the embedded worker, a job
moved by a worker that shares only the database, and a client that goes away."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from persona.service.app import create_app
from persona.service.db.engine import Database
from persona.service.jobs import repository as jobs
from persona.service.runner import attach_workers
from persona.service.settings import Settings
from persona.service.storage.local import LocalStorage
from persona.service.worker import WorkerPool
from tests.unit.service.jobclient import FAST, TINY_VIDEO, headers, make_keys, wait_for

BODY = {"script": "Hello from the studio.", "voice": "espeak-en", "options": TINY_VIDEO}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    """uvicorn serving ``app`` in a thread of this process."""

    def __init__(self, app: FastAPI) -> None:
        self.port = _free_port()
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Server:
        self.thread.start()
        wait_for(lambda: self.server.started, "uvicorn to start", 30)
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)
        assert not self.thread.is_alive(), "the server did not stop"


@pytest.fixture
def app(settings: Settings, database: Database, storage: LocalStorage) -> Iterator[FastAPI]:
    app = create_app(settings, database=database, storage=storage)
    app.state.events_ping_s = 1.0
    app.state.events_poll_s = 0.1  # sees a tiny job before it is done
    yield app


def _read_events(
    response: httpx.Response, until: Any, deadline_s: float = 180.0
) -> list[dict[str, Any]]:
    """``job`` events from the stream until ``until(events)`` is true."""
    events: list[dict[str, Any]] = []
    name = None
    end = time.monotonic() + deadline_s
    for line in response.iter_lines():
        if line.startswith("event: "):
            name = line.removeprefix("event: ")
        elif line.startswith("data: ") and name == "job":
            events.append(json.loads(line.removeprefix("data: ")))
            if until(events):
                return events
        assert time.monotonic() < end, f"gave up waiting; got {events}"
    raise AssertionError(f"the stream ended early; got {events}")


@pytest.mark.slow
def test_events_follow_a_job_of_the_embedded_worker(
    app: FastAPI, database: Database, storage: LocalStorage
) -> None:
    keys = make_keys(database)
    pool = WorkerPool(database, storage, FAST, 1).start()
    attach_workers(app, pool)
    try:
        with Server(app) as server, httpx.Client(base_url=server.base, timeout=60) as client:
            url = f"/api/v1/events?access_token={keys['ann']}"
            with client.stream("GET", url) as stream:
                assert stream.headers["content-type"].startswith("text/event-stream")
                made = client.post("/api/v1/generate", json=BODY, headers=headers(keys["ann"]))
                job_id = made.json()["job_id"]
                finished = {"completed", "failed"}
                events = _read_events(stream, lambda e: e[-1]["state"] in finished)
            assert events[-1]["state"] == "completed", events[-1]["error"]
            assert {e["id"] for e in events} == {job_id}
            states = [e["state"] for e in events]
            assert states[-1] == "completed" and states[0] != "completed"
            assert len(states) >= 2  # changes within one look come as the latest
            progress = [e["progress"] for e in events]
            assert progress == sorted(progress) and progress[-1] == 100
            assert events[-1]["thumbnail_url"] == f"/api/v1/jobs/{job_id}/thumbnail"
            wait_for(lambda: getattr(app.state, "event_streams", 0) == 0, "the stream to end", 10)
    finally:
        pool.stop(timeout=30)


def test_events_see_another_processs_worker_and_end_with_the_client(
    app: FastAPI, database: Database, settings: Settings
) -> None:
    keys = make_keys(database)
    elsewhere = Database.from_settings(settings)  # a worker's own connection pool
    try:
        with Server(app) as server, httpx.Client(base_url=server.base, timeout=30) as client:
            made = client.post("/api/v1/generate", json=BODY, headers=headers(keys["ann"]))
            job_id = made.json()["job_id"]
            with client.stream("GET", "/api/v1/events", headers=headers(keys["ann"])) as stream:
                wait_for(
                    lambda: getattr(app.state, "event_streams", 0) == 1, "the stream to start", 10
                )

                def work() -> None:
                    with elsewhere.transaction() as session:
                        jobs.claim_job(session, job_id, "far-away", lease_s=30)
                    with elsewhere.transaction() as session:
                        jobs.heartbeat(session, job_id, "far-away", lease_s=30, progress=55)

                threading.Thread(target=work).start()
                events = _read_events(stream, lambda e: e[-1]["progress"] == 55, 30)
            assert [(e["state"], e["progress"]) for e in events][-1] == ("processing", 55)
            # the client left: the server notices and closes its side
            wait_for(lambda: getattr(app.state, "event_streams", 0) == 0, "the stream to end", 10)
            assert client.get("/health").status_code == 200
    finally:
        elsewhere.dispose()


def test_events_refuse_bad_tokens_before_streaming(app: FastAPI, database: Database) -> None:
    make_keys(database)
    with Server(app) as server:
        bad = httpx.get(f"{server.base}/api/v1/events?access_token=eyJnope", timeout=10)
        assert bad.status_code == 401 and bad.json()["code"] == "unauthorized"


def test_studio_queries_on_each_database(settings: Settings, any_database: Database) -> None:
    """The JSON filter on a job's project, the admin's usage sums and the events query,
    on SQLite and PostgreSQL."""
    from fastapi.testclient import TestClient

    from persona.service.api.routes.events import JobWatch
    from persona.service.auth import create_api_key
    from persona.service.db.models import Role
    from tests.unit.service.servicedb import add_user

    keys = make_keys(any_database)
    with any_database.transaction() as session:
        root = create_api_key(session, add_user(session, "root@example.com", role=Role.ADMIN))
    ann = headers(keys["ann"])
    with TestClient(create_app(settings, database=any_database)) as client:
        watch = JobWatch(client.get("/api/v1/users/me", headers=ann).json()["id"])
        watch.start(any_database)
        project = client.post("/api/v1/projects", json={"name": "P"}, headers=ann).json()
        body = {**BODY, "project_id": project["id"]}
        job_id = client.post("/api/v1/generate", json=body, headers=ann).json()["job_id"]
        client.post("/api/v1/generate", json=BODY, headers=ann)
        listed = client.get(f"/api/v1/jobs?project_id={project['id']}", headers=ann).json()
        assert [j["id"] for j in listed["items"]] == [job_id]
        assert len(watch.changes(any_database)) == 2 and watch.changes(any_database) == []
        users = client.get("/api/v1/admin/users", headers=headers(root.secret)).json()
        assert {u["email"]: u["jobs"] for u in users["items"]}["ann@example.com"] == 2
