"""Fixtures of the service integration tests.

PostgreSQL tests use a scratch database made for this run on the server named by
``PERSONA_TEST_POSTGRES_URL`` (default ``postgresql://postgres@127.0.0.1:5432/test``) and
drop it afterwards; they are marked ``postgres`` and skip, saying why, only when that
server cannot be reached.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
from collections.abc import Iterator

import pytest
from sqlalchemy import make_url, text

from persona.service.db.engine import Database, make_engine
from persona.service.db.migrate import upgrade
from tests.unit.service.fixtures import (  # noqa: F401
    _fresh_settings,
    database,
    migrated_sqlite_file,
    settings,
    storage,
)
from tests.unit.service.servicedb import sqlite_settings

POSTGRES_URL = os.environ.get(
    "PERSONA_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("PERSONA_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen[bytes]]]:
    """Processes a test starts; each gets SIGTERM (then, after 30 s, SIGKILL) at the end."""
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def redis_url() -> str:
    """The test Redis (``PERSONA_TEST_REDIS_URL``); skips, saying why, when unreachable."""
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis is not reachable at {REDIS_URL}: {exc}")
    return REDIS_URL


@pytest.fixture
def queue_prefix(redis_url: str) -> Iterator[str]:
    """Broker queues of this test alone, removed afterwards."""
    import redis

    from persona.service.broker import queue_names

    prefix = f"persona-test-{secrets.token_hex(4)}"
    yield prefix
    client = redis.Redis.from_url(redis_url)
    client.delete(*queue_names(prefix))
    client.close()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """The URL of a new, empty database on the test server, dropped after the run."""
    import psycopg

    try:
        admin = psycopg.connect(POSTGRES_URL, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        reason = str(exc).strip().splitlines()[0]
        pytest.skip(f"PostgreSQL is not reachable at {POSTGRES_URL}: {reason}")
    name = f"persona_test_{os.getpid()}_{secrets.token_hex(3)}"
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def _postgres_migrated(postgres_url: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    upgrade(sqlite_settings(tmp_path_factory.mktemp("pg"), database_url=postgres_url))
    return postgres_url


@pytest.fixture(scope="session")
def _postgres_engine(_postgres_migrated: str) -> Iterator[Database]:
    shared = Database(make_engine(_postgres_migrated))
    yield shared
    shared.dispose()


@pytest.fixture
def pg_database(_postgres_engine: Database) -> Database:
    """The migrated scratch database, emptied for this test (everything hangs off users
    with ON DELETE CASCADE)."""
    with _postgres_engine.engine.begin() as connection:
        connection.execute(text("DELETE FROM users"))
    return _postgres_engine


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_database(request: pytest.FixtureRequest) -> Database:
    """Each test twice: on SQLite and on PostgreSQL."""
    name = "pg_database" if request.param == "postgres" else "database"
    chosen: Database = request.getfixturevalue(name)
    return chosen
