"""Jobs: a not-before time for retries, avatar training jobs; users: a webhook secret.

``jobs.not_before`` holds a retried job back until its backoff has passed (workers skip
it meanwhile; ``ix_jobs_schedule`` serves that test). ``avatar_training`` is a new value
of ``jobs.type``, a plain VARCHAR: nothing to change for it. ``users.webhook_secret``
signs the webhooks of that user's jobs when set.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(sa.Column("not_before", sa.DateTime(timezone=True), nullable=True))
    op.create_index("ix_jobs_schedule", "jobs", ["state", "not_before"])
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("webhook_secret", sa.String(128), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("webhook_secret")
    op.drop_index("ix_jobs_schedule", table_name="jobs")
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("not_before")
