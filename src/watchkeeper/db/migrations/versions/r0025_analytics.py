"""analytics: indexes for the reports' ranges

The noise report reads alerts by when they were first seen and the on-call load report
reads pages by when they were sent; without these indexes both scan the whole table.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-03 15:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_alerts_first_seen", "alerts", ["first_seen_at"])
    op.create_index("ix_pages_created", "pages", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_pages_created", table_name="pages")
    op.drop_index("ix_alerts_first_seen", table_name="alerts")
