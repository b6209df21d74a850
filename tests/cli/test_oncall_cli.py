"""`watchkeeper oncall now` and `watchkeeper schedule export-ics` as separate processes
against the real server, over HTTP."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from icalendar import Calendar

from tests.cli.remote import Remote, remote_server

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Remote]:
    with remote_server(tmp_path_factory) as started:
        _seed(started)
        yield started


def _seed(remote: Remote) -> None:
    """Two schedules: `Primary` rotating admin and alice daily, `Empty` without layers."""
    alice = remote.post(
        "/api/v1/users", {"login": "alice", "name": "Alice Martin", "role": "responder"}
    )
    primary = remote.post("/api/v1/schedules", {"name": "Primary", "time_zone": "UTC"})
    layer = {
        "name": "Days",
        "participants": [1, alice["id"]],
        "rotation": "daily",
        "start": "2020-01-06T09:00",
    }
    remote.post(f"/api/v1/schedules/{primary['id']}/layers", layer)
    remote.post("/api/v1/schedules", {"name": "Empty", "time_zone": "Europe/Berlin"})


def test_oncall_now_lists_every_schedule_with_who_and_until(server: Remote) -> None:
    out = server.ok("oncall", "now", "--at", "2020-01-07T12:00:00+01:00")
    assert re.search(r"^ ?Empty\s+nobody\s*$", out, re.M), out
    assert re.search(r"^ ?Primary\s+Alice Martin \(alice\)\s+2020-01-08 09:00\s*$", out, re.M), out


def test_oncall_now_agrees_with_the_server_now(server: Remote) -> None:
    answers = json.loads(server.ok("oncall", "now", "--json"))
    assert [answer["schedule_name"] for answer in answers] == ["Empty", "Primary"]
    assert answers[0]["users"] == []
    assert len(answers[1]["users"]) == 1


def test_oncall_now_for_one_schedule_by_name_as_json(server: Remote) -> None:
    answers = json.loads(server.ok("oncall", "now", "--schedule", "primary", "--json"))
    assert [answer["schedule_name"] for answer in answers] == ["Primary"]
    at_noon = json.loads(
        server.ok("oncall", "now", "--schedule", "1", "--at", "2020-01-07T12:00Z", "--json")
    )
    assert [user["login"] for user in at_noon[0]["users"]] == ["alice"]


def test_oncall_now_says_plainly_what_is_wrong(server: Remote) -> None:
    assert "no schedule named 'nope'" in server.error("oncall", "now", "--schedule", "nope")
    assert "offset" in server.error("oncall", "now", "--at", "2026-01-01T09:00")
    assert "no schedule 99" in server.error("oncall", "now", "--schedule", "99")


def test_export_ics_writes_a_calendar_file(server: Remote, tmp_path: Path) -> None:
    target = tmp_path / "primary.ics"
    result = server.run("schedule", "export-ics", "Primary", "--user", "alice", "-o", str(target))
    assert result.returncode == 0, result.stderr
    events = list(Calendar.from_ical(target.read_bytes()).walk("VEVENT"))
    assert 30 <= len(events) <= 31
    assert {str(event["summary"]) for event in events} == {"On call: Primary (Alice Martin)"}
    assert result.stderr.startswith(f"wrote {len(events)} shifts of Primary to ")


def test_export_ics_prints_to_stdout_without_a_file(server: Remote) -> None:
    out = server.ok("schedule", "export-ics", "1")
    calendar = Calendar.from_ical(out)
    assert len(list(calendar.walk("VEVENT"))) == 61
    assert "no user with login 'ghost'" in server.error(
        "schedule", "export-ics", "1", "--user", "ghost"
    )
