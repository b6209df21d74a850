"""readiness: the findings the daily coverage digest has seen, and when it looked

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-04 19:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import watchkeeper.db.types

revision: str = "0029"
down_revision: str | None = "0028"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    moment = watchkeeper.db.types.UTCDateTime(timezone=True)
    op.create_table(
        "readiness_findings",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("fix_url", sa.String(length=300), nullable=False),
        sa.Column("first_seen_at", moment, nullable=False),
        sa.Column("last_seen_at", moment, nullable=False),
        sa.Column("digested_at", moment, nullable=True),
        sa.Column("resolved_at", moment, nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_readiness_findings")),
    )
    op.create_table(
        "readiness_looks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("looked_at", moment, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_readiness_looks")),
    )


def downgrade() -> None:
    op.drop_table("readiness_looks")
    op.drop_table("readiness_findings")
