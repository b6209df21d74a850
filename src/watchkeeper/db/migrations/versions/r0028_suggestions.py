"""suggestions: the local model's trained rows and each incident's suggestion

A trained model is kept serialized (the newest is in use); each incident gets one
suggestion row, computed after it was committed, with its similar past incidents, its
suggested category, impact and urgency with their confidences, and what a person (or
the engine, above the admin's threshold) chose.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-04 19:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import watchkeeper.db.types

revision: str = "0028"
down_revision: str | None = "0027"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TIME = watchkeeper.db.types.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "suggestion_models",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trained_at", _TIME, nullable=False),
        sa.Column("data_until", _TIME, nullable=True),
        sa.Column("data_key", sa.String(length=100), nullable=False),
        sa.Column("examples", sa.Integer(), nullable=False),
        sa.Column("indexed", sa.Integer(), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.Column("blob", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suggestion_models")),
    )
    op.create_table(
        "incident_suggestions",
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("model_id", sa.Integer(), nullable=True),
        sa.Column("computed_at", _TIME, nullable=False),
        sa.Column("similar", sa.JSON(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=True),
        sa.Column("category_confidence", sa.Float(), nullable=True),
        sa.Column("impact", sa.SmallInteger(), nullable=True),
        sa.Column("impact_confidence", sa.Float(), nullable=True),
        sa.Column("urgency", sa.SmallInteger(), nullable=True),
        sa.Column("urgency_confidence", sa.Float(), nullable=True),
        sa.Column("decision", sa.String(length=10), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", _TIME, nullable=True),
        sa.Column("chosen", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["categories.id"],
            name=op.f("fk_incident_suggestions_category_id_categories"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["users.id"],
            name=op.f("fk_incident_suggestions_decided_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_incident_suggestions_incident_id_incidents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["model_id"],
            ["suggestion_models.id"],
            name=op.f("fk_incident_suggestions_model_id_suggestion_models"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("incident_id", name=op.f("pk_incident_suggestions")),
    )
    op.create_index(
        "ix_incident_suggestions_decided", "incident_suggestions", ["decided_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_incident_suggestions_decided", table_name="incident_suggestions")
    op.drop_table("incident_suggestions")
    op.drop_table("suggestion_models")
