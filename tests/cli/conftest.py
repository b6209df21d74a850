"""Run the CLI in-process against a fresh data dir (SQLite) or a fresh schema (PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner, Result

from tests.conftest import POSTGRES_URL, _unavailable
from watchkeeper.cli.main import app
from watchkeeper.db.session import Database


@dataclass
class Cli:
    env: dict[str, str]
    runner: CliRunner

    def __call__(self, *args: str, input: str | None = None) -> Result:
        return self.runner.invoke(app, list(args), env=self.env, input=input)

    def ok(self, *args: str, input: str | None = None) -> Result:
        result = self(*args, input=input)
        assert result.exit_code == 0, f"{args}: {result.output}\n{result.stderr}"
        return result


@pytest.fixture(params=["sqlite", "postgresql"])
def cli(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Cli]:
    env = {"WATCHKEEPER_DATA_DIR": str(tmp_path), "WATCHKEEPER_LOG_LEVEL": "WARNING"}
    admin: Database | None = None
    schema = f"wk_cli_{getattr(request.config, 'workerinput', {}).get('workerid', 'main')}"
    if request.param == "postgresql":
        admin = Database.from_url(POSTGRES_URL, pool_size=1)
        try:
            with admin.engine.begin() as connection:
                connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
                connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        except Exception as exc:
            _unavailable(str(exc).splitlines()[0])
        env["WATCHKEEPER_DATABASE_URL"] = f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    else:
        env["WATCHKEEPER_DATABASE_URL"] = ""
    yield Cli(env=env, runner=CliRunner())
    if admin is not None:
        with admin.engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()
