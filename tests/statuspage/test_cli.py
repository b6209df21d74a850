"""`watchkeeper status-page ...` as a separate process against the real server."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from tests.cli.remote import Remote, remote_server

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Remote]:
    with remote_server(tmp_path_factory) as started:
        page = started.post("/api/v1/status-pages", {"slug": "acme", "title": "Acme"})
        started.post(f"/api/v1/status-pages/{page['id']}/components", {"name": "API"})
        yield started


def test_pages_and_components_are_listed(server: Remote) -> None:
    assert "acme" in server.ok("status-page", "list")
    listed = json.loads(server.ok("status-page", "components", "acme", "--json"))
    assert [item["name"] for item in listed] == ["API"]


def test_a_status_is_set_by_hand_and_cleared(server: Remote) -> None:
    said = server.ok("status-page", "set-status", "acme", "1", "major_outage")
    assert said == "API: major_outage (by hand)\n"
    assert server.ok("status-page", "set-status", "acme", "1", "follow") == "API: operational\n"


def test_a_public_incident_is_posted_and_resolved(server: Remote) -> None:
    posted = server.ok(
        "status-page",
        "post",
        "acme",
        "--name",
        "API errors",
        "--body",
        "Looking.",
        "--affected",
        "1=partial_outage",
    )
    assert posted.startswith("public incident #")
    number = posted.split("#")[1].split()[0]
    resolved = server.ok(
        "status-page", "update", "acme", number, "--state", "resolved", "--body", "Fixed."
    )
    assert resolved == f"public incident #{number} resolved: API errors\n"


def test_a_bad_affected_value_is_refused_plainly(server: Remote) -> None:
    said = server.error(
        "status-page", "post", "acme", "--name", "x", "--body", "y", "--affected", "API"
    )
    assert "COMPONENT=STATUS" in said
