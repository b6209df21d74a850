"""`watchkeeper db`: schema migrations."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

import typer

from watchkeeper.cli.common import console, friendly, load_settings, settings_database

app = typer.Typer(help="Database schema: upgrade and inspect migrations.", no_args_is_help=True)


@app.command()
@friendly
def upgrade() -> None:
    """Apply all pending migrations (serve does this on start, too)."""
    from watchkeeper.db import migrate
    from watchkeeper.wiring import secret_key

    with settings_database() as database:
        before = migrate.current(database)
        migrate.upgrade(database, secret_key=secret_key(load_settings()))
        after = migrate.current(database)
    if before == after:
        console.print(f"already at the latest revision ({after})")
    else:
        console.print(f"upgraded {before or 'empty database'} -> {after}")


@app.command()
@friendly
def current() -> None:
    """Show the database's revision and the code's."""
    from watchkeeper.db import migrate

    with settings_database() as database:
        at, head = migrate.current(database), migrate.head()
    state = "up to date" if at == head else "needs `watchkeeper db upgrade`"
    console.print(f"database: {at or 'empty'}\ncode:     {head}\n{state}")


@app.command(hidden=True)
@friendly
def revision(message: Annotated[str, typer.Option("-m", "--message")]) -> None:
    """For developers: autogenerate a migration from the models."""
    from alembic import command

    from watchkeeper.db import migrate
    from watchkeeper.db.session import Database

    with tempfile.TemporaryDirectory() as tmp:
        database = Database.from_url(f"sqlite:///{Path(tmp) / 'scratch.db'}")
        migrate.upgrade(database)
        database.dispose()
        command.revision(
            migrate.alembic_config(database),
            message=message,
            autogenerate=True,
            rev_id=migrate.next_revision_id(),
        )
