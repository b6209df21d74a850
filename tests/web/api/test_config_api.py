"""`/api/v1/config`: plan and apply for CI pipelines with an admin token, the schema."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from tests.factories import Person, bearer

CONFIG = """\
teams:
  - name: Search
services:
  - name: Indexer
    owner_team: Search
    tags: [search]
"""
YAML = {"content-type": "application/yaml"}


def test_plan_then_apply_then_the_plan_is_empty(client: TestClient, admin: Person) -> None:
    headers = {**bearer(admin), **YAML}
    planned = client.post("/api/v1/config/plan", content=CONFIG, headers=headers)
    assert planned.status_code == 200, planned.text
    assert planned.json()["counts"] == {"create": 2, "update": 0, "delete": 0}
    applied = client.post("/api/v1/config/apply", content=CONFIG, headers=headers)
    assert applied.status_code == 200, applied.text
    again = client.post("/api/v1/config/plan", content=CONFIG, headers=headers)
    assert again.json()["changes"] == []
    exported = client.get("/api/v1/config/export", headers=bearer(admin)).json()
    assert exported["services"][0]["owner_team"] == "Search"


def test_errors_name_line_and_field_and_change_nothing(
    client: TestClient, admin: Person, snapshot: Any
) -> None:
    before = snapshot()
    bad = CONFIG.replace("owner_team: Search", "owner_team: Nobody")
    refused = client.post("/api/v1/config/apply", content=bad, headers={**bearer(admin), **YAML})
    assert refused.status_code == 422
    [error] = refused.json()["errors"]
    assert error["location"] == "body.services.0.owner_team"
    assert error["detail"] == "line 5: unknown team 'Nobody' (Indexer)"
    assert snapshot() == before


def test_only_admins_may_plan_or_apply(client: TestClient, responder: Person) -> None:
    headers = {**bearer(responder), **YAML}
    assert client.post("/api/v1/config/plan", content=CONFIG, headers=headers).status_code == 403
    assert client.post("/api/v1/config/apply", content=CONFIG).status_code == 401


def test_the_schema_is_public(client: TestClient) -> None:
    schema = client.get("/api/v1/config/schema").json()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert set(schema["properties"]) >= {"users", "teams", "services", "escalation_policies"}
