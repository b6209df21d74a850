"""`watchkeeper postmortem ...` and `watchkeeper action ...` as a separate process against
the real server, over HTTP."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.remote import Remote, remote_server

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def remote(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Remote]:
    with remote_server(tmp_path_factory) as started:
        started.post("/api/v1/services", {"name": "Web"})
        yield started


def _resolved(remote: Remote, title: str) -> int:
    created = remote.ok("incident", "create", title, "--service", "web", "--json")
    number = int(json.loads(created)["number"])
    remote.ok("incident", "resolve", str(number))
    return number


def test_a_postmortem_is_drafted_shown_and_exported(remote: Remote, tmp_path: Path) -> None:
    number = _resolved(remote, "Disk full on web-1")
    created = remote.ok("postmortem", "create", str(number))
    assert re.fullmatch(
        rf"postmortem \d+ of #{number} \(draft\): Postmortem: Disk full on web-1\n", created
    )
    shown = remote.ok("postmortem", "show", str(number))
    assert "Time to resolve:" in shown
    assert "## Root cause" in shown
    exported = remote.ok("postmortem", "export", str(number))
    assert exported.startswith("# Postmortem: Disk full on web-1\n")
    page = tmp_path / "pm.html"
    remote.ok("postmortem", "export", str(number), "--format", "html", "-o", str(page))
    assert "<h1>Postmortem: Disk full on web-1</h1>" in page.read_text()
    assert remote.error("postmortem", "create", str(number)).startswith(
        f"error: incident #{number} already has postmortem"
    )


def test_action_items_are_created_listed_and_done(remote: Remote) -> None:
    line = remote.ok("action", "create", "Rotate logs", "--owner", "1", "--due", "2099-01-02")
    match = re.fullmatch(r"(\d+) P3 open due 2099-01-02 admin: Rotate logs\n", line)
    assert match, line
    item = match.group(1)
    assert f"{item} P3 open due 2099-01-02 admin: Rotate logs" in remote.ok(
        "action", "list", "--mine"
    )
    assert remote.ok("action", "done", item).startswith(f"{item} P3 done")
    assert remote.error("action", "create", "x", "--owner", "1", "--due", "2000-01-01").startswith(
        "error: the due date 2000-01-01 is in the past"
    )


def test_a_problem_gathers_incidents(remote: Remote) -> None:
    first = _resolved(remote, "Pool exhausted")
    second = _resolved(remote, "Pool exhausted again")
    created = remote.ok("problem", "create", "Pool too small", "--incident", str(first))
    match = re.fullmatch(r"PRB-(\d+) new \(1 incidents\): Pool too small\n", created)
    assert match, created
    linked = remote.ok("problem", "link", match.group(1), "--incident", str(second))
    assert "(2 incidents)" in linked
    shown = remote.ok("problem", "show", match.group(1))
    assert f"#{second} P5 resolved: Pool exhausted again" in shown
    assert "Pool too small" in remote.ok("problem", "list", "--status", "new")
