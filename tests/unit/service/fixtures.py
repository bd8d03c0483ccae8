"""Fixtures shared by the service tests (imported by the unit and integration conftests):
fresh settings for each test, a migrated SQLite database in a private data directory,
local storage."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.unit.service.servicedb import migrated, sqlite_settings

from persona.service.db.engine import Database
from persona.service.settings import Settings, get_settings
from persona.service.storage.local import LocalStorage


@pytest.fixture(autouse=True)
def _fresh_settings() -> Iterator[None]:
    """``get_settings()`` is read once per process: forget it around each test."""
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return sqlite_settings(tmp_path / "data")


@pytest.fixture(scope="session")
def migrated_sqlite_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One SQLite file migrated once per run; each test gets a copy."""
    template = sqlite_settings(tmp_path_factory.mktemp("template"))
    migrated(template).dispose()
    return template.data_dir / "persona.db"


@pytest.fixture
def database(settings: Settings, migrated_sqlite_file: Path) -> Iterator[Database]:
    """A migrated SQLite database of this test's own."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(migrated_sqlite_file, settings.data_dir / "persona.db")
    db = Database.from_settings(settings)
    yield db
    db.dispose()


@pytest.fixture
def storage(settings: Settings) -> LocalStorage:
    return LocalStorage(settings.storage_root)
