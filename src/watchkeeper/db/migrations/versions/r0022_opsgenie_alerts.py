"""opsgenie alerts: the Opsgenie Alert API drop-in's alerts, tags, notes and requests

Opsgenie clients name alerts by id, tiny id or alias and read back tags, notes, snoozes
and the status of each request; Watchkeeper's alerts have none of that, so the drop-in
keeps Opsgenie's view in tables of its own (one open alert per service and alias).
Importers from Opsgenie and PagerDuty remember what they brought over by the vendor's id
(`import_links`), so running one again changes nothing.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-03 14:22:45
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import watchkeeper.db.types

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "opsgenie_alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(length=36), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("integration_id", sa.Integer(), nullable=True),
        sa.Column("alias", sa.String(length=512), nullable=False),
        sa.Column("status", sa.String(length=6), nullable=False),
        sa.Column("acknowledged", sa.Boolean(), nullable=False),
        sa.Column("is_seen", sa.Boolean(), nullable=False),
        sa.Column("message", sa.String(length=130), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("priority", sa.String(length=2), nullable=False),
        sa.Column("source", sa.String(length=100), nullable=False),
        sa.Column("entity", sa.String(length=512), nullable=False),
        sa.Column("owner", sa.String(length=100), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("actions", sa.JSON(), nullable=False),
        sa.Column("responders", sa.JSON(), nullable=False),
        sa.Column("visible_to", sa.JSON(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("snoozed_until", watchkeeper.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", watchkeeper.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", watchkeeper.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column(
            "last_occurred_at", watchkeeper.db.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "acknowledged_at", watchkeeper.db.types.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("acknowledged_by", sa.String(length=100), nullable=False),
        sa.Column("closed_at", watchkeeper.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["integration_id"],
            ["integrations.id"],
            name=op.f("fk_opsgenie_alerts_integration_id_integrations"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["services.id"],
            name=op.f("fk_opsgenie_alerts_service_id_services"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_opsgenie_alerts")),
        sa.UniqueConstraint("uid", name=op.f("uq_opsgenie_alerts_uid")),
    )
    with op.batch_alter_table("opsgenie_alerts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_opsgenie_alerts_service_alias", ["service_id", "alias"], unique=False
        )
        batch_op.create_index(
            "ix_opsgenie_alerts_service_created", ["service_id", "created_at"], unique=False
        )
        batch_op.create_index(
            "uq_opsgenie_alerts_open_alias",
            ["service_id", "alias"],
            unique=True,
            sqlite_where=sa.text("status = 'open'"),
            postgresql_where=sa.text("status = 'open'"),
        )

    op.create_table(
        "opsgenie_requests",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("integration_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("success", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=255), nullable=False),
        sa.Column("alert_uid", sa.String(length=36), nullable=False),
        sa.Column("alias", sa.String(length=512), nullable=False),
        sa.Column("processed_at", watchkeeper.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["integration_id"],
            ["integrations.id"],
            name=op.f("fk_opsgenie_requests_integration_id_integrations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_opsgenie_requests")),
    )
    with op.batch_alter_table("opsgenie_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_opsgenie_requests_integration_id"), ["integration_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_opsgenie_requests_processed_at"), ["processed_at"], unique=False
        )

    op.create_table(
        "opsgenie_alert_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(length=100), nullable=False),
        sa.Column("created_at", watchkeeper.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["alert_id"],
            ["opsgenie_alerts.id"],
            name=op.f("fk_opsgenie_alert_notes_alert_id_opsgenie_alerts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_opsgenie_alert_notes")),
    )
    with op.batch_alter_table("opsgenie_alert_notes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_opsgenie_alert_notes_alert_id"), ["alert_id"], unique=False
        )

    op.create_table(
        "opsgenie_alert_tags",
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("tag", sa.String(length=50), nullable=False),
        sa.ForeignKeyConstraint(
            ["alert_id"],
            ["opsgenie_alerts.id"],
            name=op.f("fk_opsgenie_alert_tags_alert_id_opsgenie_alerts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("alert_id", "tag", name=op.f("pk_opsgenie_alert_tags")),
    )
    with op.batch_alter_table("opsgenie_alert_tags", schema=None) as batch_op:
        batch_op.create_index("ix_opsgenie_alert_tags_tag", ["tag"], unique=False)
    op.create_table(
        "import_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("source_id", sa.String(length=100), nullable=False),
        sa.Column("local_id", sa.Integer(), nullable=False),
        sa.Column("created_at", watchkeeper.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_links")),
        sa.UniqueConstraint(
            "source", "kind", "source_id", name=op.f("uq_import_links_source_kind_source_id")
        ),
    )


def downgrade() -> None:
    op.drop_table("import_links")
    with op.batch_alter_table("opsgenie_alert_tags", schema=None) as batch_op:
        batch_op.drop_index("ix_opsgenie_alert_tags_tag")

    op.drop_table("opsgenie_alert_tags")
    with op.batch_alter_table("opsgenie_alert_notes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_opsgenie_alert_notes_alert_id"))

    op.drop_table("opsgenie_alert_notes")
    with op.batch_alter_table("opsgenie_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_opsgenie_requests_processed_at"))
        batch_op.drop_index(batch_op.f("ix_opsgenie_requests_integration_id"))

    op.drop_table("opsgenie_requests")
    with op.batch_alter_table("opsgenie_alerts", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_opsgenie_alerts_open_alias",
            sqlite_where=sa.text("status = 'open'"),
            postgresql_where=sa.text("status = 'open'"),
        )
        batch_op.drop_index("ix_opsgenie_alerts_service_created")
        batch_op.drop_index("ix_opsgenie_alerts_service_alias")

    op.drop_table("opsgenie_alerts")
