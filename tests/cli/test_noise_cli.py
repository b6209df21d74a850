"""`watchkeeper rules test` and `watchkeeper silence ...` as separate processes against the
real server, over HTTP."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from tests.cli.remote import Remote, remote_server

pytestmark = pytest.mark.e2e

SAMPLE = {
    "version": "4",
    "status": "firing",
    "alerts": [
        {"status": "firing", "labels": {"alertname": "Slow", "job": "batch"}},
        {"status": "firing", "labels": {"alertname": "Disk", "team": "db"}},
    ],
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Remote]:
    with remote_server(tmp_path_factory) as started:
        started.post("/api/v1/services", {"name": "Web"})
        yield started


def test_a_silence_is_created_listed_and_expired(server: Remote) -> None:
    created = server.ok(
        "silence",
        "create",
        "--matcher",
        'alertname="Disk"',
        "--matcher",
        'env=~"prod.*"',
        "--duration",
        "2h",
        "--comment",
        "swapping [disk]",
        "--service",
        "1",
    )
    found = re.fullmatch(
        r'silence #(\d+) active until \d{4}-\d\d-\d\d \d\d:\d\d UTC: alertname="Disk" '
        r'env=~"prod\.\*"\n',
        created,
    )
    assert found, created
    number = found.group(1)
    assert re.search(
        rf"^ ?{number}\s+active\s+.*swapping \[disk\]", server.ok("silence", "list"), re.M
    )
    listed = {str(item["id"]): item for item in json.loads(server.ok("silence", "list", "--json"))}
    assert (listed[number]["comment"], listed[number]["service_id"]) == ("swapping [disk]", 1)
    expired = server.ok("silence", "expire", number)
    assert expired.startswith(f"silence #{number} expired at ")
    still = json.loads(server.ok("silence", "list", "--json"))
    assert number not in [str(item["id"]) for item in still]
    assert re.search(rf"^ ?{number}\s+expired\s", server.ok("silence", "list", "--all"), re.M)


def test_until_takes_a_time_with_an_offset(server: Remote) -> None:
    paris = timezone(timedelta(hours=1))
    until = (datetime.now(paris) + timedelta(days=3)).replace(microsecond=0)
    created = json.loads(
        server.ok(
            "silence",
            "create",
            "--matcher",
            'job="backup"',
            "--until",
            until.isoformat(),
            "--comment",
            "backups move",
            "--json",
        )
    )
    assert datetime.fromisoformat(created["ends_at"]) == until
    assert created["state"] == "active"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--matcher", "alertname=Disk", "--duration", "1h"], "not a matcher"),
        (["--matcher", 'a="b"', "--duration", "2x"], "error: not a duration: '2x'"),
        (["--matcher", 'a="b"'], "error: give either --duration or --until"),
        (["--matcher", 'a="b"', "--duration", "1h", "--until", "2099-01-01"], "give either"),
        (["--matcher", 'a="b"', "--until", "2099-01-01T00:00"], "needs a time zone offset"),
        (["--matcher", 'a="b"', "--duration", "91d"], "at most 90 days"),
    ],
)
def test_silence_refusals_are_one_error_line(server: Remote, args: list[str], message: str) -> None:
    assert message in server.error("silence", "create", "--comment", "c", *args)


def test_expiring_an_unknown_silence_says_so(server: Remote) -> None:
    assert server.error("silence", "expire", "999") == "error: no silence 999"


def test_rules_test_prints_labels_rules_and_verdicts(server: Remote, tmp_path: Path) -> None:
    server.post(
        "/api/v1/routing-rules",
        {"name": "batch", "matchers": ['job="batch"'], "drop": True},
    )
    server.post(
        "/api/v1/routing-rules",
        {"name": "db", "matchers": ['team="db"'], "set_urgency": 1, "add_tags": ["db"]},
    )
    sample = tmp_path / "sample.json"
    sample.write_text(json.dumps(SAMPLE))
    shown = server.ok("rules", "test", str(sample), "--type", "alertmanager", "--service", "1")
    first, second = shown.split("event 2: ")
    assert re.search(r"rules\s+#1 'batch' \(drop\)", first), shown
    assert re.search(r"verdict\s+dropped: dropped by rule batch", first), shown
    assert re.search(r'labels\s+.*alertname="Disk".*team="db"', second), shown
    assert re.search(r"rules\s+#2 'db' \(urgency 1, tags db\)", second), shown
    assert re.search(r"verdict\s+page: opens or joins", second), shown
    # impact from the service's default (1), urgency from the rule
    assert re.search(r"levels\s+impact 1, urgency 1", second), shown
    as_json = json.loads(
        server.ok(
            "rules", "test", str(sample), "--type", "alertmanager", "--service", "1", "--json"
        )
    )
    assert [event["verdict"] for event in as_json["events"]] == ["dropped", "page"]


def test_rules_test_refusals_are_one_error_line(server: Remote, tmp_path: Path) -> None:
    missing = tmp_path / "missing.json"
    assert server.error("rules", "test", str(missing), "--type", "generic", "--service", "1") == (
        f"error: cannot read {missing}: No such file or directory"
    )
    broken = tmp_path / "broken.json"
    broken.write_text('{"version": "4"}')
    refused = server.error("rules", "test", str(broken), "--type", "alertmanager", "--service", "1")
    assert refused == "error: the payload is not valid: body.payload.alerts: is required"
    unknown = server.error("rules", "test", str(broken), "--type", "generic", "--service", "9")
    assert unknown == "error: no service 9; service_id: no such service"
