"""Alembic environment for the service's database.

Run in-process by :mod:`persona.service.db.migrate`, which hands over an open connection
in ``config.attributes["connection"]``; without one it connects to ``sqlalchemy.url``.
SQLite gets batch mode (ALTER TABLE by copy-and-move), PostgreSQL plain DDL.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from persona.service.db import models  # noqa: F401  (registers the tables)
from persona.service.db.base import Base
from persona.service.db.engine import make_engine

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _main() -> None:
    url = config.get_main_option("sqlalchemy.url")
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=target_metadata, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    if not url:
        raise RuntimeError("no sqlalchemy.url and no connection in the Alembic config")
    engine = make_engine(url)
    try:
        with engine.begin() as fresh:
            _run(fresh)
    finally:
        engine.dispose()


_main()
