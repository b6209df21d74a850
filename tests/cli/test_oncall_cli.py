"""`watchkeeper oncall now` and `watchkeeper schedule export-ics` as separate processes
against the real server, over HTTP."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx2
import pytest
from icalendar import Calendar

from tests.e2e.server import ServerProcess, start_server

pytestmark = pytest.mark.e2e


@dataclass
class Server:
    """The running server, an admin token for it, and the CLI's environment."""

    process: ServerProcess
    token: str
    env: dict[str, str]

    def api(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        headers = {"Authorization": f"Bearer {self.token}"}
        response = httpx2.request(method, f"{self.process.url}{path}", json=body, headers=headers)
        assert response.is_success, response.text
        return response.json()

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "watchkeeper", *args]
        return subprocess.run(command, env=self.env, capture_output=True, text=True, timeout=60)

    def ok(self, *args: str) -> str:
        result = self.run(*args)
        assert result.returncode == 0, f"{args}: {result.stdout}\n{result.stderr}"
        return result.stdout

    def error(self, *args: str) -> str:
        """The one `error:` line of a command that must fail with status 1."""
        result = self.run(*args)
        assert result.returncode == 1, f"{args}: {result.stdout}\n{result.stderr}"
        [line] = result.stderr.splitlines()
        assert line.startswith("error: ")
        return line


def _admin_token(data_dir: Path, clean: dict[str, str]) -> str:
    command = [sys.executable, "-m", "watchkeeper", "token", "create", "--user", "admin"]
    created = subprocess.run(
        [*command, "--name", "cli"],
        env={**clean, "WATCHKEEPER_DATA_DIR": str(data_dir)},
        capture_output=True,
        text=True,
        check=True,
    )
    return created.stdout.strip()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    data_dir = tmp_path_factory.mktemp("server") / "data"
    process = start_server(data_dir, env={"WATCHKEEPER_LOG_LEVEL": "WARNING"})
    try:
        clean = {k: v for k, v in os.environ.items() if not k.startswith("WATCHKEEPER_")}
        token = _admin_token(data_dir, clean)
        home = tmp_path_factory.mktemp("home")
        env = {**clean, "HOME": str(home), "COLUMNS": "200"}
        env |= {"WATCHKEEPER_URL": process.url, "WATCHKEEPER_TOKEN": token}
        remote = Server(process=process, token=token, env=env)
        _seed(remote)
        yield remote
    finally:
        process.stop()


def _seed(remote: Server) -> None:
    """Two schedules: `Primary` rotating admin and alice daily, `Empty` without layers."""
    alice = remote.api(
        "POST", "/api/v1/users", {"login": "alice", "name": "Alice Martin", "role": "responder"}
    )
    primary = remote.api("POST", "/api/v1/schedules", {"name": "Primary", "time_zone": "UTC"})
    layer = {
        "name": "Days",
        "participants": [1, alice["id"]],
        "rotation": "daily",
        "start": "2020-01-06T09:00",
    }
    remote.api("POST", f"/api/v1/schedules/{primary['id']}/layers", layer)
    remote.api("POST", "/api/v1/schedules", {"name": "Empty", "time_zone": "Europe/Berlin"})


def test_oncall_now_lists_every_schedule_with_who_and_until(server: Server) -> None:
    out = server.ok("oncall", "now", "--at", "2020-01-07T12:00:00+01:00")
    assert re.search(r"^ ?Empty\s+nobody\s*$", out, re.M), out
    assert re.search(r"^ ?Primary\s+Alice Martin \(alice\)\s+2020-01-08 09:00\s*$", out, re.M), out


def test_oncall_now_agrees_with_the_server_now(server: Server) -> None:
    answers = json.loads(server.ok("oncall", "now", "--json"))
    assert [answer["schedule_name"] for answer in answers] == ["Empty", "Primary"]
    assert answers[0]["users"] == []
    assert len(answers[1]["users"]) == 1


def test_oncall_now_for_one_schedule_by_name_as_json(server: Server) -> None:
    answers = json.loads(server.ok("oncall", "now", "--schedule", "primary", "--json"))
    assert [answer["schedule_name"] for answer in answers] == ["Primary"]
    at_noon = json.loads(
        server.ok("oncall", "now", "--schedule", "1", "--at", "2020-01-07T12:00Z", "--json")
    )
    assert [user["login"] for user in at_noon[0]["users"]] == ["alice"]


def test_oncall_now_says_plainly_what_is_wrong(server: Server) -> None:
    assert "no schedule named 'nope'" in server.error("oncall", "now", "--schedule", "nope")
    assert "offset" in server.error("oncall", "now", "--at", "2026-01-01T09:00")
    assert "no schedule 99" in server.error("oncall", "now", "--schedule", "99")


def test_export_ics_writes_a_calendar_file(server: Server, tmp_path: Path) -> None:
    target = tmp_path / "primary.ics"
    result = server.run("schedule", "export-ics", "Primary", "--user", "alice", "-o", str(target))
    assert result.returncode == 0, result.stderr
    events = list(Calendar.from_ical(target.read_bytes()).walk("VEVENT"))
    assert 30 <= len(events) <= 31
    assert {str(event["summary"]) for event in events} == {"On call: Primary (Alice Martin)"}
    assert result.stderr.startswith(f"wrote {len(events)} shifts of Primary to ")


def test_export_ics_prints_to_stdout_without_a_file(server: Server) -> None:
    out = server.ok("schedule", "export-ics", "1")
    calendar = Calendar.from_ical(out)
    assert len(list(calendar.walk("VEVENT"))) == 61
    assert "no user with login 'ghost'" in server.error(
        "schedule", "export-ics", "1", "--user", "ghost"
    )
