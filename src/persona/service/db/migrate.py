"""Alembic migrations, run in-process: ``upgrade(settings)`` brings a database to the
newest schema (creating it when empty). The migration scripts ship inside the package
(``migrations/``), so an installed Persona Studio can upgrade its own database."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection

from persona.service.db.engine import Database
from persona.service.settings import Settings

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().with_name("migrations")


def alembic_config(url: str) -> Config:
    """An Alembic configuration for ``url`` with the packaged migration scripts."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


@contextmanager
def _configured(target: Settings | Database) -> Iterator[tuple[Config, Connection]]:
    database = Database.from_settings(target) if isinstance(target, Settings) else target
    try:
        with database.engine.begin() as connection:
            config = alembic_config(database.engine.url.render_as_string(hide_password=False))
            config.attributes["connection"] = connection
            yield config, connection
    finally:
        if database is not target:
            database.dispose()


def upgrade(target: Settings | Database, revision: str = "head") -> str | None:
    """Upgrade the database of ``target`` to ``revision``; returns the revision now current."""
    from alembic import command

    with _configured(target) as (config, connection):
        command.upgrade(config, revision)
        return _current(connection)


def downgrade(target: Settings | Database, revision: str) -> str | None:
    """Downgrade to ``revision`` (``"base"``: drop every table the migrations made)."""
    from alembic import command

    with _configured(target) as (config, connection):
        command.downgrade(config, revision)
        return _current(connection)


def current_revision(target: Settings | Database) -> str | None:
    """The revision the database is at; ``None`` for an empty database."""
    with _configured(target) as (_config, connection):
        return _current(connection)


def head_revision() -> str | None:
    """The newest revision the package ships."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def _current(connection: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()
