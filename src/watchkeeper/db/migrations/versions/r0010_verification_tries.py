"""count tries at a contact method's verification code

A code is six digits: without a count, a hundred wrong tries and then the right one
verified a method. The count starts at zero for codes already sent.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("contact_methods", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("verification_failures", sa.Integer(), server_default="0", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("contact_methods", schema=None) as batch_op:
        batch_op.drop_column("verification_failures")
