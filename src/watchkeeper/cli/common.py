"""What every command shares: settings, the database, clean error messages.

The web app, the engine and Alembic are imported inside the commands that use them, so
that commands talking to a server over HTTP start fast.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, NoReturn, ParamSpec, TypeVar

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from sqlalchemy.exc import OperationalError

from watchkeeper.core.clock import SystemClock
from watchkeeper.core.errors import WatchkeeperError
from watchkeeper.core.validation import problems
from watchkeeper.settings import Settings

if TYPE_CHECKING:
    from watchkeeper.db.session import Database

P = ParamSpec("P")
R = TypeVar("R")

console = Console()
# soft_wrap: a long message stays one line, whatever the terminal width.
err = Console(stderr=True, soft_wrap=True)
clock = SystemClock()


def fail(message: str, code: int = 1) -> NoReturn:
    # Escaped: messages quote user input and server answers, which may hold `[...]`.
    err.print(f"[bold red]error:[/] {escape(message)}", highlight=False)
    raise typer.Exit(code)


def load_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        problems = "; ".join(
            f"WATCHKEEPER_{'_'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in exc.errors()
        )
        fail(f"bad configuration: {problems}")


def friendly(command: Callable[P, R]) -> Callable[P, R]:
    """Turn user mistakes and an unreachable database into one readable line, exit 1."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except WatchkeeperError as exc:
            details = "".join(
                f"; {e.location.removeprefix('body.')}: {e.message}" for e in exc.errors
            )
            fail(f"{exc.detail}{details}")
        except ValidationError as exc:
            fail("; ".join(item.sentence for item in problems(exc.errors())))
        except OperationalError as exc:
            fail(f"cannot use the database: {str(exc.orig).strip().splitlines()[0]}")

    return wrapper


@contextmanager
def settings_database() -> Iterator[Database]:
    """The database the settings point at, closed when the command ends."""
    from watchkeeper.wiring import open_database

    database = open_database(load_settings())
    try:
        yield database
    finally:
        database.dispose()


@contextmanager
def ready_database() -> Iterator[Database]:
    """Like `settings_database`, refusing one that is not migrated to head."""
    from watchkeeper.db import migrate

    with settings_database() as database:
        current, head = migrate.current(database), migrate.head()
        if current != head:
            where = database.engine.url.render_as_string(hide_password=True)
            fail(
                f"the database at {where} is not initialised or not up to date "
                f"(at {current or 'nothing'}, code needs {head}); run `watchkeeper db upgrade`"
            )
        yield database


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, default=str) + "\n")
