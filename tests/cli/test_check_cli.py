"""`watchkeeper check ...` as separate processes against the real server, whose engine
runs the check against a real HTTP peer on loopback."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.checkpeers import WebPeer, web_peer
from tests.cli.remote import Remote, remote_server
from tests.e2e.peers import wait_for

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Remote]:
    allow = {"WATCHKEEPER_CHECKS_ALLOW_CIDRS": "127.0.0.0/8"}
    with remote_server(tmp_path_factory, prefix=("check",), env=allow) as started:
        started.post("/api/v1/services", {"name": "Shop"})
        yield started


@pytest.fixture(scope="module")
def web() -> Iterator[WebPeer]:
    with web_peer() as peer:
        yield peer


def test_a_check_added_from_yaml_runs_and_shows_its_uptime(
    server: Remote, web: WebPeer, tmp_path: Path
) -> None:
    definition = tmp_path / "checks.yaml"
    definition.write_text(
        "- kind: http\n"
        "  name: shop health\n"
        "  service_id: 1\n"
        f"  url: {web.url}\n"
        "  keyword: all good\n"
        "  interval_seconds: 10\n"
        "  timeout_seconds: 2\n"
    )
    added = server.ok("add", str(definition))
    assert added.startswith("check #1 shop health added (http http://127.0.0.1:")

    def ran() -> dict[str, object] | None:
        shown = json.loads(server.ok("show", "1", "--json"))
        return shown if shown["check"]["status"] == "up" else None

    shown = wait_for(ran, what="the check's first run", timeout=30)
    assert shown["uptime"]["24h"] == 100.0  # type: ignore[index]
    listed = server.ok("list")
    assert "shop health" in listed
    assert " up " in listed
    assert server.ok("pause", "1").strip() == "check #1 shop health paused"
    assert server.ok("delete", "1").strip() == "check #1 deleted"


def test_a_definition_the_server_refuses_says_why(server: Remote, tmp_path: Path) -> None:
    definition = tmp_path / "bad.yaml"
    definition.write_text("kind: http\nname: x\nservice_id: 1\nurl: ftp://x\n")
    error = server.error("add", str(definition))
    assert error.startswith("error: Url: must be an http or https URL with a host")
