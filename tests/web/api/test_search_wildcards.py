"""`q` filters match `%` and `_` as the characters they are, never as LIKE wildcards."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.factories import Person, bearer
from tests.scenarios.harness import Harness


def _found(client: TestClient, person: Person, path: str, q: str, field: str) -> list[Any]:
    response = client.get(path, params={"q": q}, headers=bearer(person))
    assert response.status_code == 200, response.text
    return sorted(item[field] for item in response.json()["items"])


def _create(client: TestClient, admin: Person, path: str, body: dict[str, Any]) -> None:
    response = client.post(path, json=body, headers=bearer(admin))
    assert response.status_code == 201, response.text


def test_users_search_takes_percent_and_underscore_literally(
    client: TestClient, admin: Person
) -> None:
    for login, name in (("a_b", "Half Full"), ("axb", "Full 100% Name"), ("abc", "Full 1000")):
        _create(client, admin, "/api/v1/users", {"login": login, "name": name})
    assert _found(client, admin, "/api/v1/users", "_", "login") == ["a_b"]
    assert _found(client, admin, "/api/v1/users", "a_b", "login") == ["a_b"]
    assert _found(client, admin, "/api/v1/users", "%", "login") == ["axb"]
    assert _found(client, admin, "/api/v1/users", "100%", "login") == ["axb"]
    assert _found(client, admin, "/api/v1/users", "\\", "login") == []


@pytest.mark.parametrize(
    ("path", "field"),
    [("/api/v1/teams", "name"), ("/api/v1/services", "name"), ("/api/v1/schedules", "name")],
)
def test_name_searches_take_percent_and_underscore_literally(
    client: TestClient, admin: Person, path: str, field: str
) -> None:
    extra = {"time_zone": "UTC"} if path.endswith("schedules") else {}
    for name in ("ops_eu", "opsXeu", "100% uptime", "1000 uptime"):
        _create(client, admin, path, {"name": name, **extra})
    assert _found(client, admin, path, "s_e", field) == ["ops_eu"]
    assert _found(client, admin, path, "%", field) == ["100% uptime"]
    assert _found(client, admin, path, "0% u", field) == ["100% uptime"]


def test_alert_search_takes_percent_and_underscore_literally(h: Harness) -> None:
    summaries = ("disk 100% full", "disk 1000 full", "queue_depth high", "queueXdepth high")
    for number, summary in enumerate(summaries):
        event = {"summary": summary, "source": "node", "dedup_key": f"alert-{number}"}
        assert h.post("events", event).status_code == 202
    h.run_engine()
    assert _found(h.client, h.admin, "/api/v1/alerts", "0% f", "summary") == ["disk 100% full"]
    assert _found(h.client, h.admin, "/api/v1/alerts", "e_d", "summary") == ["queue_depth high"]
