"""Moderation: findings on jobs, the review queue.

``job_reviews`` keeps, for each job whose text moderation flagged, the policy and the
findings, and for a held job the admin's decision (approve or reject), note, reviewer and
time. ``flagged_resources`` lists avatars and voices named after public figures. The new
job state ``held`` needs no schema change: states are stored as text.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _when(name: str, nullable: bool = True) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _decision() -> list[sa.Column]:
    """The reviewer's decision, note, who and when (all empty until reviewed)."""
    return [
        sa.Column("decision", sa.String(16), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("reviewer_id", sa.String(32), nullable=True),
        _when("reviewed_at"),
        _when("created_at", nullable=False),
    ]


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    name = op.f(f"fk_{table}_{column}_{target}")
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=name, ondelete=ondelete)


def upgrade() -> None:
    op.create_table(
        "job_reviews",
        sa.Column("job_id", sa.String(32), nullable=False),
        sa.Column("policy", sa.String(16), nullable=False),
        sa.Column("findings", sa.JSON(), nullable=False),
        *_decision(),
        _fk("job_reviews", "job_id", "jobs", "CASCADE"),
        _fk("job_reviews", "reviewer_id", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("job_id", name=op.f("pk_job_reviews")),
    )
    op.create_table(
        "flagged_resources",
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("resource_id", sa.String(64), nullable=False),
        sa.Column("user_id", sa.String(32), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("figure", sa.String(200), nullable=False),
        *_decision(),
        _fk("flagged_resources", "user_id", "users", "CASCADE"),
        _fk("flagged_resources", "reviewer_id", "users", "SET NULL"),
        sa.PrimaryKeyConstraint("kind", "resource_id", name=op.f("pk_flagged_resources")),
    )
    op.create_index(op.f("ix_flagged_resources_user_id"), "flagged_resources", ["user_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_flagged_resources_user_id"), table_name="flagged_resources")
    op.drop_table("flagged_resources")
    op.drop_table("job_reviews")
