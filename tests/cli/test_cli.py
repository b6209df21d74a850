"""The `watchkeeper` command line on both databases: admin tasks and clear errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.cli.conftest import Cli


def test_db_upgrade_then_current_reports_up_to_date(cli: Cli) -> None:
    assert "up to date" not in cli.ok("db", "current").output
    assert "empty database ->" in cli.ok("db", "upgrade").output
    assert "already at the latest" in cli.ok("db", "upgrade").output
    assert "up to date" in cli.ok("db", "current").output


def test_commands_on_an_uninitialised_database_say_what_to_do(cli: Cli) -> None:
    result = cli("user", "list")
    assert result.exit_code == 1
    assert "run `watchkeeper db upgrade`" in result.stderr
    assert "Traceback" not in result.output + result.stderr


def test_user_create_prints_a_one_time_password_that_works_for_login(cli: Cli) -> None:
    cli.ok("db", "upgrade")
    created = cli.ok("user", "create", "alice", "--name", "Alice", "--role", "admin")
    assert "created user alice" in created.output
    assert "one-time password:" in created.output
    listed = json.loads(cli.ok("user", "list", "--json").stdout)
    assert [(u["login"], u["role"], u["must_change_password"]) for u in listed] == [
        ("alice", "admin", True)
    ]


def test_user_create_refuses_a_blank_name(cli: Cli) -> None:
    cli.ok("db", "upgrade")
    result = cli("user", "create", "blank", "--name", "   ")
    assert result.exit_code == 1
    assert "Name: cannot be blank" in result.stderr
    assert json.loads(cli.ok("user", "list", "--json").stdout) == []


def test_set_password_from_stdin_and_mistakes_are_one_clean_line(cli: Cli) -> None:
    cli.ok("db", "upgrade")
    cli.ok("user", "create", "bob", "--name", "Bob")
    cli.ok("user", "set-password", "bob", "--password-stdin", input="a-good-long-password\n")
    too_short = cli("user", "set-password", "bob", "--password-stdin", input="short\n")
    assert too_short.exit_code == 1
    assert "at least 10 characters" in too_short.stderr
    unknown = cli("user", "set-password", "nobody", "--password-stdin", input="long-enough-pw\n")
    assert unknown.exit_code == 1
    assert unknown.stderr.strip() == "error: no user 'nobody'"
    duplicate = cli("user", "create", "bob", "--name", "Bob again")
    assert duplicate.exit_code == 1
    assert "the login 'bob' is taken" in duplicate.stderr
    bad_role = cli("user", "create", "carl", "--name", "Carl", "--role", "king")
    assert bad_role.exit_code == 2
    assert "Traceback" not in bad_role.output + bad_role.stderr


def test_token_create_prints_only_the_token_and_revoke_stops_it(cli: Cli) -> None:
    cli.ok("db", "upgrade")
    cli.ok("user", "create", "ci", "--name", "CI", "--role", "responder")
    created = cli.ok("token", "create", "--user", "ci", "--name", "deploys", "--role", "viewer")
    token = created.stdout.strip()
    assert token.startswith("wk_api_")
    assert "\n" not in token
    listed = json.loads(cli.ok("token", "list", "--json").stdout)
    assert [(t["name"], t["role"], t["revoked_at"]) for t in listed] == [
        ("deploys", "viewer", None)
    ]
    assert token not in cli.ok("token", "list").output
    cli.ok("token", "revoke", str(listed[0]["id"]))
    listed = json.loads(cli.ok("token", "list", "--json").stdout)
    assert listed[0]["revoked_at"] is not None
    too_high = cli("token", "create", "--user", "ci", "--name", "x", "--role", "admin")
    assert too_high.exit_code == 1
    assert "higher role than its owner" in too_high.stderr


def test_set_password_revokes_the_users_tokens_only_when_asked(cli: Cli) -> None:
    cli.ok("db", "upgrade")
    cli.ok("user", "create", "ci", "--name", "CI")
    cli.ok("token", "create", "--user", "ci", "--name", "deploys")
    cli.ok("user", "set-password", "ci", "--one-time")
    assert [t["revoked_at"] for t in json.loads(cli.ok("token", "list", "--json").stdout)] == [None]
    reset = cli.ok("user", "set-password", "ci", "--one-time", "--revoke-tokens")
    assert "API tokens revoked" in reset.output
    listed = json.loads(cli.ok("token", "list", "--json").stdout)
    assert listed[0]["revoked_at"] is not None


def test_an_unreachable_database_is_a_clear_error(cli: Cli) -> None:
    cli.env["WATCHKEEPER_DATABASE_URL"] = "postgresql+psycopg://nobody@127.0.0.1:1/nothing"
    result = cli("db", "upgrade")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: cannot use the database")
    assert "Traceback" not in result.output + result.stderr


def test_the_console_script_and_python_dash_m_both_run(tmp_path: Path) -> None:
    env = {"WATCHKEEPER_DATA_DIR": str(tmp_path), "PATH": str(Path(sys.executable).parent)}
    for command in (
        ["watchkeeper", "--version"],
        [sys.executable, "-m", "watchkeeper", "--version"],
    ):
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
        assert result.stdout.startswith("watchkeeper ")
