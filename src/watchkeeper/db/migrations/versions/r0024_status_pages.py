"""status pages: pages, component groups and components mapped to services, status
periods (uptime history), public incidents and maintenance with updates, update templates

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-03 14:20:53
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import watchkeeper.db.types

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "status_pages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=100), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("logo_url", sa.String(length=500), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column("custom_domain", sa.String(length=253), nullable=True),
        sa.Column("visibility", sa.String(length=20), nullable=False),
        sa.Column("priority_status", sa.JSON(), nullable=False),
        sa.Column("created_at", watchkeeper.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", watchkeeper.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_pages")),
        sa.UniqueConstraint("custom_domain", name=op.f("uq_status_pages_custom_domain")),
        sa.UniqueConstraint("slug", name=op.f("uq_status_pages_slug")),
    )
    op.create_table(
        "status_update_templates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", watchkeeper.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", watchkeeper.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_update_templates")),
        sa.UniqueConstraint("name", name=op.f("uq_status_update_templates_name")),
    )
    op.create_table(
        "status_component_groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("page_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", watchkeeper.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", watchkeeper.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["page_id"],
            ["status_pages.id"],
            name=op.f("fk_status_component_groups_page_id_status_pages"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_component_groups")),
    )
    with op.batch_alter_table("status_component_groups", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_status_component_groups_page_id"), ["page_id"], unique=False
        )

    op.create_table(
        "status_components",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("page_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.Column("manual_status", sa.String(length=30), nullable=True),
        sa.Column("created_at", watchkeeper.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", watchkeeper.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["status_component_groups.id"],
            name=op.f("fk_status_components_group_id_status_component_groups"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["page_id"],
            ["status_pages.id"],
            name=op.f("fk_status_components_page_id_status_pages"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_components")),
    )
    with op.batch_alter_table("status_components", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_status_components_group_id"), ["group_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_status_components_page_id"), ["page_id"], unique=False)

    op.create_table(
        "status_component_services",
        sa.Column("component_id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["component_id"],
            ["status_components.id"],
            name=op.f("fk_status_component_services_component_id_status_components"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["services.id"],
            name=op.f("fk_status_component_services_service_id_services"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "component_id", "service_id", name=op.f("pk_status_component_services")
        ),
    )
    with op.batch_alter_table("status_component_services", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_status_component_services_service_id"), ["service_id"], unique=False
        )

    op.create_table(
        "status_incidents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("page_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("affected", sa.JSON(), nullable=False),
        sa.Column("scheduled_for", watchkeeper.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column(
            "scheduled_until", watchkeeper.db.types.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("window_ids", sa.JSON(), nullable=False),
        sa.Column("postmortem_url", sa.String(length=500), nullable=False),
        sa.Column("created_at", watchkeeper.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", watchkeeper.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("published_at", watchkeeper.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("monitoring_at", watchkeeper.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("resolved_at", watchkeeper.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_status_incidents_incident_id_incidents"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["page_id"],
            ["status_pages.id"],
            name=op.f("fk_status_incidents_page_id_status_pages"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_incidents")),
    )
    with op.batch_alter_table("status_incidents", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_status_incidents_incident_id"), ["incident_id"], unique=False
        )
        batch_op.create_index(
            "ix_status_incidents_page_created", ["page_id", "created_at", "id"], unique=False
        )

    op.create_table(
        "status_periods",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("component_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.Column("started_at", watchkeeper.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ended_at", watchkeeper.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["component_id"],
            ["status_components.id"],
            name=op.f("fk_status_periods_component_id_status_components"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_periods")),
    )
    with op.batch_alter_table("status_periods", schema=None) as batch_op:
        batch_op.create_index(
            "ix_status_periods_component_end", ["component_id", "ended_at"], unique=False
        )
        batch_op.create_index(
            "ix_status_periods_component_start", ["component_id", "started_at"], unique=False
        )

    op.create_table(
        "status_incident_updates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("status_incident_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("affected", sa.JSON(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", watchkeeper.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("published_at", watchkeeper.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_status_incident_updates_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["status_incident_id"],
            ["status_incidents.id"],
            name=op.f("fk_status_incident_updates_status_incident_id_status_incidents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_incident_updates")),
    )
    with op.batch_alter_table("status_incident_updates", schema=None) as batch_op:
        batch_op.create_index(
            "ix_status_incident_updates_incident", ["status_incident_id", "id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("status_incident_updates", schema=None) as batch_op:
        batch_op.drop_index("ix_status_incident_updates_incident")

    op.drop_table("status_incident_updates")
    with op.batch_alter_table("status_periods", schema=None) as batch_op:
        batch_op.drop_index("ix_status_periods_component_start")
        batch_op.drop_index("ix_status_periods_component_end")

    op.drop_table("status_periods")
    with op.batch_alter_table("status_incidents", schema=None) as batch_op:
        batch_op.drop_index("ix_status_incidents_page_created")
        batch_op.drop_index(batch_op.f("ix_status_incidents_incident_id"))

    op.drop_table("status_incidents")
    with op.batch_alter_table("status_component_services", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_status_component_services_service_id"))

    op.drop_table("status_component_services")
    with op.batch_alter_table("status_components", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_status_components_page_id"))
        batch_op.drop_index(batch_op.f("ix_status_components_group_id"))

    op.drop_table("status_components")
    with op.batch_alter_table("status_component_groups", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_status_component_groups_page_id"))

    op.drop_table("status_component_groups")
    op.drop_table("status_update_templates")
    op.drop_table("status_pages")
