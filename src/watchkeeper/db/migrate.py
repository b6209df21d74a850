"""Apply and inspect Alembic migrations from code (the CLI and `serve` call these)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from watchkeeper.db.session import Database

SCRIPT_LOCATION = Path(__file__).parent / "migrations"
# Objects that migrations create outside the models (full-text search structures); the
# comparison of models and database leaves them out.
UNMANAGED_PREFIXES = (
    "incidents_fts",
    "ix_incidents_search",
    "search_vector",
    "kb_articles_fts",
    "ix_kb_articles_search",
)


def is_managed(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    """Alembic `include_object` hook: skip the unmanaged objects above."""
    return not (name or "").startswith(UNMANAGED_PREFIXES)


def alembic_config(database: Database) -> Config:
    config = Config()
    config.set_main_option("script_location", str(SCRIPT_LOCATION))
    # Revisions are numbered 0001, 0002, ...; files are importable module names.
    config.set_main_option("file_template", "r%%(rev)s_%%(slug)s")
    config.attributes["engine"] = database.engine
    return config


def next_revision_id() -> str:
    current_head = head()
    return f"{int(current_head or '0') + 1:04d}"


def upgrade(database: Database, revision: str = "head", *, secret_key: str | None = None) -> None:
    """Bring the schema to `revision`; safe to run from several processes at once.

    `secret_key` is the installation's: migrations that seal stored values need it (and
    refuse to run without it when there is something to seal)."""
    config = alembic_config(database)
    config.attributes["secret_key"] = secret_key
    command.upgrade(config, revision)


def current(database: Database) -> str | None:
    with database.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head() -> str | None:
    config = Config()
    config.set_main_option("script_location", str(SCRIPT_LOCATION))
    return ScriptDirectory.from_config(config).get_current_head()
