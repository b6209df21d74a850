"""`watchkeeper kb ...` as a separate process against the real server, over HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.remote import Remote, remote_server

pytestmark = pytest.mark.e2e

DISK = """---
title: Disk full
tags: [storage]
links:
  services: [web]
  alerts: ['alertname="DiskFull"']
---
Free space on `/var` first.
"""


@pytest.fixture(scope="module")
def remote(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Remote]:
    with remote_server(tmp_path_factory) as started:
        started.post("/api/v1/services", {"name": "Web"})
        yield started


def test_a_folder_is_imported_again_without_change_and_exported_back(
    remote: Remote, tmp_path: Path
) -> None:
    runbooks = tmp_path / "runbooks"
    (runbooks / "net").mkdir(parents=True)
    (runbooks / "disk.md").write_text(DISK)
    (runbooks / "net" / "dns.md").write_text("---\ntitle: DNS fails\n---\nCheck resolv.conf\n")
    assert remote.ok("kb", "import", str(runbooks)) == (
        "2 created\n  disk.md\n  net/dns.md\n0 updated\n0 unchanged\n"
    )
    assert remote.ok("kb", "import", str(runbooks)) == "0 created\n0 updated\n2 unchanged\n"
    assert "Disk full" in remote.ok("kb", "search", "var")
    out = tmp_path / "out"
    assert remote.ok("kb", "export", str(out)) == f"2 articles written to {out}\n"
    exported = (out / "disk.md").read_text()
    assert "title: Disk full" in exported
    assert "- Web" in exported
    assert exported.endswith("Free space on `/var` first.\n")


def test_a_file_without_a_title_stops_the_import_naming_it(remote: Remote, tmp_path: Path) -> None:
    (tmp_path / "fine.md").write_text("---\ntitle: Fine\n---\nok\n")
    (tmp_path / "untitled.md").write_text("---\ntags: [x]\n---\nno title here\n")
    assert remote.error("kb", "import", str(tmp_path)) == (
        "error: untitled.md: title: missing; give it in the front matter (title: ...);"
        " nothing was imported"
    )
    assert "Fine" not in remote.ok("kb", "list")


def test_a_plan_is_applied_from_a_file_twice_without_duplicating_it(
    remote: Remote, tmp_path: Path
) -> None:
    plan = tmp_path / "disk.yaml"
    plan.write_text(
        "name: Disk full\npriority_max: 2\nmatchers: ['alertname=\"DiskFull\"']\n"
        "steps:\n  - text: Free space\n    role: commander\n"
    )
    assert remote.ok("response-plan", "apply", str(plan)).endswith(
        'Disk full: P1-P2, alertname="DiskFull"; 1 steps\n'
    )
    plan.write_text(plan.read_text() + "  - text: Tell support\n")
    remote.ok("response-plan", "apply", str(plan))
    listed = remote.ok("response-plan", "list")
    assert listed.count("Disk full") == 1
    assert "2 steps" in listed
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: Bad\nservice_id: 999\n")
    assert remote.error("response-plan", "apply", str(bad)) == (
        "error: no service 999; nothing was changed; service_id: no such service"
    )
