"""`watchkeeper audit list` and `export` as separate processes against the real server."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from tests.cli.remote import Remote, remote_server

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Remote]:
    with remote_server(tmp_path_factory) as started:
        started.post("/api/v1/services", {"name": "Web"})
        started.post("/api/v1/teams", {"name": "SRE"})
        yield started


def test_an_admin_reads_who_changed_what(server: Remote) -> None:
    listed = server.ok("audit", "list", "--what", "teams")
    assert "POST /api/v1/teams" in listed
    assert "insert teams" in listed
    assert "/api/v1/services" not in listed
    as_json = json.loads(server.ok("audit", "list", "--json", "--since", "1h"))
    assert [e["route"] for e in as_json] == ["/api/v1/teams", "/api/v1/services"]


def test_the_export_is_json_lines_oldest_first(server: Remote) -> None:
    lines = [json.loads(line) for line in server.ok("audit", "export").splitlines()]
    assert [e["route"] for e in lines][:2] == ["/api/v1/services", "/api/v1/teams"]
    assert all(e["actor_login"] == lines[0]["actor_login"] for e in lines)


def test_a_bad_duration_is_a_readable_error(server: Remote) -> None:
    assert "30x" in server.error("audit", "list", "--since", "30x")
