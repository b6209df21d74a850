"""The audit log: every change made by a person or a token leaves a row saying who, from
where, and what changed (secrets redacted); refused attempts leave one too."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from starlette.testclient import TestClient

from tests.factories import Person, bearer, browser_login, make_person
from tests.scenarios.harness import Harness
from watchkeeper.catalog.users.roles import Role
from watchkeeper.core.clock import FrozenClock
from watchkeeper.db.audit.models import AuditEntry
from watchkeeper.db.session import Database
from watchkeeper.engine.modules.audit_retention import AuditRetention


def _entries(db: Database) -> list[AuditEntry]:
    with db.transaction(write=False) as session:
        return list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def _change(entry: AuditEntry, table: str) -> dict[str, Any]:
    [change] = [c for c in entry.changes if c["table"] == table]
    return change


def test_renaming_a_service_records_who_from_where_and_the_fields_before_and_after(
    client: TestClient, db: Database, admin: Person
) -> None:
    created = client.post(
        "/api/v1/services",
        json={"name": "Web"},
        headers=bearer(admin) | {"User-Agent": "ops-cli/1"},
    )
    service_id = created.json()["id"]
    client.patch(
        f"/api/v1/services/{service_id}", json={"name": "Storefront"}, headers=bearer(admin)
    )
    first, second = _entries(db)
    assert (first.actor_login, first.via, first.method) == (admin.login, "token", "POST")
    assert first.route == "/api/v1/services"
    assert first.user_agent == "ops-cli/1"
    assert first.ip == "testclient"
    assert first.token_id is not None
    assert _change(first, "services")["op"] == "insert"
    assert _change(first, "services")["after"]["name"] == "Web"
    rename = _change(second, "services")
    assert second.route == "/api/v1/services/{service_id}"
    assert second.path == f"/api/v1/services/{service_id}"
    assert rename["id"] == service_id
    assert rename["before"]["name"] == "Web"
    assert rename["after"]["name"] == "Storefront"
    assert second.status is None  # recorded with the change, in its transaction


def test_a_rotated_key_is_recorded_without_the_key(
    client: TestClient, db: Database, admin: Person
) -> None:
    service = client.post("/api/v1/services", json={"name": "Web"}, headers=bearer(admin)).json()
    made = client.post(
        f"/api/v1/services/{service['id']}/integrations",
        json={"type": "alertmanager", "name": "AM"},
        headers=bearer(admin),
    ).json()
    rotated = client.post(f"/api/v1/integrations/{made['id']}/rotate", headers=bearer(admin))
    entry = _entries(db)[-1]
    change = _change(entry, "integrations")
    assert change["after"]["key_hash"] == "[redacted]"
    assert change["before"]["key_hash"] == "[redacted]"
    text = str(entry.changes)
    assert rotated.json()["key"] not in text
    assert made["key"] not in text


def test_a_refused_change_is_recorded_with_its_status_and_changes_nothing(
    client: TestClient, db: Database, viewer: Person
) -> None:
    refused = client.post("/api/v1/services", json={"name": "Web"}, headers=bearer(viewer))
    assert refused.status_code == 403
    [entry] = _entries(db)
    assert (entry.actor_login, entry.status, entry.changes) == (viewer.login, 403, [])


def test_reading_and_unauthenticated_requests_leave_no_row(
    client: TestClient, db: Database, admin: Person
) -> None:
    client.get("/api/v1/services", headers=bearer(admin))
    client.post("/api/v1/services", json={"name": "Web"})
    assert _entries(db) == []


def test_the_engine_changes_nothing_in_the_audit_log(h: Harness) -> None:
    h.post("alertmanager", "alertmanager_firing.json")
    before = len(_entries(h.db))
    h.run_engine()
    assert h.incidents()
    assert len(_entries(h.db)) == before


def test_admins_filter_the_log_and_export_it_as_json_lines(
    client: TestClient, admin: Person, responder: Person
) -> None:
    client.post("/api/v1/services", json={"name": "Web"}, headers=bearer(admin))
    client.post(
        "/api/v1/incidents", json={"title": "x", "service_id": 999}, headers=bearer(responder)
    )
    mine = client.get("/api/v1/audit", params={"actor": responder.login}, headers=bearer(admin))
    assert [e["route"] for e in mine.json()["items"]] == ["/api/v1/incidents"]
    assert mine.json()["items"][0]["status"] == 422
    by_route = client.get("/api/v1/audit", params={"q": "services"}, headers=bearer(admin))
    assert [e["actor_login"] for e in by_route.json()["items"]] == [admin.login]
    exported = client.get("/api/v1/audit/export", headers=bearer(admin))
    assert exported.headers["content-type"] == "application/x-ndjson"
    lines = [json.loads(line) for line in exported.text.splitlines()]
    assert [line["actor_login"] for line in lines] == [admin.login, responder.login]
    assert client.get("/api/v1/audit", headers=bearer(responder)).status_code == 403
    naive = client.get("/api/v1/audit", params={"since": "2026-01-01T00:00"}, headers=bearer(admin))
    assert naive.status_code == 422


def _mutating_routes(client: TestClient) -> list[tuple[str, str]]:
    """Every state-changing operation in the OpenAPI, except intake: senders authenticate
    with an integration key, not as a person, and their events are the alert history."""
    paths = client.get("/openapi.json").json()["paths"]
    return [
        (method.upper(), path)
        for path, operations in paths.items()
        for method in operations
        if method in ("post", "put", "patch", "delete")
        and "{key}" not in path
        and not path.startswith("/v2/")
    ]


def test_every_mutating_route_leaves_an_audit_row(
    client: TestClient, db: Database, clock: FrozenClock
) -> None:
    routes = _mutating_routes(client)
    assert len(routes) > 50
    seeded = make_person(db, now=clock.now(), role=Role.ADMIN, login="seed")
    service = client.post("/api/v1/services", json={"name": "Web"}, headers=bearer(seeded))
    client.post(
        "/api/v1/incidents",
        json={"title": "Disk full", "service_id": service.json()["id"]},
        headers=bearer(seeded),
    )
    missing = []
    for number, (method, template) in enumerate(routes):
        # A fresh admin each time: some routes end the caller's own credentials.
        admin = make_person(db, now=clock.now(), role=Role.ADMIN, login=f"walker{number}")
        path = re.sub(r"\{[^}]+\}", "1", template)
        body: dict[str, Any] | None = None if method == "DELETE" else {}
        client.request(method, path, json=body, headers=bearer(admin))
        rows = [e for e in _entries(db) if e.actor_login == admin.login]
        if [e.route for e in rows] != [template] * len(rows) or not rows:
            missing.append((method, template, [e.route for e in rows]))
    assert missing == []


def test_the_audit_page_shows_who_changed_a_field_from_what_to_what(
    client: TestClient, admin: Person
) -> None:
    service = client.post("/api/v1/services", json={"name": "Web"}, headers=bearer(admin)).json()
    csrf = browser_login(client, admin.login)
    client.post(
        f"/admin/services/{service['id']}/alerting",
        data={"csrf_token": csrf, "group_window_minutes": "15"},
    )
    page = client.get("/admin/audit", params={"q": "alerting"})
    assert page.status_code == 200
    assert f"POST /admin/services/{service['id']}/alerting" in page.text
    assert '<th scope="row">group_window_minutes</th><td>60</td><td>15</td>' in page.text
    assert "session" in page.text


def test_rows_past_the_retention_are_deleted_by_the_engine(
    client: TestClient, db: Database, admin: Person, clock: FrozenClock
) -> None:
    client.post("/api/v1/services", json={"name": "Old"}, headers=bearer(admin))
    clock.advance(timedelta(days=200))
    client.post("/api/v1/services", json={"name": "New"}, headers=bearer(admin))
    module = AuditRetention(keep=timedelta(days=180))
    with db.transaction() as session:
        assert module.run_once(session, clock.now()) == 1
    [kept] = _entries(db)
    assert _change(kept, "services")["after"]["name"] == "New"
