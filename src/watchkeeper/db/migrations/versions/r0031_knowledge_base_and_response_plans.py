"""knowledge base and response plans: articles with versions and links, full-text search
(an FTS5 table kept by triggers on SQLite, a stored weighted tsvector with a GIN index on
PostgreSQL), response plans with steps and articles, and what attached to incidents

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-04 18:49:34.769636
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import watchkeeper.db.types

# Full-text search over articles (see watchkeeper/response/kb/queries.py), outside the
# models; written out here so this migration stays what it was when it shipped.
PG_SEARCH = (
    "ALTER TABLE kb_articles ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('english'::regconfig, title), 'A') || "
    "setweight(to_tsvector('english'::regconfig, body), 'B')) STORED",
    "CREATE INDEX ix_kb_articles_search ON kb_articles USING gin (search_vector)",
)
SQLITE_SEARCH = (
    "CREATE VIRTUAL TABLE kb_articles_fts USING fts5("
    "title, body, content='kb_articles', content_rowid='id', tokenize='porter unicode61')",
    "CREATE TRIGGER kb_articles_fts_insert AFTER INSERT ON kb_articles BEGIN "
    "INSERT INTO kb_articles_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END",
    "CREATE TRIGGER kb_articles_fts_delete AFTER DELETE ON kb_articles BEGIN "
    "INSERT INTO kb_articles_fts(kb_articles_fts, rowid, title, body) "
    "VALUES ('delete', old.id, old.title, old.body); END",
    "CREATE TRIGGER kb_articles_fts_update AFTER UPDATE OF title, body ON kb_articles BEGIN "
    "INSERT INTO kb_articles_fts(kb_articles_fts, rowid, title, body) "
    "VALUES ('delete', old.id, old.title, old.body); "
    "INSERT INTO kb_articles_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END",
)

revision: str = "0031"
down_revision: str | None = "0030"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "kb_articles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("path", sa.String(length=500), nullable=True),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("matchers", sa.JSON(), nullable=False),
        sa.Column("owner_team_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", watchkeeper.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", watchkeeper.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["owner_team_id"],
            ["teams.id"],
            name=op.f("fk_kb_articles_owner_team_id_teams"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["users.id"],
            name=op.f("fk_kb_articles_updated_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_articles")),
        sa.UniqueConstraint("path", name=op.f("uq_kb_articles_path")),
    )
    with op.batch_alter_table("kb_articles", schema=None) as batch_op:
        batch_op.create_index("ix_kb_articles_updated", ["updated_at", "id"], unique=False)

    op.create_table(
        "kb_article_categories",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["kb_articles.id"],
            name=op.f("fk_kb_article_categories_article_id_kb_articles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["categories.id"],
            name=op.f("fk_kb_article_categories_category_id_categories"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("article_id", "category_id", name=op.f("pk_kb_article_categories")),
    )
    with op.batch_alter_table("kb_article_categories", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_kb_article_categories_category_id"), ["category_id"], unique=False
        )

    op.create_table(
        "kb_article_services",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["kb_articles.id"],
            name=op.f("fk_kb_article_services_article_id_kb_articles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["services.id"],
            name=op.f("fk_kb_article_services_service_id_services"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("article_id", "service_id", name=op.f("pk_kb_article_services")),
    )
    with op.batch_alter_table("kb_article_services", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_kb_article_services_service_id"), ["service_id"], unique=False
        )

    op.create_table(
        "kb_article_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("matchers", sa.JSON(), nullable=False),
        sa.Column("service_ids", sa.JSON(), nullable=False),
        sa.Column("category_ids", sa.JSON(), nullable=False),
        sa.Column("owner_team_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(length=255), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("author", sa.String(length=100), nullable=False),
        sa.Column("created_at", watchkeeper.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["kb_articles.id"],
            name=op.f("fk_kb_article_versions_article_id_kb_articles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_kb_article_versions_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_article_versions")),
        sa.UniqueConstraint(
            "article_id", "number", name=op.f("uq_kb_article_versions_article_id_number")
        ),
    )
    op.create_table(
        "response_plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=True),
        sa.Column("category_id", sa.Integer(), nullable=True),
        sa.Column("priority_min", sa.SmallInteger(), nullable=False),
        sa.Column("priority_max", sa.SmallInteger(), nullable=False),
        sa.Column("matchers", sa.JSON(), nullable=False),
        sa.Column("created_at", watchkeeper.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", watchkeeper.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "priority_max BETWEEN 1 AND 5", name=op.f("ck_response_plans_priority_max")
        ),
        sa.CheckConstraint(
            "priority_min <= priority_max", name=op.f("ck_response_plans_priority_range")
        ),
        sa.CheckConstraint(
            "priority_min BETWEEN 1 AND 5", name=op.f("ck_response_plans_priority_min")
        ),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["categories.id"],
            name=op.f("fk_response_plans_category_id_categories"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["services.id"],
            name=op.f("fk_response_plans_service_id_services"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_response_plans")),
        sa.UniqueConstraint("name", name=op.f("uq_response_plans_name")),
    )
    with op.batch_alter_table("response_plans", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_response_plans_service_id"), ["service_id"], unique=False
        )

    op.create_table(
        "incident_plan_checks",
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=True),
        sa.Column("priority", sa.SmallInteger(), nullable=False),
        sa.Column("checked_at", watchkeeper.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_incident_plan_checks_incident_id_incidents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("incident_id", name=op.f("pk_incident_plan_checks")),
    )
    op.create_table(
        "incident_plans",
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("attached_at", watchkeeper.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_incident_plans_incident_id_incidents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["response_plans.id"],
            name=op.f("fk_incident_plans_plan_id_response_plans"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("incident_id", "plan_id", name=op.f("pk_incident_plans")),
    )
    with op.batch_alter_table("incident_plans", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_incident_plans_plan_id"), ["plan_id"], unique=False)

    op.create_table(
        "response_plan_articles",
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["kb_articles.id"],
            name=op.f("fk_response_plan_articles_article_id_kb_articles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["response_plans.id"],
            name=op.f("fk_response_plan_articles_plan_id_response_plans"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("plan_id", "article_id", name=op.f("pk_response_plan_articles")),
    )
    op.create_table(
        "response_plan_steps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=500), nullable=False),
        sa.Column("role", sa.String(length=30), nullable=True),
        sa.Column("article_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["kb_articles.id"],
            name=op.f("fk_response_plan_steps_article_id_kb_articles"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["response_plans.id"],
            name=op.f("fk_response_plan_steps_plan_id_response_plans"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_response_plan_steps")),
    )
    with op.batch_alter_table("response_plan_steps", schema=None) as batch_op:
        batch_op.create_index("ix_response_plan_steps_plan", ["plan_id", "position"], unique=False)

    op.create_table(
        "incident_plan_tasks",
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=30), nullable=True),
        sa.Column("article_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["kb_articles.id"],
            name=op.f("fk_incident_plan_tasks_article_id_kb_articles"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["response_plans.id"],
            name=op.f("fk_incident_plan_tasks_plan_id_response_plans"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["task_id"],
            ["incident_tasks.id"],
            name=op.f("fk_incident_plan_tasks_task_id_incident_tasks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("task_id", name=op.f("pk_incident_plan_tasks")),
    )
    with op.batch_alter_table("incident_plan_tasks", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_incident_plan_tasks_plan_id"), ["plan_id"], unique=False
        )

    for statement in PG_SEARCH if _postgresql() else SQLITE_SEARCH:
        op.execute(statement)


def downgrade() -> None:
    if _postgresql():
        op.execute("DROP INDEX ix_kb_articles_search")
        op.execute("ALTER TABLE kb_articles DROP COLUMN search_vector")
    else:
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER kb_articles_fts_{trigger}")
        op.execute("DROP TABLE kb_articles_fts")
    with op.batch_alter_table("incident_plan_tasks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incident_plan_tasks_plan_id"))

    op.drop_table("incident_plan_tasks")
    with op.batch_alter_table("response_plan_steps", schema=None) as batch_op:
        batch_op.drop_index("ix_response_plan_steps_plan")

    op.drop_table("response_plan_steps")
    op.drop_table("response_plan_articles")
    with op.batch_alter_table("incident_plans", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incident_plans_plan_id"))

    op.drop_table("incident_plans")
    op.drop_table("incident_plan_checks")
    with op.batch_alter_table("response_plans", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_response_plans_service_id"))

    op.drop_table("response_plans")
    op.drop_table("kb_article_versions")
    with op.batch_alter_table("kb_article_services", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_kb_article_services_service_id"))

    op.drop_table("kb_article_services")
    with op.batch_alter_table("kb_article_categories", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_kb_article_categories_category_id"))

    op.drop_table("kb_article_categories")
    with op.batch_alter_table("kb_articles", schema=None) as batch_op:
        batch_op.drop_index("ix_kb_articles_updated")

    op.drop_table("kb_articles")


def _postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"
