"""The schema and the API on PostgreSQL: migrations match the models, timestamps are
``timestamptz``, downgrade and upgrade again work, and ``/health`` is green."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import inspect, text

from persona.service.app import create_app
from persona.service.db.engine import Database
from persona.service.db.migrate import current_revision, downgrade, upgrade
from persona.service.storage.local import LocalStorage
from tests.unit.service.servicedb import TABLES, schema_differences, sqlite_settings

pytestmark = pytest.mark.postgres


def test_migrations_match_the_models(pg_database: Database) -> None:
    assert current_revision(pg_database) == "0005"
    assert schema_differences(pg_database) == []
    columns = {c["name"]: c for c in inspect(pg_database.engine).get_columns("jobs")}
    assert str(columns["lease_until"]["type"]) == "TIMESTAMP"
    assert columns["lease_until"]["type"].timezone is True  # type: ignore[attr-defined]
    with pg_database.engine.connect() as connection:
        assert connection.execute(text("SHOW server_version")).scalar()


def test_downgrade_and_upgrade_again(pg_database: Database) -> None:
    assert downgrade(pg_database, "base") is None
    assert not TABLES & set(inspect(pg_database.engine).get_table_names())
    assert upgrade(pg_database) == "0005"
    assert set(inspect(pg_database.engine).get_table_names()) >= TABLES


def test_health_on_postgres(pg_database: Database, tmp_path: Path) -> None:
    url = pg_database.engine.url.render_as_string(hide_password=False)
    settings = sqlite_settings(tmp_path, database_url=url)
    app = create_app(settings, storage=LocalStorage(tmp_path / "media"))
    with TestClient(app) as client:
        body = client.get("/health").json()
    assert body["status"] == "ok" and body["database"]["detail"] == "postgresql reachable"
    assert body["versions"]["database"] == "postgresql"
