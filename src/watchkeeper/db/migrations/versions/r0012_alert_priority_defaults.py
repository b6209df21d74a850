"""alert priority defaults: a service's default impact, the severity table, the basis

A critical alert opened a P3 incident (impact 3 for every alert) and paged at low urgency.
Each service now has a default impact (1, extensive, for existing services too: they get
the new default), a table says what each severity gives (empty: the defaults, critical 1
.. info 4 for urgency), and an incident keeps the sentence that says why it got its
priority.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-10 09:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "severity_defaults",
        sa.Column("severity", sa.String(length=10), nullable=False),
        sa.Column("impact", sa.SmallInteger(), nullable=True),
        sa.Column("urgency", sa.SmallInteger(), nullable=False),
        sa.PrimaryKeyConstraint("severity", name=op.f("pk_severity_defaults")),
    )
    with op.batch_alter_table("services", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("default_impact", sa.SmallInteger(), server_default="1", nullable=False)
        )
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("priority_basis", sa.String(length=255), server_default="", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_column("priority_basis")
    with op.batch_alter_table("services", schema=None) as batch_op:
        batch_op.drop_column("default_impact")
    op.drop_table("severity_defaults")
