"""api token parents: a token made with a token records it, to be revoked with it;
and what deactivated users kept (tokens, sessions) is ended, as deactivation now does

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 14:15:29.991436
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from watchkeeper.db.types import UTCDateTime

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.add_column(sa.Column("parent_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_api_tokens_parent_id"), ["parent_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_api_tokens_parent_id_api_tokens"),
            "api_tokens",
            ["parent_id"],
            ["id"],
            ondelete="CASCADE",
        )
    _end_what_deactivated_users_kept()


def _end_what_deactivated_users_kept() -> None:
    users = sa.table("users", sa.column("id", sa.Integer), sa.column("is_active", sa.Boolean))
    tokens = sa.table(
        "api_tokens",
        sa.column("user_id", sa.Integer),
        sa.column("revoked_at", UTCDateTime(timezone=True)),
    )
    sessions = sa.table("web_sessions", sa.column("user_id", sa.Integer))
    inactive = sa.select(users.c.id).where(users.c.is_active.is_(False))
    op.execute(
        tokens.update()
        .where(tokens.c.user_id.in_(inactive), tokens.c.revoked_at.is_(None))
        .values(revoked_at=datetime.now(UTC))
    )
    op.execute(sessions.delete().where(sessions.c.user_id.in_(inactive)))


def downgrade() -> None:
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_api_tokens_parent_id_api_tokens"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_api_tokens_parent_id"))
        batch_op.drop_column("parent_id")
