"""The layers around every request: rate limiting (429 + Retry-After), Prometheus
metrics at /metrics, request ids and JSON logs."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.unit.service.servicedb import add_user, sqlite_settings

from persona.service.app import create_app
from persona.service.auth import create_api_key, issue_token
from persona.service.db.engine import Database
from persona.service.jobs.repository import create_job, enqueue
from persona.service.logs import (
    JsonFormatter,
    configure_logging,
    job_context,
    make_formatter,
    request_id_var,
)
from persona.service.metrics import ServiceMetrics, job_ended, watch_jobs
from persona.service.ratelimit import MemoryRateLimiter
from persona.service.settings import Settings


class FakeClock:
    now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def client(settings: Settings, database: Database, clock: FakeClock) -> Iterator[TestClient]:
    limited = settings.model_copy(update={"rate_limit_per_minute": 3})
    app = create_app(limited, database=database)
    app.state.rate_limiter = MemoryRateLimiter(clock)
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def keys(database: Database, settings: Settings) -> dict[str, str]:
    with database.transaction() as session:
        ann, bob = add_user(session), add_user(session, "bob@example.com")
        return {
            "ann": create_api_key(session, ann).secret,
            "ann2": create_api_key(session, ann).secret,
            "ann_token": issue_token(ann, settings),
            "bob": create_api_key(session, bob).secret,
        }


def _me(client: TestClient, credential: str | None = None) -> int:
    headers = {"Authorization": f"Bearer {credential}"} if credential else {}
    return client.get("/v1/users/me", headers=headers).status_code


# Rate limiting ---------------------------------------------------------------------------------


def test_the_limit_is_per_user_across_keys_and_tokens(
    client: TestClient, keys: dict[str, str]
) -> None:
    assert [_me(client, keys[k]) for k in ("ann", "ann2", "ann_token")] == [200] * 3
    response = client.get("/v1/users/me", headers={"X-Api-Key": keys["ann"]})
    assert response.status_code == 429
    assert response.json() == {
        "detail": "too many requests: 3 per minute; retry in 20 s",
        "code": "rate_limited",
    }
    assert response.headers["Retry-After"] == "20"
    assert response.headers["X-RateLimit-Remaining"] == "0"
    assert _me(client, keys["bob"]) == 200  # bob has a bucket of his own


def test_the_limit_recovers_after_the_retry_after(
    client: TestClient, keys: dict[str, str], clock: FakeClock
) -> None:
    statuses = [_me(client, keys["ann"]) for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    clock.now += 20
    assert _me(client, keys["ann"]) == 200
    assert _me(client, keys["ann"]) == 429


def test_unauthenticated_requests_count_per_client_ip(
    client: TestClient, keys: dict[str, str]
) -> None:
    assert [_me(client) for _ in range(3)] == [401] * 3
    assert _me(client) == 429
    assert _me(client, "ps_" + "x" * 43) == 429  # an unknown key counts against the IP
    assert _me(client, keys["ann"]) == 200


def test_health_and_metrics_are_never_limited(client: TestClient) -> None:
    for _ in range(5):
        assert client.get("/metrics").status_code == 200
        assert client.get("/health").status_code == 200
    assert client.get("/").headers["X-RateLimit-Limit"] == "3"


def test_a_broken_limiter_lets_requests_through(
    client: TestClient, keys: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    class Broken:
        def hit(self, key: str, *, limit: int, period_s: float = 60.0) -> None:
            raise ConnectionError("redis is down")

    client.app.state.rate_limiter = Broken()  # type: ignore[attr-defined]
    assert [_me(client, keys["ann"]) for _ in range(5)] == [200] * 5
    assert "the rate limiter failed" in caplog.text


# Metrics ---------------------------------------------------------------------------------------


def _sample(text: str, name: str, **labels: str) -> float | None:
    """The value of one sample in a Prometheus exposition, or None."""
    for line in text.splitlines():
        if not line.startswith(name + "{") and not line.startswith(name + " "):
            continue
        found = dict(
            part.split("=", 1)
            for part in line[line.find("{") + 1 : line.rfind("}")].split(",")
            if "=" in part
        )
        if all(found.get(k) == f'"{v}"' for k, v in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    return None


def test_metrics_count_requests_by_route_template(client: TestClient, keys: dict[str, str]) -> None:
    _me(client, keys["ann"])
    _me(client)
    client.get("/no/such/page")
    text = client.get("/metrics").text
    total = "persona_http_requests_total"
    assert _sample(text, total, method="GET", route="/v1/users/me", status="200") == 1
    assert _sample(text, total, method="GET", route="/v1/users/me", status="401") == 1
    assert _sample(text, total, method="GET", route="<unmatched>", status="404") == 1
    count = "persona_http_request_duration_seconds_count"
    assert _sample(text, count, method="GET", route="/v1/users/me") == 2


def test_queue_depth_is_read_from_the_jobs_table_at_scrape_time(
    client: TestClient, database: Database
) -> None:
    text = client.get("/metrics").text
    assert _sample(text, "persona_queue_depth", priority="high") == 0
    with database.transaction() as session:
        user = add_user(session)
        for priority in ("high", "high", "low", "medium"):
            job = create_job(
                session, user_id=user.id, job_type="voice_synthesis", priority=priority
            )
            enqueue(session, job.id)
        create_job(session, user_id=user.id, job_type="voice_synthesis")  # not queued yet
    text = client.get("/metrics").text
    depth = {
        p: _sample(text, "persona_queue_depth", priority=p)
        for p in ("critical", "high", "medium", "low")
    }
    assert depth == {"critical": 0, "high": 2, "medium": 1, "low": 1}
    assert _sample(text, "persona_jobs_running") == 0


def test_watched_metrics_count_transitions_and_final_durations(
    settings: Settings, database: Database
) -> None:
    metrics = ServiceMetrics(database)
    bystander = ServiceMetrics(database)  # an app that does not watch this process's jobs
    watch_jobs(metrics)
    with database.transaction() as session:
        user = add_user(session)
        job = create_job(session, user_id=user.id, job_type="video_generation")
        job_ended(job)
        job = enqueue(session, job.id)
        job_ended(job)
        job.state, job.started_at = "completed", job.created_at  # type: ignore[assignment]
        job.finished_at = job.created_at + timedelta(seconds=42)
        job_ended(job)
    labels = {"type": "video_generation"}
    assert (
        _sample(
            bystander.exposition().decode(),
            "persona_job_transitions_total",
            state="queued",
            **labels,
        )
        is None
    )
    text = metrics.exposition().decode()
    labels = {"type": "video_generation"}
    assert _sample(text, "persona_job_transitions_total", state="queued", **labels) == 1
    assert _sample(text, "persona_job_transitions_total", state="completed", **labels) == 1
    assert _sample(text, "persona_job_duration_seconds_sum", state="completed", **labels) == 42
    assert _sample(text, "persona_job_duration_seconds_count", state="queued", **labels) is None


def test_each_app_has_its_own_registry(settings: Settings, database: Database) -> None:
    first, second = create_app(settings, database=database), create_app(settings, database=database)
    assert first.state.metrics.registry is not second.state.metrics.registry


def test_a_scrape_survives_a_broken_database(tmp_path: Path) -> None:
    broken = Database.from_settings(sqlite_settings(tmp_path / "empty"))  # no tables
    text = ServiceMetrics(broken).exposition().decode()
    assert _sample(text, "persona_queue_metrics_up") == 0
    broken.dispose()


# Request ids and logs ----------------------------------------------------------------------------


def test_every_response_has_a_request_id(client: TestClient) -> None:
    first, second = client.get("/"), client.get("/")
    assert len(first.headers["X-Request-ID"]) == 16
    assert first.headers["X-Request-ID"] != second.headers["X-Request-ID"]
    echoed = client.get("/", headers={"X-Request-ID": "trace-42"})
    assert echoed.headers["X-Request-ID"] == "trace-42"
    forged = client.get("/", headers={"X-Request-ID": "bad id\twith spaces"})
    assert forged.headers["X-Request-ID"] != "bad id\twith spaces"


def test_json_log_lines_carry_the_request_and_user(
    client: TestClient, keys: dict[str, str], settings: Settings
) -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(make_formatter("json"))
    access = logging.getLogger("persona.service.access")
    access.addHandler(handler)
    access.setLevel(logging.INFO)
    try:
        client.get("/v1/users/me", headers={"X-Api-Key": keys["ann"], "X-Request-ID": "r-1"})
    finally:
        access.removeHandler(handler)
    (line,) = stream.getvalue().splitlines()
    entry = json.loads(line)
    assert entry["request_id"] == "r-1"
    assert entry["user_id"].startswith("usr_")
    assert entry["logger"] == "persona.service.access"
    assert entry["level"] == "INFO"
    assert entry["message"].startswith("GET /v1/users/me 200 ")
    assert entry["status"] == 200
    assert entry["time"].endswith("+00:00")


def test_the_json_formatter_includes_job_ids_extras_and_tracebacks() -> None:
    record = logging.LogRecord(
        "persona.worker", logging.ERROR, __file__, 1, "boom %s", ("x",), None
    )
    with job_context("job_1"):
        plain = json.loads(JsonFormatter().format(record))
    assert plain["job_id"] == "job_1" and plain["message"] == "boom x"
    assert "request_id" not in plain
    try:
        raise RuntimeError("multi\nline")
    except RuntimeError:
        import sys

        failed = logging.LogRecord("x", logging.ERROR, __file__, 1, "m", None, sys.exc_info())
    failed.attempt = 2
    text = JsonFormatter().format(failed)
    assert "\n" not in text
    entry = json.loads(text)
    assert entry["attempt"] == 2 and "RuntimeError: multi" in entry["exc_info"]


def test_configure_logging_follows_the_settings(tmp_path: Path) -> None:
    handler = configure_logging(sqlite_settings(tmp_path, log_format="json"))
    try:
        assert isinstance(handler.formatter, JsonFormatter)
        again = configure_logging(sqlite_settings(tmp_path, log_format="text"))
        owned = [
            h for h in logging.getLogger("persona").handlers if h.get_name() == "persona-service"
        ]
        assert owned == [again] and not isinstance(again.formatter, JsonFormatter)
    finally:
        logging.getLogger("persona").removeHandler(again)
    token = request_id_var.set("abc")
    try:
        record = logging.LogRecord("persona", logging.INFO, __file__, 1, "hi", None, None)
        assert again.formatter is not None and again.formatter.format(record).endswith(
            "[request_id=abc]"
        )
    finally:
        request_id_var.reset(token)
