"""pending events by lane and by fingerprint

Correlation takes pending events per service (lane) and keeps one fingerprint's events in
order across lanes; both need an index over pending events only.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 15:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PENDING = sa.text("processed_at IS NULL")


def upgrade() -> None:
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index("ix_events_pending", sqlite_where=_PENDING, postgresql_where=_PENDING)
        batch_op.create_index(
            "ix_events_pending_lane",
            ["service_id", "id"],
            unique=False,
            sqlite_where=_PENDING,
            postgresql_where=_PENDING,
        )
        batch_op.create_index(
            "ix_events_pending_fingerprint",
            ["fingerprint", "id"],
            unique=False,
            sqlite_where=_PENDING,
            postgresql_where=_PENDING,
        )


def downgrade() -> None:
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_events_pending_fingerprint", sqlite_where=_PENDING, postgresql_where=_PENDING
        )
        batch_op.drop_index(
            "ix_events_pending_lane", sqlite_where=_PENDING, postgresql_where=_PENDING
        )
        batch_op.create_index(
            "ix_events_pending",
            ["id"],
            unique=False,
            sqlite_where=_PENDING,
            postgresql_where=_PENDING,
        )
