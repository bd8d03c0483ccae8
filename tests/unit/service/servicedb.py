"""Helpers for the service tests: settings in a private data directory, a migrated
database, users with keys."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.orm import Session

from persona.service.auth import create_user
from persona.service.db.base import Base
from persona.service.db.engine import Database
from persona.service.db.migrate import upgrade
from persona.service.db.models import Role, User
from persona.service.settings import MIB, Settings

TABLES = {"users", "api_keys", "jobs", "assets", "owned_resources", "webhook_deliveries"}
TEST_SECRET = "test-secret-key-0123456789-abcdefghijklmnop"


def sqlite_settings(data_dir: Path, **overrides: object) -> Settings:
    """Development settings with everything under ``data_dir``."""
    values: dict[str, object] = {
        "data_dir": data_dir,
        "secret_key": TEST_SECRET,
        "default_quota_bytes": 4 * MIB,
        "upload_max_bytes": 2 * MIB,
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


def migrated(settings: Settings) -> Database:
    database = Database.from_settings(settings)
    upgrade(database)
    return database


def add_user(
    session: Session,
    email: str = "ann@example.com",
    *,
    role: Role = Role.USER,
    password: str | None = None,
    quota_bytes: int = 4 * MIB,
) -> User:
    return create_user(session, email, quota_bytes=quota_bytes, role=role, password=password)


def schema_differences(database: Database) -> list[object]:
    """What Alembic's autogenerate would change to make the database match the models."""
    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))
