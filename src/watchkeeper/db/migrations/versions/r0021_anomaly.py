"""anomaly: the event-rate watch remembers, per integration, up to when it judged the rate
and whether it is alerting

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-03 15:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import watchkeeper.db.types

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "event_rate_watches",
        sa.Column("integration_id", sa.Integer(), nullable=False),
        sa.Column("checked_until", watchkeeper.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("alerting", sa.Boolean(), nullable=False),
        sa.Column("score", sa.Double(), nullable=False),
        sa.ForeignKeyConstraint(
            ["integration_id"],
            ["integrations.id"],
            name=op.f("fk_event_rate_watches_integration_id_integrations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("integration_id", name=op.f("pk_event_rate_watches")),
    )


def downgrade() -> None:
    op.drop_table("event_rate_watches")
