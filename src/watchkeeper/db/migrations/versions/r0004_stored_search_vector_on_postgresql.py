"""Stored search vector on PostgreSQL.

Searching with the tsvector computed per row let the planner walk the newest incidents
and compute it for each one; a stored, indexed column makes each check cheap and gives
the planner statistics to choose the GIN index for rare words.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX ix_incidents_search")
    op.execute(
        "ALTER TABLE incidents ADD COLUMN search_vector tsvector "
        "GENERATED ALWAYS AS (to_tsvector('simple', title || ' ' || description)) STORED"
    )
    op.execute("CREATE INDEX ix_incidents_search ON incidents USING gin (search_vector)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX ix_incidents_search")
    op.execute("ALTER TABLE incidents DROP COLUMN search_vector")
    op.execute(
        "CREATE INDEX ix_incidents_search ON incidents "
        "USING gin (to_tsvector('simple', title || ' ' || description))"
    )
