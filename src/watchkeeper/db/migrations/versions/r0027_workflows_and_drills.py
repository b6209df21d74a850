"""workflows and drills: automation rules, their runs and outgoing calls; drills and their runs

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-04 19:19:33.337897
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import watchkeeper.db.types

revision: str = "0027"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "workflow_cursors",
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_workflow_cursors")),
    )
    op.create_table(
        "workflows",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("trigger", sa.String(length=30), nullable=False),
        sa.Column("trigger_value", sa.String(length=100), nullable=False),
        sa.Column("zone", sa.String(length=64), nullable=False),
        sa.Column("next_at", watchkeeper.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("conditions", sa.JSON(), nullable=False),
        sa.Column("actions", sa.JSON(), nullable=False),
        sa.Column("secret", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", watchkeeper.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", watchkeeper.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_workflows_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workflows")),
        sa.UniqueConstraint("name", name=op.f("uq_workflows_name")),
    )
    with op.batch_alter_table("workflows", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_workflows_next_at"), ["next_at"], unique=False)

    op.create_table(
        "drills",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("ack_limit_minutes", sa.Integer(), nullable=False),
        sa.Column("cron", sa.String(length=100), nullable=True),
        sa.Column("zone", sa.String(length=64), nullable=False),
        sa.Column("next_at", watchkeeper.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", watchkeeper.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", watchkeeper.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_drills_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["services.id"],
            name=op.f("fk_drills_service_id_services"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drills")),
        sa.UniqueConstraint("name", name=op.f("uq_drills_name")),
    )
    with op.batch_alter_table("drills", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_drills_next_at"), ["next_at"], unique=False)

    op.create_table(
        "drill_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("drill_id", sa.Integer(), nullable=False),
        sa.Column("dedup_key", sa.String(length=100), nullable=False),
        sa.Column("fired_at", watchkeeper.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("fired_by_id", sa.Integer(), nullable=True),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("deadline_at", watchkeeper.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("paged", sa.JSON(), nullable=False),
        sa.Column(
            "acknowledged_at", watchkeeper.db.types.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("acknowledged_by", sa.String(length=100), nullable=True),
        sa.Column("ack_seconds", sa.Integer(), nullable=True),
        sa.Column("reported_at", watchkeeper.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["drill_id"],
            ["drills.id"],
            name=op.f("fk_drill_runs_drill_id_drills"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["fired_by_id"],
            ["users.id"],
            name=op.f("fk_drill_runs_fired_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_drill_runs_incident_id_incidents"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drill_runs")),
        sa.UniqueConstraint("dedup_key", name=op.f("uq_drill_runs_dedup_key")),
    )
    with op.batch_alter_table("drill_runs", schema=None) as batch_op:
        batch_op.create_index("ix_drill_runs_drill", ["drill_id", "id"], unique=False)
        batch_op.create_index("ix_drill_runs_incident", ["incident_id"], unique=False)
        batch_op.create_index("ix_drill_runs_status", ["status", "id"], unique=False)

    op.create_table(
        "workflow_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workflow_id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=True),
        sa.Column("depth", sa.Integer(), nullable=False),
        sa.Column("at", watchkeeper.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("matched", sa.JSON(), nullable=False),
        sa.Column("results", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_workflow_runs_incident_id_incidents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workflow_id"],
            ["workflows.id"],
            name=op.f("fk_workflow_runs_workflow_id_workflows"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workflow_runs")),
        sa.UniqueConstraint("workflow_id", "entry_id", name="uq_workflow_runs_entry"),
    )
    with op.batch_alter_table("workflow_runs", schema=None) as batch_op:
        batch_op.create_index("ix_workflow_runs_incident", ["incident_id", "id"], unique=False)
        batch_op.create_index("ix_workflow_runs_workflow", ["workflow_id", "id"], unique=False)

    op.create_table(
        "workflow_calls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("workflow_id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("message_id", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("due_at", watchkeeper.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("answer_status", sa.Integer(), nullable=True),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("detail", sa.String(length=500), nullable=False),
        sa.Column("created_at", watchkeeper.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", watchkeeper.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_workflow_calls_incident_id_incidents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["workflow_runs.id"],
            name=op.f("fk_workflow_calls_run_id_workflow_runs"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workflow_id"],
            ["workflows.id"],
            name=op.f("fk_workflow_calls_workflow_id_workflows"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workflow_calls")),
        sa.UniqueConstraint("message_id", name=op.f("uq_workflow_calls_message_id")),
    )
    with op.batch_alter_table("workflow_calls", schema=None) as batch_op:
        batch_op.create_index("ix_workflow_calls_due", ["status", "due_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("workflow_calls", schema=None) as batch_op:
        batch_op.drop_index("ix_workflow_calls_due")

    op.drop_table("workflow_calls")
    with op.batch_alter_table("workflow_runs", schema=None) as batch_op:
        batch_op.drop_index("ix_workflow_runs_workflow")
        batch_op.drop_index("ix_workflow_runs_incident")

    op.drop_table("workflow_runs")
    with op.batch_alter_table("drill_runs", schema=None) as batch_op:
        batch_op.drop_index("ix_drill_runs_status")
        batch_op.drop_index("ix_drill_runs_incident")
        batch_op.drop_index("ix_drill_runs_drill")

    op.drop_table("drill_runs")
    with op.batch_alter_table("drills", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_drills_next_at"))

    op.drop_table("drills")
    with op.batch_alter_table("workflows", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_workflows_next_at"))

    op.drop_table("workflows")
    op.drop_table("workflow_cursors")
