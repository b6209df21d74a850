"""`watchkeeper report ...` as a separate process against the real server, over HTTP."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import httpx2
import pytest

from tests.cli.remote import Remote, remote_server

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def remote(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Remote]:
    with remote_server(tmp_path_factory, prefix=("report",)) as started:
        service = started.post("/api/v1/services", {"name": "Web"})
        incident = started.post(
            "/api/v1/incidents", {"title": "Slow pages", "service_id": service["id"]}
        )
        acknowledged = httpx2.post(
            f"{started.server.url}/api/v1/incidents/{incident['number']}/acknowledge",
            headers={"Authorization": f"Bearer {started.token}"},
        )
        assert acknowledged.status_code == 200, acknowledged.text
        yield started


def test_mtta_by_service_is_a_table_with_a_row_per_service(remote: Remote) -> None:
    out = remote.ok("mtta", "--since", "30d", "--by", "service")
    assert "MTTA" in out
    assert re.search(r"^\s*Web\s+1\s+\d+s\s+\d+s\s+\d+s\s+new\s*$", out, re.M), out


def test_mtta_as_json_is_the_api_answer(remote: Remote) -> None:
    data = json.loads(remote.ok("mtta", "--since", "7d", "--by", "source", "--json"))
    assert [(g["label"], g["count"], g["acknowledged"]) for g in data["groups"]] == [
        ("by hand", 1, 1)
    ]


def test_a_bad_range_is_one_error_line(remote: Remote) -> None:
    assert "since" in remote.error("mttr", "--since", "a month")


def test_sla_prints_compliance_per_priority(remote: Remote) -> None:
    out = remote.ok("sla", "--since", "7d")
    assert re.search(r"^\s*P5\s+1\s+100\.0%\s+0\s+-\s+0\s+0\s+0\s*$", out, re.M), out


def test_noise_and_load_print_their_tables(remote: Remote) -> None:
    assert "Noisiest alerts" in remote.ok("noise", "--since", "7d")
    out = remote.ok("load", "--since", "7d")
    assert "On-call load" in out
    assert "Rotations" in out


def test_response_has_mtta_mttr_and_mtbf_together(remote: Remote) -> None:
    out = remote.ok("response", "--by", "all")
    assert re.search(r"mtta mean.*mttr mean.*mtbf", out, re.S), out


def test_follow_through_prints_postmortems_and_action_items(remote: Remote) -> None:
    out = remote.ok("follow-through", "--since", "7d")
    assert "Postmortems: 0 of 0 published (0 on time), 0 overdue, 0 not due yet" in out
    assert "Action items" in out
    data = json.loads(remote.ok("follow-through", "--json"))
    assert data["actions"]["created"] == 0
