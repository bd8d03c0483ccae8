"""Initial schema: users, API keys, jobs, assets, owned resources, webhook deliveries.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _when(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _id(length: int = 32) -> sa.Column:
    return sa.Column("id", sa.String(length), nullable=False)


def _owner() -> sa.Column:
    return sa.Column("user_id", sa.String(32), nullable=False)


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    name = op.f(f"fk_{table}_{column}_{target}")
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=name, ondelete=ondelete)


def _index(table: str, *columns: str, name: str | None = None) -> None:
    op.create_index(name or op.f(f"ix_{table}_{'_'.join(columns)}"), table, list(columns))


def upgrade() -> None:
    op.create_table(
        "users",
        _id(),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=True),
        sa.Column("quota_bytes", sa.BigInteger(), nullable=False),
        _when("created_at", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
    )
    op.create_table(
        "api_keys",
        _id(),
        _owner(),
        sa.Column("prefix", sa.String(16), nullable=False),
        sa.Column("secret_hash", sa.String(64), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        _when("created_at", nullable=False),
        _when("last_used_at"),
        _when("revoked_at"),
        _fk("api_keys", "user_id", "users", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_keys")),
        sa.UniqueConstraint("secret_hash", name=op.f("uq_api_keys_secret_hash")),
    )
    _index("api_keys", "prefix")
    _index("api_keys", "user_id")
    _create_jobs()
    _create_assets()
    op.create_table(
        "owned_resources",
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("resource_id", sa.String(64), nullable=False),
        _owner(),
        _when("created_at", nullable=False),
        _fk("owned_resources", "user_id", "users", "CASCADE"),
        sa.PrimaryKeyConstraint("kind", "resource_id", name=op.f("pk_owned_resources")),
    )
    _index("owned_resources", "user_id")
    _create_webhook_deliveries()


def _create_jobs() -> None:
    op.create_table(
        "jobs",
        _id(),
        _owner(),
        sa.Column("type", sa.String(32), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("priority", sa.SmallInteger(), nullable=False),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("max_attempts", sa.Integer(), nullable=False),
        sa.Column("time_limit_s", sa.Integer(), nullable=False),
        sa.Column("idempotency_key", sa.String(255), nullable=True),
        sa.Column("webhook_url", sa.Text(), nullable=True),
        sa.Column("worker_id", sa.String(255), nullable=True),
        _when("created_at", nullable=False),
        _when("updated_at", nullable=False),
        _when("queued_at"),
        _when("started_at"),
        _when("finished_at"),
        _when("lease_until"),
        _when("heartbeat_at"),
        sa.CheckConstraint("attempts >= 0", name=op.f("ck_jobs_attempts_positive")),
        sa.CheckConstraint("priority BETWEEN 0 AND 3", name=op.f("ck_jobs_priority_range")),
        sa.CheckConstraint("progress BETWEEN 0 AND 100", name=op.f("ck_jobs_progress_range")),
        _fk("jobs", "user_id", "users", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_jobs")),
        sa.UniqueConstraint(
            "user_id", "idempotency_key", name=op.f("uq_jobs_user_id_idempotency_key")
        ),
    )
    _index("jobs", "state", "lease_until", name="ix_jobs_lease")
    _index("jobs", "state", "priority", "created_at", name="ix_jobs_queue")
    _index("jobs", "user_id")


def _create_assets() -> None:
    op.create_table(
        "assets",
        _id(),
        _owner(),
        sa.Column("job_id", sa.String(32), nullable=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("storage_key", sa.String(512), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("content_type", sa.String(255), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        _when("created_at", nullable=False),
        _fk("assets", "job_id", "jobs", "SET NULL"),
        _fk("assets", "user_id", "users", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assets")),
        sa.UniqueConstraint("storage_key", name=op.f("uq_assets_storage_key")),
    )
    _index("assets", "job_id")
    _index("assets", "user_id")


def _create_webhook_deliveries() -> None:
    op.create_table(
        "webhook_deliveries",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("job_id", sa.String(32), nullable=False),
        sa.Column("event", sa.String(64), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        _when("created_at", nullable=False),
        _when("delivered_at"),
        _when("next_attempt_at"),
        _fk("webhook_deliveries", "job_id", "jobs", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_deliveries")),
    )
    _index("webhook_deliveries", "job_id")
    _index("webhook_deliveries", "next_attempt_at")


def downgrade() -> None:
    for table in ("webhook_deliveries", "owned_resources", "assets", "jobs", "api_keys", "users"):
        op.drop_table(table)
