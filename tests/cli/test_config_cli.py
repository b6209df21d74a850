"""`watchkeeper export`, `plan -f` and `apply -f` on both databases."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from tests.cli.conftest import Cli

CONFIG = """\
users:
  - login: alice
    name: Alice
teams:
  - name: Storage
    members: [alice]
services:
  - name: Backups
    owner_team: Storage
"""


def test_plan_apply_then_an_empty_plan_and_an_export_that_round_trips(
    cli: Cli, tmp_path: Path
) -> None:
    cli.ok("db", "upgrade")
    config = tmp_path / "config.yaml"
    config.write_text(CONFIG)
    planned = cli.ok("plan", "-f", str(config))
    assert "+ services Backups (create)" in planned.output
    assert "plan: 3 to create" in planned.output
    assert "applied: 3 to create" in cli.ok("apply", "-f", str(config)).output
    assert "plan: no changes" in cli.ok("plan", "-f", str(config)).output

    exported = yaml.safe_load(cli.ok("export").stdout)
    assert exported["services"][0]["owner_team"] == "Storage"
    assert [u["login"] for u in exported["users"]] == ["alice"]
    round_trip = tmp_path / "exported.yaml"
    round_trip.write_text(yaml.safe_dump(exported))
    assert "plan: no changes" in cli.ok("plan", "-f", str(round_trip)).output


def test_a_field_change_is_shown_old_and_new(cli: Cli, tmp_path: Path) -> None:
    cli.ok("db", "upgrade")
    config = tmp_path / "config.yaml"
    config.write_text(CONFIG)
    cli.ok("apply", "-f", str(config))
    config.write_text(CONFIG + "    default_impact: 3\n")
    planned = json.loads(cli.ok("plan", "-f", str(config), "--json").stdout)
    assert planned["changes"] == [
        {
            "kind": "services",
            "name": "Backups",
            "op": "update",
            "fields": [{"name": "default_impact", "old": 1, "new": 3}],
        }
    ]


def test_errors_name_the_file_line_and_field_and_apply_nothing(cli: Cli, tmp_path: Path) -> None:
    cli.ok("db", "upgrade")
    config = tmp_path / "config.yaml"
    config.write_text(CONFIG.replace("owner_team: Storage", "owner_team: Archive"))
    result = cli("apply", "-f", str(config))
    assert result.exit_code == 2
    assert f"{config}:9: services.0.owner_team (Backups): unknown team 'Archive'" in (result.stderr)
    assert yaml.safe_load(cli.ok("export").stdout)["users"] == []


def test_the_schema_is_printed_for_editors(cli: Cli) -> None:
    schema = json.loads(cli.ok("export", "--schema").stdout)
    assert schema["title"] == "Watchkeeper configuration"
    assert "services" in schema["properties"]
