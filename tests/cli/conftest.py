"""Run the CLI in-process against a fresh data dir (SQLite) or a fresh schema (PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from tests.pg import fresh_schema, schema_name
from watchkeeper.cli.main import app


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
    if request.param == "sqlite":
        yield Cli(env={**env, "WATCHKEEPER_DATABASE_URL": ""}, runner=CliRunner())
        return
    with fresh_schema(schema_name(request, "cli")) as url:
        yield Cli(env={**env, "WATCHKEEPER_DATABASE_URL": url}, runner=CliRunner())
