"""The schema on SQLite: migrations match the models, pragmas are on, deletes cascade,
timestamps stay aware UTC, constraints hold."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select, text
from sqlalchemy.exc import IntegrityError, StatementError
from tests.unit.service.servicedb import TABLES, add_user, schema_differences

from persona.service.auth import create_api_key
from persona.service.db.engine import Database
from persona.service.db.migrate import (
    MIGRATIONS,
    current_revision,
    downgrade,
    head_revision,
    upgrade,
)
from persona.service.db.models import Asset, Job, OwnedResource, ResourceKind, User
from persona.service.jobs import repository as jobs
from persona.service.settings import Settings


def test_migrations_ship_with_the_package() -> None:
    assert (MIGRATIONS / "env.py").is_file() and (MIGRATIONS / "script.py.mako").is_file()
    assert sorted(p.name for p in (MIGRATIONS / "versions").glob("*.py"))[0] == "0001_initial.py"


def test_upgrade_creates_the_schema_the_models_describe(settings: Settings) -> None:
    assert current_revision(settings) is None
    assert upgrade(settings) == head_revision() == "0005"
    database = Database.from_settings(settings)
    try:
        assert set(inspect(database.engine).get_table_names()) >= TABLES
        assert schema_differences(database) == []
        assert upgrade(database) == "0005"  # again: nothing to do
        assert downgrade(database, "base") is None
        assert set(inspect(database.engine).get_table_names()) == {"alembic_version"}
        assert upgrade(database) == "0005"
    finally:
        database.dispose()


def test_sqlite_pragmas_are_set_on_every_connection(database: Database) -> None:
    with database.engine.connect() as connection:
        pragma = lambda name: connection.execute(text(f"PRAGMA {name}")).scalar()  # noqa: E731
        assert pragma("journal_mode") == "wal"
        assert pragma("foreign_keys") == 1
        assert pragma("busy_timeout") == 10_000


def test_the_database_file_goes_in_the_data_dir(settings: Settings) -> None:
    Database.from_settings(settings).ping()
    assert (settings.data_dir / "persona.db").is_file()
    assert Path(settings.db_url.removeprefix("sqlite:///")) == settings.data_dir.absolute() / (
        "persona.db"
    )


def test_deleting_a_user_deletes_what_they_own(database: Database) -> None:
    with database.transaction() as session:
        user = add_user(session)
        create_api_key(session, user)
        job = jobs.create_job(session, user_id=user.id, job_type="voice_synthesis")
        session.add(
            OwnedResource(kind=ResourceKind.AVATAR, resource_id="av_0123456789ab", user_id=user.id)
        )
        session.add(
            Asset(
                user_id=user.id,
                job_id=job.id,
                kind="render",
                storage_key="k",
                size_bytes=1,
                sha256="0" * 64,
            )
        )
    with database.transaction() as session:
        session.execute(Job.__table__.delete())
        asset = session.scalars(select(Asset)).one()
        assert asset.job_id is None  # ON DELETE SET NULL
        session.execute(User.__table__.delete())
    with database.session() as session:
        for table in ("api_keys", "jobs", "assets", "owned_resources"):
            assert session.scalar(select(func.count()).select_from(text(table))) == 0


def test_timestamps_are_aware_utc(database: Database) -> None:
    local = datetime(2026, 5, 1, 9, 30, tzinfo=timezone(timedelta(hours=5, minutes=30)))
    with database.transaction() as session:
        user = add_user(session)
        job = jobs.create_job(session, user_id=user.id, job_type="voice_synthesis", now=local)
    with database.session() as session:
        stored = session.get(Job, job.id)
        assert stored is not None and stored.created_at == local
        assert stored.created_at.utcoffset() == timedelta(0)
    with database.transaction() as session, pytest.raises(StatementError, match="naive"):
        user = session.get(User, user.id)
        assert user is not None
        user.created_at = datetime(2026, 1, 1)
        session.flush()


def test_constraints_hold(database: Database) -> None:
    with database.transaction() as session:
        user = add_user(session)
        job = jobs.create_job(session, user_id=user.id, job_type="voice_synthesis")
    for column, value in (("progress", 101), ("priority", 9), ("attempts", -1)):
        with database.transaction() as session, pytest.raises(IntegrityError, match="CHECK"):
            session.execute(Job.__table__.update().values({column: value}))
    with database.transaction() as session, pytest.raises(IntegrityError, match="FOREIGN KEY"):
        jobs.create_job(session, user_id="usr_nobody", job_type="voice_synthesis")
    assert job.id.startswith("job_")
