"""Text with NUL, lone surrogates or terminal controls is refused with 422 and stores nothing."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from tests.factories import Person, bearer
from tests.web.conftest import Snapshot


@pytest.fixture
def service_id(client: TestClient, admin: Person) -> int:
    response = client.post("/api/v1/services", json={"name": "Web"}, headers=bearer(admin))
    return int(response.json()["id"])


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b'"Disk \\u0000 full"', "NUL"),
        (b'"Disk \\ud800 full"', "surrogate"),
        (b'"Disk \\u001b[2J full"', "U+001B"),
        (b'"Disk \\u0007 full"', "U+0007"),
    ],
)
def test_a_title_with_characters_no_stage_can_hold_is_422_and_stores_nothing(
    client: TestClient,
    admin: Person,
    service_id: int,
    snapshot: Snapshot,
    raw: bytes,
    message: str,
) -> None:
    before = snapshot()
    body = b'{"title": ' + raw + b', "service_id": ' + str(service_id).encode() + b"}"
    response = client.post(
        "/api/v1/incidents",
        content=body,
        headers={**bearer(admin), "content-type": "application/json"},
    )
    assert response.status_code == 422, response.text
    [error] = response.json()["errors"]
    assert error["location"] == "body.title"
    assert message in error["detail"]
    assert snapshot() == before


def test_nested_text_and_keys_are_checked_too(
    client: TestClient, admin: Person, service_id: int
) -> None:
    response = client.patch(
        f"/api/v1/services/{service_id}",
        json={"group_by": ["alertname", "env\x00"]},
        headers=bearer(admin),
    )
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["location"] == "body.group_by.1"


def test_a_query_with_a_nul_is_422(client: TestClient, admin: Person) -> None:
    response = client.get("/api/v1/incidents?q=disk%00full", headers=bearer(admin))
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["location"] == "query.q"


def test_line_breaks_and_tabs_in_a_description_are_ordinary_text(
    client: TestClient, admin: Person, service_id: int
) -> None:
    text = "Steps:\r\n\t1. look\n\t2. fix"
    response = client.post(
        "/api/v1/incidents",
        json={"title": "Disk full", "service_id": service_id, "description": text},
        headers=bearer(admin),
    )
    assert response.status_code == 201, response.text
    # Accepted as text; line breaks are stored as LF (docs/api.md, Conventions).
    assert response.json()["description"] == "Steps:\n\t1. look\n\t2. fix"
