"""communication: status page subscribers and announcements, the communication outbox,
incident stakeholders with their rules, templates, updates and cadence reminders

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-04 18:50:06.827913
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import watchkeeper.db.types

revision: str = "0030"
down_revision: str | None = "0029"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "stakeholder_templates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", watchkeeper.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", watchkeeper.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stakeholder_templates")),
        sa.UniqueConstraint("name", name=op.f("uq_stakeholder_templates_name")),
    )
    op.create_table(
        "stakeholder_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("max_priority", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("target", sa.String(length=320), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("created_at", watchkeeper.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["teams.id"],
            name=op.f("fk_stakeholder_rules_team_id_teams"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_stakeholder_rules_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stakeholder_rules")),
    )
    op.create_table(
        "status_subscribers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("page_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("address", sa.String(length=500), nullable=False),
        sa.Column("secret", sa.Text(), nullable=True),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("confirmed_at", watchkeeper.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", watchkeeper.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["page_id"],
            ["status_pages.id"],
            name=op.f("fk_status_subscribers_page_id_status_pages"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_subscribers")),
        sa.UniqueConstraint(
            "page_id", "kind", "address", name=op.f("uq_status_subscribers_page_id_kind_address")
        ),
        sa.UniqueConstraint("token", name=op.f("uq_status_subscribers_token")),
    )
    with op.batch_alter_table("status_subscribers", schema=None) as batch_op:
        batch_op.create_index(
            "ix_status_subscribers_page_active", ["page_id", "confirmed_at", "id"], unique=False
        )

    op.create_table(
        "comms_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=20), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("secret", sa.Text(), nullable=True),
        sa.Column("sealed", sa.Boolean(), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("html", sa.Text(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("headers", sa.JSON(), nullable=False),
        sa.Column("subscriber_id", sa.Integer(), nullable=True),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("due_at", watchkeeper.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("lease_until", watchkeeper.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("sent_at", watchkeeper.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("created_at", watchkeeper.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_comms_outbox_incident_id_incidents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["subscriber_id"],
            ["status_subscribers.id"],
            name=op.f("fk_comms_outbox_subscriber_id_status_subscribers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comms_outbox")),
    )
    with op.batch_alter_table("comms_outbox", schema=None) as batch_op:
        batch_op.create_index("ix_comms_outbox_due", ["status", "due_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_comms_outbox_incident_id"), ["incident_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_comms_outbox_subscriber_id"), ["subscriber_id"], unique=False
        )

    op.create_table(
        "incident_stakeholders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("target", sa.String(length=320), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("rule_id", sa.Integer(), nullable=True),
        sa.Column("added_at", watchkeeper.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_incident_stakeholders_incident_id_incidents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["rule_id"],
            ["stakeholder_rules.id"],
            name=op.f("fk_incident_stakeholders_rule_id_stakeholder_rules"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["teams.id"],
            name=op.f("fk_incident_stakeholders_team_id_teams"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_incident_stakeholders_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident_stakeholders")),
        sa.UniqueConstraint(
            "incident_id",
            "kind",
            "target",
            name=op.f("uq_incident_stakeholders_incident_id_kind_target"),
        ),
    )
    with op.batch_alter_table("incident_stakeholders", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_incident_stakeholders_incident_id"), ["incident_id"], unique=False
        )

    op.create_table(
        "stakeholder_reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("due_at", watchkeeper.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("sent_at", watchkeeper.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_stakeholder_reminders_incident_id_incidents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_stakeholder_reminders_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stakeholder_reminders")),
        sa.UniqueConstraint(
            "incident_id", "due_at", name=op.f("uq_stakeholder_reminders_incident_id_due_at")
        ),
    )
    op.create_table(
        "stakeholder_updates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("recipients", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("sent_at", watchkeeper.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_stakeholder_updates_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_stakeholder_updates_incident_id_incidents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stakeholder_updates")),
    )
    with op.batch_alter_table("stakeholder_updates", schema=None) as batch_op:
        batch_op.create_index(
            "ix_stakeholder_updates_incident", ["incident_id", "sent_at"], unique=False
        )

    op.create_table(
        "status_subscriber_components",
        sa.Column("subscriber_id", sa.Integer(), nullable=False),
        sa.Column("component_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["component_id"],
            ["status_components.id"],
            name=op.f("fk_status_subscriber_components_component_id_status_components"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["subscriber_id"],
            ["status_subscribers.id"],
            name=op.f("fk_status_subscriber_components_subscriber_id_status_subscribers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "subscriber_id", "component_id", name=op.f("pk_status_subscriber_components")
        ),
    )
    with op.batch_alter_table("status_subscriber_components", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_status_subscriber_components_component_id"),
            ["component_id"],
            unique=False,
        )

    op.create_table(
        "status_announcements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("update_id", sa.Integer(), nullable=False),
        sa.Column("page_id", sa.Integer(), nullable=False),
        sa.Column("cursor", sa.Integer(), nullable=False),
        sa.Column("queued", sa.Integer(), nullable=False),
        sa.Column("created_at", watchkeeper.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("done_at", watchkeeper.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["page_id"],
            ["status_pages.id"],
            name=op.f("fk_status_announcements_page_id_status_pages"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["update_id"],
            ["status_incident_updates.id"],
            name=op.f("fk_status_announcements_update_id_status_incident_updates"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_announcements")),
        sa.UniqueConstraint("update_id", name=op.f("uq_status_announcements_update_id")),
    )
    with op.batch_alter_table("status_announcements", schema=None) as batch_op:
        batch_op.create_index("ix_status_announcements_open", ["done_at", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("status_announcements", schema=None) as batch_op:
        batch_op.drop_index("ix_status_announcements_open")

    op.drop_table("status_announcements")
    with op.batch_alter_table("status_subscriber_components", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_status_subscriber_components_component_id"))

    op.drop_table("status_subscriber_components")
    with op.batch_alter_table("stakeholder_updates", schema=None) as batch_op:
        batch_op.drop_index("ix_stakeholder_updates_incident")

    op.drop_table("stakeholder_updates")
    op.drop_table("stakeholder_reminders")
    with op.batch_alter_table("incident_stakeholders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incident_stakeholders_incident_id"))

    op.drop_table("incident_stakeholders")
    with op.batch_alter_table("comms_outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_comms_outbox_subscriber_id"))
        batch_op.drop_index(batch_op.f("ix_comms_outbox_incident_id"))
        batch_op.drop_index("ix_comms_outbox_due")

    op.drop_table("comms_outbox")
    with op.batch_alter_table("status_subscribers", schema=None) as batch_op:
        batch_op.drop_index("ix_status_subscribers_page_active")

    op.drop_table("status_subscribers")
    op.drop_table("stakeholder_rules")
    op.drop_table("stakeholder_templates")
