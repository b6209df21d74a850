"""`watchkeeper check coverage` and `watchkeeper simulate` as separate processes against
the real server."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.alertmanager import firing
from tests.cli.remote import Remote, remote_server

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Remote]:
    with remote_server(tmp_path_factory) as started:
        started.post("/api/v1/services", {"name": "Shop"})
        yield started


def test_check_coverage_lists_a_service_without_policy_and_fails_for_ci(server: Remote) -> None:
    listed = server.ok("check", "coverage")
    assert "service_without_policy" in listed
    assert f"{server.server.url}/admin/services/1" in listed
    found = json.loads(server.ok("check", "coverage", "--json"))
    assert found["counts"]["service_without_policy"] == 1
    assert server.run("check", "coverage", "--fail").returncode == 1


def test_simulate_a_payload_says_nobody_is_paged_without_a_policy(
    server: Remote, tmp_path: Path
) -> None:
    payload = tmp_path / "alert.json"
    payload.write_text(json.dumps(firing("DiskFull")))
    said = server.ok(
        "simulate",
        "--service",
        "1",
        "--payload",
        str(payload),
        "--type",
        "alertmanager",
        "--at",
        "2026-03-01T03:00",
        "--zone",
        "Europe/Berlin",
    )
    assert "event 1 'DiskFull" in said
    assert "its service has no escalation policy" in said
    assert "nobody would be paged" in said


def test_simulate_refuses_a_zone_that_does_not_exist(server: Remote) -> None:
    said = server.error("simulate", "--service", "1", "--zone", "Mars/Olympus")
    assert "zone" in said
