"""The service's database: typed SQLAlchemy models, the engine, Alembic migrations.

base.py        DeclarativeBase with constraint naming, UTC timestamps, id helpers
models.py      users, api_keys, jobs, assets, owned_resources, webhook_deliveries
engine.py      Database: engine (SQLite pragmas on connect) and sessions
migrate.py     upgrade(settings) / downgrade / current revision, run in-process
migrations/    the Alembic environment and versions, shipped with the package
"""
