"""Alembic environment: runs migrations on the engine the application hands over."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine, text

from watchkeeper.db.migrate import is_managed
from watchkeeper.schema import metadata

# An arbitrary constant: the PostgreSQL advisory lock that serialises concurrent upgrades.
MIGRATION_LOCK_ID = 0x5741_5443


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_object=is_managed,
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": MIGRATION_LOCK_ID})
        context.run_migrations()


def main() -> None:
    engine = context.config.attributes.get("engine")
    if engine is None:
        url = context.config.get_main_option("sqlalchemy.url")
        if not url:
            raise RuntimeError("set sqlalchemy.url or pass an engine in config.attributes")
        engine = create_engine(url)
    with engine.connect() as connection:
        _run(connection)
        connection.commit()


main()
