"""post-incident learning: postmortems, action items, recurrence checks, problem records

Timeline entries can be starred (they open a postmortem's timeline). Postmortems cover
an incident (and merged or related ones), have reviewers and a template of sections; the
due reminders sent are kept so each goes out once. Action items carry their reminder
stamps and when they were done. Each new incident's recurrence check is kept with what it
found. Problems link incidents many to many.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-03 14:18:44
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import watchkeeper.db.types

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "postmortem_templates",
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("sections", sa.JSON(), nullable=False),
        sa.Column("updated_at", watchkeeper.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_postmortem_templates")),
    )
    op.create_table(
        "problems",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("status", sa.String(length=14), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("root_cause", sa.Text(), nullable=False),
        sa.Column("workaround", sa.Text(), nullable=False),
        sa.Column("created_at", watchkeeper.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", watchkeeper.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", watchkeeper.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_problems_owner_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_problems")),
    )
    with op.batch_alter_table("problems", schema=None) as batch_op:
        batch_op.create_index(
            "ix_problems_status_updated", ["status", "updated_at", "id"], unique=False
        )

    op.create_table(
        "postmortem_reminders",
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("reminded_at", watchkeeper.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_postmortem_reminders_incident_id_incidents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_postmortem_reminders_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("incident_id", name=op.f("pk_postmortem_reminders")),
    )
    op.create_table(
        "postmortems",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("facts", sa.JSON(), nullable=False),
        sa.Column("mitigated_at", watchkeeper.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.Column("public_summary", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", watchkeeper.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", watchkeeper.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("published_at", watchkeeper.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_postmortems_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_postmortems_incident_id_incidents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_postmortems_owner_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_postmortems")),
        sa.UniqueConstraint("incident_id", name=op.f("uq_postmortems_incident_id")),
    )
    with op.batch_alter_table("postmortems", schema=None) as batch_op:
        batch_op.create_index(
            "ix_postmortems_status_updated", ["status", "updated_at", "id"], unique=False
        )

    op.create_table(
        "problem_incidents",
        sa.Column("problem_id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("linked_at", watchkeeper.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_problem_incidents_incident_id_incidents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["problem_id"],
            ["problems.id"],
            name=op.f("fk_problem_incidents_problem_id_problems"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("problem_id", "incident_id", name=op.f("pk_problem_incidents")),
    )
    with op.batch_alter_table("problem_incidents", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_problem_incidents_incident_id"), ["incident_id"], unique=False
        )

    op.create_table(
        "recurrence_checks",
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("matched_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("warning", sa.Text(), nullable=False),
        sa.Column("problem_id", sa.Integer(), nullable=True),
        sa.Column("checked_at", watchkeeper.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_recurrence_checks_incident_id_incidents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["matched_id"],
            ["incidents.id"],
            name=op.f("fk_recurrence_checks_matched_id_incidents"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["problem_id"],
            ["problems.id"],
            name=op.f("fk_recurrence_checks_problem_id_problems"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("incident_id", name=op.f("pk_recurrence_checks")),
    )
    op.create_table(
        "action_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("priority", sa.SmallInteger(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("wont_do_reason", sa.Text(), nullable=False),
        sa.Column("external_url", sa.String(length=2000), nullable=True),
        sa.Column("postmortem_id", sa.Integer(), nullable=True),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.Column("problem_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", watchkeeper.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", watchkeeper.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("done_at", watchkeeper.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column(
            "reminded_soon_at", watchkeeper.db.types.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column(
            "reminded_overdue_at", watchkeeper.db.types.UTCDateTime(timezone=True), nullable=True
        ),
        sa.CheckConstraint("priority BETWEEN 1 AND 5", name=op.f("ck_action_items_priority")),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_action_items_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_action_items_incident_id_incidents"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_action_items_owner_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["postmortem_id"],
            ["postmortems.id"],
            name=op.f("fk_action_items_postmortem_id_postmortems"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["problem_id"],
            ["problems.id"],
            name=op.f("fk_action_items_problem_id_problems"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["teams.id"],
            name=op.f("fk_action_items_team_id_teams"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_items")),
    )
    with op.batch_alter_table("action_items", schema=None) as batch_op:
        batch_op.create_index("ix_action_items_incident", ["incident_id"], unique=False)
        batch_op.create_index(
            "ix_action_items_owner_status", ["owner_id", "status", "due_on"], unique=False
        )
        batch_op.create_index("ix_action_items_postmortem", ["postmortem_id"], unique=False)
        batch_op.create_index("ix_action_items_problem", ["problem_id"], unique=False)
        batch_op.create_index(
            "ix_action_items_status_due", ["status", "due_on", "id"], unique=False
        )
        batch_op.create_index(
            "ix_action_items_team_status", ["team_id", "status", "due_on"], unique=False
        )

    op.create_table(
        "postmortem_incidents",
        sa.Column("postmortem_id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_postmortem_incidents_incident_id_incidents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["postmortem_id"],
            ["postmortems.id"],
            name=op.f("fk_postmortem_incidents_postmortem_id_postmortems"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "postmortem_id", "incident_id", name=op.f("pk_postmortem_incidents")
        ),
        sa.UniqueConstraint("incident_id", name=op.f("uq_postmortem_incidents_incident_id")),
    )
    op.create_table(
        "postmortem_reviews",
        sa.Column("postmortem_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("requested_at", watchkeeper.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("approved_at", watchkeeper.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["postmortem_id"],
            ["postmortems.id"],
            name=op.f("fk_postmortem_reviews_postmortem_id_postmortems"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_postmortem_reviews_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("postmortem_id", "user_id", name=op.f("pk_postmortem_reviews")),
    )
    with op.batch_alter_table("incident_timeline", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("starred", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("incident_timeline", schema=None) as batch_op:
        batch_op.drop_column("starred")

    op.drop_table("postmortem_reviews")
    op.drop_table("postmortem_incidents")
    with op.batch_alter_table("action_items", schema=None) as batch_op:
        batch_op.drop_index("ix_action_items_team_status")
        batch_op.drop_index("ix_action_items_status_due")
        batch_op.drop_index("ix_action_items_problem")
        batch_op.drop_index("ix_action_items_postmortem")
        batch_op.drop_index("ix_action_items_owner_status")
        batch_op.drop_index("ix_action_items_incident")

    op.drop_table("action_items")
    op.drop_table("recurrence_checks")
    with op.batch_alter_table("problem_incidents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_problem_incidents_incident_id"))

    op.drop_table("problem_incidents")
    with op.batch_alter_table("postmortems", schema=None) as batch_op:
        batch_op.drop_index("ix_postmortems_status_updated")

    op.drop_table("postmortems")
    op.drop_table("postmortem_reminders")
    with op.batch_alter_table("problems", schema=None) as batch_op:
        batch_op.drop_index("ix_problems_status_updated")

    op.drop_table("problems")
    op.drop_table("postmortem_templates")
