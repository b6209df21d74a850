"""`watchkeeper subscriber ...` and `watchkeeper stakeholder ...` as separate processes
against the real server."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from tests.cli.remote import Remote, remote_server

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Remote]:
    with remote_server(tmp_path_factory) as started:
        started.post("/api/v1/status-pages", {"slug": "acme", "title": "Acme"})
        yield started


def test_subscribers_are_added_listed_exported_and_removed(server: Remote) -> None:
    assert server.ok("subscriber", "add", "acme", "--email", "ann@example.com") == (
        "confirmation link sent\n"
    )
    [row] = json.loads(server.ok("subscriber", "list", "acme", "--json"))
    assert (row["address"], row["confirmed"]) == ("ann@example.com", False)
    exported = server.ok("subscriber", "export", "acme")
    assert exported.splitlines()[1].split(",")[2] == "ann@example.com"
    assert server.ok("subscriber", "remove", "acme", str(row["id"])) == (
        f"subscriber {row['id']} removed\n"
    )
    assert json.loads(server.ok("subscriber", "list", "acme", "--json")) == []


def test_a_stakeholder_is_added_and_an_update_sent(server: Remote) -> None:
    service = server.post("/api/v1/services", {"name": "checkout"})
    incident = server.post(
        "/api/v1/incidents",
        {"title": "Checkout down", "service_id": service["id"], "impact": 1, "urgency": 1},
    )
    number = str(incident["id"])
    added = server.ok("stakeholder", "add", number, "--email", "cfo@example.com")
    assert added.startswith("stakeholder ")
    assert added.endswith(": cfo@example.com\n")
    listed = server.ok("stakeholder", "list", number)
    assert "cfo@example.com" in listed
    assert "next update due in" in listed
    sent = server.ok("stakeholder", "update", number, "--body", "Rolling back.")
    assert sent == f"sent to 1 addresses: Update on incident #{number}: Checkout down\n"
    assert "--user, --team and --email" in server.error("stakeholder", "add", number)
